"""Numbers and money as people write them in Bahasa Indonesia and English, kept as Decimal."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_currency, format_decimal

from core.errors import UserError


class NumberError(UserError):
    """A number or amount that could not be read."""


# The Money column is NUMERIC(20, 4): at most 16 digits before the decimal mark.
LARGEST = Decimal(10) ** 16


def bounded(value: Decimal, text: str) -> Decimal:
    """`value` if a figure column can hold it, else a refusal that quotes what was written."""
    if abs(value) >= LARGEST:
        raise NumberError("number.too_large", text=text.strip()[:40])
    return value


# Multipliers; "M" is miliar in Indonesian but million in English, "m" is always million.
_MULTIPLIERS: dict[str, int] = {
    "ribu": 10**3, "rb": 10**3, "rbu": 10**3, "k": 10**3, "thousand": 10**3,
    "juta": 10**6, "jt": 10**6, "m": 10**6, "mn": 10**6, "mio": 10**6, "million": 10**6,
    "miliar": 10**9, "milyar": 10**9, "b": 10**9, "bn": 10**9, "billion": 10**9,
    "triliun": 10**12, "trilyun": 10**12, "t": 10**12, "trillion": 10**12,
}  # fmt: skip
MULTIPLIER_WORDS = "|".join(sorted(_MULTIPLIERS, key=len, reverse=True))

_AMOUNT = re.compile(
    rf"(?:(?P<cur>rp|idr)\.?\s*)?(?P<num>\d[\d.,]*)\s*(?P<mult>{MULTIPLIER_WORDS})?\.?"
    r"\s*(?P<suffix>rupiah|idr)?\s*(?:,-)?",
    re.IGNORECASE,
)


def parse_amount(text: str, *, lang: str = "id") -> Decimal:
    """The amount `text` writes ("2,5 jt", "Rp2.500.000", "1,5 M", "10k"); raises NumberError."""
    m = _AMOUNT.fullmatch(text.strip())
    if m is None:
        raise NumberError("number.not_understood", text=text)
    if (m["cur"] or "").lower() == "rp":
        lang = "id"  # "Rp 1,5 M" is written the Indonesian way whoever reads it
    value = read_number(m["num"], lang)
    if value is None:
        raise NumberError("number.not_understood", text=text)
    if m["mult"]:
        value *= multiplier(m["mult"], lang)
    return tidy(bounded(value, text))


def read_number(digits: str, lang: str) -> Decimal | None:
    """Digits with thousands and decimal separators read by the rules of `lang`, or None."""
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal_mark = "." if digits.rfind(".") > digits.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        whole, _, fraction = digits.rpartition(decimal_mark)
        if decimal_mark in whole or not _grouped(whole, group_mark):
            return None
        return _decimal(whole.replace(group_mark, ""), fraction)
    if dots or commas:
        mark = "." if dots else ","
        parts = digits.split(mark)
        if len(parts) > 2:
            return _decimal("".join(parts), "") if _grouped(digits, mark) else None
        whole, fraction = parts
        # "2.500" is 2500 in Indonesian and 2.5 in English; "2,500" the other way round.
        thousands = (mark == ".") == (lang == "id")
        if thousands and len(fraction) == 3 and whole:
            return _decimal(whole + fraction, "")
        return _decimal(whole, fraction)
    return _decimal(digits, "")


def _grouped(digits: str, mark: str) -> bool:
    groups = digits.split(mark)
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _decimal(whole: str, fraction: str) -> Decimal | None:
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        return None
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


def multiplier(word: str, lang: str) -> int:
    """What a word after a number multiplies it by ("jt" a million, "M" miliar in Indonesian)."""
    if word == "M" and lang == "id":
        return 10**9  # miliar
    return _MULTIPLIERS[word.lower()]


def tidy(value: Decimal) -> Decimal:
    """Whole amounts without a trailing ".0" from the multiplication."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def format_amount(value: Decimal, *, lang: str, currency: str = "IDR") -> str:
    """Money in the person's language: "Rp2.500.000" or "IDR 2,500,000"."""
    locale = "id_ID" if lang == "id" else "en"
    if currency != "IDR":
        return format_currency(value, currency, locale=locale)
    # Rupiah has no coins in use, so no decimals; English readers expect a space after "IDR".
    pattern = "¤#,##0" if lang == "id" else "¤ #,##0"
    return format_currency(value, "IDR", format=pattern, locale=locale, currency_digits=False)


def format_figure(value: Decimal, unit: str, *, lang: str) -> str:
    """A figure from an update: money as money ("Rp2.500.000"), anything else as number and unit."""
    if unit == "IDR":
        return format_amount(value, lang=lang)
    return f"{format_number(value, lang=lang)} {unit}".rstrip()


def format_number(value: Decimal, *, lang: str) -> str:
    """A plain number in the person's language: "2.500,5" or "2,500.5"."""
    return format_decimal(value, locale="id_ID" if lang == "id" else "en")
