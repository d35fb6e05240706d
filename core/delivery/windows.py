"""Reply windows: platforms that let a bot write only for a while after a person's last message.

WhatsApp allows free-form messages for 24 hours after the person last wrote; outside that only
an approved template. The core keeps when each account last wrote and holds messages outside
the window (status `waiting`) until the person writes again; the platform adapter decides what
the window is and sends its one template. Nothing here knows a platform's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, case, func, update
from sqlmodel import Session, col, select

from core.clock import Clock
from core.db import unit_of_work
from core.models import Identity, OutboxMessage, OutboxStatus, Person

# When they last wrote is stored to the minute: a burst of messages writes it once.
FRESH = timedelta(minutes=1)


def heard_from(session: Session, identity: Identity, now: datetime) -> None:
    """The person wrote from `identity`: the window opens, and what waited for it is due now."""
    last = identity.last_message_at
    if last is not None and now - last < FRESH:
        return
    identity.last_message_at = now
    session.add(identity)
    session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.person_id) == identity.person_id,
            col(OutboxMessage.platform) == identity.platform,
            col(OutboxMessage.status) == OutboxStatus.WAITING,
        )
        # Due together; the claim's order by id keeps them in the order they were made.
        .values(status=OutboxStatus.PENDING, due_at=now, claimed_at=None)
    )


def due_for(session: Session, person: Person, platform: str) -> int:
    """How many notifications are on their way to the person on `platform` (released ones
    included): what "ya" is answered with."""
    return session.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.person_id == person.id,
            OutboxMessage.platform == platform,
            col(OutboxMessage.chat_id).is_(None),
            col(OutboxMessage.status).in_([OutboxStatus.PENDING, OutboxStatus.WAITING]),
        )
    ).one()


@dataclass(frozen=True)
class Window:
    """What a platform adapter needs to know about one person's window on it."""

    last_message_at: datetime | None
    notice_at: datetime | None
    language: str

    def is_open(self, now: datetime, length: timedelta) -> bool:
        """Whether a free-form message may go now (the adapter keeps a margin in `length`)."""
        return self.last_message_at is not None and now - self.last_message_at < length

    @property
    def noticed(self) -> bool:
        """Whether they were already told, since they last wrote, that messages wait."""
        if self.notice_at is None:
            return False
        return self.last_message_at is None or self.notice_at >= self.last_message_at


class ReplyWindows:
    """Windows as a platform worker sees them: read one, hold a message, note the notice."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def of(self, person_id: int, platform: str) -> Window | None:
        """The person's window on `platform`, or None without an account there."""
        with Session(self.engine) as session:
            row = session.exec(
                select(Identity.last_message_at, Identity.waiting_notice_at, Person.language)
                .join(Person, col(Person.id) == Identity.person_id)
                .where(Identity.person_id == person_id, Identity.platform == platform)
                .order_by(col(Identity.id))
            ).first()
        if row is None:
            return None
        return Window(last_message_at=row[0], notice_at=row[1], language=row[2])

    def hold(self, delivery_id: int) -> None:
        """Keep a claimed message until the person writes (no attempt spent)."""
        attempts = col(OutboxMessage.attempts)
        with unit_of_work(self.engine) as session:
            session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == delivery_id)
                .values(
                    status=OutboxStatus.WAITING,
                    claimed_at=None,
                    attempts=case((attempts > 0, attempts - 1), else_=0),
                    last_error="window closed",
                )
            )

    def waiting(self, person_id: int, platform: str) -> int:
        """How many messages are due for the person on `platform`, held or about to be."""
        with Session(self.engine) as session:
            return session.exec(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.person_id == person_id,
                    OutboxMessage.platform == platform,
                    col(OutboxMessage.due_at) <= self.clock.now(),
                    col(OutboxMessage.status).in_(
                        [OutboxStatus.WAITING, OutboxStatus.PENDING, OutboxStatus.SENDING]
                    ),
                )
            ).one()

    def noticed(self, person_id: int, platform: str) -> None:
        """The person was told that messages wait: not again until they write."""
        with unit_of_work(self.engine) as session:
            session.execute(
                update(Identity)
                .where(col(Identity.person_id) == person_id, col(Identity.platform) == platform)
                .values(waiting_notice_at=self.clock.now())
            )
