"""Who is who: people, their platform accounts, partner organisations, programs, invitations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.common import ProgramLevel, moment_field
from core.types import Money, UTCDateTime


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
    created_at: datetime = moment_field()


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
    # Digests: local HH:MM and mode ("daily", "weekly", "off"); None is the role's default.
    digest_time: str | None = Field(default=None, max_length=5)
    digest_mode: str | None = Field(default=None, max_length=8)
    charts: bool = True
    created_at: datetime = moment_field()


class Identity(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    chat_id: str = Field(default="", max_length=128)
    # Set when the platform said the person blocked the bot; cleared when they write again.
    unreachable_at: datetime | None = moment_field(nullable=True)
    # When they last wrote from this account (to the minute): platforms that let a bot write
    # only for a while after that (WhatsApp's 24 hours) hold messages outside it.
    last_message_at: datetime | None = moment_field(nullable=True)
    # When they were last told that messages wait for them (once per closed window).
    waiting_notice_at: datetime | None = moment_field(nullable=True)


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


class ReportingRhythm(SQLModel, table=True):
    """When a program's field workers report (no row: never); see core/work/reporting.py."""

    __tablename__ = "reporting_rhythm"
    program_id: int = Field(foreign_key="program.id", primary_key=True)
    every: str = Field(max_length=8)  # "daily" or "weekly"
    weekday: int | None = None  # 0 = Monday
    at: str = Field(max_length=5)  # HH:MM in `timezone`
    timezone: str = Field(max_length=64)
    # The close of the window not yet swept for who did not report.
    next_close: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    set_by_id: int | None = Field(default=None, foreign_key="person.id")
    set_at: datetime = moment_field()


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
    created_at: datetime = moment_field()
    expires_at: datetime = moment_field()
    used_at: datetime | None = moment_field(nullable=True)
    used_by_id: int | None = Field(default=None, foreign_key="person.id")


class ProgramMember(SQLModel, table=True):
    program_id: int = Field(foreign_key="program.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)


class ProgramPartner(SQLModel, table=True):
    program_id: int = Field(foreign_key="program.id", primary_key=True)
    partner_org_id: int = Field(foreign_key="partnerorg.id", primary_key=True)
