"""write_export: a query's kinds read in batches and written in one format as they come."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Connection
from sqlmodel import Session

from core.reports.calendar_export import write_calendar
from core.reports.exports import ledger, records, work
from core.reports.exports.query import ExportQuery, Scope, checked, resolve
from core.reports.exports.table import DATE, MOMENT, MONEY, NUMBER, Table, read_ahead
from core.reports.exports.values import decimal, moment_text
from core.reports.exports.writers import Writer, write_csv, write_json, write_jsonl
from core.reports.exports.xlsx import write_xlsx

SOURCES: dict[str, Callable[[Connection, Scope], Table]] = {
    "tasks": work.tasks,
    "meetings": work.meetings,
    "deadlines": work.deadlines,
    "updates": work.updates,
    "commitments": work.commitments,
    "expenses": ledger.expenses,
    "budget": ledger.budget,
    "indicators": ledger.indicators,
    "reminders": records.reminders,
    "outbox": records.outbox,
    "people": records.people,
    "partners": records.partners,
    "contacts": records.contacts,
    "programs": records.programs,
    "audit": records.audit,
}
# Writers of rows, one per format; "ics" is a calendar of events, written by write_calendar.
WRITERS: dict[str, Writer] = {
    "csv": write_csv,
    "json": write_json,
    "jsonl": write_jsonl,
    "xlsx": write_xlsx,
}


def tables(session: Session, query: ExportQuery) -> Iterator[Table]:
    """Each kind of a checked query, one after the other (the next starts when asked for)."""
    connection = session.connection()
    scope = resolve(connection, query)
    for kind in query.kinds:
        table = SOURCES[kind](connection, scope)
        yield Table(table.kind, table.columns, read_ahead(table.batches))


def write_export(
    session: Session,
    query: ExportQuery,
    fmt: str,
    out: BinaryIO,
    *,
    tz: str,
    excel: bool = False,
    on_rows: Callable[[int], None] | None = None,
    lang: str = "id",
) -> int:
    """Writes the rows to `out` as they come; returns how many rows were written.

    excel=True adds a UTF-8 BOM to csv. on_rows(n) is called after each batch with the rows
    written so far (for a progress bar). A query that cannot be exported raises a UserError
    before anything is written. "ics" writes meetings and deadlines as one calendar, its
    descriptions in `lang`.
    """
    query = checked(query, fmt)
    if fmt == "ics":
        written = write_calendar(
            session,
            kinds=query.kinds,
            programs=query.programs,
            start=query.start,
            end=query.end,
            region=query.region,
            partner=query.partner,
            out=out,
            tz=tz,
            lang=lang,
        )
        if on_rows is not None:
            on_rows(written)
        return written
    zone = ZoneInfo(tz)
    # Unknown programs and partners are refused before the first byte leaves.
    first = tables(session, query)
    opened = [next(first)]

    def all_tables() -> Iterator[Table]:
        yield from opened
        yield from first

    return WRITERS[fmt](all_tables(), out, zone, excel, on_rows or (lambda n: None))


def iter_rows(session: Session, query: ExportQuery, *, tz: str) -> Iterator[dict[str, Any]]:
    """Each row as a dict of plain values (moments as ISO 8601 text with the offset of `tz`)."""
    zone = ZoneInfo(tz)
    for table in tables(session, checked(query, "jsonl")):
        plain = [_plain(c.type, zone) for c in table.columns]
        names = [c.name for c in table.columns]
        for batch in table.batches:
            for row in batch:
                yield {
                    name: None if value is None else convert(value)
                    for name, convert, value in zip(names, plain, row, strict=True)
                }


def _plain(kind: str, zone: ZoneInfo) -> Callable[[Any], Any]:
    """Moments as ISO 8601 text, dates too, amounts as Decimals, the rest as they are."""
    if kind == MOMENT:
        return moment_text(zone)
    if kind == DATE:
        return date.isoformat
    if kind in (NUMBER, MONEY):
        return decimal
    return lambda value: value
