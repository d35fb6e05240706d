"""The grammar of time expressions that dateparser does not know, one rule per line.

Field workers write "jam setengah 3 sore", "jumat minggu depan" and "awal bulan depan";
dateparser reads none of them the way they are meant. Each rule below is one line of a table
with a test row in tests/test_time_rules.py (a test fails when a rule has none), so a new way
of writing a moment is one new line, and `core.language.phrases` stays the one reader that
applies them.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

from core.language.calendar_dates import holiday_name
from core.language.calendar_words import FILLERS, NUMBER_WORDS, WEEKDAYS, alternation

_HOUR = rf"(?P<h>\d{{1,2}}|{alternation(w for w in NUMBER_WORDS if w not in ('a', 'an'))})"
_MINUTES = r"(?P<m>\d{1,2})(?:\s+(?:menit|minutes?|mins?))?"

# Clock times written around an hour: (pattern, minutes from the named hour). When a pattern
# has its own minutes (group m), the number given is only their sign. "setengah 3" is half an
# hour before 3, as Indonesian counts.
CLOCK_RULES: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(rf"(?<!\S){pattern}(?!\S)"), minutes)
    for pattern, minutes in (
        (rf"setengah\s+{_HOUR}", -30),  # jam setengah 3 = 2.30
        (rf"{_HOUR}\s+kurang\s+seperempat", -15),  # jam 3 kurang seperempat = 2.45
        (rf"{_HOUR}\s+(?:lewat|lebih)\s+seperempat", 15),  # jam 3 lewat seperempat = 3.15
        (rf"{_HOUR}\s+kurang\s+{_MINUTES}", -1),  # jam 3 kurang 10 = 2.50
        (rf"{_HOUR}\s+(?:lewat|lebih)\s+{_MINUTES}", 1),  # jam 3 lewat 15 = 3.15
        (rf"half\s+past\s+{_HOUR}", 30),  # half past 3 = 3.30
        (rf"quarter\s+past\s+{_HOUR}", 15),  # quarter past 3 = 3.15
        (rf"(?:a\s+)?quarter\s+to\s+{_HOUR}", -15),  # quarter to 3 = 2.45
    )
)

# "3pm-ish", "jam 3an": about that time. The moment is stored exactly and the reply says so.
APPROXIMATE = re.compile(r"(?<=\d)-?(?:ish|an)(?!\w)|(?<=[ap]m)-?ish(?!\w)")


def clock_of(match: re.Match[str], minutes: int) -> tuple[int, int]:
    """The (hour, minute) a CLOCK_RULES match names, on the 12-hour dial it was written on."""
    hour = int(match["h"]) if match["h"].isdigit() else NUMBER_WORDS[match["h"]]
    if match.groupdict().get("m") is not None:
        if int(match["m"]) > 59:
            return -1, 0  # "jam 3 lewat 75": no such clock, reported as an unclear time
        minutes *= int(match["m"])
    written, (hour, minute) = hour, divmod(hour * 60 + minutes, 60)
    # Half past twelve is written "setengah 1": the hour before 1 is 12, not 0.
    return (12 if hour == 0 and written >= 1 else hour), minute


# --- days ------------------------------------------------------------------------------------


def _next_weekday(today: date, weekday: int) -> date:
    """The next `weekday` from today, today included."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _monday(today: date, weeks: int) -> date:
    """The Monday of this week (weeks=0) or a later one; on a Sunday the week ahead is "this"."""
    sunday = today - timedelta(days=(today.weekday() + 1) % 7)
    return sunday + timedelta(days=1, weeks=weeks)


def _month(today: date, months: int) -> tuple[int, int]:
    index = today.month - 1 + months
    return today.year + index // 12, index % 12 + 1


def _first_workday(year: int, month: int) -> date:
    """The month's first day that is neither a weekend nor a public holiday."""
    day = date(year, month, 1)
    while day.weekday() >= 5 or holiday_name(day):
        day += timedelta(days=1)
    return day


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _start_of_month(today: date, months: int) -> date:
    """The first working day of the month; of next month when this month's has passed."""
    first = _first_workday(*_month(today, months))
    return first if first >= today else _first_workday(*_month(today, months + 1))


def _middle_of_month(today: date, months: int) -> date:
    middle = date(*_month(today, months), 15)
    return middle if middle >= today else date(*_month(today, months + 1), 15)


_DayRule = Callable[[date], date]

# Days named relative to weeks and months: words (fillers like "of", "the" are ignored) -> day.
# A week runs Monday to Sunday, but on a Sunday its working days are over and "this week" is
# the one ahead (so "minggu depan" said on Sunday 29 November is Monday 7 December). A working
# day is Monday to Friday.
_DAY_RULES: dict[str, _DayRule] = {
    "minggu depan": lambda d: _monday(d, 1),  # next week with no day named: its Monday
    "pekan depan": lambda d: _monday(d, 1),
    "minggu yang akan datang": lambda d: _monday(d, 1),
    "next week": lambda d: _monday(d, 1),
    "awal minggu depan": lambda d: _monday(d, 1),
    "start of next week": lambda d: _monday(d, 1),
    "awal minggu": lambda d: _next_weekday(d, 0),  # the coming Monday, today included
    "awal pekan": lambda d: _next_weekday(d, 0),
    "tengah minggu": lambda d: _next_weekday(d, 2),  # the coming Wednesday
    "tengah pekan": lambda d: _next_weekday(d, 2),
    "midweek": lambda d: _next_weekday(d, 2),
    "akhir minggu": lambda d: _next_weekday(d, 5),  # the weekend: the coming Saturday
    "akhir minggu ini": lambda d: _next_weekday(d, 5),
    "akhir pekan": lambda d: _next_weekday(d, 5),
    "akhir pekan ini": lambda d: _next_weekday(d, 5),
    "weekend": lambda d: _next_weekday(d, 5),
    "this weekend": lambda d: _next_weekday(d, 5),
    "akhir minggu depan": lambda d: _monday(d, 1) + timedelta(days=5),
    "end of the week": lambda d: _next_weekday(d, 4),  # the working week ends on Friday
    "end of this week": lambda d: _next_weekday(d, 4),
    "bulan depan": lambda d: add_months(d, 1),
    "next month": lambda d: add_months(d, 1),
    "awal bulan": lambda d: _start_of_month(d, 0),  # the first working day still ahead
    "awal bulan depan": lambda d: _first_workday(*_month(d, 1)),
    "start of next month": lambda d: _first_workday(*_month(d, 1)),
    "early next month": lambda d: _first_workday(*_month(d, 1)),
    "tengah bulan": lambda d: _middle_of_month(d, 0),  # the 15th still ahead
    "tengah bulan depan": lambda d: date(*_month(d, 1), 15),
    "mid next month": lambda d: date(*_month(d, 1), 15),
    "akhir bulan": lambda d: _last_day(d.year, d.month),  # the last day of this month
    "akhir bulan ini": lambda d: _last_day(d.year, d.month),
    "end of month": lambda d: _last_day(d.year, d.month),
    "end of the month": lambda d: _last_day(d.year, d.month),
    "end of this month": lambda d: _last_day(d.year, d.month),
    "akhir bulan depan": lambda d: _last_day(*_month(d, 1)),
    "end of next month": lambda d: _last_day(*_month(d, 1)),
    "akhir tahun": lambda d: date(d.year, 12, 31),
    "akhir tahun ini": lambda d: date(d.year, 12, 31),
    "end of the year": lambda d: date(d.year, 12, 31),
    "end of this year": lambda d: date(d.year, 12, 31),
    "akhir tahun depan": lambda d: date(d.year + 1, 12, 31),
    "end of next year": lambda d: date(d.year + 1, 12, 31),
    "awal tahun depan": lambda d: _first_workday(d.year + 1, 1),
    "start of next year": lambda d: _first_workday(d.year + 1, 1),
    "early next year": lambda d: _first_workday(d.year + 1, 1),
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1)."""
    year, month = _month(day, months)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _key(words: str) -> str:
    return " ".join(w for w in words.split() if w not in FILLERS)


DAY_RULES: dict[str, _DayRule] = {_key(words): rule for words, rule in _DAY_RULES.items()}

# A weekday in a named week: "jumat minggu depan", "minggu depan senin", "friday next week".
_WEEK_WORDS = {"minggu depan": 1, "pekan depan": 1, "next week": 1} | {
    "minggu ini": 0,
    "pekan ini": 0,
    "this week": 0,
}
_WD = alternation(WEEKDAYS)
_WEEKS = alternation(_WEEK_WORDS)
WEEKDAY_IN_WEEK = re.compile(
    rf"(?P<wd>{_WD})\s+(?P<week>{_WEEKS})|(?P<week2>{_WEEKS})\s+(?P<wd2>{_WD})"
)


def weekday_in_week(match: re.Match[str], today: date) -> date:
    """The day a WEEKDAY_IN_WEEK match names: that weekday within this or next Monday-Sunday."""
    weekday = WEEKDAYS[match["wd"] or match["wd2"]]
    weeks = _WEEK_WORDS[" ".join((match["week"] or match["week2"]).split())]
    return _monday(today, weeks) + timedelta(days=weekday)
