"""Delivering the outbox: platform workers claim due messages, send them, and report back.

Each call is its own short transaction. A claim marks rows `sending` before the platform
call, so two workers never send the same row; a claim older than the lease is taken over
(the worker that held it died between claiming and reporting).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, and_, or_, update
from sqlmodel import Session, col, select

from core.clock import Clock
from core.db import unit_of_work
from core.messages import Button
from core.models import Identity, OutboxMessage, OutboxStatus, Person
from core.outbox import buttons_of

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Delivery:
    """One outbox message claimed for sending to one chat."""

    id: int
    person_id: int
    chat_id: str
    text: str
    buttons: tuple[tuple[Button, ...], ...]
    attempts: int


def target_platform(session: Session, person: Person) -> str | None:
    """Where a person's messages go: their chosen channel, else the first platform linked."""
    identities = list(
        session.exec(
            select(Identity)
            .where(Identity.person_id == person.id, Identity.platform != "console")
            .order_by(col(Identity.id))
        )
    )
    platforms = [i.platform for i in identities]
    if person.channel in platforms:
        return person.channel
    return platforms[0] if platforms else None


class OutboxDelivery:
    """The outbox as a platform worker sees it."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def claim(self, platform: str, limit: int = 50) -> list[Delivery]:
        """Take up to `limit` due messages for `platform`, marking them sending."""
        now = self.clock.now()
        with unit_of_work(self.engine) as session:
            due = (
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.platform == platform,
                    col(OutboxMessage.due_at) <= now,
                    or_(
                        col(OutboxMessage.status) == OutboxStatus.PENDING,
                        and_(
                            col(OutboxMessage.status) == OutboxStatus.SENDING,
                            col(OutboxMessage.claimed_at) < now - LEASE,
                        ),
                    ),
                )
                .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
                .limit(limit)
            )
            if session.get_bind().dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            claimed = session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(due.scalar_subquery()))
                .values(
                    status=OutboxStatus.SENDING,
                    claimed_at=now,
                    attempts=col(OutboxMessage.attempts) + 1,
                )
                .returning(col(OutboxMessage.id))
            ).all()
            ids = [row[0] for row in claimed]
            if not ids:
                return []
            rows = session.exec(
                select(OutboxMessage, Identity)
                .join(
                    Identity,
                    and_(
                        col(Identity.person_id) == OutboxMessage.person_id,
                        col(Identity.platform) == platform,
                    ),
                )
                .where(col(OutboxMessage.id).in_(ids))
                .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
            ).all()
            return [
                Delivery(
                    id=message.id or 0,
                    person_id=message.person_id,
                    chat_id=identity.chat_id or identity.external_id,
                    text=message.text,
                    buttons=buttons_of(message),
                    attempts=message.attempts,
                )
                for message, identity in rows
            ]

    def sent(self, delivery_id: int, platform_message_id: str) -> None:
        """Record that the platform accepted the message."""
        with unit_of_work(self.engine) as session:
            message = session.get(OutboxMessage, delivery_id)
            if message is None:
                return
            message.status = OutboxStatus.SENT
            message.sent_at = self.clock.now()
            message.platform_message_id = platform_message_id
            session.add(message)

    def retry_later(self, delivery_id: int, delay: timedelta, error: str) -> None:
        """Put a message back to be sent after `delay`; give up after MAX_ATTEMPTS."""
        with unit_of_work(self.engine) as session:
            message = session.get(OutboxMessage, delivery_id)
            if message is None:
                return
            message.last_error = error[:200]
            message.claimed_at = None
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
            else:
                message.status = OutboxStatus.PENDING
                message.due_at = self.clock.now() + delay
            session.add(message)

    def failed(self, delivery_id: int, reason: str) -> None:
        """Give a message up for good (nothing to send, or a bug): it is not tried again."""
        with unit_of_work(self.engine) as session:
            message = session.get(OutboxMessage, delivery_id)
            if message is None:
                return
            message.status = OutboxStatus.FAILED
            message.claimed_at = None
            message.last_error = reason[:200]
            session.add(message)

    def postpone(self, delivery_id: int, delay: timedelta, reason: str) -> None:
        """Put a message back untried (our pacing or the platform's rate limit): no attempt used."""
        with unit_of_work(self.engine) as session:
            message = session.get(OutboxMessage, delivery_id)
            if message is None:
                return
            message.status = OutboxStatus.PENDING
            message.claimed_at = None
            message.attempts = max(message.attempts - 1, 0)
            message.due_at = self.clock.now() + delay
            message.last_error = reason[:200]
            session.add(message)

    def unreachable(self, person_id: int, platform: str) -> None:
        """The person blocked the bot on `platform`: mark them and stop their messages there."""
        now = self.clock.now()
        with unit_of_work(self.engine) as session:
            for identity in session.exec(
                select(Identity).where(
                    Identity.person_id == person_id, Identity.platform == platform
                )
            ):
                identity.unreachable_at = now
                session.add(identity)
            for message in session.exec(
                select(OutboxMessage).where(
                    OutboxMessage.person_id == person_id,
                    OutboxMessage.platform == platform,
                    col(OutboxMessage.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
                )
            ):
                message.status = OutboxStatus.FAILED
                message.last_error = "unreachable"
                session.add(message)
