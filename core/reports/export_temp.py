"""TEMP export contract: `write_export` over export()'s rows, replaced at merge by the engine."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from openpyxl import Workbook
from sqlmodel import Session

from core.reports.formats import as_csv_row, as_json

Row = dict[str, Any]

FORMATS: tuple[str, ...] = ("csv", "json", "jsonl", "xlsx")
_MOMENT = {
    "tasks": "created_at",
    "meetings": "starts_at",
    "deadlines": "due_at",
    "updates": "created_at",
    "commitments": "due_at",
    "expenses": "recorded_at",
    "indicators": "recorded_at",
    "reminders": "due_at",
}


@dataclass(frozen=True)
class ExportQuery:
    """Which rows to export: kinds, programs, a range of the rows' own moments, a partner."""

    kinds: tuple[str, ...]
    programs: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    region: str | None = None
    partner: str | None = None


def _wanted(row: Row, kind: str, query: ExportQuery) -> bool:
    if query.programs and row.get("program") not in query.programs:
        return False
    if query.partner is not None and row.get("partner") != query.partner:
        return False
    moment = row.get(_MOMENT.get(kind, ""))
    if (query.start or query.end) and moment:
        at = datetime.fromisoformat(moment)
        return (query.start is None or at >= query.start) and (query.end is None or at < query.end)
    return True


def write_export(
    session: Session,
    query: ExportQuery,
    fmt: str,
    out: BinaryIO,
    *,
    tz: str,
    excel: bool = False,
    on_rows: Callable[[int], None] | None = None,
) -> int:
    """Write the rows `query` asks for to `out` in `fmt`; returns how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    # Imported here: core.reports.export re-exports this module's names.
    from core.reports.export import export

    kind = query.kinds[0]
    everything = export(session, kind, tz=tz)
    rows = [row for row in everything if _wanted(row, kind, query)]
    header = list(everything[0]) if everything else ["id"]
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(kind)
        sheet.append(header)
        for row in rows:
            sheet.append([row.get(key) for key in header])
        book.save(out)
    elif fmt == "csv":
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=header)
        writer.writeheader()
        writer.writerows(as_csv_row(row) for row in rows)
        out.write(("\ufeff" if excel else "").encode() + text.getvalue().encode())
    elif fmt == "json":
        out.write(as_json(rows).encode())
    else:
        for row in rows:
            out.write((as_json([row])[2:-2].replace("\n", "").strip() + "\n").encode())
    if on_rows is not None:
        on_rows(len(rows))
    return len(rows)
