"""The inbox: every message received is stored before the platform is told it arrived.

A platform redelivers only what was not acknowledged, so an event is acknowledged only once
its row is committed here; handling it later (or after a crash, on start) reads it back.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from core.eventlog import event as log_event
from core.messages import Incoming
from core.models import InboxEvent

log = logging.getLogger("gotong.inbox")


def payload_of(incoming: Incoming) -> dict[str, Any]:
    """The message as a JSON-ready dict."""
    return dataclasses.asdict(incoming)


def incoming_of(event: InboxEvent) -> Incoming:
    """The message an inbox row holds."""
    assert event.payload is not None
    fields = dict(event.payload)
    # JSON keeps the mention pairs as lists; rows stored before mentions existed have none.
    mentions = fields.get("mentions", ())
    fields["mentions"] = tuple((str(id_), str(written)) for id_, written in mentions)
    return Incoming(**fields)


def store(session: Session, incoming: Incoming, *, now: datetime, handled: bool) -> bool:
    """Record a received event; False if it was recorded before (a redelivery).

    One `INSERT ... ON CONFLICT (platform, event_id) DO NOTHING`: the primary key's clash,
    the one conflict that means "seen before" (here or by another instance a moment ago), is
    the only one it passes over; any other error still raises. Every message pays for this
    statement, so it is one statement, not a look, a savepoint and an insert.
    """
    row = {
        "platform": incoming.platform,
        "event_id": incoming.event_id,
        "payload": None if handled else payload_of(incoming),
        "received_at": now,
        "handled_at": now if handled else None,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = InboxEvent.__table__  # type: ignore[attr-defined]  # SQLModel sets it
    statement = (
        insert(table)
        .values(row)
        .on_conflict_do_nothing(index_elements=["platform", "event_id"])
        .returning(table.c.event_id)
    )
    # Core, not the ORM's bulk insert: a skipped row must come back as no row.
    if session.connection().execute(statement).first() is None:
        _log_seen_before(incoming)
        return False
    log_event(log, "inbox.received", platform=incoming.platform, event_id=incoming.origin)
    return True


def take(session: Session, platform: str, event_id: str) -> InboxEvent | None:
    """The stored, not yet handled event, locked until this transaction ends; else None."""
    query = select(InboxEvent).where(
        InboxEvent.platform == platform,
        InboxEvent.event_id == event_id,
        col(InboxEvent.handled_at).is_(None),
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.exec(query).first()


def is_pending(session: Session, platform: str, event_id: str) -> bool:
    """Whether the event is stored and still waits to be handled."""
    event = _get(session, platform, event_id)
    return event is not None and event.handled_at is None


def mark_handled(session: Session, event: InboxEvent, now: datetime) -> None:
    """The event is handled: its payload is no longer needed."""
    event.handled_at = now
    event.payload = None
    session.add(event)


def pending(session: Session, platform: str, limit: int) -> list[str]:
    """Events of `platform` received but not handled (a crash came between), oldest first."""
    return list(
        session.exec(
            select(InboxEvent.event_id)
            .where(InboxEvent.platform == platform, col(InboxEvent.handled_at).is_(None))
            .order_by(col(InboxEvent.received_at))
            .limit(limit)
        )
    )


def _log_seen_before(incoming: Incoming) -> None:
    log_event(log, "inbox.duplicate", platform=incoming.platform, event_id=incoming.origin)


def _get(session: Session, platform: str, event_id: str) -> InboxEvent | None:
    return session.get(InboxEvent, (platform, event_id))
