"""Budget lines from a CSV file (program,line,planned), upserted by program and line name.

Every row is checked in full before anything of it is written; the caller keeps or drops the
whole file by whether any row was rejected (`gotong budget import` drops it: all or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, select

from core import imports
from core.errors import UserError
from core.imports import Rejected, Row
from core.language.numbers import parse_amount
from core.measures import budgets
from core.models import Program

COLUMNS = ("program", "line", "planned")
# More lines than any program's budget has: a bigger file is a mistake, not a budget.
MAX_ROWS = 5000


@dataclass(frozen=True)
class Accepted:
    """A row imported, and what happened to its budget line."""

    line: int
    program: str
    name: str
    planned: Decimal
    outcome: str  # "added", "updated" or "unchanged"


ImportResult = imports.ImportResult[Accepted]
__all__ = ["COLUMNS", "Accepted", "ImportResult", "Rejected", "Row", "import_rows", "read_rows"]


def read_rows(text: str) -> list[Row]:
    """The data rows of the file, its header checked (see core.imports.read_rows)."""
    return imports.read_rows(text, COLUMNS, area="budget", max_rows=MAX_ROWS)


def import_rows(session: Session, *, now: datetime, rows: list[Row], lang: str) -> ImportResult:
    """Upsert each row's line; a row naming a line an earlier row named is refused whole."""
    result = ImportResult()
    first_seen: dict[tuple[str, str], int] = {}
    for row in rows:
        try:
            program, name, planned = _checked(session, row, lang)
            earlier = first_seen.get((program.code, budgets.line_key(name)))
            if earlier is not None:
                raise UserError("budget.import_duplicate", name=name, line=earlier)
        except UserError as error:
            result.rejected.append(Rejected(row.line, error))
            continue
        first_seen[(program.code, budgets.line_key(name))] = row.line
        line, outcome = budgets.upsert_line(
            session, now=now, program=program, name=name, planned=planned
        )
        result.accepted.append(Accepted(row.line, program.code, line.name, planned, outcome))
    return result


def _checked(session: Session, row: Row, lang: str) -> tuple[Program, str, Decimal]:
    """The row's program, line name and planned amount, once every column of it is good."""
    values = row.values
    if row.overflow:
        raise UserError("budget.import_overflow", expected=list(COLUMNS))
    for column in COLUMNS:
        if not values[column]:
            raise UserError("budget.import_missing", column=column)
    code = values["program"].lstrip("#").lower()
    program = session.exec(select(Program).where(Program.code == code)).first()
    if program is None:
        raise UserError("common.unknown_program", code=code, known=[])
    planned = parse_amount(values["planned"], lang=lang)
    return program, budgets.checked_line(values["line"], planned), planned
