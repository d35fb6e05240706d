"""The kinds that count: expenses, budget lines with what was spent, indicator values."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.models import BudgetLine, Expense, Indicator, IndicatorValue, Person, Program
from core.reports.exports.query import Scope, pages
from core.reports.exports.sql import among, table_of
from core.reports.exports.table import INT, MOMENT, MONEY, NUMBER, Table, columns, no_rows
from core.reports.exports.values import raw

Batches = Iterator[Sequence[Sequence[Any]]]
person, program = table_of(Person), table_of(Program)


def expenses(connection: Connection, scope: Scope) -> Table:
    """Every expense by the moment it was recorded, reversed ones too (who reversed it, when)."""
    cols = columns(
        ("id", INT),
        "program",
        "line",
        ("amount", MONEY),
        "currency",
        "text",
        "photo",
        "recorded_by",
        ("recorded_at", MOMENT),
        ("reversed_at", MOMENT),
        "reversed_by",
    )
    if scope.org is not None:
        return Table("expenses", cols, no_rows())
    e, line = table_of(Expense), table_of(BudgetLine)
    recorder, reverser = person.alias("recorder"), person.alias("reverser")
    statement = (
        select(
            e.c.id,
            program.c.code,
            line.c.name,
            raw(connection, e.c.amount),
            program.c.currency,
            e.c.text,
            e.c.photo_file_id,
            recorder.c.handle,
            raw(connection, e.c.recorded_at),
            raw(connection, e.c.reversed_at),
            reverser.c.handle,
        )
        .select_from(e)
        .join(program, program.c.id == e.c.program_id)
        .join(line, line.c.id == e.c.line_id)
        .outerjoin(recorder, recorder.c.id == e.c.recorded_by_id)
        .outerjoin(reverser, reverser.c.id == e.c.reversed_by_id)
        .where(scope.in_programs(e.c.program_id), *scope.in_range(e.c.recorded_at))
    )
    return Table("expenses", cols, pages(connection, statement, e.c.id))


def budget(connection: Connection, scope: Scope) -> Table:
    """Each budget line with what was spent on it (reversed expenses left out).

    A line is a plan, not a moment: a time range keeps every line of the chosen programs.
    """
    cols = columns(
        ("id", INT),
        "program",
        "line",
        ("planned", MONEY),
        ("spent", MONEY),
        ("remaining", MONEY),
        "currency",
        ("created_at", MOMENT),
        ("updated_at", MOMENT),
    )
    if scope.org is not None:
        return Table("budget", cols, no_rows())
    line, e = table_of(BudgetLine), table_of(Expense)
    statement = (
        select(
            line.c.id,
            program.c.code,
            line.c.name,
            line.c.planned,
            program.c.currency,
            raw(connection, line.c.created_at),
            raw(connection, line.c.updated_at),
        )
        .select_from(line)
        .join(program, program.c.id == line.c.program_id)
        .where(scope.in_programs(line.c.program_id))
    )

    def batches() -> Batches:
        for page in pages(connection, statement, line.c.id):
            # Summed here: SQLite keeps amounts as text, and its SUM would make them floats.
            spent: dict[int, Decimal] = {}
            for line_id, amount in connection.execute(
                select(e.c.line_id, e.c.amount).where(
                    among(e.c.line_id, [r[0] for r in page]), e.c.reversed_at.is_(None)
                )
            ):
                spent[line_id] = spent.get(line_id, Decimal(0)) + amount
            rows = []
            for r in page:
                used = spent.get(r[0], Decimal(0))
                rows.append((*r[:4], used, r[3] - used, *r[4:]))
            yield rows

    return Table("budget", cols, batches())


def indicators(connection: Connection, scope: Scope) -> Table:
    """Every value field updates gave an indicator, by the moment it was recorded; withdrawn
    ones too (with the moment)."""
    cols = columns(
        ("id", INT),
        "program",
        "indicator",
        "unit",
        "combine",
        "region",
        ("value", NUMBER),
        "reporter",
        ("update", INT),
        "review",
        ("recorded_at", MOMENT),
        ("withdrawn_at", MOMENT),
    )
    if scope.org is not None:
        return Table("indicators", cols, no_rows())
    v, i = table_of(IndicatorValue), table_of(Indicator)
    statement = (
        select(
            v.c.id,
            program.c.code,
            i.c.code,
            i.c.unit,
            i.c.combine,
            v.c.region,
            raw(connection, v.c.value),
            person.c.handle,
            v.c.update_id,
            v.c.review,
            raw(connection, v.c.recorded_at),
            raw(connection, v.c.withdrawn_at),
        )
        .select_from(v)
        .join(i, i.c.id == v.c.indicator_id)
        .join(program, program.c.id == i.c.program_id)
        .outerjoin(person, person.c.id == v.c.reporter_id)
        .where(scope.in_programs(i.c.program_id), *scope.in_range(v.c.recorded_at))
    )
    return Table("indicators", cols, pages(connection, statement, v.c.id))
