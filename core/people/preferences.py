"""A person's own settings: language, time zone, working days, quiet hours, channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from core import audit
from core.delivery import followups
from core.delivery.worktime import parse_quiet_hours, parse_workdays
from core.errors import UserError
from core.language.zones import resolve_zone
from core.models import Identity, OutboxMessage, OutboxStatus, Person
from core.people.accounts import checked_language


def set_language(session: Session, *, now: datetime, actor: Person, language: str) -> Person:
    """Change the language the person is answered in."""
    before = audit.snapshot(actor)
    actor.language = checked_language(language)
    audit.record(
        session, at=now, actor=actor, action="person.language", entity=actor, before=before
    )
    return actor


def set_quiet_hours(session: Session, *, now: datetime, actor: Person, value: str) -> Person:
    """Change when Gotong keeps quiet (its own reminders wait for the morning)."""
    start, end = parse_quiet_hours(value)
    before = audit.snapshot(actor)
    actor.quiet_hours = f"{start:%H:%M}-{end:%H:%M}"
    audit.record(
        session, at=now, actor=actor, action="person.quiet_hours", entity=actor, before=before
    )
    followups.resync_person(session, now=now, person=actor)
    return actor


def set_workdays(session: Session, *, now: datetime, actor: Person, value: str) -> Person:
    """Change the days the person works (Gotong's own reminders skip the others)."""
    days = parse_workdays(value)
    before = audit.snapshot(actor)
    actor.workdays = days
    audit.record(
        session, at=now, actor=actor, action="person.workdays", entity=actor, before=before
    )
    followups.resync_person(session, now=now, person=actor)
    return actor


def set_channel(session: Session, *, now: datetime, actor: Person, platform: str) -> Person:
    """Choose the linked platform that reminders and notifications go to."""
    platform = platform.strip().lower()
    linked = sorted(
        {i.platform for i in session.exec(select(Identity).where(Identity.person_id == actor.id))}
        - {"console"}
    )
    if platform not in linked:
        raise UserError("settings.bad_channel", value=platform[:20], linked=linked)
    before = audit.snapshot(actor)
    actor.channel = platform
    audit.record(session, at=now, actor=actor, action="person.channel", entity=actor, before=before)
    # Notifications held for a closed reply window (WhatsApp's 24 hours) go the new way now,
    # instead of waiting for a message on a platform the person just left.
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.person_id) == actor.id,
            col(OutboxMessage.status) == OutboxStatus.WAITING,
            col(OutboxMessage.chat_id).is_(None),
        )
        .values(platform=platform, status=OutboxStatus.PENDING, due_at=now, claimed_at=None)
    )
    return actor


def set_timezone(session: Session, *, now: datetime, actor: Person, zone: str) -> Person:
    """Change the time zone the person reads and writes moments in."""
    before = audit.snapshot(actor)
    actor.timezone = resolve_zone(zone)
    followups.resync_person(session, now=now, person=actor)
    audit.record(
        session, at=now, actor=actor, action="person.timezone", entity=actor, before=before
    )
    return actor
