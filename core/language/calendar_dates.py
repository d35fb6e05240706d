"""Calendar dates as written ("5 Des", "5/12", "December 5th"): read by us, the year by dateparser.

dateparser reads calendar dates in both languages well and picks the year of a date written
without one, but rolls impossible dates over ("31 Februari" becomes 3 March) and skips today
to next year; so each date is also read here and the two readings must agree, or the date is
refused. A date with its year written needs no second reading.
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date, datetime, time

import holidays
from dateparser.date import DateDataParser

from core.language.calendar_words import MONTHS, WEEKDAYS, alternation


class CalendarDateError(Exception):
    """A date that was not read; `key` says why ("moment.no_such_date", "moment.not_understood")."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


_MONTH = alternation(MONTHS)
_ORDINAL = r"(?:st|nd|rd|th)?"
_CALENDAR = (
    re.compile(rf"(?P<d>\d{{1,2}}){_ORDINAL}\s*(?P<mon>{_MONTH})\.?(?:\s+(?P<y>\d{{4}}))?"),
    re.compile(rf"(?P<mon>{_MONTH})\.?\s*(?P<d>\d{{1,2}}){_ORDINAL}(?:\s+(?P<y>\d{{4}}))?"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{2}|\d{4}))?"),
    # With dots or dashes the year is needed: "8-12" is a range and "5.12" a time.
    re.compile(r"(?P<d>\d{1,2})(?P<sep>[.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{2}|\d{4})"),
)
_DAY_ONLY = re.compile(r"(?P<d>\d{1,2})(?P<ord>st|nd|rd|th)?")


def calendar_date(text: str, today: date, tanggal: bool) -> date:
    """The date `text` names ("5 Des", "5/12", "December 5th"); raises CalendarDateError."""
    for pattern in _CALENDAR:
        m = pattern.fullmatch(text)
        if m:
            break
    else:
        only = _DAY_ONLY.fullmatch(text)
        if only and (tanggal or only["ord"]):
            return _day_of_month(int(only["d"]), today)
        raise CalendarDateError("moment.not_understood")
    groups = m.groupdict()
    day = int(m["d"])
    month = MONTHS[groups["mon"]] if groups.get("mon") else int(m["m"])
    year = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0) if m["y"] else None
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
        raise CalendarDateError("moment.no_such_date")
    if year is not None:
        return date(year, month, day)  # all written out and checked: nothing left to choose
    if (month, day) == (today.month, today.day):
        return today  # dateparser's "future" skips today to next year
    found = _parse_calendar_date(text, today)
    if found is None or (found.month, found.day) != (month, day) or year not in (None, found.year):
        raise CalendarDateError("moment.not_understood")
    return found


def _day_of_month(day: int, today: date) -> date:
    """The next date (today included) that is day `day` of its month ("tgl 5")."""
    if not 1 <= day <= 31:
        raise CalendarDateError("moment.no_such_date")
    year, month = today.year, today.month
    while day < today.day or day > calendar.monthrange(year, month)[1]:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        today = date(year, month, 1)
    return date(year, month, day)


@functools.lru_cache(maxsize=4)
def _date_parser(today: date) -> DateDataParser:
    """One dateparser parser per day: its settings hold the day relative dates count from."""
    return DateDataParser(
        languages=["id", "en"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime.combine(today, time()),
            "RETURN_TIME_AS_PERIOD": True,
            # Relative phrases are the grammar's; only absolute dates come here, and reading
            # them alone takes half the time.
            "PARSERS": ["absolute-time"],
        },
    )


def _parse_calendar_date(text: str, today: date) -> date | None:
    data = _date_parser(today).get_date_data(text)
    # Only a whole day is wanted here: the time was already taken out of the phrase.
    if data.date_obj is None or data.period != "day":
        return None
    return data.date_obj.date()


_SLASH_DATE = re.compile(r"(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})(?P<y>/\d{2}|/\d{4})?(?![\d/])")
_WEEKDAY_WORD = re.compile(rf"(?<!\w)(?:{alternation(WEEKDAYS)})(?!\w)", re.IGNORECASE)
_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_first_readings(phrase: str) -> tuple[str, str] | None:
    """Both readings of "5/12" for a reader who may write the month first: "5 Dec", "May 12".

    Gotong reads day first, as Indonesia writes; someone used to month-first dates may mean
    the other. None when only one reading exists or a weekday in the phrase settles it.
    """
    m = _SLASH_DATE.search(phrase)
    if m is None or _WEEKDAY_WORD.search(phrase):
        return None
    day, month, year = int(m["d"]), int(m["m"]), (m["y"] or "").replace("/", " ")
    if day == month or not (1 <= day <= 12 and 1 <= month <= 12):
        return None
    before, after = phrase[: m.start()], phrase[m.end() :]
    return (
        f"{before}{day} {_SHORT_MONTHS[month - 1]}{year}{after}",
        f"{before}{_SHORT_MONTHS[day - 1]} {month}{year}{after}",
    )


@functools.lru_cache(maxsize=1)
def indonesian_holidays() -> holidays.HolidayBase:
    """Indonesia's public holidays and cuti bersama (collective leave days), any year."""
    return holidays.country_holidays("ID", categories=("public", "government"), language="id")


def holiday_name(day: date) -> str | None:
    """The holiday on `day`, if it is one."""
    name = indonesian_holidays().get(day)
    return str(name) if name else None
