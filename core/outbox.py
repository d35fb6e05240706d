"""The outbox: messages to people other than the sender, kept until delivered."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, or_, select

from core.messages import Button
from core.models import OutboxMessage, OutboxStatus

Rows = tuple[tuple[Button, ...], ...]


def queue(
    session: Session,
    *,
    person_id: int,
    platform: str | None,
    dedupe_key: str,
    text: str,
    buttons: Rows,
    due_at: datetime,
    now: datetime,
) -> None:
    """Add a message for someone to the outbox (in the caller's transaction)."""
    session.add(
        OutboxMessage(
            person_id=person_id,
            dedupe_key=dedupe_key,
            text=text,
            buttons=[[{"label": b.label, "command": b.command} for b in row] for row in buttons],
            due_at=due_at,
            created_at=now,
            platform=platform,
        )
    )


def buttons_of(message: OutboxMessage) -> Rows:
    """An outbox message's buttons, as they were queued."""
    return tuple(tuple(Button(b["label"], b["command"]) for b in row) for row in message.buttons)


def take_due_for(
    session: Session, *, person_id: int, platform: str, now: datetime
) -> list[OutboxMessage]:
    """Claim a person's due messages for delivery on `platform`, oldest first, marking them sent."""
    rows = list(
        session.exec(
            select(OutboxMessage)
            .where(
                OutboxMessage.person_id == person_id,
                OutboxMessage.status == OutboxStatus.PENDING,
                # Messages bound for Telegram or Slack are theirs to deliver.
                or_(col(OutboxMessage.platform).is_(None), OutboxMessage.platform == platform),
                col(OutboxMessage.due_at) <= now,
            )
            .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
        )
    )
    for row in rows:
        row.status = OutboxStatus.SENT
        row.platform = platform
        row.sent_at = now
        row.attempts += 1
        session.add(row)
    return rows
