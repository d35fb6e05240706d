"""Getting word to people and keeping the record: reminders, digests, the outbox, the inbox
of received events, the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.common import OutboxStatus, ReminderStatus, moment_field

# The longest reminder text a person may write (the column holds more, for Gotong's own).
REMINDER_TEXT_MAX = 500


class Reminder(SQLModel, table=True):
    __table_args__ = (
        Index("ix_reminder_due", "status", "due_at"),
        Index("ix_reminder_subject", "subject_type", "subject_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    text: str = Field(max_length=1000)
    due_at: datetime = moment_field()
    status: str = Field(default=ReminderStatus.PENDING, max_length=16)
    kind: str = Field(default="personal", max_length=16)
    # What a domain reminder is about ("task", "meeting", "deadline") and which moment it is
    # ("day_before", "due", "24h", "1h", "3d", "1d"); personal reminders have neither.
    subject_type: str | None = Field(default=None, max_length=16)
    subject_id: int | None = Field(default=None)
    label: str = Field(default="", max_length=16)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = moment_field()
    sent_at: datetime | None = moment_field(nullable=True)


class Digest(SQLModel, table=True):
    """One person's digest for one period ("2026-12-01" daily, "2026-W49" weekly), planned ahead."""

    __table_args__ = (
        UniqueConstraint("person_id", "period"),
        Index("ix_digest_due", "status", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    period: str = Field(max_length=16)
    kind: str = Field(max_length=8)
    due_at: datetime = moment_field()
    status: str = Field(default="pending", max_length=16)  # see core.digests.rhythm.DigestStatus
    sent_at: datetime | None = moment_field(nullable=True)


class OutboxMessage(SQLModel, table=True):
    """A message to deliver: a notification to a person, or a reply to a message received.

    A reply names the chat it answers in (`chat_id`), and has no person when it answers
    someone not yet on Gotong; a notification goes to the person's own chat.
    """

    __table_args__ = (Index("ix_outbox_due", "status", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    chat_id: str | None = Field(default=None, max_length=128)
    dedupe_key: str = Field(max_length=200, unique=True)
    text: str
    buttons: list[list[dict[str, str]]] = Field(default_factory=list, sa_column=Column(JSON))
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    due_at: datetime = moment_field()
    attempts: int = 0
    created_at: datetime = moment_field()
    sent_at: datetime | None = moment_field(nullable=True)
    claimed_at: datetime | None = moment_field(nullable=True)
    platform: str | None = Field(default=None, max_length=16, index=True)
    platform_message_id: str | None = Field(default=None, max_length=128)
    last_error: str = Field(default="", max_length=200)
    # How many pieces of a long message the platform already took: a retry resumes there.
    pieces_sent: int = 0
    # What caused it, for following one message through the logs: the message received
    # ("telegram:123456", see Incoming.origin) or the reminder fired ("reminder:7").
    cause: str | None = Field(default=None, max_length=160)
    # One file that goes with the message (core.messages.Attachment). The bytes live in the
    # row, not in a file beside the database: a crash between queueing and sending loses
    # nothing, every instance can send it, the dedupe key that keeps the text from going
    # twice keeps the file too, and a backup holds both. Attachment bounds them (16 MB);
    # they are dropped once the platform refused the file.
    attachment_kind: str | None = Field(default=None, max_length=16)
    attachment_name: str | None = Field(default=None, max_length=128)
    attachment_data: bytes | None = Field(
        default=None, sa_column=Column(LargeBinary, nullable=True)
    )
    # What the reader gets in place of the file if the platform refuses it, in their language.
    attachment_note: str | None = Field(default=None, max_length=500)
    # Why the platform refused the file ("file_too_large"): the text then went with the note.
    attachment_error: str | None = Field(default=None, max_length=40)


class InboxEvent(SQLModel, table=True):
    """A message received from a platform: stored before it is acknowledged, handled once.

    The payload (the message as received) is kept until it is handled, so a crash between
    acknowledging and handling loses nothing; the row then stays, without the payload, as
    the record that makes a redelivery harmless.
    """

    __tablename__ = "inbox_event"
    __table_args__ = (Index("ix_inbox_pending", "handled_at", "received_at"),)
    platform: str = Field(max_length=16, primary_key=True)
    event_id: str = Field(max_length=128, primary_key=True)
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    received_at: datetime = moment_field()
    handled_at: datetime | None = moment_field(nullable=True)


class AuditEntry(SQLModel, table=True):
    # What the invitation throttle asks: one account's recent tries of one kind.
    __table_args__ = (Index("ix_audit_action_entity", "action", "entity_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = moment_field()
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=64)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class SendPacing(SQLModel, table=True):
    """A platform's bot-wide send window, shared by every instance (core/delivery/pacing.py)."""

    __tablename__ = "send_pacing"
    platform: str = Field(primary_key=True, max_length=16)
    # Wall-clock seconds of the last sends taken, oldest first (at most the platform's limit).
    recent: list[float] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    paused_until: float = 0.0
