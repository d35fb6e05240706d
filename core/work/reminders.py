"""Personal reminders: people set, list, cancel and snooze them; the outbox delivers them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core import audit
from core.db import page_of
from core.delivery.worktime import WorkingTime
from core.errors import UserError
from core.language.grammar import meaning_of
from core.language.moments import parse_duration
from core.models import REMINDER_TEXT_MAX, Person, Reminder, ReminderStatus
from core.people import visibility


def create(
    session: Session, *, now: datetime, actor: Person, text: str, due_at: datetime
) -> Reminder:
    """Remind the actor of `text` at `due_at`."""
    text = text.strip(" \t\n-:;,")
    if not text:
        raise UserError("reminder.no_text")
    if len(text) > REMINDER_TEXT_MAX:
        raise UserError("common.too_long", limit=REMINDER_TEXT_MAX, length=len(text))
    if due_at <= now:
        raise UserError("moment.in_past", at=due_at)
    assert actor.id is not None
    reminder = Reminder(
        person_id=actor.id, text=text, due_at=due_at, created_by_id=actor.id, created_at=now
    )
    audit.record(session, at=now, actor=actor, action="reminder.create", entity=reminder)
    return reminder


def pending(
    session: Session, person: Person, *, limit: int, offset: int = 0
) -> tuple[list[Reminder], int]:
    """A page of the person's reminders still to come, soonest first, and how many in all."""
    query = (
        select(Reminder)
        .where(Reminder.person_id == person.id, Reminder.status == ReminderStatus.PENDING)
        .order_by(col(Reminder.due_at), col(Reminder.id))
    )
    return page_of(session, query, limit=limit, offset=offset)


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


def snooze(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    reminder_id: int,
    later: str,
) -> Reminder:
    """Bring one of the actor's reminders back `later`, as typed: on the next working morning
    ("besok"), a week on ("minggu") or after a duration ("1j 30m"). A reminder that has not
    fired yet moves from its own moment, not from now."""
    reminder = visibility.reminder(session, actor, reminder_id)
    base = max(now, reminder.due_at)
    meaning = meaning_of(later, "morning", "week")
    if meaning == "morning":
        working = WorkingTime.of(actor)
        until = working.morning_of(base.astimezone(working.zone).date() + timedelta(days=1))
    elif meaning == "week":
        until = base + timedelta(days=7)
    else:
        until = base + parse_duration(later)
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
