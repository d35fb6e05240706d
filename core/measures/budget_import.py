"""Budget lines from a CSV file (program,line,planned), upserted by program and line name.

Every row is checked in full before anything of it is written; the caller keeps or drops the
whole file by whether any row was rejected (`gotong budget import` drops it: all or nothing).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, select

from core.errors import UserError
from core.language.numbers import parse_amount
from core.measures import budgets
from core.models import Program

COLUMNS = ("program", "line", "planned")
# More lines than any program's budget has: a bigger file is a mistake, not a budget.
MAX_ROWS = 5000


@dataclass(frozen=True)
class Row:
    """One data row of the file, with the line it starts on."""

    line: int
    values: dict[str, str]
    # More fields than the header names: an unquoted "2,5" split one amount in two.
    overflow: bool = False


@dataclass(frozen=True)
class Accepted:
    """A row imported, and what happened to its budget line."""

    line: int
    program: str
    name: str
    planned: Decimal
    outcome: str  # "added", "updated" or "unchanged"


@dataclass(frozen=True)
class Rejected:
    """A row refused, with the reason as a UserError (rendered in the reader's language)."""

    line: int
    error: UserError


@dataclass
class ImportResult:
    """Every row's fate, in file order."""

    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def read_rows(text: str) -> list[Row]:
    """The data rows of a CSV text whose header names the expected columns (in any order)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in next(reader, [])]
    if sorted(header) != sorted(COLUMNS):
        raise UserError("budget.import_header", expected=list(COLUMNS))
    rows: list[Row] = []
    for fields in reader:
        values = dict(zip(header, (value.strip() for value in fields), strict=False))
        if not any(values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise UserError("budget.import_too_long", limit=MAX_ROWS)
        start = reader.line_num - sum(value.count("\n") for value in fields)
        values = {column: values.get(column, "") for column in COLUMNS}
        rows.append(Row(start, values, overflow=len(fields) > len(header)))
    return rows


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
