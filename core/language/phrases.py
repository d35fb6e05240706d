"""Reading one moment phrase into a local date and time: a small normaliser in front of dateparser.

dateparser (languages id+en, DMY, future dates) reads calendar dates well, but alone it misses
common Indonesian phrases ("lusa", "3 hari lagi", "senin depan", "besok jam 3 sore") and
silently drops times ("besok jam 15.00"). So a phrase is read in three steps, each taking its
words out of the phrase, and whatever is left over means the phrase was not understood:

1. a relative offset: "3 hari lagi", "in 2 hours", "dalam 30 menit", "seminggu lagi"; minutes
   and hours count from now to the second, days and longer give a day;
2. the time of day: "jam 3 sore", "15.00", "5pm", "nanti malam". It is read here and never
   handed to dateparser, so a written time is either read or reported, never lost;
3. the day: a day word ("besok", "lusa", "today"), a weekday ("senin depan", "next friday"),
   "minggu depan" / "bulan depan" / "akhir bulan", or a calendar date ("tgl 5 Des", "5/12",
   "December 30") which dateparser reads, checked against our own reading so that
   "31 Februari" is refused instead of rolling over into March.

How days that are not fully written are chosen:

- a date without a year is its next occurrence, today included ("5 Jan" on 2026-11-27 is
  2027-01-05);
- a weekday ("senin", "friday") is its next occurrence after today, except that today's own
  weekday with a time still ahead today is today ("Jumat jam 14.30" on a Friday morning);
  with "depan"/"next" it is always after today; with "ini"/"this" it is today on that day;
- a time alone ("jam 8 malam", "17:00") is the next time the clock shows it: today if still
  ahead, else tomorrow; "nanti malam" and "tonight" are today;
- "minggu depan" / "next week" is the same weekday a week from today (a day, no time);
- an hour with no pagi/siang/sore/malam/am/pm is on the 24-hour clock ("jam 3" is 03:00);
  "jam 12 malam", "jam 1 malam" and "midnight" belong to the end of the named day;
- a part of the day alone gives its usual hour: pagi/morning 08:00, siang/noon 12:00,
  sore/afternoon 15:00, malam/evening/tonight 19:00.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateparser.date import DateDataParser

from core.errors import UserError
from core.language.calendar_words import (
    DAY_WORDS,
    FILLERS,
    MONTHS,
    NUMBER_WORDS,
    OFFSET_UNITS,
    PERIOD_DEFAULT_HOUR,
    PERIODS,
    WEEKDAYS,
    alternation,
)


class MomentError(UserError):
    """A moment or duration phrase that could not be read."""


_NUM = rf"\d+|{alternation(NUMBER_WORDS)}"
_PERIOD = alternation(PERIODS)
_HOUR_WORDS = alternation(w for w in NUMBER_WORDS if w not in ("a", "an"))

_OFFSET = re.compile(
    rf"(?<!\S)(?:(?P<lead>in|dalam)\s+)?"
    rf"(?:(?P<n>{_NUM})\s*(?P<unit>{alternation(OFFSET_UNITS)})"
    rf"|se(?P<se>jam|hari|minggu|pekan|bulan)"
    rf"|(?P<half>setengah\s+jam|half\s+an\s+hour))"
    rf"(?:\s+(?P<trail>lagi|kemudian|from\s+now|dari\s+sekarang))?(?!\S)"
)
_TIME = re.compile(
    rf"(?<![\w.:/-])(?:(?P<mark>jam|pukul|pkl|at|@)\s*)?"
    rf"(?:(?P<h>\d+)(?:[:.](?P<m>\d{{2}}))?\s*(?P<ampm>[ap])\.?m\b\.?"
    rf"|(?P<ch>\d+)[:.](?P<cm>\d{{2}})(?!\d|[.:/-]\d)"
    rf"|(?P<bare>\d+(?![.:]\d)|{_HOUR_WORDS}))"
    rf"(?:\s+(?:in\s+the\s+)?(?P<per>{_PERIOD}))?(?![\w:])"
)
_MIDNIGHT = re.compile(
    r"(?<!\S)(?:at\s+)?(?:(?P<noon>tengah\s+hari)|midnight|tengah\s+malam)(?!\S)"
)
_LONE_PERIOD = re.compile(
    rf"(?<!\S)(?:(?P<pre>nanti|this|in\s+the)\s+)?(?P<per>{_PERIOD})(?:\s+(?P<post>ini))?(?!\S)"
)
# A time marker or clock left over after the time was taken: a time was written but not read.
_LEFTOVER_TIME = re.compile(r"(?<!\S)(?:jam|pukul|pkl|@|[ap]\.?m\.?)(?!\S)|(?<![\d.])\d+:\d*")

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
_WEEKDAY = re.compile(
    rf"(?:(?P<pre>next|this|coming)\s+)?(?P<wd>{alternation(WEEKDAYS)})"
    rf"(?:\s+(?P<post>depan|ini|next|this|yang\s+akan\s+datang))?"
)
_NEXT_WEEK = frozenset({"minggu depan", "pekan depan", "next week", "minggu yang akan datang"})
_NEXT_MONTH = frozenset({"bulan depan", "next month"})
_MONTH_END = frozenset({"akhir bulan", "akhir bulan ini", "end month", "end this month"})
_WEEKEND = frozenset({"akhir pekan", "akhir minggu", "weekend", "this weekend"})


# A preposition in front of a moment is not part of what to show back ("on 31 February").
_LEADING_WORDS = ("on ", "at ", "pada ", "the ")


def _fail(key: str, phrase: str) -> MomentError:
    shown = phrase.strip()
    for word in _LEADING_WORDS:
        if shown.lower().startswith(word):
            shown = shown[len(word) :].lstrip()
            break
    return MomentError(key, phrase=shown)


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    next_day: bool  # the small hours of "malam" and midnight end the named day
    today: bool  # "nanti malam", "tonight": today unless a day is named

    def on(self, day: date) -> datetime:
        return datetime.combine(day + timedelta(days=self.next_day), time(self.hour, self.minute))


@dataclass(frozen=True)
class _Day:
    on: date | None = None
    weekday: int | None = None
    rule: str = ""  # "next" (never today), "this" (today on that day) or "" (see module doc)


def read_moment(phrase: str, base: datetime) -> tuple[datetime, bool]:
    """The local datetime `phrase` names and whether it names a time, seen from local `base`."""
    text = _normalise(phrase)
    offset, text = _take_offset(text, base, phrase)
    clock, text = _take_time(text, phrase)
    day = _take_day(text, base.date(), phrase)
    if isinstance(offset, datetime):
        if clock is not None or day is not None:
            raise _fail("moment.not_understood", phrase)
        return offset, True
    if offset is not None:
        if day is not None:
            raise _fail("moment.not_understood", phrase)
        day = _Day(on=offset)
    if day is None:
        if clock is None:
            raise _fail("moment.not_understood", phrase)
        at = clock.on(base.date())
        if at <= base and not clock.today:
            at = clock.on(base.date() + timedelta(days=1))
        return at, True
    target = _resolve_day(day, clock, base)
    if clock is None:
        return datetime.combine(target, time()), False
    return clock.on(target), True


def _normalise(phrase: str) -> str:
    text = phrase.lower().replace("’", "'").replace("jum'at", "jumat")
    text = re.sub(r",(?!\d)", " ", text)  # commas between words, not the decimal comma
    text = re.sub(r"(?<!\S)(tgl|pkl)\.", r"\1", text)
    text = re.sub(r"[.!?]+$", "", text.strip())
    return " ".join(text.split())


def _take_offset(text: str, base: datetime, phrase: str) -> tuple[datetime | date | None, str]:
    for m in _OFFSET.finditer(text):
        if not (m["lead"] or m["trail"]):
            continue  # "2 jam" alone is a duration, not a moment
        rest = f"{text[: m.start()]} {text[m.end() :]}"
        # An amount of time counts from this very second: floored to the minute,
        # "1 menit lagi" would come after a few seconds.
        if m["half"]:
            return base + timedelta(minutes=30), rest
        amount = 1 if m["se"] else _number(m["n"])
        unit = OFFSET_UNITS[m["se"] or m["unit"]]
        if unit in ("minutes", "hours"):
            return base + timedelta(**{unit: amount}), rest
        if unit == "months":
            return _add_months(base.date(), amount), rest
        return base.date() + timedelta(**{unit: amount}), rest
    return None, text


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[" ".join(word.split())]


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _take_time(text: str, phrase: str) -> tuple[_Clock | None, str]:
    found = [m for m in _TIME.finditer(text) if m["mark"] or m["per"] or not m["bare"]]
    found = [m for m in found if not m["bare"] or m["bare"].isdigit() or m["mark"]]
    if len(found) > 1:
        raise _fail("moment.time_unclear", phrase)
    explicit = found[0] if found else None
    if explicit:
        text = f"{text[: explicit.start()]} {text[explicit.end() :]}"
    midnight = _MIDNIGHT.search(text)
    if midnight:
        text = f"{text[: midnight.start()]} {text[midnight.end() :]}"
    lone = list(_LONE_PERIOD.finditer(text))
    if len(lone) > 1 or (explicit and midnight) or _LEFTOVER_TIME.search(text):
        raise _fail("moment.time_unclear", phrase)
    today = False
    lone_period = None
    if lone:
        m = lone[0]
        text = f"{text[: m.start()]} {text[m.end() :]}"
        lone_period = PERIODS[m["per"]]
        today = bool(m["pre"] in ("nanti", "this") or m["post"] or m["per"] == "tonight")
    if explicit:
        period = PERIODS.get(explicit["per"] or "")
        if period and lone_period and period != lone_period:
            raise _fail("moment.time_unclear", phrase)
        hour = _number(explicit["h"] or explicit["ch"] or explicit["bare"])
        minute = int(explicit["m"] or explicit["cm"] or 0)
        return _clock(hour, minute, explicit["ampm"], period or lone_period, today, phrase), text
    if midnight:
        if lone_period:
            raise _fail("moment.time_unclear", phrase)
        noon = bool(midnight["noon"])
        return _Clock(12 if noon else 0, 0, next_day=not noon, today=False), text
    if lone_period:
        return _Clock(PERIOD_DEFAULT_HOUR[lone_period], 0, next_day=False, today=today), text
    return None, text


def _clock(
    hour: int, minute: int, ampm: str | None, period: str | None, today: bool, phrase: str
) -> _Clock:
    """The 24-hour clock for an hour as written with its am/pm or part of the day."""
    next_day = False
    if not 0 <= minute <= 59:
        hour = -1
    elif ampm:
        hour = hour % 12 + (12 if ampm == "p" else 0) if 1 <= hour <= 12 else -1
    elif period == "pagi":
        hour = hour if hour <= 11 else -1
    elif period == "siang":
        hour = hour + 12 if 1 <= hour <= 4 else hour if 10 <= hour <= 15 else -1
    elif period == "sore":
        hour = hour + 12 if 2 <= hour <= 7 else hour if 14 <= hour <= 19 else -1
    elif period == "malam":
        # Late evening is before midnight; "jam 12/1 malam" is after it, ending the named day.
        next_day = hour == 12 or hour <= 4
        hour = 0 if hour == 12 else hour + 12 if 5 <= hour <= 11 else hour
        hour = hour if hour <= 4 or 17 <= hour <= 23 else -1
    if not 0 <= hour <= 23:
        raise _fail("moment.time_unclear", phrase)
    return _Clock(hour, minute, next_day=next_day, today=today)


def _take_day(text: str, today: date, phrase: str) -> _Day | None:
    words = text.split()
    tanggal = any(w in ("tanggal", "tgl", "the") for w in words)
    words = [w for w in words if w == "hari" or w not in FILLERS]
    joined = " ".join(words)
    if joined in DAY_WORDS:
        return _Day(on=today + timedelta(days=DAY_WORDS[joined]))
    joined = " ".join(w for w in words if w != "hari")
    if not joined:
        return None
    if joined in _NEXT_WEEK:
        return _Day(on=today + timedelta(days=7))
    if joined in _NEXT_MONTH:
        return _Day(on=_add_months(today, 1))
    if joined in _MONTH_END:
        return _Day(on=today.replace(day=calendar.monthrange(today.year, today.month)[1]))
    if joined in _WEEKEND:
        return _Day(weekday=5, rule="this")
    if joined == "minggu ini":
        raise _fail("moment.not_understood", phrase)  # "this week", not a day
    weekday = _WEEKDAY.fullmatch(joined)
    if weekday:
        pre, post = weekday["pre"] or "", weekday["post"] or ""
        rule = "this" if "this" in (pre, post) or post == "ini" else "next" if pre or post else ""
        return _Day(weekday=WEEKDAYS[weekday["wd"]], rule=rule)
    first, _, rest = joined.partition(" ")
    if first in WEEKDAYS and rest:
        joined = rest  # "Jumat, 4 Desember": the date decides
    return _Day(on=_calendar_date(joined, today, tanggal, phrase))


def _resolve_day(day: _Day, clock: _Clock | None, base: datetime) -> date:
    if day.weekday is None:
        assert day.on is not None
        return day.on
    ahead = (day.weekday - base.weekday()) % 7
    if ahead == 0 and day.rule == "next":
        ahead = 7
    if ahead == 0 and day.rule == "" and (clock is None or clock.on(base.date()) <= base):
        ahead = 7
    return base.date() + timedelta(days=ahead)


def _calendar_date(text: str, today: date, tanggal: bool, phrase: str) -> date:
    for pattern in _CALENDAR:
        m = pattern.fullmatch(text)
        if m:
            break
    else:
        only = _DAY_ONLY.fullmatch(text)
        if only and (tanggal or only["ord"]):
            return _day_of_month(int(only["d"]), today, phrase)
        raise _fail("moment.not_understood", phrase)
    groups = m.groupdict()
    day = int(m["d"])
    month = MONTHS[groups["mon"]] if groups.get("mon") else int(m["m"])
    year = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0) if m["y"] else None
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
        raise _fail("moment.no_such_date", phrase)
    if year is None and (month, day) == (today.month, today.day):
        return today  # dateparser's "future" skips today to next year
    found = _parse_calendar_date(text, today)
    if found is None or (found.month, found.day) != (month, day) or year not in (None, found.year):
        raise _fail("moment.not_understood", phrase)
    return found


def _day_of_month(day: int, today: date, phrase: str) -> date:
    """The next date (today included) that is day `day` of its month ("tgl 5")."""
    if not 1 <= day <= 31:
        raise _fail("moment.no_such_date", phrase)
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
        },
    )


def _parse_calendar_date(text: str, today: date) -> date | None:
    data = _date_parser(today).get_date_data(text)
    # Only a whole day is wanted here: the time was already taken out of the phrase.
    if data.date_obj is None or data.period != "day":
        return None
    return data.date_obj.date()
