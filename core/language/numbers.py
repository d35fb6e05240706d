"""Numbers and money as people write them in Bahasa Indonesia and English, kept as Decimal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency, format_decimal

from core.errors import UserError
from core.language.calendar_words import MONTHS


class NumberError(UserError):
    """A number or amount that could not be read."""


# The Money column is NUMERIC(20, 4): at most 16 digits before the decimal mark.
LARGEST = Decimal(10) ** 16


def _bounded(value: Decimal, text: str) -> Decimal:
    """`value` if a figure column can hold it, else a refusal that quotes what was written."""
    if abs(value) >= LARGEST:
        raise NumberError("number.too_large", text=text.strip()[:40])
    return value


# Multipliers; "M" is miliar in Indonesian but million in English, "m" is always million.
_MULTIPLIERS: dict[str, int] = {
    "ribu": 10**3, "rb": 10**3, "k": 10**3, "thousand": 10**3,
    "juta": 10**6, "jt": 10**6, "m": 10**6, "mn": 10**6, "mio": 10**6, "million": 10**6,
    "miliar": 10**9, "milyar": 10**9, "b": 10**9, "bn": 10**9, "billion": 10**9,
    "triliun": 10**12, "trilyun": 10**12, "t": 10**12, "trillion": 10**12,
}  # fmt: skip
_MULTIPLIER = "|".join(sorted(_MULTIPLIERS, key=len, reverse=True))
_LETTER_MULTIPLIERS = frozenset(w for w in _MULTIPLIERS if len(w) == 1)

_AMOUNT = re.compile(
    rf"(?:(?P<cur>rp|idr)\.?\s*)?(?P<num>\d[\d.,]*)\s*(?P<mult>{_MULTIPLIER})?\.?"
    r"\s*(?P<suffix>rupiah|idr)?\s*(?:,-)?",
    re.IGNORECASE,
)
# Inside a text: the multiplier must end its word ("500rb", not "500rbx").
_QUANTITY = re.compile(
    rf"(?<![\w.,/:])(?:(?P<cur>rp|idr)\.?\s*)?(?P<num>\d+(?:[.,]\d+)*)"
    rf"(?:(?P<glued>{_MULTIPLIER})(?![^\W\d_])|\s+(?P<mult>{_MULTIPLIER})(?![^\W\d_]))?(?!\d)"
    r"(?:\s+(?P<suffix>rupiah))?(?P<percent>\s*%)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"\s*([^\W\d_][\w'-]*)")
_CLOCK_OR_DATE = re.compile(r"\d{1,2}[:.]\d{2}(?!\d)|\d{1,2}/\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4}")
# Words that end a unit: prepositions, conjunctions and auxiliaries in both languages.
_STOP_WORDS = frozenset(
    {"di", "ke", "dari", "untuk", "dan", "yang", "sudah", "telah", "sedang", "akan", "belum"}
    | {"masih", "dengan", "atau", "pada", "oleh", "serta", "per", "bagi", "kepada", "selesai"}
    | {"sebanyak", "sekitar", "hingga", "sampai", "dalam", "tiap", "setiap", "lagi", "juga"}
    | {"at", "to", "in", "for", "and", "of", "the", "were", "was", "are", "is", "have", "has"}
    | {"had", "been", "be", "by", "from", "with", "on", "each", "or", "into", "done", "total"}
    # Words that describe what was counted rather than name it: "12 KK baru", "30 new families".
    | {"baru", "lama", "lainnya", "lebih", "kurang", "saja", "new", "more", "other", "today"}
)
# Nouns that look like passive verbs.
_NOT_PASSIVE = frozenset(
    {"dinas", "dinding", "diesel", "diskon", "digital", "dirigen", "diare", "diabetes", "difteri"}
    | {"terminal", "teritori"}
)


def parse_amount(text: str, *, lang: str = "id") -> Decimal:
    """The amount `text` writes ("2,5 jt", "Rp2.500.000", "1,5 M", "10k"); raises NumberError."""
    m = _AMOUNT.fullmatch(text.strip())
    if m is None:
        raise NumberError("number.not_understood", text=text)
    if (m["cur"] or "").lower() == "rp":
        lang = "id"  # "Rp 1,5 M" is written the Indonesian way whoever reads it
    value = _read_number(m["num"], lang)
    if value is None:
        raise NumberError("number.not_understood", text=text)
    if m["mult"]:
        value *= _multiplier(m["mult"], lang)
    return _tidy(_bounded(value, text))


def _read_number(digits: str, lang: str) -> Decimal | None:
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


def _multiplier(word: str, lang: str) -> int:
    if word == "M" and lang == "id":
        return 10**9  # miliar
    return _MULTIPLIERS[word.lower()]


def _tidy(value: Decimal) -> Decimal:
    """Whole amounts without a trailing ".0" from the multiplication."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


@dataclass(frozen=True)
class Quantity:
    """A number found in a text, with what it counts ("paket sembako", "KK", "IDR" for money)."""

    value: Decimal
    unit: str
    start: int
    end: int  # character span in the text


def find_quantities(
    text: str, *, lang: str = "id", skip: list[tuple[int, int]] | None = None
) -> list[Quantity]:
    """The counted things and money in a field update; spans in `skip` (a moment) are left out."""
    found = []
    skip = skip or []
    for m in _QUANTITY.finditer(text):
        start, end = m.start(), m.end()
        if _overlaps(start, end, skip) or _part_of_moment(text, m):
            continue
        value = _read_number(m["num"], lang)
        if value is None:
            continue
        multiplier = m["glued"] or m["mult"]
        money = bool(m["cur"] or m["suffix"])
        if multiplier and (m["glued"] or money or multiplier.lower() not in _LETTER_MULTIPLIERS):
            value *= _multiplier(multiplier, lang)
        elif multiplier:
            end = m.end("num")  # "100 m jalan": a spaced letter is a unit, not a multiplier
        if m["percent"]:
            unit = "%"
        elif money:
            unit = "IDR"
        else:
            unit, end = _unit_after(text, end, skip)
        value = _bounded(value, text[start:end])
        found.append(Quantity(value=_tidy(value), unit=unit, start=start, end=end))
    return found


def _part_of_moment(text: str, m: re.Match[str]) -> bool:
    """Clock times, numeric dates and a day or year next to a month name are not quantities."""
    if m["cur"]:
        return False
    if _CLOCK_OR_DATE.match(text, m.start("num")):
        return True
    before = text[: m.start()].split()
    after = text[m.end() :].split()
    near = [w.strip(".,").lower() for w in (before[-1:] + after[:1])]
    return any(w in MONTHS for w in near)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


def _unit_after(text: str, pos: int, skip: list[tuple[int, int]]) -> tuple[str, int]:
    """The one to three words after a number that say what it counts, and where they end."""
    words: list[str] = []
    end = pos
    while len(words) < 3:
        m = _WORD.match(text, end)
        if m is None or _ends_unit(m.group(1)) or _overlaps(m.start(1), m.end(1), skip):
            break
        words.append(m.group(1))
        end = m.end()
    return " ".join(words), end


def _ends_unit(word: str) -> bool:
    lower = word.lower()
    if lower in _STOP_WORDS:
        return True
    if lower in _NOT_PASSIVE:
        return False
    # Passive verbs: disalurkan, diterima, didata, terdata, tersalurkan; delivered, registered.
    passive_id = (lower.startswith("di") and len(lower) >= 5) or (
        lower.startswith("ter") and len(lower) >= 7
    )
    # Active verbs: mengungsi, menerima, membagikan, berangkat (but not beras, mesin, meja).
    active_id = lower.startswith(("me", "ber")) and len(lower) >= 7
    passive_en = lower.endswith("ed") and len(lower) >= 5 and not lower.endswith("eed")
    return passive_id or active_id or passive_en


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
