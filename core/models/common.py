"""What every table shares: the words a status or role may take, and the moment column."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Column
from sqlmodel import Field

from core.types import UTCDateTime


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
    # Withdrawn before it went out: a nudge to report, and the person reported meanwhile.
    CANCELLED = "cancelled"
    # Held until the person writes again: the platform lets a bot write only for a while
    # after their last message (WhatsApp's 24-hour window).
    WAITING = "waiting"


def moment_field(nullable: bool = False) -> Any:
    """A column for an aware moment, stored as UTC on every database."""
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))
