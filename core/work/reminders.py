"""Personal reminders: people set, list, cancel and snooze them; the outbox delivers them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core import audit
from core.errors import UserError
from core.models import Person, Reminder, ReminderStatus
from core.people import visibility

MAX_TEXT = 500


def create(
    session: Session, *, now: datetime, actor: Person, text: str, due_at: datetime
) -> Reminder:
    """Remind the actor of `text` at `due_at`."""
    text = text.strip(" \t\n-:;,")
    if not text:
        raise UserError("reminder.no_text")
    if len(text) > MAX_TEXT:
        raise UserError("common.too_long", limit=MAX_TEXT, length=len(text))
    if due_at <= now:
        raise UserError("moment.in_past", at=due_at)
    assert actor.id is not None
    reminder = Reminder(
        person_id=actor.id, text=text, due_at=due_at, created_by_id=actor.id, created_at=now
    )
    audit.record(session, at=now, actor=actor, action="reminder.create", entity=reminder)
    return reminder


def pending(session: Session, person: Person) -> list[Reminder]:
    """The person's reminders still to come, soonest first."""
    return list(
        session.exec(
            select(Reminder)
            .where(Reminder.person_id == person.id, Reminder.status == ReminderStatus.PENDING)
            .order_by(col(Reminder.due_at))
        )
    )


def cancel(session: Session, *, now: datetime, actor: Person, reminder_id: int) -> Reminder:
    """Cancel one of the actor's pending reminders."""
    reminder = visibility.reminder(session, actor, reminder_id)
    if reminder.status != ReminderStatus.PENDING:
        raise UserError("reminder.not_pending", number=reminder_id)
    before = audit.snapshot(reminder)
    reminder.status = ReminderStatus.CANCELLED
    audit.record(
        session, at=now, actor=actor, action="reminder.cancel", entity=reminder, before=before
    )
    return reminder


def due_of(session: Session, *, actor: Person, reminder_id: int) -> datetime:
    """When one of the actor's reminders is (or was) due."""
    reminder = visibility.reminder(session, actor, reminder_id)
    return reminder.due_at


def snooze(
    session: Session, *, now: datetime, actor: Person, reminder_id: int, until: datetime
) -> Reminder:
    """Bring one of the actor's reminders back at `until`."""
    reminder = visibility.reminder(session, actor, reminder_id)
    if reminder.status == ReminderStatus.CANCELLED:
        raise UserError("reminder.not_pending", number=reminder_id)
    before = audit.snapshot(reminder)
    reminder.due_at = until
    reminder.status = ReminderStatus.PENDING
    reminder.sent_at = None
    audit.record(
        session, at=now, actor=actor, action="reminder.snooze", entity=reminder, before=before
    )
    return reminder
