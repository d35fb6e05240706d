"""When a person's digests come: their hour, their mode, working days, and the period keys.

A manager gets a daily digest on working days and the weekly one on Monday (instead of that
day's daily); a field worker a daily one on working days; a partner contact a weekly one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.delivery.worktime import WorkingTime
from core.errors import UserError
from core.language.moments import MomentError, parse_moment
from core.models import Person, Role

DAILY = "daily"
WEEKLY = "weekly"
OFF = "off"
MODES = (DAILY, WEEKLY, OFF)

# The hour each role's digest comes at unless the person chose another.
DEFAULT_TIME = {Role.FIELD: "06:30", Role.PARTNER: "08:00"}
MANAGER_TIME = "07:00"
MONDAY = 0

_DIGIT = re.compile(r"\d")


class DigestStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    LATE = "late"  # sent, but after Gotong was down at its hour
    SKIPPED = "skipped"  # due while Gotong was down, and the next one came too soon
    EMPTY = "empty"  # nothing to say: no message


@dataclass(frozen=True)
class Planned:
    """One digest to come: its kind, its period key and when it is due (UTC)."""

    kind: str
    period: str
    due_at: datetime


def digest_time(person: Person) -> time:
    """The local hour the person's digest comes at."""
    written = person.digest_time or DEFAULT_TIME.get(Role(person.role), MANAGER_TIME)
    hour, minute = (int(part) for part in written.split(":"))
    return time(hour, minute)


def digest_mode(person: Person) -> str:
    """daily (with the weekly on Monday), weekly only, or off; admins work in the terminal."""
    if person.digest_mode:
        return person.digest_mode
    return OFF if person.role == Role.ADMIN else DAILY


def kind_on(person: Person, day: date, working: WorkingTime) -> str | None:
    """Which digest, if any, the person gets on a local day."""
    mode = digest_mode(person)
    if mode == OFF:
        return None
    weekly_only = mode == WEEKLY or person.role == Role.PARTNER
    if weekly_only or person.role != Role.FIELD:
        if day.weekday() == MONDAY:
            return WEEKLY
        if weekly_only:
            return None
    return DAILY if working.works_on(day) else None


def period_of(kind: str, day: date) -> str:
    """The period key: the local date for a daily digest, the ISO week for a weekly one."""
    if kind == WEEKLY:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def next_digest(person: Person, *, after: datetime) -> Planned | None:
    """The first digest due strictly after `after`, or None when the person turned them off."""
    working = WorkingTime.of(person)
    hour = digest_time(person)
    day = after.astimezone(working.zone).date()
    for _ in range(15):
        due = datetime.combine(day, hour, tzinfo=working.zone)
        kind = kind_on(person, day, working)
        if kind is not None and due > after:
            return Planned(kind, period_of(kind, day), due.astimezone(after.tzinfo))
        day += timedelta(days=1)
    return None


def read_digest_time(text: str, *, now: datetime, tz: str) -> str:
    """ "06:00", "6am", "jam 6 pagi" -> "06:00"; raises UserError for anything else."""
    if not _DIGIT.search(text):
        raise UserError("digest.bad_time", value=text[:20])
    try:
        moment = parse_moment(text, now=now, tz=tz)
    except MomentError as error:
        raise UserError("digest.bad_time", value=text[:20]) from error
    if not moment.has_time:
        raise UserError("digest.bad_time", value=text[:20])
    return f"{moment.at.astimezone(ZoneInfo(tz)):%H:%M}"
