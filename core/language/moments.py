"""Moments and durations written in words: "besok jam 3 sore", "next friday 9am", "1 jam 30 menit".

How one phrase is read (and which day an unfinished phrase means) is told in
`core.language.phrases`; this module turns that into aware moments, finds the moment phrase
inside a whole command, and reads durations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.language.calendar_words import (
    DAY_WORDS,
    MONTHS,
    NUMBER_WORDS,
    OFFSET_UNITS,
    PERIODS,
    WEEKDAYS,
)
from core.language.numbers import find_duration, parse_duration
from core.language.phrases import AmbiguousMoment, Guess, MomentError, read_moment
from core.language.time_rules import APPROXIMATE
from core.language.zones import ZONE_ALIASES

__all__ = [
    "AmbiguousMoment",
    "Guess",
    "Moment",
    "MomentError",
    "find_duration",
    "find_moment",
    "parse_duration",
    "parse_moment",
]


# Nothing people plan lies before this or further ahead than this; beyond them a typo is more
# likely than a plan, and datetime arithmetic (reminders, time zones) would overflow.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FURTHEST = timedelta(days=3653)  # ten years


@dataclass(frozen=True)
class Moment:
    """A point in time a person wrote, and whether they named a time or only a day."""

    at: datetime  # aware, UTC; 00:00 local of the day when has_time is False
    has_time: bool
    text: str  # the phrase as matched in the input
    guesses: tuple[Guess, ...] = ()  # what the reader chose for the person, to say in the reply


_ZONE_NAME = re.compile(rf"(?<!\S)({'|'.join(ZONE_ALIASES)})(?!\S)", re.IGNORECASE)


def parse_moment(phrase: str, *, now: datetime, tz: str) -> Moment:
    """The moment a whole phrase names, for a person in zone `tz`; raises MomentError."""
    written = phrase
    # "pukul 10.00 WIB" is common in Indonesian: the named zone wins over the person's own.
    named_zone = _ZONE_NAME.search(phrase)
    if named_zone:
        tz = ZONE_ALIASES[named_zone.group(1).upper()]
        written = f"{phrase[: named_zone.start()]} {phrase[named_zone.end() :]}"
    zone = ZoneInfo(tz)
    try:
        reading = read_moment(written, now.astimezone(zone).replace(tzinfo=None))
        at = reading.at.replace(tzinfo=zone).astimezone(UTC)
    except (OverflowError, ValueError) as error:  # "0001-01-01", "999999999 hari lagi"
        raise MomentError("moment.out_of_range", phrase=phrase.strip()) from error
    if not EARLIEST <= at <= now + FURTHEST:
        raise MomentError("moment.out_of_range", phrase=phrase.strip())
    guesses = reading.guesses
    local = at.astimezone(zone)
    if _rolled_to_next_year(written, local, now.astimezone(zone)):
        note = Guess("next_year", phrase.strip(), local.hour, local.minute, local.year)
        guesses = (*guesses, note)
    return Moment(at=at, has_time=reading.has_time, text=phrase, guesses=guesses)


# A calendar date read next year this many days ahead or more is said so in the reply.
ROLLED_NOTE_DAYS = 120
_RELATIVE_YEAR = frozenset({"depan", "next", "tahun", "year", "lagi", "kemudian"})


def _rolled_to_next_year(phrase: str, at: datetime, now: datetime) -> bool:
    """ "1 Nov" written on 30 Nov is read as next year's: a date without its year that has
    passed this year. Far enough off to say so, in case a past date was meant ("5 Jan" in late
    December plainly means next year and is left alone)."""
    if at.year <= now.year or (at.date() - now.date()).days < ROLLED_NOTE_DAYS:
        return False
    words = [w.strip(_EDGE_PUNCTUATION).lower() for w in phrase.split()]
    if any(w in _RELATIVE_YEAR or w == str(at.year) for w in words):
        return False
    numeric = [w for w in words if _NUMERIC_DATE.fullmatch(w)]
    if numeric:
        return all(w.count("/") + w.count("-") + w.count(".") < 2 for w in numeric)
    return any(w in MONTHS for w in words)


# --- finding the moment inside a command ---------------------------------------------------

_TOKEN = re.compile(r"\S+")
_EDGE_PUNCTUATION = "\"'()[]{}<>,;:!?."
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}(?:[ap]\.?m\.?)?|\d{1,2}[ap]\.?m\.?")
_NUMERIC_DATE = re.compile(
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/\d{2,4})?"
    r"|(?P<d2>\d{1,2})(?P<sep>[.-])(?P<m2>\d{1,2})(?P=sep)\d{2,4}"
    r"|\d{4}-\d{1,2}-\d{1,2}"
)
_NUMBER = re.compile(r"\d{1,4}(?:st|nd|rd|th)?")
_STRONG_WORDS = frozenset(
    {w for w in DAY_WORDS if " " not in w}
    | {"senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "ahad", "monday", "tuesday"}
    | {"wednesday", "thursday", "friday", "saturday", "sunday"}
    | {"tonight", "noon", "midnight", "weekend", "midweek"}
)
_LINK_WORDS = frozenset(
    {"jam", "pukul", "pkl", "tgl", "tanggal", "nanti", "lagi", "kemudian", "depan", "next"}
    | {"this", "ini", "in", "at", "on", "am", "pm", "a.m", "p.m", "dalam", "hari", "akhir"}
    | {"end", "of", "the", "pada", "from", "now", "dari", "sekarang", "@", "tengah"}
    | {"setengah", "half", "sejam", "sehari", "seminggu", "sebulan", "yang", "akan", "datang"}
    | {"coming", "day", "after", "awal", "start", "early", "mid", "midweek", "dini", "week"}
    | {"kurang", "lewat", "lebih", "seperempat", "quarter", "past", "to", "tahun", "year"}
    | {name.lower() for name in ZONE_ALIASES}
    | set(WEEKDAYS)
    | set(MONTHS)
    | set(PERIODS)
    | set(OFFSET_UNITS)
    | set(NUMBER_WORDS)
)
# Pairs of words that make a moment even with no strong word: "jam 9", "minggu depan".
_STRONG_PAIRS = frozenset(
    {("hari", "ini"), ("minggu", "depan"), ("pekan", "depan"), ("bulan", "depan")}
    | {("next", "week"), ("next", "month"), ("akhir", "bulan"), ("hari", "minggu")}
    | {("akhir", "pekan")}
    | {("nanti", p) for p in PERIODS}
    | {(p, "ini") for p in PERIODS}
    | {("this", p) for p in PERIODS}
)
# Markers that make the number after them a moment; "at 3" is left out ("at 3 villages").
_MARKS = frozenset({"jam", "pukul", "pkl", "tgl", "tanggal"})
_DURATION_UNITS = frozenset(OFFSET_UNITS) - {"bulan", "month", "months", "minggu", "hari"}
_OFFSET_LEADS = frozenset({"in", "dalam"})
_OFFSET_TRAILS = frozenset({"lagi", "kemudian", "from"})
# Words a moment phrase may start with ("at 5pm", "on Friday") but never ends with.
_NOT_LAST = frozenset(
    {"at", "on", "the", "of", "pada", "in", "dalam", "a", "an", "from", "dari", "@", "to"}
    | {"kurang", "lewat", "lebih", "past", "setengah", "jam", "pukul", "pkl", "tgl", "tanggal"}
)
# "awal bulan depan", "end of the year": a part of a week, month or year, fillers allowed between.
_PART_OF = frozenset({"awal", "tengah", "akhir", "end", "start", "early", "mid"})
_WEEK_OR_MONTH = frozenset({"minggu", "pekan", "bulan", "week", "month", "tahun", "year"})
_MAX_RUN = 8  # words; every sub-span of a run may be tried, so long runs are cut


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str  # lower case, edge punctuation removed
    breaks_after: bool  # a sentence ends after it


def find_moment(text: str, *, now: datetime, tz: str) -> tuple[int, int, Moment] | None:
    """The first moment phrase inside `text` as (start, end, moment), or None when there is none."""
    tokens = _tokenise(text)
    kinds = _classify(tokens)
    runs = _runs(tokens, kinds)
    for n, run in enumerate(runs):
        found = _best_span(text, tokens, kinds, run, now=now, tz=tz)
        if found is not None:
            found = _told_by_title(text, tokens, found, now=now, tz=tz)
            return _timed_later(text, tokens, kinds, runs[n + 1 :], found, now=now, tz=tz)
    return None


def _period_before(tokens: list[_Token], start: int) -> int:
    """Where a part of the day just before the span at `start` begins ("malam" in "malam jam 7"),
    else `start` itself."""
    first = next(i for i, token in enumerate(tokens) if token.start == start)
    before = tokens[first - 1] if first > 0 else None
    if before is None or before.word not in PERIODS or before.breaks_after:
        return start
    return before.start


def _timed_later(
    text: str,
    tokens: list[_Token],
    kinds: list[str],
    later: list[range],
    found: tuple[int, int, Moment],
    *,
    now: datetime,
    tz: str,
) -> tuple[int, int, Moment]:
    """ "besok tes malam jam 7": a day first and its time further on are one moment.

    The time's words stay where they are (only the day's span is cut out); a note names them.
    """
    start, end, moment = found
    if moment.has_time:
        return found
    for run in later:
        span = _best_span(text, tokens, kinds, run, now=now, tz=tz)
        if span is None or not span[2].has_time:
            continue
        written = text[_period_before(tokens, span[0]) : span[1]]
        try:
            joined = parse_moment(f"{text[start:end]} {written}", now=now, tz=tz)
        except MomentError:
            return found
        local = joined.at.astimezone(ZoneInfo(tz))
        note = Guess("joined", written, local.hour, local.minute)
        return start, end, replace(joined, text=moment.text, guesses=(*joined.guesses, note))
    return found


def _told_by_title(
    text: str, tokens: list[_Token], found: tuple[int, int, Moment], *, now: datetime, tz: str
) -> tuple[int, int, Moment]:
    """ "Makan malam jam 7": "malam" stays in the title and still says the evening (19.00)."""
    start, end, moment = found
    period = _period_before(tokens, start)
    if not moment.has_time or period == start:
        return found
    try:
        told = parse_moment(text[period:end], now=now, tz=tz)
    except MomentError:
        return found
    return start, end, replace(told, text=moment.text) if told.at != moment.at else moment


def _tokenise(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        word = raw.strip(_EDGE_PUNCTUATION)
        if not word:
            continue
        start = m.start() + raw.index(word)
        lower = word.lower().replace("jum'at", "jumat")
        if lower[:1].isdigit():
            lower = APPROXIMATE.sub("", lower)  # "3pm-ish" is read as "3pm" (and said so)
        ends_sentence = raw[-1] in ";!?" or (raw.endswith(".") and lower not in _LINK_WORDS)
        if tokens and "\n" in text[tokens[-1].end : start]:
            tokens[-1] = replace(tokens[-1], breaks_after=True)
        tokens.append(_Token(start, start + len(word), lower, ends_sentence))
    return tokens


def _classify(tokens: list[_Token]) -> list[str]:
    """Each token as "strong" (makes a moment), "link" (may sit inside one), "number" or "other"."""
    kinds = []
    for i, token in enumerate(tokens):
        word = token.word
        if word in _STRONG_WORDS or _CLOCK.fullmatch(word):
            kinds.append("strong")
        elif m := _NUMERIC_DATE.fullmatch(word):
            day, month = m["d"] or m["d2"], m["m"] or m["m2"]
            # "12/25" (a fraction) or "RT 05/02" (an address) are not dates.
            plausible = day is None or (int(day) <= 31 and int(month) <= 12)
            address = i > 0 and tokens[i - 1].word in ("rt", "rw", "no", "nomor", "nr")
            kinds.append("strong" if plausible and not address else "other")
        elif _NUMBER.fullmatch(word):
            kinds.append("number")
        elif word in _LINK_WORDS or word.replace("'", "") in _LINK_WORDS:
            kinds.append("link")
        else:
            kinds.append("other")
    _mark_patterns(tokens, kinds)
    return kinds


def _mark_patterns(tokens: list[_Token], kinds: list[str]) -> None:
    words = [t.word for t in tokens]
    n = len(words)
    for i in range(n):
        nxt = words[i + 1] if i + 1 < n else ""
        after = words[i + 2] if i + 2 < n else ""
        before = words[i - 1] if i > 0 else ""
        before_other = _kind(kinds, i - 1) == "other"
        if _names_a_month(words, kinds, i):
            kinds[i] = "other"  # "Laporan bulan November 5 Des": November is the title's
        elif words[i] in PERIODS and kinds[i] != "strong" and before_other and nxt != "ini":
            kinds[i] = "other"  # "Posyandu pagi rabu jam 8": pagi is the title's
        elif words[i] in _PART_OF and _part_of_week_or_month(words, i):
            kinds[i] = "strong"
        elif (words[i], nxt) in _STRONG_PAIRS:
            kinds[i] = kinds[i + 1] = "strong"
        elif _anchors_number(words[i], kinds, i) or (
            words[i] in MONTHS and before == "of" and _kind(kinds, i - 2) == "number"
        ):  # "5th of December"
            kinds[i] = "strong"
        elif kinds[i] == "number" and nxt in OFFSET_UNITS:
            if after in _OFFSET_TRAILS or before in _OFFSET_LEADS:
                kinds[i] = "strong"  # "3 hari lagi", "in 2 hours"
            elif nxt in _DURATION_UNITS and not _clock_follows(words, i + 1):
                kinds[i] = kinds[i + 1] = "other"  # "2 jam" is how long, not when
        elif words[i] in ("sejam", "sehari", "seminggu", "sebulan") and nxt == "lagi":
            kinds[i] = "strong"


def _anchors_number(word: str, kinds: list[str], i: int) -> bool:
    """A month next to a number ("5 Des", "Dec 5") or a marker before one ("jam 9", "tgl 5")."""
    if word in MONTHS:
        return "number" in (_kind(kinds, i - 1), _kind(kinds, i + 1))
    half = _kind(kinds, i + 1) == "link" and _kind(kinds, i + 2) == "number"  # jam setengah 3
    return word in _MARKS and kinds[i] != "other" and (_kind(kinds, i + 1) == "number" or half)


def _names_a_month(words: list[str], kinds: list[str], i: int) -> bool:
    """A month named as a month, not a date: "bulan Desember", or "November" in "November 5 Des"."""
    if words[i] not in MONTHS or kinds[i] == "other":
        return False
    if i > 0 and words[i - 1] == "bulan":
        return True
    return i + 2 < len(words) and kinds[i + 1] == "number" and words[i + 2] in MONTHS


def _part_of_week_or_month(words: list[str], i: int) -> bool:
    """Whether words[i] ("awal", "end") begins "awal bulan", "end of the month" and the like."""
    for word in words[i + 1 : i + 4]:
        if word in _WEEK_OR_MONTH:
            return True
        if word not in ("of", "the", "this", "next"):
            return False
    return False


def _clock_follows(words: list[str], i: int) -> bool:
    """Whether words[i] is "jam"/"pukul" starting a time ("2026 jam 8"), not "2 jam 30 menit"."""
    if words[i] not in _MARKS or i + 1 >= len(words) or not _NUMBER.fullmatch(words[i + 1]):
        return False
    return i + 2 >= len(words) or words[i + 2] not in _DURATION_UNITS


def _kind(kinds: list[str], i: int) -> str:
    return kinds[i] if 0 <= i < len(kinds) else ""


def _runs(tokens: list[_Token], kinds: list[str]) -> list[range]:
    """Maximal stretches of moment-like tokens that hold at least one strong token."""
    runs, start = [], 0
    for i in range(len(tokens) + 1):
        ends = i == len(tokens) or kinds[i] == "other" or (i > 0 and tokens[i - 1].breaks_after)
        if ends:
            if "strong" in kinds[start:i]:
                runs.append(range(start, min(i, start + _MAX_RUN)))
            start = i + 1 if i < len(tokens) and kinds[i] == "other" else i
    return runs


def _best_span(
    text: str, tokens: list[_Token], kinds: list[str], run: range, *, now: datetime, tz: str
) -> tuple[int, int, Moment] | None:
    """The span of `run` that reads as a moment: a written date or time first, then the longest.

    On equal length a time wins, then the later span (a title comes first, its moment after
    it). "Rekap minggu depan senin depan 10:00" is due "senin depan 10:00", and "Laporan akhir
    bulan depan 5 Jan" on 5 January.
    """
    best: tuple[tuple[bool, int, bool, int], Moment] | None = None
    for length in range(len(run), 0, -1):
        for first in range(run.start, run.stop - length + 1):
            last = first + length - 1
            if "strong" not in kinds[first : last + 1] or tokens[last].word in _NOT_LAST:
                continue
            moment = _moment_of(text, tokens[first].start, tokens[last].end, now=now, tz=tz)
            if moment is not None:
                rank = (_has_digit(moment.text), length, moment.has_time, first)
                best = max(best, (rank, moment), key=lambda b: b[0]) if best else (rank, moment)
        # Only a written date or time further in could beat the longest span found.
        if best and (best[0][0] or not any(_has_digit(tokens[i].word) for i in run)):
            break
    if best is None:
        return None
    (_, length, _, first), moment = best
    return tokens[first].start, tokens[first + length - 1].end, moment


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _moment_of(text: str, start: int, end: int, *, now: datetime, tz: str) -> Moment | None:
    """The moment text[start:end] names, None when it names none; other MomentErrors raise."""
    try:
        return parse_moment(text[start:end], now=now, tz=tz)
    except MomentError as error:
        if error.key != "moment.not_understood":
            raise
        return None
