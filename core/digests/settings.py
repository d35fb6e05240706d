"""A person's digest settings: the hour, daily or weekly or off, and the chart."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from core import audit
from core.digests.rhythm import read_digest_time
from core.digests.sweep import replan
from core.models import Person


def set_digest_time(session: Session, *, now: datetime, actor: Person, value: str) -> str:
    """Move the person's digest to another local hour; returns it as HH:MM."""
    written = read_digest_time(value, now=now, tz=actor.timezone)
    before = audit.snapshot(actor)
    actor.digest_time = written
    audit.record(
        session, at=now, actor=actor, action="person.digest_time", entity=actor, before=before
    )
    replan(session, actor, now=now)
    return written


def set_digest_mode(session: Session, *, now: datetime, actor: Person, mode: str) -> None:
    """Daily (with the weekly on Monday), weekly only, or off."""
    before = audit.snapshot(actor)
    actor.digest_mode = mode
    audit.record(
        session, at=now, actor=actor, action="person.digest_mode", entity=actor, before=before
    )
    replan(session, actor, now=now)


def set_charts(session: Session, *, now: datetime, actor: Person, on: bool) -> None:
    """Whether the digest carries its chart."""
    before = audit.snapshot(actor)
    actor.charts = on
    audit.record(session, at=now, actor=actor, action="person.charts", entity=actor, before=before)
