"""Alerts about a budget line to the program's managers: 80 % used, 100 % used, spending too fast.

Each alert is sent once for a line, ever: a row in budget_alert records it in the same
transaction as the expense that caused it, so a retried message cannot send it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from sqlmodel import Session, col, select

from core.measures.budgets import LineState, elapsed, spent_by_line
from core.models import BudgetAlert, BudgetLine, Person, Program, ProgramMember, Role

# Shares of a line used that its managers hear about.
THRESHOLDS = (("80", Fraction(8, 10)), ("100", Fraction(1)))
# A line "spends too fast" when its share used is more than this times the period's share gone,
PACE = Fraction(5, 4)
# and only once this much of the period has gone (early spending is normal: a first purchase).
PACE_AFTER = Fraction(1, 10)


@dataclass(frozen=True)
class Alert:
    """One alert about one line: which, how much is used and how much of the period is gone."""

    kind: str  # "80", "100" or "pace"
    state: LineState
    elapsed: int | None


def due(program: Program, state: LineState, today: date) -> list[str]:
    """The kinds of alert the line has reached, sent or not."""
    used = Fraction(state.spent) / Fraction(state.planned)
    kinds = [kind for kind, share in THRESHOLDS if used >= share]
    gone = elapsed(program, today)
    if gone is not None and gone >= PACE_AFTER and used > PACE * gone:
        kinds.append("pace")
    return kinds


def fire(
    session: Session, *, now: datetime, program: Program, line_id: int, today: date
) -> list[Alert]:
    """The line's alerts not sent before, marked as sent now."""
    line = session.get(BudgetLine, line_id)
    if line is None or line.planned <= 0:
        return []
    state = LineState(line, spent_by_line(session, program).get(line_id, Decimal(0)))
    sent = set(session.exec(select(BudgetAlert.kind).where(BudgetAlert.line_id == line_id)).all())
    gone = elapsed(program, today)
    alerts = []
    for kind in due(program, state, today):
        if kind in sent:
            continue
        session.add(BudgetAlert(line_id=line_id, kind=kind, sent_at=now))
        alerts.append(Alert(kind, state, None if gone is None else int(gone * 100)))
    session.flush()
    if any(a.kind == "100" for a in alerts):
        # One expense taking a line past 100 % says so once, not "80 %" and "100 %" together.
        alerts = [a for a in alerts if a.kind != "80"]
    return alerts


def managers_of(session: Session, program: Program) -> list[Person]:
    """Who hears about the program's budget: its owner and its members who manage."""
    member = select(ProgramMember.person_id).where(ProgramMember.program_id == program.id)
    return list(
        session.exec(
            select(Person)
            .where(
                (col(Person.id) == program.owner_id) | col(Person.id).in_(member),
                col(Person.role).in_([Role.MANAGER, Role.ADMIN]),
            )
            .order_by(col(Person.handle))
        )
    )
