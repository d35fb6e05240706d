"""Firing reminders: due ones become outbox messages; late ones say how late; very late ones
(Gotong was down for long) are marked missed and wait for the person's next digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from core.clock import Clock
from core.db import unit_of_work
from core.delivery import commitment_notes
from core.delivery.claims import Route, route
from core.delivery.queue import queue
from core.language.i18n import Catalog
from core.messages import Button
from core.models import (
    OPEN_COMMITMENT,
    Commitment,
    CommitmentStatus,
    Deadline,
    Meeting,
    Person,
    Reminder,
    ReminderStatus,
    Status,
    Task,
)

# Snooze choices offered as buttons: `snooze N <choice>`.
SNOOZES = (("20m", "1h", "3h"), ("morning", "week"))


@dataclass(frozen=True)
class Fired:
    """What one sweep did."""

    sent: int = 0
    late: int = 0
    missed: int = 0
    cancelled: int = 0


class ReminderSweep:
    """Turns due reminders into outbox messages, in batches, each batch one transaction."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        catalog: Catalog,
        *,
        grace: timedelta = timedelta(minutes=2),
        too_late: timedelta = timedelta(hours=12),
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.catalog = catalog
        self.grace = grace
        self.too_late = too_late

    def run(self, *, batch: int = 500) -> Fired:
        """Fire everything due now; returns the counts."""
        counts = {"sent": 0, "late": 0, "missed": 0, "cancelled": 0}
        while True:
            now = self.clock.now()
            # One flush at commit instead of one before every query: a batch is one transaction.
            with unit_of_work(self.engine) as session, session.no_autoflush:
                due = due_reminders(session, now=now, limit=batch)
                ids = {r.person_id for r in due}
                found = session.exec(select(Person).where(col(Person.id).in_(ids)))
                people = {p.id: p for p in found}
                routes: dict[int, Route] = {}
                for reminder in due:
                    person = people[reminder.person_id]
                    if reminder.person_id not in routes:
                        routes[reminder.person_id] = route(session, person)
                    to = routes[reminder.person_id]
                    counts[self._fire(session, reminder, now, person, to)] += 1
            if len(due) < batch:
                return Fired(**counts)

    def next_due(self) -> datetime | None:
        """When the next pending reminder falls due, to wake up then."""
        with unit_of_work(self.engine) as session:
            return session.exec(
                select(Reminder.due_at)
                .where(Reminder.status == ReminderStatus.PENDING)
                .order_by(col(Reminder.due_at))
                .limit(1)
            ).first()

    def _render(self, key: str, person: Person, now: datetime, **params: Any) -> str:
        return self.catalog.render(key, lang=person.language, tz=person.timezone, now=now, **params)

    def _fire(
        self,
        session: Session,
        reminder: Reminder,
        now: datetime,
        person: Person,
        to: Route,
    ) -> str:
        assert reminder.id is not None
        lateness = now - reminder.due_at
        if lateness > self.too_late:
            reminder.status = ReminderStatus.MISSED
            session.add(reminder)
            return "missed"
        subject = _subject(session, reminder)
        if reminder.subject_type is not None and subject is None:
            reminder.status = ReminderStatus.CANCELLED  # its task or meeting closed meanwhile
            session.add(reminder)
            return "cancelled"
        late = lateness if lateness > self.grace else None
        extra: dict[str, Any] = {}
        if isinstance(subject, Commitment):
            extra = commitment_notes.details(session, subject)
        text = self._render(
            f"reminder.fire_{reminder.subject_type or 'personal'}",
            person,
            now,
            reminder=reminder,
            subject=subject,
            late=late,
            **extra,
        )
        buttons = tuple(
            tuple(
                Button(self._render(label, person, now, command=command), command)
                for label, command in row
            )
            for row in _button_specs(reminder, subject)
        )
        queue(
            session,
            person_id=person.id or 0,
            platform=to.platform,
            blocked=to.blocked,
            dedupe_key=f"reminder:{reminder.id}:{reminder.due_at.isoformat()}",
            text=text,
            buttons=buttons,
            due_at=now,
            now=now,
            cause=f"reminder:{reminder.id}",
        )
        reminder.status = ReminderStatus.SENT
        reminder.sent_at = self.clock.now()  # the moment it fired, not the batch's start
        session.add(reminder)
        return "late" if late else "sent"


def _button_specs(
    reminder: Reminder, subject: Task | Meeting | Deadline | Commitment | None
) -> list[list[tuple[str, str]]]:
    """Snooze choices (and Done for a task); a commitment's own buttons instead of snoozing."""
    if isinstance(subject, Commitment):
        return [list(row) for row in commitment_notes.reminder_buttons(reminder, subject)]
    specs = [[(f"button.snooze_{s}", f"snooze {reminder.id} {s}") for s in row] for row in SNOOZES]
    if reminder.subject_type == "task":
        specs.insert(0, [("button.done", f"done {reminder.subject_id}")])
    return specs


def due_reminders(session: Session, *, now: datetime, limit: int) -> list[Reminder]:
    """Pending reminders due by `now`, oldest first; locked for this sweep on PostgreSQL."""
    query = (
        select(Reminder)
        .where(Reminder.status == ReminderStatus.PENDING, col(Reminder.due_at) <= now)
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query))


# The commitment states in which each of its reminders still has something true to say.
COMMITMENT_STATES = {
    "nudge": (CommitmentStatus.REQUESTED,),
    "unanswered": (CommitmentStatus.REQUESTED,),
    "3d": (CommitmentStatus.CONFIRMED,),
    "1d": (CommitmentStatus.CONFIRMED,),
}


def _subject(session: Session, reminder: Reminder) -> Task | Meeting | Deadline | Commitment | None:
    """The open task, meeting, deadline or commitment a domain reminder is about."""
    subject: Task | Meeting | Deadline | None = None
    if reminder.subject_id is None:
        return None
    if reminder.subject_type == "commitment":
        found = session.get(Commitment, reminder.subject_id)
        states = COMMITMENT_STATES.get(reminder.label, OPEN_COMMITMENT)
        return found if found is not None and found.status in states else None
    if reminder.subject_type == "task":
        subject = session.get(Task, reminder.subject_id)
    elif reminder.subject_type == "meeting":
        subject = session.get(Meeting, reminder.subject_id)
    elif reminder.subject_type == "deadline":
        subject = session.get(Deadline, reminder.subject_id)
    return subject if subject is not None and subject.status == Status.OPEN else None
