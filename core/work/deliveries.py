"""Deliveries against commitments: receipts recorded in parts, what remains, and the photo
that shows them arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from core import audit
from core.delivery import followups
from core.delivery.commitment_notes import received_totals
from core.errors import UserError
from core.models import Commitment, CommitmentReceipt, CommitmentStatus, Person
from core.people import visibility

# A receipt larger than this many times what was asked is a typing slip, not a delivery.
MAX_OVER_DELIVERY = 100
# A photo sent this soon after /terima shows that delivery (as for field updates).
MEDIA_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Progress:
    """A commitment with what was received against it so far."""

    commitment: Commitment
    received: Decimal
    receipts: int

    @property
    def remaining(self) -> Decimal | None:
        """What is still to come (never below zero); None for a yes/no commitment."""
        if self.commitment.quantity is None:
            return None
        return max(self.commitment.quantity - self.received, Decimal(0))


def receive(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    number: int,
    quantity: Decimal | None,
    photo_file_id: str | None = None,
) -> tuple[Progress, bool]:
    """Record a delivery; (progress, whether this receipt fulfilled the commitment)."""
    commitment = visibility.commitment(session, actor, number)
    # Lock the row so two receipts at once add up instead of both deciding "not yet fulfilled".
    session.exec(select(Commitment).where(Commitment.id == number).with_for_update()).one()
    session.refresh(commitment)
    quantity = _receivable(commitment, quantity)
    assert actor.id is not None
    receipt = CommitmentReceipt(
        commitment_id=number,
        quantity=quantity,
        recorded_by_id=actor.id,
        recorded_at=now,
        photo_file_id=photo_file_id[:256] if photo_file_id else None,
    )
    audit.record(session, at=now, actor=actor, action="commitment.receive", entity=receipt)
    progress = progress_of(session, commitment)
    complete = commitment.quantity is None or progress.received >= commitment.quantity
    fulfilled_now = complete and commitment.status != CommitmentStatus.FULFILLED
    if fulfilled_now:
        before = audit.snapshot(commitment)
        commitment.status = CommitmentStatus.FULFILLED
        audit.record(
            session,
            at=now,
            actor=actor,
            action="commitment.fulfil",
            entity=commitment,
            before=before,
        )
        followups.sync_commitment(session, now=now, commitment=commitment)
    return progress, fulfilled_now


def _receivable(commitment: Commitment, quantity: Decimal | None) -> Decimal | None:
    """The quantity a receipt may record against the commitment, or why it may not."""
    number = commitment.id
    if commitment.status in (CommitmentStatus.CANCELLED, CommitmentStatus.DECLINED):
        raise UserError("commitment.closed", number=number, status=commitment.status)
    if commitment.quantity is None:
        if commitment.status == CommitmentStatus.FULFILLED:
            raise UserError("commitment.closed", number=number, status=commitment.status)
        return None
    if quantity is None:
        raise UserError("commitment.receive_needs_quantity", commitment=commitment)
    if quantity <= 0:
        raise UserError("commitment.bad_quantity", quantity=quantity)
    if quantity > commitment.quantity * MAX_OVER_DELIVERY:
        raise UserError("commitment.too_much", commitment=commitment, quantity=quantity)
    return quantity


def receipts(session: Session, commitment: Commitment) -> list[CommitmentReceipt]:
    """The deliveries recorded against a commitment, oldest first."""
    return list(
        session.exec(
            select(CommitmentReceipt)
            .where(CommitmentReceipt.commitment_id == commitment.id)
            .order_by(col(CommitmentReceipt.id))
        )
    )


def progress_of(session: Session, commitment: Commitment) -> Progress:
    """What was received against the commitment so far."""
    return progress_of_all(session, [commitment])[0]


def progress_of_all(session: Session, listed: list[Commitment]) -> list[Progress]:
    """What was received against each commitment, in one query for all of them."""
    totals = received_totals(session, [c.id for c in listed if c.id is not None])
    return [Progress(c, *totals.get(c.id or 0, (Decimal(0), 0))) for c in listed]


def latest_receipt(
    session: Session, *, recorder: Person, since: datetime
) -> CommitmentReceipt | None:
    """The receipt this person recorded most recently since a moment."""
    return session.exec(
        select(CommitmentReceipt)
        .where(
            CommitmentReceipt.recorded_by_id == recorder.id,
            col(CommitmentReceipt.recorded_at) >= since,
        )
        .order_by(col(CommitmentReceipt.recorded_at).desc(), col(CommitmentReceipt.id).desc())
    ).first()


def attach_photo(session: Session, receipt: CommitmentReceipt, photo_file_id: str) -> None:
    """Keep a photo (the platform's file id, not the bytes) with a receipt."""
    receipt.photo_file_id = photo_file_id[:256]
    session.add(receipt)
