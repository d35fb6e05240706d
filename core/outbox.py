"""The outbox: messages to people other than the sender, kept until delivered."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, or_, select

from core.models import OutboxMessage, OutboxStatus


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
