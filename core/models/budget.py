"""The budget's tables: lines, expenses (reversed, never deleted), who may spend, alerts sent."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.common import moment_field
from core.types import Money


class BudgetLine(SQLModel, table=True):
    """A program's planned spending on one thing (transport, honor petugas), in its currency."""

    __tablename__ = "budget_line"
    __table_args__ = (UniqueConstraint("program_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    name: str = Field(max_length=80)
    # The name folded for matching: case and spacing do not make another line.
    key: str = Field(max_length=80)
    planned: Decimal = Field(sa_column=Column(Money(), nullable=False))
    created_at: datetime = moment_field()
    updated_at: datetime = moment_field()


class Expense(SQLModel, table=True):
    """Money spent against a budget line; a reversal marks it, never deletes it."""

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    line_id: int = Field(foreign_key="budget_line.id", index=True)
    amount: Decimal = Field(sa_column=Column(Money(), nullable=False))
    text: str = Field(default="", max_length=300)
    photo_file_id: str | None = Field(default=None, max_length=256)
    recorded_by_id: int = Field(foreign_key="person.id", index=True)
    recorded_at: datetime = moment_field()
    reversed_at: datetime | None = moment_field(nullable=True)
    reversed_by_id: int | None = Field(default=None, foreign_key="person.id")


class BudgetPermission(SQLModel, table=True):
    """Someone a manager allowed to record a program's spending (and so to see its budget)."""

    __tablename__ = "budget_permission"
    program_id: int = Field(foreign_key="program.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    granted_by_id: int | None = Field(default=None, foreign_key="person.id")
    granted_at: datetime = moment_field()


class BudgetAlert(SQLModel, table=True):
    """An alert sent about a budget line ("80", "100", "pace"): each is sent once, ever."""

    __tablename__ = "budget_alert"
    line_id: int = Field(foreign_key="budget_line.id", primary_key=True)
    kind: str = Field(max_length=8, primary_key=True)
    sent_at: datetime = moment_field()
