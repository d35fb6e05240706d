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


# Numbers written in words, as a field worker types them on a phone: "dua puluh paket",
# "lima ratus ribu", "twelve families". "satu"/"one" alone are articles far more often
# than counts ("salah satu warga", "one of the villages"), so they are read only in a compound.
_WORD_DIGITS: dict[str, int] = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11,
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORD_GROUPS = {
    "ribu": 10**3, "thousand": 10**3, "juta": 10**6, "million": 10**6,
    "miliar": 10**9, "milyar": 10**9, "billion": 10**9,
}  # fmt: skip
_SE_GROUPS = {"seribu": "ribu", "sejuta": "juta", "semiliar": "miliar"}
_WORD_SCALES = ("belas", "puluh", "ratus", "seratus", "hundred", "and")
_LONE_ARTICLES = frozenset({"satu", "one"})
_NUMBER_WORD = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        sorted(
            [*_WORD_DIGITS, *_WORD_GROUPS, *_SE_GROUPS, *_WORD_SCALES],
            key=len,
            reverse=True,
        )
    )
    + r")(?!\w)",
    re.IGNORECASE,
)


def spelled_as_digits(text: str) -> str:
    """`text` with numbers written in words turned into digits, padded to the words' length.

    "dua puluh paket" becomes "20        paket": every other character keeps its place, so
    spans found in the result (a figure, a moment) are spans of the original text too. A
    number that ends in "ribu"/"juta"/"thousand"... keeps that word ("lima juta" is "5 juta"),
    which the readers of amounts already know.
    """
    out, pos = [], 0
    for start, end, digits in _spelled_numbers(text):
        out.append(text[pos:start] + digits.ljust(end - start))
        pos = end
    return "".join(out) + text[pos:]


def _spelled_numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of each number written in words, in order."""
    found: list[tuple[int, int, str]] = []
    run = _SpelledNumber()
    for m in _NUMBER_WORD.finditer(text):
        word = m.group().lower()
        joined = run.words and not text[run.end : m.start()].strip(" -")
        if not (joined and run.takes(word)):
            run.close_into(found)
            run = _SpelledNumber()
            if not run.takes(word) or _in_a_name(text, m):
                continue
        run.add(word, m.start(), m.end())
    run.close_into(found)
    return found


_WORD_BEFORE = re.compile(r"([^\W\d_][\w'-]*)[ \t]+$")


def _in_a_name(text: str, m: re.Match[str]) -> bool:
    """A capitalised number word after a capitalised word names a place: "Pulau Seribu"."""
    before = _WORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
    return m.group()[0].isupper() and before is not None and before.group(1)[0].isupper()


class _SpelledNumber:
    """One number being read word by word: "dua ratus lima puluh ribu", "twenty-five"."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.start = self.end = 0
        self.total = self.group = self.current = 0
        self.scale = 10**12  # the last "ribu"/"juta"...: a later one must be smaller

    def takes(self, word: str) -> bool:
        """Whether `word` continues this number (a new number starts otherwise)."""
        last = self.words[-1] if self.words else None
        if word in _WORD_DIGITS:
            tens = 20 <= self.current <= 90 and self.current % 10 == 0
            return self.current == 0 or (tens and _WORD_DIGITS[word] < 10)
        if word in ("belas", "puluh"):
            return 1 <= self.current <= 9
        if word == "ratus":
            return 1 <= self.current <= 9 and self.group == 0
        if word == "hundred":
            return 1 <= self.current <= 99 and self.group == 0
        if word == "seratus":
            return self.current == 0 and self.group == 0
        if word in _WORD_GROUPS:
            return self.group + self.current > 0 and _WORD_GROUPS[word] < self.scale
        if word in _SE_GROUPS:
            return not self.group + self.current and _WORD_GROUPS[_SE_GROUPS[word]] < self.scale
        return word == "and" and last in ("hundred", "thousand", "million", "billion")

    def add(self, word: str, start: int, end: int) -> None:
        if not self.words:
            self.start = start
        self.words.append(word)
        self.end = end
        if word in _WORD_DIGITS:
            self.current += _WORD_DIGITS[word]
        elif word == "belas":
            self.group, self.current = self.group + 10 + self.current, 0
        elif word == "puluh":
            self.group, self.current = self.group + 10 * self.current, 0
        elif word in ("ratus", "hundred"):
            self.group, self.current = self.group + 100 * self.current, 0
        elif word == "seratus":
            self.group += 100
        elif word != "and":
            name = _SE_GROUPS.get(word, word)
            self.scale = _WORD_GROUPS[name]
            self.total += (self.group + self.current or 1) * self.scale
            self.group = self.current = 0

    def close_into(self, found: list[tuple[int, int, str]]) -> None:
        """Add the number read so far to `found`, unless it is a lone article or an "and"."""
        while self.words and self.words[-1] == "and":
            self.words.pop()
        if not self.words or (len(self.words) == 1 and self.words[0] in _LONE_ARTICLES):
            return
        last = _SE_GROUPS.get(self.words[-1], self.words[-1])
        if last in _WORD_GROUPS:  # "lima juta" stays "5 juta" for the amount readers
            digits = f"{self.total // _WORD_GROUPS[last]} {last}"
        else:
            digits = str(self.total + self.group + self.current)
        if len(digits) <= self.end - self.start:
            found.append((self.start, self.end, digits))
