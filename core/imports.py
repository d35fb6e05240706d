"""Reading a CSV file of rows to import (partners, budget lines): its header checked, its
rows with the line each starts on, and every row's fate.

Every importer checks each row in full before writing anything of it; the caller keeps or
drops the whole file by whether any row was rejected (the `gotong ... import` commands drop
it: all or nothing).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from core.errors import UserError

Accepted = TypeVar("Accepted")


@dataclass(frozen=True)
class Row:
    """One data row of the file, with the line it starts on."""

    line: int
    values: dict[str, str]
    # More fields than the header names: an unquoted "2,5" split one value in two.
    overflow: bool = False


@dataclass(frozen=True)
class Rejected:
    """A row refused, with the reason as a UserError (rendered in the reader's language)."""

    line: int
    error: UserError


@dataclass
class ImportResult(Generic[Accepted]):
    """Every row's fate, in file order."""

    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def read_rows(text: str, columns: tuple[str, ...], *, area: str, max_rows: int) -> list[Row]:
    """The data rows of a CSV text whose header names `columns` (in any order); a wrong header
    or too many rows is refused as `<area>.import_header` / `<area>.import_too_long`."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in next(reader, [])]
    if sorted(header) != sorted(columns):
        raise UserError(f"{area}.import_header", expected=list(columns))
    rows: list[Row] = []
    for fields in reader:
        values = dict(zip(header, (value.strip() for value in fields), strict=False))
        if not any(values.values()):
            continue
        if len(rows) >= max_rows:
            raise UserError(f"{area}.import_too_long", limit=max_rows)
        # The reader counts lines up to the row's end; a quoted field may hold line breaks.
        start = reader.line_num - sum(value.count("\n") for value in fields)
        values = {column: values.get(column, "") for column in columns}
        rows.append(Row(start, values, overflow=len(fields) > len(header)))
    return rows
