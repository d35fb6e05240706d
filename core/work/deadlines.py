"""Deadlines: reports and milestones a program must meet."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from core import audit
from core.db import page_of
from core.delivery import followups
from core.errors import UserError
from core.models import Deadline, Person, Program, Status
from core.people import visibility
from core.people.directory import ProgramIds
from core.people.permissions import is_manager, require_manager, require_program_access
from core.work.tasks import clean_title


def create(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    title: str,
    due_at: datetime,
    program: Program,
    owner: Person | None,
) -> Deadline:
    """Set a program deadline, owned by `owner` or the actor."""
    require_manager(actor, "deadline")
    require_program_access(session, actor, program)
    title = clean_title(title, kind="deadline")
    if due_at <= now:
        raise UserError("moment.in_past", at=due_at)
    owner = owner or actor
    assert owner.id is not None and program.id is not None
    deadline = Deadline(
        title=title, program_id=program.id, owner_id=owner.id, due_at=due_at, created_at=now
    )
    audit.record(session, at=now, actor=actor, action="deadline.create", entity=deadline)
    followups.sync_deadline(session, now=now, deadline=deadline)
    return deadline


def close(
    session: Session, *, now: datetime, actor: Person, deadline_id: int, status: Status
) -> Deadline:
    """Mark a deadline met or cancelled; its owner or a manager may."""
    deadline = visibility.deadline(session, actor, deadline_id)
    if not (deadline.owner_id == actor.id or is_manager(actor)):
        raise UserError("deadline.not_yours", number=deadline_id)
    if deadline.status != Status.OPEN:
        raise UserError("deadline.closed", number=deadline_id)
    before = audit.snapshot(deadline)
    deadline.status = status
    audit.record(
        session, at=now, actor=actor, action=f"deadline.{status}", entity=deadline, before=before
    )
    followups.sync_deadline(session, now=now, deadline=deadline)
    return deadline


def open_between(
    session: Session,
    *,
    start: datetime | None,
    end: datetime,
    owner: Person | None,
    program_ids: ProgramIds | None,
) -> list[Deadline]:
    """Open deadlines due before `end` (and from `start`), for an owner and/or some programs."""
    return list(session.exec(_open_between(start, end, owner, program_ids)))


def first_open_between(
    session: Session,
    *,
    start: datetime | None,
    end: datetime,
    owner: Person | None,
    program_ids: ProgramIds | None,
    within: ProgramIds | None = None,
    not_owner: Person | None = None,
    limit: int,
) -> tuple[list[Deadline], int]:
    """The first `limit` of open_between's deadlines, and how many there are in all; `within`
    keeps only these programs' and `not_owner` leaves that person's out."""
    query = _open_between(start, end, owner, program_ids)
    if within is not None:
        query = query.where(col(Deadline.program_id).in_(within))
    if not_owner is not None:
        query = query.where(col(Deadline.owner_id).is_distinct_from(not_owner.id))
    return page_of(session, query, limit=limit)


def _open_between(
    start: datetime | None, end: datetime, owner: Person | None, program_ids: ProgramIds | None
) -> SelectOfScalar[Deadline]:
    query = select(Deadline).where(Deadline.status == Status.OPEN, col(Deadline.due_at) < end)
    if start is not None:
        query = query.where(col(Deadline.due_at) >= start)
    if owner is not None and program_ids is not None:
        query = query.where(
            (col(Deadline.owner_id) == owner.id) | col(Deadline.program_id).in_(program_ids)
        )
    elif owner is not None:
        query = query.where(Deadline.owner_id == owner.id)
    elif program_ids is not None:
        query = query.where(col(Deadline.program_id).in_(program_ids))
    return query.order_by(col(Deadline.due_at), col(Deadline.id))
