"""Budgets and indicators in a manager's digest: read once for every program of a batch.

One query per kind of row (lines, expenses, indicators, their values) whatever the number of
programs; sums are made in Python, as the measures services do, because SQLite keeps money as
text. Who may read a budget is `core.measures.budgets.require_budget`'s rule, applied to rows
already loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlmodel import Session, col, select

from core.measures.budget_alerts import due
from core.measures.budgets import LineState, Overview, elapsed
from core.measures.indicators import Standing, standing_of
from core.models import (
    BudgetLine,
    Expense,
    Indicator,
    IndicatorValue,
    Person,
    Program,
    Role,
)

WEEK = timedelta(days=7)


@dataclass
class Measures:
    """The budget lines, money spent and indicator values of every program in a batch."""

    lines: dict[int, list[BudgetLine]] = field(default_factory=dict)
    spent: dict[int, Decimal] = field(default_factory=dict)  # by budget line
    indicators: dict[int, list[Indicator]] = field(default_factory=dict)
    values: dict[int, list[IndicatorValue]] = field(default_factory=dict)  # by indicator


def load_measures(session: Session, program_ids: list[int]) -> Measures:
    """Budget lines, what was spent on them, indicators and their counted values: four queries."""
    measures = Measures()
    lines = select(BudgetLine).where(col(BudgetLine.program_id).in_(program_ids))
    for line in session.exec(lines.order_by(col(BudgetLine.id))):
        measures.lines.setdefault(line.program_id, []).append(line)
    expenses = select(Expense).where(
        col(Expense.program_id).in_(program_ids), col(Expense.reversed_at).is_(None)
    )
    for expense in session.exec(expenses):
        spent = measures.spent.get(expense.line_id, Decimal(0))
        measures.spent[expense.line_id] = spent + expense.amount
    indicators = select(Indicator).where(col(Indicator.program_id).in_(program_ids))
    for indicator in session.exec(indicators.order_by(col(Indicator.id))):
        measures.indicators.setdefault(indicator.program_id, []).append(indicator)
    values = (
        select(IndicatorValue)
        .join(Indicator, col(Indicator.id) == IndicatorValue.indicator_id)
        .where(
            col(Indicator.program_id).in_(program_ids), col(IndicatorValue.withdrawn_at).is_(None)
        )
        .order_by(col(IndicatorValue.recorded_at), col(IndicatorValue.id))
    )
    for value in session.exec(values):
        measures.values.setdefault(value.indicator_id, []).append(value)
    return measures


def sees_budget(reader: Person, program: Program, members: set[tuple[int, int]]) -> bool:
    """require_budget's rule for a digest's reader: admins, and managers who work on the program;
    never a partner contact (field workers' digests have no program sections)."""
    if reader.partner_org_id is not None:
        return False
    if reader.role == Role.ADMIN:
        return True
    works_on = program.owner_id == reader.id or (program.id or 0, reader.id or 0) in members
    return reader.role == Role.MANAGER and works_on


def budget_of(measures: Measures, program: Program, today: date) -> Overview | None:
    """The program's budget as it stands on the reader's `today`, None when it has no lines."""
    lines = measures.lines.get(program.id or 0, [])
    if not lines:
        return None
    states = [LineState(line, measures.spent.get(line.id or 0, Decimal(0))) for line in lines]
    gone = elapsed(program, today)
    return Overview(program, states, None if gone is None else int(gone * 100))


def warned(overview: Overview, today: date) -> list[LineState]:
    """The lines past 80 % used, or spending more than 1.25 times faster than the period."""
    return [s for s in overview.lines if due(overview.program, s, today)]


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator in a digest: where it stands, and (weekly) how much it rose this week."""

    standing: Standing
    gain: Decimal | None = None


def indicator_lines(
    measures: Measures, program_id: int, *, now: datetime, weekly: bool
) -> list[IndicatorLine]:
    """Each of the program's indicators as it stands at `now`; a weekly's with the week's gain."""
    found = []
    for indicator in measures.indicators.get(program_id, []):
        values = [v for v in measures.values.get(indicator.id or 0, []) if v.recorded_at <= now]
        standing = standing_of(indicator, values)
        gain = None
        if weekly:
            before = standing_of(indicator, [v for v in values if v.recorded_at < now - WEEK])
            gain = standing.value - before.value
        found.append(IndicatorLine(standing, gain))
    return found


def completion(lines: list[IndicatorLine]) -> float | None:
    """The mean share of target reached (each indicator counted 0 to 1), None without any."""
    if not lines:
        return None
    shares = [
        min(max(Fraction(s.value) / Fraction(s.indicator.target), Fraction(0)), Fraction(1))
        for s in (line.standing for line in lines)
    ]
    return float(sum(shares, Fraction(0)) / len(shares))
