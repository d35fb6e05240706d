"""What Gotong's own commitment reminders need: who speaks for the partner, how much arrived,
when the partner was last asked, and which buttons fit each reminder.

It lives in delivery, below the commitments service, so that firing can say what remains
("masih kurang 50 hygiene kit") without importing the service that plans these reminders.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.delivery.claims import route
from core.delivery.reach import Reach
from core.models import (
    AuditEntry,
    Commitment,
    CommitmentReceipt,
    CommitmentStatus,
    PartnerOrg,
    Person,
    Program,
    Reminder,
)

# Rows of (label key, command): the same short commands a person could type.
ButtonRows = tuple[tuple[tuple[str, str], ...], ...]
# A due moment as the Extend button carries it, so a second tap knows it was extended.
STAMP = "%Y-%m-%dT%H:%MZ"
# The steps after which the partner owes an answer again: the request, a refused proposal.
ASKING = ("commitment.request", "commitment.refuse")


def contacts(session: Session, commitment: Commitment) -> list[Person]:
    """The people on Gotong who speak for the commitment's organisation."""
    return list(
        session.exec(
            select(Person)
            .where(Person.partner_org_id == commitment.partner_org_id)
            .order_by(col(Person.id))
        )
    )


def received_totals(session: Session, ids: Iterable[int]) -> dict[int, tuple[Decimal, int]]:
    """(received total, receipt count) per commitment, in one query.

    Summed here rather than in SQL: SQLite keeps money as text, and its SUM would be a float.
    """
    totals: dict[int, tuple[Decimal, int]] = {}
    wanted = list(ids)
    if not wanted:
        return totals
    rows = session.exec(
        select(CommitmentReceipt.commitment_id, col(CommitmentReceipt.quantity)).where(
            col(CommitmentReceipt.commitment_id).in_(wanted)
        )
    )
    for number, quantity in rows:
        total, count = totals.get(number, (Decimal(0), 0))
        totals[number] = (total + (quantity or Decimal(0)), count + 1)
    return totals


def asked_at(session: Session, commitment: Commitment) -> datetime:
    """When the partner was last asked to answer: the request, or a refused proposal since."""
    latest = session.exec(
        select(func.max(AuditEntry.at)).where(
            AuditEntry.entity == "commitment",
            AuditEntry.entity_id == str(commitment.id),
            col(AuditEntry.action).in_(ASKING),
        )
    ).one()
    return latest if latest is not None else commitment.created_at


def answer_buttons(number: int | None) -> ButtonRows:
    """What a contact may answer to a request: confirm, propose another date, decline."""
    return (
        (("button.confirm", f"confirm {number}"),),
        (("button.propose", f"propose {number}"), ("button.reject", f"reject {number}")),
    )


def stamp(moment: datetime) -> str:
    """A due moment as a button carries it (UTC, to the minute)."""
    return moment.astimezone(UTC).strftime(STAMP)


def read_stamp(word: str) -> datetime | None:
    """The due moment a button carried, or None when `word` is not one."""
    try:
        return datetime.strptime(word, STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def reminder_buttons(reminder: Reminder, commitment: Commitment) -> ButtonRows:
    """The escalation offers Extend and Cancel; a contact still asked can answer at once.

    No snooze: a reminder about someone else's promise is not the reader's to put off, and
    the escalation already offers the real choice (more time, or give up on it).
    """
    if reminder.label == "escalation":
        return (
            (
                ("button.extend", f"extend {commitment.id} {stamp(commitment.due_at)}"),
                ("button.cancel", f"cancel commitment {commitment.id}"),
            ),
        )
    if commitment.status == CommitmentStatus.REQUESTED and reminder.label in ("nudge", "due"):
        return answer_buttons(commitment.id)
    return ()


def details(session: Session, commitment: Commitment) -> dict[str, Any]:
    """What a fired commitment reminder names besides the commitment itself."""
    assert commitment.id is not None
    received, receipts = received_totals(session, [commitment.id]).get(
        commitment.id, (Decimal(0), 0)
    )
    remaining = None
    if commitment.quantity is not None:
        remaining = max(commitment.quantity - received, Decimal(0))
    org = session.get(PartnerOrg, commitment.partner_org_id)
    return {
        "org": org,
        "program": session.get(Program, commitment.program_id),
        "manager": session.get(Person, commitment.requested_by_id),
        "reach": _contacts_reach(session, commitment, org),
        "received": received,
        "receipts": receipts,
        "remaining": remaining,
    }


def _contacts_reach(session: Session, commitment: Commitment, org: PartnerOrg | None) -> Reach:
    """Which contacts a nudge reaches, for the manager told about it (and who it cannot)."""
    reach = Reach()
    people = contacts(session, commitment)
    for person in people:
        reach.note(person, route(session, person))
    if not people and org is not None:
        reach.note_org(org)
    return reach
