"""Periods in words, in Bahasa Indonesia and English, read into a range of days.

"bulan lalu", "last week", "November 2026", "1-15 Nov", "Q4 2026", "triwulan IV 2026",
"2026-11-01..2026-11-15", "1 Nov s.d. 15 Des": each is a first and a last day, counted from
today in the reader's zone. A month, quarter or day range written without a year is the
latest one that has begun (November in March is last year's November): a manager asking
for a report means something that already happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date

from core.language.calendar_words import MONTHS


@dataclass(frozen=True)
class Period:
    """A range of whole days, both ends included."""

    start: date
    end: date

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """The period as aware moments in zone `tz`: from its first midnight to the one after it."""
        zone = ZoneInfo(tz)
        return (
            datetime.combine(self.start, time(), tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time(), tzinfo=zone),
        )

    def in_words(self, lang: str) -> str:
        """The days in the reader's words, as the app writes dates: "1–30 November 2026"."""
        last = format_date(self.end, "d MMMM y", locale=lang)
        if self.start == self.end:
            return last
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return f"{self.start.day}–{last}"
        shown = "d MMMM" if self.start.year == self.end.year else "d MMMM y"
        return f"{format_date(self.start, shown, locale=lang)} – {last}"


# Words around a period that change nothing: "periode bulan lalu", "for last month".
_FILLERS = {"periode", "masa", "selama", "untuk", "bulan", "tahun", "for", "the", "of", "in"}
_RANGE = re.compile(
    r"\s*(?:\.\.|–|—|\bs\.?\s?d\.?(?=\s|$)|\bs/d\b|\bsampai(?:\s+dengan)?\b|\bhingga\b"
    r"|\bto\b|\buntil\b|\btill\b|\bthrough\b|-)\s*"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER = re.compile(r"^(?:q|kuartal|triwulan|quarter|kw)\s*([1-4]|iv|iii|ii|i)(?:\s+(\d{4}))?$")
_YEAR = re.compile(r"^(\d{4})$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_MY = re.compile(r"^(\d{1,2})/(\d{4})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?$")
_MONTH = re.compile(r"^([a-z]+)\.?(?:\s+(\d{4}))?$")
_BARE_DAY = re.compile(r"^(\d{1,2})$")

# Periods named from today: (words, unit, how many units back).
_RELATIVE: dict[str, tuple[str, int]] = {
    "hari ini": ("day", 0), "today": ("day", 0),
    "kemarin": ("day", 1), "kemaren": ("day", 1), "yesterday": ("day", 1),
    "minggu ini": ("week", 0), "pekan ini": ("week", 0), "this week": ("week", 0),
    "minggu lalu": ("week", 1), "pekan lalu": ("week", 1), "last week": ("week", 1),
    "minggu kemarin": ("week", 1), "minggu depan": ("week", -1), "pekan depan": ("week", -1),
    "next week": ("week", -1),
    "bulan ini": ("month", 0), "this month": ("month", 0),
    "bulan lalu": ("month", 1), "bulan kemarin": ("month", 1), "last month": ("month", 1),
    "bulan depan": ("month", -1), "next month": ("month", -1),
    "kuartal ini": ("quarter", 0), "triwulan ini": ("quarter", 0), "this quarter": ("quarter", 0),
    "kuartal lalu": ("quarter", 1), "triwulan lalu": ("quarter", 1),
    "last quarter": ("quarter", 1),
    "tahun ini": ("year", 0), "this year": ("year", 0),
    "tahun lalu": ("year", 1), "last year": ("year", 1),
    "tahun depan": ("year", -1), "next year": ("year", -1),
}  # fmt: skip


def read_period(words: str, *, today: date) -> Period | None:
    """The period `words` name, as of `today` in the reader's zone; None if they name none.

    Empty words name none too: callers that take an optional period check for words first
    (see `split_period`), so "nothing given" and "could not read it" stay two answers.
    """
    text = _normal(words)
    if not text:
        return None
    whole = _single(text, today)
    if whole is not None:
        return whole
    return _range(text, today)


def split_period(words: list[str], *, today: date) -> tuple[Period | None, list[str]]:
    """The longest run of `words` that reads as a period, and the words left around it.

    `/ekspor #pkh tugas bulan lalu xlsx` passes ["tugas", "bulan", "lalu", "xlsx"] and gets
    last month and ["tugas", "xlsx"]; no run that reads gives (None, words).
    """
    for size in range(len(words), 0, -1):
        for first in range(len(words) - size + 1):
            period = read_period(" ".join(words[first : first + size]), today=today)
            if period is not None:
                return period, words[:first] + words[first + size :]
    return None, list(words)


def _normal(words: str) -> str:
    text = " ".join(words.lower().replace(",", " ").split())
    # ISO days and months lose their dashes, so that a dash left over joins two ends.
    text = re.sub(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", r"\3/\2/\1", text)
    text = re.sub(r"\b(\d{4})-(\d{1,2})\b", r"\2/\1", text)
    # "bulan lalu" and "tahun ini" keep the word that is a filler in "bulan November".
    text = re.sub(r"\b(bulan|tahun)\s+(ini|lalu|kemarin|depan)\b", r"@\1 \2", text)
    return " ".join(w.lstrip("@") for w in text.split(" ") if w not in _FILLERS)


def _single(text: str, today: date) -> Period | None:
    """One named period: relative words, a year, a quarter, a month or one day."""
    if text in _RELATIVE:
        unit, back = _RELATIVE[text]
        return _relative(unit, back, today)
    if m := _YEAR.match(text):
        return _year(int(m[1]))
    if m := _QUARTER.match(text):
        quarter = int(m[1]) if m[1].isdigit() else _ROMAN[m[1]]
        year = int(m[2]) if m[2] else _latest_year(date(today.year, 3 * quarter - 2, 1), today)
        return _quarter(year, quarter)
    day = _day(text, today, None)
    if day is not None:
        return Period(day, day)
    return _month(text, today)


def _relative(unit: str, back: int, today: date) -> Period | None:
    if unit == "day":
        day = today - timedelta(days=back)
        return Period(day, day)
    if unit == "week":
        monday = today - timedelta(days=today.weekday() + 7 * back)
        return Period(monday, monday + timedelta(days=6))
    if unit == "month":
        index = today.year * 12 + today.month - 1 - back
        return _whole_month(index // 12, index % 12 + 1)
    if unit == "quarter":
        index = today.year * 4 + (today.month - 1) // 3 - back
        return _quarter(index // 4, index % 4 + 1)
    return _year(today.year - back)


def _year(year: int) -> Period | None:
    if not 1900 <= year <= 2999:
        return None
    return Period(date(year, 1, 1), date(year, 12, 31))


def _quarter(year: int, quarter: int) -> Period:
    first = _whole_month(year, 3 * quarter - 2)
    last = _whole_month(year, 3 * quarter)
    return Period(first.start, last.end)


def _whole_month(year: int, month: int) -> Period:
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(date(year, month, 1), following - timedelta(days=1))


def _latest_year(first_day: date, today: date) -> int:
    """This year if `first_day` of it has come, else last year."""
    return today.year if first_day <= today else today.year - 1


def _month(text: str, today: date) -> Period | None:
    """A whole month: "November 2026", "nov", "2026-11", "11/2026"."""
    if m := _MY.match(text):
        month, year = int(m[1]), int(m[2])
    elif (m := _MONTH.match(text)) and m[1] in MONTHS:
        month = MONTHS[m[1]]
        year = int(m[2]) if m[2] else _latest_year(date(today.year, month, 1), today)
    else:
        return None
    if not 1 <= month <= 12 or _year(year) is None:
        return None
    return _whole_month(year, month)


def _day(text: str, today: date, year: int | None) -> date | None:
    """One day: "2026-11-05", "05/11/2026", "5 Nov", "5 November 2026", "Nov 5, 2026"."""
    found: tuple[int, int, int | None]
    if m := _DMY.match(text):
        found = (int(m[3]), int(m[2]), int(m[1]))
    elif (m := _DAY_MONTH.match(text)) and m[2] in MONTHS:
        found = (int(m[3]) if m[3] else 0, MONTHS[m[2]], int(m[1]))
    elif (m := _MONTH_DAY.match(text)) and m[1] in MONTHS:
        found = (int(m[3]) if m[3] else 0, MONTHS[m[1]], int(m[2]))
    else:
        return None
    written, month, day = found
    chosen = written or year
    try:
        if chosen is None:
            first = date(today.year, month, day)
            return first if first <= today else date(today.year - 1, month, day)
        return date(chosen, month, day)
    except ValueError:
        return None


def _range(text: str, today: date) -> Period | None:
    """Two ends joined by "-", "..", "s.d.", "sampai", "to": "1-15 Nov", "Nov to Dec 2026"."""
    parts = _RANGE.split(text)
    if len(parts) != 2 or not all(parts):
        return None
    left, right = parts
    if _has_year(text):
        return _joined(left, _single(right, today), today)
    # No year anywhere: the latest such range that has begun ("1 Des - 15 Jan" in November is
    # the one that ended this January).
    for year in (today.year + 1, today.year, today.year - 1):
        period = _joined(left, _single(f"{right} {year}", today), today)
        if period is not None and period.start <= today:
            return period
    return None


def _joined(left: str, last: Period | None, today: date) -> Period | None:
    """The range from `left`'s first day to the end of `last`, or None if it runs backwards."""
    if last is None:
        return None
    first = _start_of(left, last, today)
    if first is None or first > last.end:
        return None
    return Period(first, last.end)


def _start_of(text: str, last: Period, today: date) -> date | None:
    """The first day of a range's left end, borrowing month and year from its right end."""
    if m := _BARE_DAY.match(text):
        try:
            return date(last.end.year, last.end.month, int(m[1]))
        except ValueError:
            return None
    if _has_year(text):
        first = _single(text, today)
        return first.start if first is not None else None
    # "1 Nov - 15 Jan 2027": the left end is in the right end's year, or the one before.
    for year in (last.end.year, last.end.year - 1):
        first = _single(f"{text} {year}", today)
        if first is None:
            return None
        if first.start <= last.end:
            return first.start
    return None


def _has_year(text: str) -> bool:
    """Whether `text` fixes its own year: a written year, or words counted from today."""
    return re.search(r"\d{4}", text) is not None or any(
        part.strip() in _RELATIVE for part in _RANGE.split(text)
    )
