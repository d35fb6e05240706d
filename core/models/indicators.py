"""The tables of a program's indicators: what it counts, and each value field updates feed it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.types import Money, UTCDateTime


class Combine(StrEnum):
    """How an indicator's values make its value: added up, the newest one, or the largest."""

    SUM = "sum"
    LATEST = "latest"
    MAX = "max"


class Review(StrEnum):
    """Whether a value that looked wrong waits for a manager, or a manager said it is right."""

    NONE = ""
    FLAGGED = "flagged"
    CONFIRMED = "confirmed"


class Indicator(SQLModel, table=True):
    """A result a program counts (families reached, posyandu active), against a target."""

    __table_args__ = (UniqueConstraint("program_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    unit: str = Field(default="", max_length=80)
    target: Decimal = Field(sa_column=Column(Money(), nullable=False))
    baseline: Decimal = Field(default=Decimal(0), sa_column=Column(Money(), nullable=False))
    combine: str = Field(default=Combine.SUM, max_length=8)
    by_region: bool = False
    created_by_id: int = Field(foreign_key="person.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class IndicatorValue(SQLModel, table=True):
    """One value an update gave an indicator; withdrawn with its update, never deleted."""

    __tablename__ = "indicator_value"
    __table_args__ = (Index("ix_indicator_value_indicator", "indicator_id", "reporter_id"),)
    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    update_id: int = Field(foreign_key="field_update.id", index=True)
    reporter_id: int = Field(foreign_key="person.id")
    # The region as first written, and as compared: case and spacing do not matter.
    region: str = Field(default="", max_length=120)
    region_key: str = Field(default="", max_length=120)
    value: Decimal = Field(sa_column=Column(Money(), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    withdrawn_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    review: str = Field(default=Review.NONE, max_length=16)
