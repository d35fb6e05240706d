"""Commitments: what a partner organisation promises a program, its answer, and its deliveries.

Each step is one conditional change of the row: when two contacts of one organisation answer
at once, the first answer wins and the second is told who answered, so nothing changes twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, update
from sqlmodel import Session, col, select

from core import audit
from core.db import page_of
from core.delivery import followups
from core.delivery.commitment_notes import read_stamp
from core.errors import UserError
from core.models import (
    OPEN_COMMITMENT,
    AuditEntry,
    Commitment,
    CommitmentStatus,
    PartnerOrg,
    Person,
    Program,
)
from core.people import visibility
from core.people.permissions import is_manager, require_manager, require_program_access
from core.work.deliveries import Progress as Progress
from core.work.deliveries import progress_of as progress_of
from core.work.deliveries import progress_of_all
from core.work.deliveries import receipts as receipts
from core.work.deliveries import receive as receive
from core.work.tasks import clean_title

MAX_REASON = 300
OPEN = OPEN_COMMITMENT
# How much more time the escalation's Extend button gives.
EXTENSION = timedelta(days=7)
CLOSED = (CommitmentStatus.DECLINED, CommitmentStatus.CANCELLED, CommitmentStatus.FULFILLED)


def is_overdue(commitment: Commitment, now: datetime) -> bool:
    """Whether the due moment passed and it is still open."""
    return commitment.status in OPEN and commitment.due_at < now


def request(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    org: PartnerOrg,
    program: Program,
    what: str,
    quantity: Decimal | None,
    money: bool,
    unit: str,
    due_at: datetime,
) -> Commitment:
    """Ask a partner organisation for something by a moment, for a program (managers only)."""
    require_manager(actor, "commitment")
    require_program_access(session, actor, program)
    what = clean_title(what, kind="commitment")
    if quantity is not None and quantity <= 0:
        raise UserError("commitment.bad_quantity", quantity=quantity)
    if due_at <= now:
        raise UserError("moment.in_past", at=due_at)
    assert actor.id is not None and org.id is not None and program.id is not None
    commitment = Commitment(
        program_id=program.id,
        partner_org_id=org.id,
        what=what,
        quantity=quantity,
        unit=unit[:80],
        money=money,
        due_at=due_at,
        requested_by_id=actor.id,
        created_at=now,
    )
    audit.record(session, at=now, actor=actor, action="commitment.request", entity=commitment)
    followups.sync_commitment(session, now=now, commitment=commitment)
    return commitment


def get(session: Session, number: int, reader: Person) -> Commitment:
    """The commitment with this number, if the reader may see it (else refused as not found)."""
    return visibility.commitment(session, reader, number)


def speaks_for(actor: Person, commitment: Commitment) -> bool:
    """Whether the actor is a contact of the organisation the commitment is asked of."""
    return actor.partner_org_id is not None and actor.partner_org_id == commitment.partner_org_id


def _step(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    commitment: Commitment,
    expected: tuple[str, ...],
    action: str,
    **values: Any,
) -> Commitment:
    """Change the row only if it is still in an `expected` state; else say who got there first."""
    assert commitment.id is not None
    before = audit.snapshot(commitment)
    changed = session.execute(
        update(Commitment)
        .where(col(Commitment.id) == commitment.id, col(Commitment.status).in_(expected))
        .values(**values)
    )
    session.refresh(commitment)
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise _already(session, commitment)
    audit.record(session, at=now, actor=actor, action=action, entity=commitment, before=before)
    followups.sync_commitment(session, now=now, commitment=commitment)
    return commitment


def _already(session: Session, commitment: Commitment) -> UserError:
    by = session.get(Person, commitment.answered_by_id) if commitment.answered_by_id else None
    return UserError(
        "commitment.already_answered",
        number=commitment.id,
        status=commitment.status,
        by=by,
    )


def answer(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    number: int,
    status: CommitmentStatus,
    reason: str = "",
    proposed: datetime | None = None,
) -> Commitment:
    """A partner contact confirms, declines (with a reason) or proposes another due moment."""
    commitment = get(session, number, actor)
    if not speaks_for(actor, commitment):
        raise UserError("commitment.partners_only", number=number)
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON:
        raise UserError("common.too_long", limit=MAX_REASON, length=len(reason))
    if proposed is not None and proposed <= now:
        raise UserError("commitment.proposal_in_past", number=number, at=proposed)
    return _step(
        session,
        now=now,
        actor=actor,
        commitment=commitment,
        expected=(CommitmentStatus.REQUESTED,),
        action=f"commitment.{status}",
        status=status,
        decline_reason=reason if status == CommitmentStatus.DECLINED else "",
        proposed_due_at=proposed,
        answered_by_id=actor.id,
        answered_at=now,
    )


def decide_proposal(
    session: Session, *, now: datetime, actor: Person, number: int, accept: bool
) -> Commitment:
    """The manager accepts a proposed due moment (confirmed with it) or refuses it (asked again)."""
    commitment = _managed(session, actor, number)
    if commitment.status != CommitmentStatus.PROPOSED or commitment.proposed_due_at is None:
        raise UserError("commitment.no_proposal", number=number, status=commitment.status)
    values: dict[str, Any] = {"proposed_due_at": None}
    if accept:
        values |= {"status": CommitmentStatus.CONFIRMED, "due_at": commitment.proposed_due_at}
    else:
        values |= {"status": CommitmentStatus.REQUESTED, "answered_by_id": None}
        values |= {"answered_at": None}
    return _step(
        session,
        now=now,
        actor=actor,
        commitment=commitment,
        expected=(CommitmentStatus.PROPOSED,),
        action="commitment.accept" if accept else "commitment.refuse",
        **values,
    )


def _managed(session: Session, actor: Person, number: int) -> Commitment:
    """A commitment the actor may change as a manager of its program."""
    commitment = get(session, number, actor)
    if not is_manager(actor):
        raise UserError("commitment.managers_only", number=number)
    return commitment


def cancel(session: Session, *, now: datetime, actor: Person, number: int) -> Commitment:
    """Cancel a commitment that is not yet closed (managers of its program)."""
    commitment = _managed(session, actor, number)
    if commitment.status in CLOSED:
        raise UserError("commitment.closed", number=number, status=commitment.status)
    return _step(
        session,
        now=now,
        actor=actor,
        commitment=commitment,
        expected=OPEN,
        action="commitment.cancel",
        status=CommitmentStatus.CANCELLED,
    )


def move(
    session: Session, *, now: datetime, actor: Person, number: int, due_at: datetime
) -> Commitment:
    """Move an open commitment's due moment (managers of its program)."""
    commitment = _managed(session, actor, number)
    if commitment.status in CLOSED:
        raise UserError("commitment.closed", number=number, status=commitment.status)
    if due_at <= now:
        raise UserError("moment.in_past", at=due_at)
    return _step(
        session,
        now=now,
        actor=actor,
        commitment=commitment,
        expected=OPEN,
        action="commitment.move",
        due_at=due_at,
    )


def extend(
    session: Session, *, now: datetime, actor: Person, number: int, since: str | None
) -> Commitment:
    """Give the partner 7 more days (the escalation's Extend button, or /perpanjang 12).

    The button carries the due moment it extends (`since`): pressed twice, or after someone
    moved the commitment meanwhile, it changes nothing and says where the due moment is now.
    """
    commitment = _managed(session, actor, number)
    if commitment.status in CLOSED:
        raise UserError("commitment.closed", number=number, status=commitment.status)
    if since is not None:
        carried = read_stamp(since)
        if carried is None:
            raise UserError("commitment.extend_usage")
        if carried != commitment.due_at.replace(second=0, microsecond=0):
            raise UserError("commitment.already_extended", c=commitment)
    due_at = commitment.due_at + EXTENSION
    if due_at <= now:  # an escalation answered a week late still gets its 7 days
        due_at = now + EXTENSION
    return move(session, now=now, actor=actor, number=number, due_at=due_at)


def history(session: Session, commitment: Commitment) -> list[AuditEntry]:
    """Every step the commitment went through (receipts are listed on their own)."""
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity == "commitment", AuditEntry.entity_id == str(commitment.id))
            .order_by(col(AuditEntry.id))
        )
    )


def open_for(
    session: Session,
    reader: Person,
    now: datetime,
    *,
    partner: PartnerOrg | None = None,
    program: Program | None = None,
    limit: int | None = None,
) -> tuple[list[Progress], int]:
    """Open commitments the reader may see (only `partner`'s or `program`'s, if given),
    overdue first, then by due moment: the first `limit` (all when None) and how many in all.
    A partner contact sees their organisation's; everyone else those of their programs, or
    all of `program`'s (the caller checked that the reader may see that program)."""
    query = select(Commitment).where(col(Commitment.status).in_(OPEN))
    if partner is not None:
        query = query.where(Commitment.partner_org_id == partner.id)
    if program is not None:
        query = query.where(Commitment.program_id == program.id)
    if program is None or reader.partner_org_id is not None:
        query = visibility.commitments_listed(session, reader, query)
    query = query.order_by(
        case((col(Commitment.due_at) < now, 0), else_=1), col(Commitment.due_at), col(Commitment.id)
    )
    if limit is None:
        rows = list(session.exec(query))
        total = len(rows)
    else:
        rows, total = page_of(session, query, limit=limit)
    return progress_of_all(session, rows), total


def totals(session: Session, program: Program, now: datetime, reader: Person) -> dict[str, int]:
    """How many of a program's commitments are open, overdue and fulfilled, as the reader
    may count them (a partner contact counts only their organisation's)."""
    query = select(Commitment).where(Commitment.program_id == program.id)
    if reader.partner_org_id is not None:
        query = visibility.commitments_listed(session, reader, query)
    rows = session.exec(query)
    counts = {"open": 0, "overdue": 0, "fulfilled": 0}
    for c in rows:
        if c.status in OPEN:
            counts["open"] += 1
            counts["overdue"] += is_overdue(c, now)
        elif c.status == CommitmentStatus.FULFILLED:
            counts["fulfilled"] += 1
    return counts
