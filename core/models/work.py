"""What programs coordinate: tasks, meetings, deadlines, commitments, field updates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.common import Rsvp, Status, moment_field
from core.types import Money


class Task(SQLModel, table=True):
    # A program's open tasks by due moment (late tasks across a manager's programs).
    __table_args__ = (Index("ix_task_program_status_due", "program_id", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    program_id: int | None = Field(default=None, foreign_key="program.id", index=True)
    created_by_id: int = Field(foreign_key="person.id")
    due_at: datetime | None = moment_field(nullable=True)
    status: str = Field(default=Status.OPEN, max_length=16, index=True)
    created_at: datetime = moment_field()
    closed_at: datetime | None = moment_field(nullable=True)


class TaskAssignment(SQLModel, table=True):
    task_id: int = Field(foreign_key="task.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)
    status: str = Field(default=Status.OPEN, max_length=16)
    done_at: datetime | None = moment_field(nullable=True)


class Meeting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    program_id: int | None = Field(default=None, foreign_key="program.id", index=True)
    organiser_id: int = Field(foreign_key="person.id")
    starts_at: datetime = moment_field()
    duration_minutes: int = 60
    place: str = Field(default="", max_length=300)
    link: str = Field(default="", max_length=500)
    status: str = Field(default=Status.OPEN, max_length=16)
    created_at: datetime = moment_field()
    # iCalendar's SEQUENCE: grows on each move or cancellation, so a calendar that holds the
    # meeting's file replaces it with the newer one rather than keeping both.
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class MeetingAttendee(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "person_id", "partner_org_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    partner_org_id: int | None = Field(default=None, foreign_key="partnerorg.id")
    rsvp: str = Field(default=Rsvp.PENDING, max_length=16)
    responded_at: datetime | None = moment_field(nullable=True)
    # Why they declined, as they wrote it; shown to the organiser.
    reason: str = Field(default="", max_length=300)


class Deadline(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    program_id: int = Field(foreign_key="program.id", index=True)
    owner_id: int = Field(foreign_key="person.id")
    due_at: datetime = moment_field()
    status: str = Field(default=Status.OPEN, max_length=16)
    created_at: datetime = moment_field()


class CommitmentStatus(StrEnum):
    REQUESTED = "requested"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    FULFILLED = "fulfilled"


# Still awaited: answered or not, nothing closed it yet.
OPEN_COMMITMENT = (
    CommitmentStatus.REQUESTED,
    CommitmentStatus.PROPOSED,
    CommitmentStatus.CONFIRMED,
)


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
    due_at: datetime = moment_field()
    status: str = Field(default=CommitmentStatus.REQUESTED, max_length=16)
    proposed_due_at: datetime | None = moment_field(nullable=True)
    decline_reason: str = Field(default="", max_length=300)
    requested_by_id: int = Field(foreign_key="person.id")
    answered_by_id: int | None = Field(default=None, foreign_key="person.id")
    answered_at: datetime | None = moment_field(nullable=True)
    created_at: datetime = moment_field()


class CommitmentReceipt(SQLModel, table=True):
    """One delivery against a commitment, as recorded by whoever saw it arrive."""

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True)
    quantity: Decimal | None = Field(default=None, sa_column=Column(Money(), nullable=True))
    recorded_by_id: int = Field(foreign_key="person.id")
    recorded_at: datetime = moment_field()
    photo_file_id: str | None = Field(default=None, max_length=256)


class FieldUpdate(SQLModel, table=True):
    __tablename__ = "field_update"
    # Who reported on a program inside a reporting window, for many programs in one query;
    # and a program's updates since the last digest, without reading its whole history.
    __table_args__ = (
        Index("ix_field_update_program_author_at", "program_id", "author_id", "created_at"),
        Index("ix_field_update_program_at", "program_id", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    author_id: int = Field(foreign_key="person.id", index=True)
    text: str = Field(max_length=4000)
    photo_file_id: str | None = Field(default=None, max_length=256)
    latitude: float | None = None
    longitude: float | None = None
    created_at: datetime = moment_field()
    # Set by /batal lapor: the update and the indicator values it gave stop counting.
    withdrawn_at: datetime | None = moment_field(nullable=True)


class UpdateFigure(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="field_update.id", index=True)
    quantity: Decimal = Field(sa_column=Column(Money(), nullable=False))
    unit: str = Field(default="", max_length=80)


class UpdateDraft(SQLModel, table=True):
    """A field worker's plain-text update waiting for them to name its program."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    text: str = Field(max_length=4000)
    created_at: datetime = moment_field()
