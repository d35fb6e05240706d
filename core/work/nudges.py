"""Nudges: field workers who did not report in a program's window are asked, once.

When a window closes, the sweep queues one nudge for each field worker of the program who sent
no update in it, in that person's working time; a manager can also nudge one person by hand,
once per window. Every nudge has its own outbox key, so a second sweep, a restart or a second
instance finds the key taken and sends nothing more.

After downtime only the window that closed last is swept: its nudges go out late, once; windows
that closed before it are skipped, since their people have a newer window to report in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.clock import Clock
from core.db import unit_of_work
from core.delivery.claims import Route, route
from core.delivery.queue import queue
from core.delivery.worktime import WorkingTime
from core.errors import UserError
from core.language.i18n import Catalog
from core.models import OutboxMessage, Person, Program, ReportingRhythm
from core.work.reporting import Rhythm, Window, missing_in, nudge_key, reported_in, rhythm_of


def nudge_due(person: Person, now: datetime) -> datetime:
    """When a nudge queued now reaches the person: now, or their next working morning."""
    return WorkingTime.of(person).next_allowed(now)


def queue_nudge(
    session: Session,
    *,
    now: datetime,
    person: Person,
    key: str,
    text: str,
    cause: str,
) -> tuple[Route, datetime]:
    """Queue one nudge for the person's next working moment; returns the route and when."""
    assert person.id is not None
    way = route(session, person)
    due = nudge_due(person, now)
    queue(
        session,
        person_id=person.id,
        platform=way.platform,
        blocked=way.blocked,
        dedupe_key=key,
        text=text,
        buttons=(),
        due_at=due,
        now=now,
        cause=cause,
    )
    return way, due


class NudgeSweep:
    """Finds closed reporting windows and nudges who did not report, a batch per transaction."""

    def __init__(self, engine: Engine, clock: Clock, catalog: Catalog) -> None:
        self.engine = engine
        self.clock = clock
        self.catalog = catalog

    def run(self, *, batch: int = 200) -> int:
        """Sweep every window closed by now; returns how many nudges were queued."""
        queued = 0
        while True:
            now = self.clock.now()
            with unit_of_work(self.engine) as session:
                due = _closed(session, now=now, limit=batch)
                queued += self._sweep(session, due, now)
            if len(due) < batch:
                return queued

    def _sweep(self, session: Session, due: list[ReportingRhythm], now: datetime) -> int:
        rhythms = {row.program_id: Rhythm.of(row) for row in due}
        windows = {pid: r.window_ending(r.last_close(now)) for pid, r in rhythms.items()}
        programs = {
            p.id: p for p in session.exec(select(Program).where(col(Program.id).in_(list(windows))))
        }
        queued = 0
        for program_id, found in missing_in(session, windows).items():
            for person in found.people:
                assert person.id is not None
                # Written as read on arrival: "today" is the day it reaches them.
                text = self.catalog.render(
                    "reporting.nudge",
                    lang=person.language,
                    tz=person.timezone,
                    now=nudge_due(person, now),
                    program=programs[program_id],
                    window=found.window,
                    asked_by=None,
                )
                key = nudge_key(program_id, person.id, found.window)
                queue_nudge(session, now=now, person=person, key=key, text=text, cause=key)
                queued += 1
        for row in due:
            row.next_close = rhythms[row.program_id].next_close(now)
            session.add(row)
        return queued


def _closed(session: Session, *, now: datetime, limit: int) -> list[ReportingRhythm]:
    """Rhythms whose window has closed and not been swept; locked for this sweep on
    PostgreSQL, so another instance passes them by."""
    query = (
        select(ReportingRhythm)
        .where(col(ReportingRhythm.next_close) <= now)
        .order_by(col(ReportingRhythm.next_close), col(ReportingRhythm.program_id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query))


@dataclass(frozen=True)
class ManualNudge:
    """What a manager's nudge found: the window it belongs to, and an earlier one if sent."""

    window: Window
    key: str
    sent_before: OutboxMessage | None = None


def plan_manual(
    session: Session, *, now: datetime, program: Program, person: Person
) -> ManualNudge:
    """The window a manager's nudge belongs to (the one open now), refusing what must not be
    nudged: a program with no window, someone who already reported in it."""
    row = rhythm_of(session, program)
    if row is None:
        raise UserError("reporting.no_window", code=program.code)
    rhythm = Rhythm.of(row)
    window = rhythm.window_ending(rhythm.next_close(now))
    update = reported_in(session, program=program, person=person, window=window)
    if update is not None:
        raise UserError(
            "reporting.already_reported", person=person, code=program.code, at=update.created_at
        )
    assert program.id is not None and person.id is not None
    key = nudge_key(program.id, person.id, window, manual=True)
    earlier = session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == key)).first()
    return ManualNudge(window=window, key=key, sent_before=earlier)


def send_manual(
    session: Session, *, now: datetime, person: Person, plan: ManualNudge, text: str, cause: str
) -> tuple[Route, datetime] | None:
    """Queue the manager's nudge; None when another press got there first."""
    try:
        with session.begin_nested():
            sent = queue_nudge(
                session, now=now, person=person, key=plan.key, text=text, cause=cause
            )
            session.flush()
    except IntegrityError:  # the same key, queued by a press handled at the same moment
        return None
    return sent
