"""Reporting windows: a program's rhythm, its windows, and who did not report in one.

A rhythm is daily or weekly at a local clock time, in the time zone of the manager who set it
(or the zone they name), stored with it so that it never moves when someone changes their own
zone. Each close ends a window that began at the close before it: 24 hours, or 7 days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, or_, update
from sqlmodel import Session, col, select

from core import audit
from core.errors import UserError
from core.language.calendar_words import DAY_WORDS, MONTHS, WEEKDAYS
from core.language.moments import parse_moment
from core.language.zones import ZONE_ALIASES, ZoneError, resolve_zone, zone_abbreviation
from core.models import (
    FieldUpdate,
    OutboxMessage,
    OutboxStatus,
    Person,
    Program,
    ProgramMember,
    ReportingRhythm,
    Role,
)

DAILY, WEEKLY = "daily", "weekly"
# The words for each rhythm, in both languages (/atur laporan #pkh mingguan jumat 15:00).
EVERY_WORDS = {
    DAILY: ("harian", "daily", "setiap-hari", "everyday"),
    WEEKLY: ("mingguan", "weekly", "setiap-minggu"),
}
OFF_WORDS = ("mati", "off", "nonaktif", "none")
EVERY = ("setiap", "tiap", "every")
_NOT_A_CLOCK = frozenset(WEEKDAYS) | frozenset(MONTHS) | {w for p in DAY_WORDS for w in p.split()}
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Window:
    """The time between two closes of a program's rhythm: [start, end)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Rhythm:
    """Daily or weekly at a local clock time in one time zone."""

    every: str
    at: time
    zone: str
    weekday: int | None = None  # 0 = Monday

    @classmethod
    def of(cls, row: ReportingRhythm) -> Rhythm:
        """The rhythm a stored row describes."""
        hour, minute = (int(x) for x in row.at.split(":"))
        return cls(every=row.every, at=time(hour, minute), zone=row.timezone, weekday=row.weekday)

    def zone_name(self, at: datetime) -> str:
        """The rhythm's time zone as people write it: "WIB", "WITA", "WIT"."""
        return zone_abbreviation(self.zone, at)

    def _days(self) -> int:
        return 7 if self.every == WEEKLY else 1

    def _local_close(self, day_offset: int, base: datetime) -> datetime:
        zone = ZoneInfo(self.zone)
        day = base.astimezone(zone).date() + timedelta(days=day_offset)
        return datetime.combine(day, self.at, tzinfo=zone).astimezone(base.tzinfo)

    def last_close(self, moment: datetime) -> datetime:
        """The latest close at or before `moment`."""
        local = moment.astimezone(ZoneInfo(self.zone))
        back = (local.weekday() - (self.weekday or 0)) % 7 if self.every == WEEKLY else 0
        close = self._local_close(-back, moment)
        if close > moment:
            close = self._local_close(-back - self._days(), moment)
        return close

    def next_close(self, moment: datetime) -> datetime:
        """The first close after `moment`: when the window open at `moment` ends."""
        return self._local_close(self._days(), self.last_close(moment))

    def window_ending(self, end: datetime) -> Window:
        """The window that closes at `end` (a close of this rhythm)."""
        return Window(start=self._local_close(-self._days(), end), end=end)


def parse_rhythm(text: str, *, now: datetime, tz: str, code: str = "pkh") -> Rhythm | None:
    """ "mingguan jumat 15:00", "weekly friday 3pm WITA", "harian 17:00", "off" (None).

    The zone is the one named at the end, else `tz` (the manager's own). Raises UserError
    with an example for program `code` for anything it cannot read, so nothing is stored
    half understood.
    """
    words = _plain_words(text.lower().split())
    if len(words) == 1 and words[0] in OFF_WORDS:
        return None
    every = next((k for k, names in EVERY_WORDS.items() if words and words[0] in names), None)
    if every is None:
        raise UserError("reporting.bad_rhythm", value=text[:40], code=code)
    words = words[1:]
    weekday = None
    if every == WEEKLY:
        if not words or words[0] not in WEEKDAYS:
            raise UserError("reporting.bad_day", value=(words[0] if words else "")[:20], code=code)
        weekday, words = WEEKDAYS[words[0]], words[1:]
    zone = tz
    if words and (words[-1].upper() in ZONE_ALIASES or "/" in words[-1]):
        try:
            zone = resolve_zone(words[-1])
        except ZoneError:
            raise UserError("reporting.bad_zone", value=words[-1][:40], code=code) from None
        words = words[:-1]
    at = _clock(" ".join(words), now=now, tz=zone, code=code)
    return Rhythm(every=every, at=at, zone=zone, weekday=weekday)


def _plain_words(words: list[str]) -> list[str]:
    """ "setiap hari ..." as "harian ...", "every friday ..." as "weekly friday ..."."""
    if len(words) < 2 or words[0] not in EVERY:
        return words
    if words[1] in ("hari", "day"):
        return [DAILY, *words[2:]]
    if words[1] in ("minggu", "week", "pekan") and len(words) > 2 and words[2] in WEEKDAYS:
        return [WEEKLY, *words[2:]]
    return [WEEKLY, *words[1:]]  # "setiap jumat", "every friday"; "setiap minggu" is Sunday


def _clock(phrase: str, *, now: datetime, tz: str, code: str) -> time:
    """The local clock time a phrase like "15:00", "3pm" or "jam 5 sore" names, and no day."""
    if not phrase or any(w in _NOT_A_CLOCK for w in _WORD.findall(phrase)):
        raise UserError("reporting.bad_time", value=phrase[:20], code=code)
    try:
        moment = parse_moment(phrase, now=now, tz=tz)
    except UserError:
        raise UserError("reporting.bad_time", value=phrase[:20], code=code) from None
    if not moment.has_time:
        raise UserError("reporting.bad_time", value=phrase[:20], code=code)
    return moment.at.astimezone(ZoneInfo(tz)).time().replace(second=0, microsecond=0)


def rhythm_of(session: Session, program: Program) -> ReportingRhythm | None:
    """The program's reporting rhythm, if it has one."""
    return session.get(ReportingRhythm, program.id)


def set_rhythm(
    session: Session,
    *,
    now: datetime,
    actor: Person | None,
    program: Program,
    rhythm: Rhythm | None,
) -> ReportingRhythm | None:
    """Set (or, with None, turn off) a program's reporting rhythm.

    Windows that closed before now are never swept: the first nudge follows the next close.
    """
    assert program.id is not None
    row = rhythm_of(session, program)
    before = audit.snapshot(row)
    if rhythm is None:
        if row is not None:
            audit.record(
                session, at=now, actor=actor, action="reporting.off", entity=row, before=before
            )
            session.delete(row)
        return None
    row = row or ReportingRhythm(
        program_id=program.id, every=rhythm.every, at="", timezone="", next_close=now
    )
    row.every, row.weekday = rhythm.every, rhythm.weekday
    row.at, row.timezone = f"{rhythm.at:%H:%M}", rhythm.zone
    row.next_close = rhythm.next_close(now)
    row.set_by_id, row.set_at = (actor.id if actor else None), now
    audit.record(session, at=now, actor=actor, action="reporting.set", entity=row, before=before)
    return row


@dataclass
class Missing:
    """Who sent no update for a program in one window."""

    window: Window
    people: list[Person] = field(default_factory=list)


def missing(
    session: Session, programs: Iterable[Program | int], at: datetime
) -> dict[int, Missing]:
    """For each program with a rhythm, its field workers who sent nothing in the window that
    closed last at or before `at`. Two queries, however many programs."""
    ids = [p if isinstance(p, int) else p.id for p in programs]
    rows = session.exec(select(ReportingRhythm).where(col(ReportingRhythm.program_id).in_(ids)))
    windows = {}
    for row in rows:
        rhythm = Rhythm.of(row)
        windows[row.program_id] = rhythm.window_ending(rhythm.last_close(at))
    return missing_in(session, windows)


def missing_in(session: Session, windows: Mapping[int, Window]) -> dict[int, Missing]:
    """For each program id, its field-worker members with no update inside its window.

    One query: programs sharing a window share one condition, so its size follows the
    number of different windows (a handful of rhythms), not the number of programs.
    """
    found = {program_id: Missing(window) for program_id, window in windows.items()}
    if not windows:
        return found
    by_window: dict[Window, list[int]] = {}
    for program_id, window in windows.items():
        by_window.setdefault(window, []).append(program_id)
    inside = or_(
        *(
            and_(
                col(FieldUpdate.program_id).in_(ids),
                col(FieldUpdate.created_at) >= window.start,
                col(FieldUpdate.created_at) < window.end,
            )
            for window, ids in by_window.items()
        )
    )
    reported = exists().where(
        col(FieldUpdate.program_id) == ProgramMember.program_id,
        col(FieldUpdate.author_id) == ProgramMember.person_id,
        inside,
    )
    rows = session.exec(
        select(ProgramMember.program_id, Person)
        .join(Person, col(Person.id) == ProgramMember.person_id)
        .where(
            col(ProgramMember.program_id).in_(list(windows)),
            Person.role == Role.FIELD,
            ~reported,
        )
        .order_by(col(ProgramMember.program_id), col(Person.handle))
    )
    for program_id, person in rows:
        found[program_id].people.append(person)
    return found


def reported_in(
    session: Session, *, program: Program, person: Person, window: Window
) -> FieldUpdate | None:
    """The person's latest update for the program inside the window, if any."""
    return session.exec(
        select(FieldUpdate)
        .where(
            FieldUpdate.program_id == program.id,
            FieldUpdate.author_id == person.id,
            col(FieldUpdate.created_at) >= window.start,
            col(FieldUpdate.created_at) < window.end,
        )
        .order_by(col(FieldUpdate.created_at).desc())
        .limit(1)
    ).first()


def nudge_key(program_id: int, person_id: int, window: Window, *, manual: bool = False) -> str:
    """The outbox key of a nudge: one per person, program and window (and one manual)."""
    key = f"report-nudge:{program_id}:{person_id}:{window.end.isoformat()}"
    return key + ":manual" if manual else key


def withdraw_nudges(session: Session, *, program_id: int, person_id: int) -> None:
    """Cancel the person's nudges for the program still waiting for their working time:
    they reported, and nobody who reported is nudged."""
    session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.person_id) == person_id,
            col(OutboxMessage.status).in_([OutboxStatus.PENDING, OutboxStatus.WAITING]),
            col(OutboxMessage.dedupe_key).startswith(f"report-nudge:{program_id}:{person_id}:"),
        )
        .values(status=OutboxStatus.CANCELLED, last_error="reported")
    )
