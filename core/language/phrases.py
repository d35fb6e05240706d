"""Reading one moment phrase into a local date and time: a small grammar in front of dateparser.

dateparser (languages id+en, DMY, future dates) reads calendar dates well, but alone it misses
common Indonesian phrases ("lusa", "3 hari lagi", "senin depan", "besok jam 3 sore") and
silently drops times ("besok jam 15.00"). So a phrase is read in three steps, each taking its
words out of the phrase, and whatever is left over means the phrase was not understood; the
expressions dateparser does not know are the table rules of `core.language.time_rules`:

1. a relative offset: "3 hari lagi", "in 2 hours", "dalam 30 menit", "seminggu lagi"; minutes
   and hours count from now to the second, days and longer give a day;
2. the time of day: "jam 3 sore", "15.00", "5pm", "nanti malam", "jam setengah 3 sore",
   "jam 3 kurang seperempat", "half past 3". It is read here and never handed to dateparser,
   so a written time is either read or reported, never lost;
3. the day: a day word ("besok", "today"), a weekday ("senin depan"), a week or month rule
   ("jumat minggu depan", "awal bulan depan", "end of month"), or a calendar date ("tgl 5
   Des", "5/12") read by `core.language.calendar_dates`.

How days that are not fully written are chosen:

- a date without a year is its next occurrence, today included ("5 Jan" on 2026-11-27 is
  2027-01-05);
- a weekday ("senin", "friday") is its next occurrence after today, except that today's own
  weekday with a time still ahead today is today ("Jumat jam 14.30" on a Friday morning);
  with "depan"/"next" it is always after today; with "ini"/"this" it is today on that day;
- a time alone ("jam 8 malam", "17:00") is the next time the clock shows it: today if still
  ahead, else tomorrow; "nanti malam" and "tonight" are today;
- weeks and months follow the table in `core.language.time_rules` ("minggu depan" with no
  day named is the Monday of next week, "awal bulan depan" its first working day);
- an hour from 1 to 6 with no subuh/pagi/am is in the afternoon ("jam 3" is 15:00): working
  people mean that; the reading carries a Guess so the reply names it. Other hours with no
  part of the day are on the 24-hour clock, and "03.00" written with its zero is 03:00;
  "jam 12 malam", "jam 1 malam" and "midnight" belong to the end of the named day;
- "3pm-ish" and "jam 3an" are stored as exactly 15:00, also named as a Guess;
- "Jumat 5 Des" when 5 December is a Saturday raises AmbiguousMoment with both readings;
- a part of the day alone gives its usual hour: subuh 05:00, pagi/morning 08:00, siang/noon
  12:00, sore/afternoon 15:00, malam/evening/tonight 19:00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from core.errors import UserError
from core.language.calendar_dates import CalendarDateError, calendar_date
from core.language.calendar_words import (
    DAY_WORDS,
    FILLERS,
    NUMBER_WORDS,
    OFFSET_UNITS,
    PERIOD_DEFAULT_HOUR,
    PERIODS,
    WEEKDAY_NAMES,
    WEEKDAYS,
    alternation,
)
from core.language.time_rules import (
    APPROXIMATE,
    CLOCK_RULES,
    DAY_RULES,
    WEEKDAY_IN_WEEK,
    add_months,
    clock_of,
    weekday_in_week,
)


class MomentError(UserError):
    """A moment or duration phrase that could not be read."""


class AmbiguousMoment(MomentError):
    """A phrase with two fair readings; `readings` are the phrase rewritten for each of them.

    `reason` says why: "weekday" (its weekday and date disagree) or "order" (day or month first).
    """

    def __init__(self, phrase: str, readings: tuple[str, ...], reason: str = "weekday") -> None:
        super().__init__("moment.ambiguous", phrase=phrase, readings=readings, reason=reason)
        self.phrase = phrase
        self.readings = readings


@dataclass(frozen=True)
class Guess:
    """A choice the reader made for the person, named in the reply so it can be corrected."""

    kind: str  # "afternoon": an hour 1-6 read after noon; "approximate": "3pm-ish" as 15:00
    written: str  # the words as written: "jam 3"
    hour: int  # the time as read
    minute: int
    year: int = 0  # "next_year": a date written without its year, passed this year, read in


@dataclass(frozen=True)
class Reading:
    """What one phrase names: a local moment, whether a time was named, and any guesses."""

    at: datetime
    has_time: bool
    guesses: tuple[Guess, ...] = ()


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

_WEEKDAY = re.compile(
    rf"(?:(?P<pre>next|this|coming)\s+)?(?P<wd>{alternation(WEEKDAYS)})"
    rf"(?:\s+(?P<post>depan|ini|next|this|yang\s+akan\s+datang))?"
)
_MARK_BEFORE = re.compile(r"(?:(?:jam|pukul|pkl|at)\s+)$")


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
    guessed: str = ""  # the words of an hour 1-6 read as afternoon

    def on(self, day: date) -> datetime:
        return datetime.combine(day + timedelta(days=self.next_day), time(self.hour, self.minute))


@dataclass(frozen=True)
class _Day:
    on: date | None = None
    weekday: int | None = None
    rule: str = ""  # "next" (never today), "this" (today on that day) or "" (see module doc)


def read_moment(phrase: str, base: datetime) -> Reading:
    """What `phrase` names, seen from local `base`; raises MomentError."""
    text, approximate = _normalise(phrase)
    offset, text = _take_offset(text, base, phrase)
    clock, text = _take_time(text, phrase)
    day = _take_day(text, base.date(), phrase)
    at, has_time = _combine(offset, clock, day, base, phrase)
    guesses = []
    if clock is not None and clock.guessed:
        guesses.append(Guess("afternoon", clock.guessed, at.hour, at.minute))
    if has_time and approximate:
        guesses.append(Guess("approximate", _fail("", phrase).params["phrase"], at.hour, at.minute))
    return Reading(at, has_time, tuple(guesses))


def _combine(
    offset: datetime | date | None,
    clock: _Clock | None,
    day: _Day | None,
    base: datetime,
    phrase: str,
) -> tuple[datetime, bool]:
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


def _normalise(phrase: str) -> tuple[str, bool]:
    """The phrase in lower case with single spaces, and whether it said "-ish" / "-an"."""
    text = phrase.lower().replace("’", "'").replace("jum'at", "jumat")
    text = re.sub(r",(?!\d)", " ", text)  # commas between words, not the decimal comma
    text = re.sub(r"(?<!\S)(tgl|pkl)\.", r"\1", text)
    text = re.sub(r"[.!?]+$", "", text.strip())
    text, approximate = APPROXIMATE.subn("", text)
    return " ".join(text.split()), approximate > 0


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
            return add_months(base.date(), amount), rest
        return base.date() + timedelta(**{unit: amount}), rest
    return None, text


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[" ".join(word.split())]


def _rewrite_clock(text: str) -> tuple[str, str]:
    """The text with a CLOCK_RULES time ("setengah 3") as a plain clock ("2.30"), and its words."""
    for pattern, minutes in CLOCK_RULES:
        m = pattern.search(text)
        if m:
            hour, minute = clock_of(m, minutes)
            mark = _MARK_BEFORE.search(text, 0, m.start())
            written = text[mark.start() if mark else m.start() : m.end()]
            return f"{text[: m.start()]}{hour}.{minute:02d}{text[m.end() :]}", written
    return text, ""


def _take_time(text: str, phrase: str) -> tuple[_Clock | None, str]:
    text, written = _rewrite_clock(text)
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
    if len(lone) > 1:
        raise _fail("moment.not_understood", phrase)  # "Tes malam besok pagi": one is a title's
    if (explicit and midnight) or _LEFTOVER_TIME.search(text):
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
            # "Posyandu pagi ... jam 8 malam": the other part of the day belongs to the title.
            raise _fail("moment.not_understood", phrase)
        hour_text = explicit["h"] or explicit["ch"] or explicit["bare"]
        hour, period = _number(hour_text), period or lone_period
        minute = int(explicit["m"] or explicit["cm"] or 0)
        clock = _clock(hour, minute, explicit["ampm"], period, today, phrase)
        if not (explicit["ampm"] or period or hour_text.startswith("0")) and 1 <= hour <= 6:
            # Nobody plans field work at 3 at night: "jam 3" is 15:00, and the reply says so.
            return replace(clock, hour=hour + 12, guessed=written or explicit[0].strip()), text
        return clock, text
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
    elif period == "subuh":
        hour = hour if hour <= 6 else -1
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
    if joined in DAY_RULES:
        return _Day(on=DAY_RULES[joined](today))
    in_week = WEEKDAY_IN_WEEK.fullmatch(joined)
    if in_week:
        return _Day(on=weekday_in_week(in_week, today))
    if joined == "minggu ini":
        raise _fail("moment.not_understood", phrase)  # "this week", not a day
    weekday = _WEEKDAY.fullmatch(joined)
    if weekday:
        pre, post = weekday["pre"] or "", weekday["post"] or ""
        rule = "this" if "this" in (pre, post) or post == "ini" else "next" if pre or post else ""
        return _Day(weekday=WEEKDAYS[weekday["wd"]], rule=rule)
    first, _, rest = joined.partition(" ")
    if first in WEEKDAYS and rest:
        on = _calendar_date(rest, today, tanggal, phrase)  # "Jumat, 4 Desember"
        if on.weekday() != WEEKDAYS[first]:
            raise _weekday_conflict(phrase, on, WEEKDAYS[first])
        return _Day(on=on)
    return _Day(on=_calendar_date(joined, today, tanggal, phrase))


def _weekday_conflict(phrase: str, on: date, weekday: int) -> MomentError:
    """Both readings of "Jumat 5 Des" when 5 December is a Saturday: the date's, the weekday's."""
    shown = _fail("", phrase).params["phrase"]
    weekdays = alternation(WEEKDAYS).replace("jumat", "jum'?at")
    written = re.search(rf"(?<!\w)(?:{weekdays})(?!\w)", shown, re.IGNORECASE)
    day = re.search(rf"(?<![\d/.:-])0?{on.day}(?!\d)", shown)
    if written is None or day is None:
        return _fail("moment.not_understood", phrase)
    english = written[0][:3].lower() in {name[:3].lower() for name in WEEKDAY_NAMES["en"]}
    name = WEEKDAY_NAMES["en" if english else "id"][on.weekday()]
    name = name if written[0][0].isupper() else name.lower()
    readings = [f"{shown[: written.start()]}{name}{shown[written.end() :]}"]
    # The named weekday nearest the date, when it is in the same month.
    other = on + timedelta(days=(weekday - on.weekday() + 3) % 7 - 3)
    if other.month == on.month:
        readings.append(f"{shown[: day.start()]}{other.day}{shown[day.end() :]}")
    return AmbiguousMoment(shown, tuple(readings))


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
    try:
        return calendar_date(text, today, tanggal)
    except CalendarDateError as error:
        raise _fail(error.key, phrase) from None
