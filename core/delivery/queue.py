"""The outbox: messages to people other than the sender, kept until delivered."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from sqlmodel import Session

from core.messages import Attachment, Button, Incoming, Reply
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
    cause: str | None = None,
    blocked: bool = False,
    attachment: Attachment | None = None,
) -> None:
    """Add a message for someone to the outbox (in the caller's transaction).

    `cause`: what made it (a message received, a reminder), carried into the delivery's log
    line. `blocked`: they blocked the bot on every platform; the message is kept as failed,
    so that it shows, and is not sent where they refused it. `attachment`: a file (a chart)
    that goes with the text, kept in the row with it.
    """
    session.add(
        OutboxMessage(
            person_id=person_id,
            dedupe_key=dedupe_key,
            text=text,
            buttons=_stored(buttons),
            due_at=due_at,
            created_at=now,
            platform=platform,
            status=OutboxStatus.FAILED if blocked else OutboxStatus.PENDING,
            last_error="unreachable" if blocked else "",
            cause=cause,
            **_stored_attachment(attachment),
        )
    )


def keep_replies(
    session: Session,
    incoming: Incoming,
    replies: list[Reply],
    *,
    person_id: int | None,
    now: datetime,
    answering: bool,
) -> list[Reply]:
    """Keep the replies to `incoming` in the outbox, so each is delivered at least once.

    `answering`: the adapter sends them now and reports back, so they start claimed by it
    (the outbox sweep takes over only if that report never comes); otherwise the sweep
    sends them. A private reply to a group message goes to the sender's own chat.

    A reply with a file is always left to the sweep, which sends file and text together
    (the adapters' quick path sends text only), so it is not among those returned.
    """
    kept = []
    for number, reply in enumerate(replies):
        to_sender = reply.private and not incoming.private
        now_by_adapter = answering and reply.attachment is None
        row = OutboxMessage(
            person_id=person_id,
            chat_id=incoming.external_user_id if to_sender else incoming.chat_id,
            platform=incoming.platform,
            dedupe_key=f"reply:{incoming.platform}:{incoming.event_id}:{number}"[:200],
            text=reply.text,
            buttons=_stored(reply.buttons),
            due_at=now,
            created_at=now,
            status=OutboxStatus.SENDING if now_by_adapter else OutboxStatus.PENDING,
            claimed_at=now if now_by_adapter else None,
            attempts=1 if now_by_adapter else 0,
            cause=incoming.origin,
            **_stored_attachment(reply.attachment),
        )
        session.add(row)
        session.flush()
        if now_by_adapter or not answering:
            kept.append(dataclasses.replace(reply, outbox_id=row.id, cause=incoming.origin))
    return kept


def _stored(buttons: Rows) -> list[list[dict[str, str]]]:
    return [[{"label": b.label, "command": b.command} for b in row] for row in buttons]


def _stored_attachment(attachment: Attachment | None) -> dict[str, Any]:
    if attachment is None:
        return {}
    return {
        "attachment_kind": attachment.kind,
        "attachment_name": attachment.name,
        "attachment_data": attachment.data,
        "attachment_note": attachment.note,
    }


def attachment_of(message: OutboxMessage) -> Attachment | None:
    """An outbox message's file, unless it has none or the platform refused it."""
    if not (message.attachment_kind and message.attachment_name and message.attachment_data):
        return None
    return Attachment(
        message.attachment_kind,
        message.attachment_name,
        message.attachment_data,
        message.attachment_note or "",
    )


def buttons_of(message: OutboxMessage) -> Rows:
    """An outbox message's buttons, as they were queued."""
    return tuple(tuple(Button(b["label"], b["command"]) for b in row) for row in message.buttons)
