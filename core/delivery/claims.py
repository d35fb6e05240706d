"""Delivering the outbox: platform workers claim due messages, send them, and report back.

Each call is its own short transaction. A claim marks rows `sending` before the platform
call, so two workers never send the same row; a claim older than the lease is taken over
(the worker that held it died between claiming and reporting).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, Engine, and_, func, or_, update
from sqlmodel import Session, col, select

from core.clock import Clock
from core.db import unit_of_work
from core.delivery.queue import attachment_of, buttons_of
from core.messages import Attachment, Button
from core.models import Identity, OutboxMessage, OutboxStatus, Person

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Delivery:
    """One outbox message claimed for sending to one chat."""

    id: int
    person_id: int | None
    chat_id: str
    text: str
    buttons: tuple[tuple[Button, ...], ...]
    attempts: int
    # Pieces of a long message the platform already took: sending resumes after them.
    pieces_sent: int = 0
    # A notification to the person's own chat; otherwise a reply in the chat it answers, whose
    # refusal says nothing about whether the person can be reached.
    to_person: bool = True
    # What made the message (OutboxMessage.cause), for the delivery's log line.
    cause: str | None = None
    # The file that goes with it; None also once the platform refused it (`file_refused`
    # then says why, and the text carries the note that stands in for the file).
    attachment: Attachment | None = None
    file_refused: str | None = None


class Route(NamedTuple):
    """Where a person's messages go, whether they blocked the bot everywhere linked, and
    whether they have any account at all (the console's included)."""

    platform: str | None
    blocked: bool = False
    linked: bool = True


def route(session: Session, person: Person) -> Route:
    """Their chosen channel, else the first platform linked, passing over any they blocked.

    With no platform linked at all the message waits for the console (platform None).
    """
    linked = list(
        session.exec(
            select(Identity).where(Identity.person_id == person.id).order_by(col(Identity.id))
        )
    )
    identities = [i for i in linked if i.platform != "console"]
    reachable = [i.platform for i in identities if i.unreachable_at is None]
    if person.channel in reachable:
        return Route(person.channel)
    if reachable:
        return Route(reachable[0])
    if identities:
        return Route(identities[0].platform, blocked=True)
    return Route(None, linked=bool(linked))


class OutboxDelivery:
    """The outbox as a platform worker sees it."""

    def __init__(self, engine: Engine, clock: Clock, *, lease: timedelta = LEASE) -> None:
        self.engine = engine
        self.clock = clock
        self.lease = lease

    def _claimable(self, now: datetime) -> ColumnElement[bool]:
        """Due, and waiting to be sent or claimed by a sender whose lease has run out."""
        return and_(
            col(OutboxMessage.due_at) <= now,
            or_(
                col(OutboxMessage.status) == OutboxStatus.PENDING,
                and_(
                    col(OutboxMessage.status) == OutboxStatus.SENDING,
                    col(OutboxMessage.claimed_at) < now - self.lease,
                ),
            ),
        )

    def claim(self, platform: str, limit: int = 50) -> list[Delivery]:
        """Take up to `limit` due messages for `platform`, marking them sending."""
        now = self.clock.now()
        with unit_of_work(self.engine) as session:
            due = (
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.platform == platform,
                    self._claimable(now),
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
                .outerjoin(
                    Identity,
                    and_(
                        col(Identity.person_id) == OutboxMessage.person_id,
                        col(Identity.platform) == platform,
                        col(OutboxMessage.chat_id).is_(None),
                    ),
                )
                .where(col(OutboxMessage.id).in_(ids))
                .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
            ).all()
            deliveries = []
            for message, identity in rows:
                chat_id = message.chat_id or (
                    identity and (identity.chat_id or identity.external_id)
                )
                if not chat_id:  # the person has no account there (any more)
                    message.status = OutboxStatus.FAILED
                    message.last_error = "no account on " + platform
                    session.add(message)
                    continue
                deliveries.append(
                    Delivery(
                        id=message.id or 0,
                        person_id=message.person_id,
                        chat_id=chat_id,
                        text=message.text,
                        buttons=buttons_of(message),
                        attempts=message.attempts,
                        pieces_sent=message.pieces_sent,
                        to_person=message.chat_id is None,
                        cause=message.cause,
                        attachment=attachment_of(message),
                        file_refused=message.attachment_error,
                    )
                )
            return deliveries

    def next_due(self, platform: str) -> datetime | None:
        """When the earliest message waiting for `platform` is due (None if none waits)."""
        with unit_of_work(self.engine) as session:
            return session.exec(
                select(func.min(OutboxMessage.due_at)).where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.platform == platform,
                )
            ).one()

    def claim_for_reader(self, platform: str, *, handle: str, limit: int = 50) -> list[Delivery]:
        """Take the due messages of the person with `handle` that `platform` may show them,
        marking them sending: those bound for `platform` and those bound for none (nobody
        linked them anywhere else). For an adapter that delivers while someone reads."""
        now = self.clock.now()
        with unit_of_work(self.engine) as session:
            person = session.exec(select(Person).where(Person.handle == handle.lower())).first()
            if person is None or person.id is None:
                return []
            due = (
                select(OutboxMessage)
                .where(
                    OutboxMessage.person_id == person.id,
                    # Messages bound for Telegram or Slack are theirs to deliver.
                    or_(
                        col(OutboxMessage.platform).is_(None),
                        col(OutboxMessage.platform) == platform,
                    ),
                    self._claimable(now),
                )
                .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
                .limit(limit)
            )
            if session.get_bind().dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            deliveries = []
            for message in session.exec(due).all():
                message.status = OutboxStatus.SENDING
                message.platform = platform
                message.claimed_at = now
                message.attempts += 1
                session.add(message)
                deliveries.append(
                    Delivery(
                        id=message.id or 0,
                        person_id=person.id,
                        chat_id=message.chat_id or handle,
                        text=message.text,
                        buttons=buttons_of(message),
                        attempts=message.attempts,
                        pieces_sent=message.pieces_sent,
                        to_person=message.chat_id is None,
                        attachment=attachment_of(message),
                        file_refused=message.attachment_error,
                    )
                )
            return deliveries

    def sent(self, delivery_id: int, platform_message_id: str) -> None:
        """Record that the platform accepted the message."""
        # One UPDATE, not a load and a write: every reply sent at once pays for this.
        with unit_of_work(self.engine) as session:
            session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == delivery_id)
                .values(
                    status=OutboxStatus.SENT,
                    sent_at=self.clock.now(),
                    platform_message_id=platform_message_id,
                )
            )

    def progress(self, delivery_id: int, pieces_sent: int) -> None:
        """Record that the platform took the first `pieces_sent` pieces of a long message."""
        with unit_of_work(self.engine) as session:
            session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == delivery_id)
                .values(pieces_sent=pieces_sent)
            )

    def refuse_file(self, delivery: Delivery, error: str) -> Delivery:
        """The platform refused the file: drop it, and let the text say so instead.

        Kept in the row, so a retry of the text neither tries the file again nor loses the
        note; the message ends `failed` with `error` once its text has gone.
        """
        note = delivery.attachment.note if delivery.attachment else ""
        text = f"{delivery.text}\n\n{note}" if note else delivery.text
        with unit_of_work(self.engine) as session:
            session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == delivery.id)
                .values(
                    text=text,
                    attachment_data=None,
                    attachment_error=error[:40],
                    pieces_sent=0,
                )
            )
        return replace(delivery, text=text, attachment=None, file_refused=error, pieces_sent=0)

    def release(self, delivery_id: int, error: str) -> None:
        """A reply the adapter could not send at once: the outbox sweep tries it now."""
        self.retry_later(delivery_id, timedelta(0), error)

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
        """Give a message up for good (nothing to send, a bug, a chat closed to the bot)."""
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
