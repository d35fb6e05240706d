"""Numbers, money and durations as people write them in Bahasa Indonesia and English.

Amounts are kept as Decimal; durations ("2j", "1 jam 30 menit") as timedelta.
"""

from __future__ import annotations

import functools
import re
from datetime import timedelta
from decimal import Decimal

from babel.numbers import format_currency, format_decimal

from core.errors import UserError
from core.language.phrases import MomentError

# The longest duration (a snooze, a meeting's length) anyone means.
LONGEST = timedelta(days=366)


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
    return _amount(str(value), lang, currency)


# Babel looks its locale data up again on every call, and a morning's digests write the same
# few numbers thousands of times; keyed by the text so 5 and 5.00 stay apart.
@functools.lru_cache(maxsize=4096)
def _amount(value: str, lang: str, currency: str) -> str:
    locale = "id_ID" if lang == "id" else "en"
    if currency != "IDR":
        return format_currency(Decimal(value), currency, locale=locale)
    # Rupiah has no coins in use, so no decimals; English readers expect a space after "IDR".
    pattern = "¤#,##0" if lang == "id" else "¤ #,##0"
    return format_currency(
        Decimal(value), "IDR", format=pattern, locale=locale, currency_digits=False
    )


def format_figure(value: Decimal, unit: str, *, lang: str) -> str:
    """A figure from an update: money as money ("Rp2.500.000"), anything else as number and unit."""
    if unit == "IDR":
        return format_amount(value, lang=lang)
    return f"{format_number(value, lang=lang)} {unit}".rstrip()


def format_number(value: Decimal, *, lang: str) -> str:
    """A plain number in the person's language: "2.500,5" or "2,500.5"."""
    return _number(str(value), lang)


@functools.lru_cache(maxsize=4096)
def _number(value: str, lang: str) -> str:
    return format_decimal(Decimal(value), locale="id_ID" if lang == "id" else "en")


# --- durations: how long, not when ----------------------------------------------------------

_DURATION_PART = (
    r"(?P<n{i}>\d+(?:[.,]\d+)?)"
    r"(?:\s*(?P<unit{i}>jam|hours?|hrs?|menit|mnt|minutes?|mins?|hari|days?)|(?P<glued{i}>j|h|m))"
    r"(?![^\W\d_])"
)
_DURATION = re.compile(
    rf"{_DURATION_PART.format(i=1)}(?:\s*(?:dan\s+|and\s+)?{_DURATION_PART.format(i=2)}"
    r"|(?<=[hj])(?P<n3>\d{1,2})(?![\w.,]))?"  # "1h30"
    r"|(?P<half>setengah\s+jam|half\s+an\s+hour)|(?P<sejam>sejam)",
    re.IGNORECASE,
)
_DURATION_MINUTES = {
    "j": 60, "jam": 60, "h": 60, "hour": 60, "hours": 60, "hr": 60, "hrs": 60,
    "m": 1, "menit": 1, "mnt": 1, "minute": 1, "minutes": 1, "min": 1, "mins": 1,
    "hari": 1440, "day": 1440, "days": 1440,
}  # fmt: skip
_MOMENT_AROUND = re.compile(r"\s+(?:lagi|kemudian|from\s+now|ago)\b", re.IGNORECASE)
_MOMENT_BEFORE = re.compile(r"\b(?:in|dalam)\s+$", re.IGNORECASE)


def parse_duration(phrase: str) -> timedelta:
    """How long `phrase` says: "2j", "90 menit", "1,5 jam", "1 jam 30 menit"; raises MomentError."""
    m = _DURATION.fullmatch(phrase.strip())
    duration = _duration_of(m) if m else None
    if duration is None:
        raise MomentError("duration.not_understood", phrase=phrase)
    return duration


def find_duration(text: str) -> tuple[int, int, timedelta] | None:
    """The first duration inside `text` as (start, end, duration), or None."""
    for m in _DURATION.finditer(text):
        if not _standalone(text, m.start(), m.end()):
            continue
        # "2 jam lagi" and "in 2 hours" are moments, not durations.
        if _MOMENT_AROUND.match(text, m.end()) or _MOMENT_BEFORE.search(text, 0, m.start()):
            continue
        duration = _duration_of(m)
        if duration is not None:
            return m.start(), m.end(), duration
    return None


def _standalone(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before in ".,:/-") and not (after.isalnum() or after in ":/")


def _duration_of(m: re.Match[str]) -> timedelta | None:
    if m["half"]:
        return timedelta(minutes=30)
    if m["sejam"]:
        return timedelta(hours=1)
    minutes = 0.0
    seen = set()
    for i in (1, 2):
        if m[f"n{i}"] is None:
            continue
        unit = (m[f"glued{i}"] or m[f"unit{i}"]).lower()
        size = _DURATION_MINUTES[unit]
        if size in seen:
            return None  # "1 jam 2 jam"
        seen.add(size)
        minutes += float(m[f"n{i}"].replace(",", ".")) * size
    if m["n3"]:
        if m["glued1"] is None or m["glued1"].lower() not in "hj" or m["n2"]:
            return None
        minutes += int(m["n3"])
    if minutes <= 0:
        return None
    if minutes > LONGEST.total_seconds() / 60:
        raise MomentError("duration.too_long", phrase=m.group(0), days=LONGEST.days)
    return timedelta(minutes=round(minutes))
