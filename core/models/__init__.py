"""The coordination domain's tables (a program's indicators in `core.models.indicators`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.indicators import Combine as Combine
from core.models.indicators import Indicator as Indicator
from core.models.indicators import IndicatorValue as IndicatorValue
from core.models.indicators import Review as Review
from core.types import Money, UTCDateTime


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    FIELD = "field"
    PARTNER = "partner"


class PartnerKind(StrEnum):
    GOVERNMENT = "government"
    NGO = "ngo"
    COMMUNITY = "community"
    PRIVATE = "private"
    INTERNATIONAL = "international"
    ACADEMIC = "academic"


class ProgramLevel(StrEnum):
    VILLAGE = "village"
    DISTRICT = "district"
    PROVINCE = "province"
    NATIONAL = "national"
    INTERNATIONAL = "international"


class Status(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Rsvp(StrEnum):
    PENDING = "pending"
    YES = "yes"
    NO = "no"


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"
    # Due so long ago (Gotong was down) that it goes into the next digest instead.
    MISSED = "missed"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


def _moment(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class PartnerOrg(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    handle: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    region: str = Field(default="", max_length=120)


class PartnerContact(SQLModel, table=True):
    """A partner organisation's contact who is not on Gotong: reached by phone or e-mail."""

    __tablename__ = "partner_contact"
    __table_args__ = (UniqueConstraint("partner_org_id", "name", "phone"),)
    id: int | None = Field(default=None, primary_key=True)
    partner_org_id: int = Field(foreign_key="partnerorg.id", index=True)
    name: str = Field(max_length=200)
    phone: str = Field(default="", max_length=32)
    email: str = Field(default="", max_length=254)
    created_at: datetime = _moment()


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    handle: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=16)
    language: str = Field(default="id", max_length=8)
    timezone: str = Field(default="Asia/Jakarta", max_length=64)
    partner_org_id: int | None = Field(default=None, foreign_key="partnerorg.id", index=True)
    # The platform reminders and notifications go to; None means the first one linked.
    channel: str | None = Field(default=None, max_length=16)
    # Working time, for reminders Gotong sends on its own: ISO weekdays (1 = Monday),
    # quiet hours as HH:MM-HH:MM, and the morning hour reminders move to.
    workdays: str = Field(default="12345", max_length=7)
    quiet_hours: str = Field(default="21:00-07:00", max_length=11)
    morning: str = Field(default="08:00", max_length=5)
    created_at: datetime = _moment()


class Identity(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    chat_id: str = Field(default="", max_length=128)
    # Set when the platform said the person blocked the bot; cleared when they write again.
    unreachable_at: datetime | None = _moment(nullable=True)


class Program(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    level: str = Field(default=ProgramLevel.DISTRICT, max_length=16)
    region: str = Field(default="", max_length=120)
    starts_on: date | None = None
    ends_on: date | None = None
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    budget: Decimal | None = Field(default=None, sa_column=Column(Money(), nullable=True))
    currency: str = Field(default="IDR", max_length=3)


class ProgramChat(SQLModel, table=True):
    """A group chat (Telegram group, Slack channel) that belongs to a program."""

    __table_args__ = (UniqueConstraint("platform", "chat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    platform: str = Field(max_length=16)
    chat_id: str = Field(max_length=128)


class Invite(SQLModel, table=True):
    """A one-time code: onboards a new person, or links another platform to an existing one."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    role: str = Field(default="field", max_length=16)
    partner_org_id: int | None = Field(default=None, foreign_key="partnerorg.id")
    program_id: int | None = Field(default=None, foreign_key="program.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _moment()
    expires_at: datetime = _moment()
    used_at: datetime | None = _moment(nullable=True)
    used_by_id: int | None = Field(default=None, foreign_key="person.id")


class ProgramMember(SQLModel, table=True):
    program_id: int = Field(foreign_key="program.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)


class ProgramPartner(SQLModel, table=True):
    program_id: int = Field(foreign_key="program.id", primary_key=True)
    partner_org_id: int = Field(foreign_key="partnerorg.id", primary_key=True)


class Task(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    program_id: int | None = Field(default=None, foreign_key="program.id", index=True)
    created_by_id: int = Field(foreign_key="person.id")
    due_at: datetime | None = _moment(nullable=True)
    status: str = Field(default=Status.OPEN, max_length=16, index=True)
    created_at: datetime = _moment()
    closed_at: datetime | None = _moment(nullable=True)


class TaskAssignment(SQLModel, table=True):
    task_id: int = Field(foreign_key="task.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)
    status: str = Field(default=Status.OPEN, max_length=16)
    done_at: datetime | None = _moment(nullable=True)


class Meeting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    program_id: int | None = Field(default=None, foreign_key="program.id", index=True)
    organiser_id: int = Field(foreign_key="person.id")
    starts_at: datetime = _moment()
    duration_minutes: int = 60
    place: str = Field(default="", max_length=300)
    link: str = Field(default="", max_length=500)
    status: str = Field(default=Status.OPEN, max_length=16)
    created_at: datetime = _moment()


class MeetingAttendee(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "person_id", "partner_org_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    partner_org_id: int | None = Field(default=None, foreign_key="partnerorg.id")
    rsvp: str = Field(default=Rsvp.PENDING, max_length=16)
    responded_at: datetime | None = _moment(nullable=True)
    # Why they declined, as they wrote it; shown to the organiser.
    reason: str = Field(default="", max_length=300)


class Deadline(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    program_id: int = Field(foreign_key="program.id", index=True)
    owner_id: int = Field(foreign_key="person.id")
    due_at: datetime = _moment()
    status: str = Field(default=Status.OPEN, max_length=16)
    created_at: datetime = _moment()


class CommitmentStatus(StrEnum):
    REQUESTED = "requested"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    FULFILLED = "fulfilled"


class Commitment(SQLModel, table=True):
    """What a partner organisation is asked to give a program, by when; "overdue" is computed."""

    __table_args__ = (
        Index("ix_commitment_program_status", "program_id", "status", "due_at"),
        Index("ix_commitment_org_status", "partner_org_id", "status", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id")
    partner_org_id: int = Field(foreign_key="partnerorg.id")
    what: str = Field(max_length=300)
    # None: a yes/no commitment (the village hall on Saturday), fulfilled by one receipt.
    quantity: Decimal | None = Field(default=None, sa_column=Column(Money(), nullable=True))
    unit: str = Field(default="", max_length=80)
    money: bool = False
    due_at: datetime = _moment()
    status: str = Field(default=CommitmentStatus.REQUESTED, max_length=16)
    proposed_due_at: datetime | None = _moment(nullable=True)
    decline_reason: str = Field(default="", max_length=300)
    requested_by_id: int = Field(foreign_key="person.id")
    answered_by_id: int | None = Field(default=None, foreign_key="person.id")
    answered_at: datetime | None = _moment(nullable=True)
    created_at: datetime = _moment()


class CommitmentReceipt(SQLModel, table=True):
    """One delivery against a commitment, as recorded by whoever saw it arrive."""

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True)
    quantity: Decimal | None = Field(default=None, sa_column=Column(Money(), nullable=True))
    recorded_by_id: int = Field(foreign_key="person.id")
    recorded_at: datetime = _moment()
    photo_file_id: str | None = Field(default=None, max_length=256)


class FieldUpdate(SQLModel, table=True):
    __tablename__ = "field_update"
    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    author_id: int = Field(foreign_key="person.id", index=True)
    text: str = Field(max_length=4000)
    photo_file_id: str | None = Field(default=None, max_length=256)
    latitude: float | None = None
    longitude: float | None = None
    created_at: datetime = _moment()
    # Set by /batal lapor: the update and the indicator values it gave stop counting.
    withdrawn_at: datetime | None = _moment(nullable=True)


class UpdateFigure(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="field_update.id", index=True)
    quantity: Decimal = Field(sa_column=Column(Money(), nullable=False))
    unit: str = Field(default="", max_length=80)


class UpdateDraft(SQLModel, table=True):
    """A field worker's plain-text update waiting for them to name its program."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    text: str = Field(max_length=4000)
    created_at: datetime = _moment()


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
    due_at: datetime = _moment()
    status: str = Field(default=ReminderStatus.PENDING, max_length=16)
    kind: str = Field(default="personal", max_length=16)
    # What a domain reminder is about ("task", "meeting", "deadline") and which moment it is
    # ("day_before", "due", "24h", "1h", "3d", "1d"); personal reminders have neither.
    subject_type: str | None = Field(default=None, max_length=16)
    subject_id: int | None = Field(default=None)
    label: str = Field(default="", max_length=16)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _moment()
    sent_at: datetime | None = _moment(nullable=True)


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
    due_at: datetime = _moment()
    attempts: int = 0
    created_at: datetime = _moment()
    sent_at: datetime | None = _moment(nullable=True)
    claimed_at: datetime | None = _moment(nullable=True)
    platform: str | None = Field(default=None, max_length=16, index=True)
    platform_message_id: str | None = Field(default=None, max_length=128)
    last_error: str = Field(default="", max_length=200)
    # How many pieces of a long message the platform already took: a retry resumes there.
    pieces_sent: int = 0
    # What caused it, for following one message through the logs: the message received
    # ("telegram:123456", see Incoming.origin) or the reminder fired ("reminder:7").
    cause: str | None = Field(default=None, max_length=160)


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
    received_at: datetime = _moment()
    handled_at: datetime | None = _moment(nullable=True)


class AuditEntry(SQLModel, table=True):
    # What the invitation throttle asks: one account's recent tries of one kind.
    __table_args__ = (Index("ix_audit_action_entity", "action", "entity_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _moment()
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=64)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
