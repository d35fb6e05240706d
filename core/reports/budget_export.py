"""Budget lines and expenses as flat rows: amounts stay Decimal, so they leave as numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from core.models import BudgetLine, Expense

if TYPE_CHECKING:
    from core.reports.export import Exporter

Row = dict[str, Any]


def _plain(exporter: Exporter, row: Row) -> Row:
    """Moments with their offset, amounts untouched (JSON writes them as numbers)."""
    return {k: v if isinstance(v, Decimal) else exporter.value(v) for k, v in row.items()}


def budget_lines(exporter: Exporter) -> list[Row]:
    """Each line with what was spent on it (reversed expenses left out)."""
    session = exporter.session
    spent: dict[int, Decimal] = {}
    for expense in session.exec(select(Expense).where(col(Expense.reversed_at).is_(None))):
        spent[expense.line_id] = spent.get(expense.line_id, Decimal(0)) + expense.amount
    rows = []
    for line in session.exec(select(BudgetLine).order_by(col(BudgetLine.id))):
        used = spent.get(line.id or 0, Decimal(0))
        rows.append(
            _plain(
                exporter,
                {
                    "program": exporter.codes.get(line.program_id),
                    "line": line.name,
                    "planned": line.planned,
                    "spent": used,
                    "remaining": line.planned - used,
                    "created_at": line.created_at,
                    "updated_at": line.updated_at,
                },
            )
        )
    return rows


def expenses(exporter: Exporter) -> list[Row]:
    """Every expense, reversed ones too (with who reversed them and when)."""
    session = exporter.session
    names = {line.id: line.name for line in session.exec(select(BudgetLine))}
    return [
        _plain(
            exporter,
            {
                "id": e.id,
                "program": exporter.codes.get(e.program_id),
                "line": names.get(e.line_id),
                "amount": e.amount,
                "text": e.text,
                "photo": e.photo_file_id,
                "recorded_by": exporter.handles.get(e.recorded_by_id),
                "recorded_at": e.recorded_at,
                "reversed_at": e.reversed_at,
                "reversed_by": exporter.handles.get(e.reversed_by_id),
            },
        )
        for e in session.exec(select(Expense).order_by(col(Expense.id)))
    ]
