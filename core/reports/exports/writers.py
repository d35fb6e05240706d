"""How rows leave: CSV, JSON, JSON Lines and XLSX, each written batch by batch.

Every writer takes the tables one after the other and returns how many rows it wrote;
numbers keep every digit (Decimals are never floats in text formats, never "2.5E+6").
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from core.reports.exports.table import (
    BOOL,
    DATE,
    FLOAT,
    INT,
    MOMENT,
    MONEY,
    NUMBER,
    Column,
    Table,
)
from core.reports.exports.values import moment_text, number_text

Progress = Callable[[int], None]
Writer = Callable[[Iterable[Table], BinaryIO, ZoneInfo, bool, Progress], int]
BOM = "\ufeff".encode()


def _text_converters(cols: Sequence[Column], zone: ZoneInfo) -> list[tuple[int, Any]]:
    """(index, convert) for the columns CSV cannot write as they are."""

    by_type: dict[str, Any] = {
        MOMENT: moment_text(zone),
        DATE: date.isoformat,
        NUMBER: number_text,
        MONEY: number_text,
    }
    return [(i, by_type[c.type]) for i, c in enumerate(cols) if c.type in by_type]


def write_csv(
    tables: Iterable[Table], out: BinaryIO, zone: ZoneInfo, excel: bool, progress: Progress
) -> int:
    """One kind as CSV in UTF-8 (with a BOM for Excel when asked); the header even when empty."""
    if excel:
        out.write(BOM)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    written = 0
    try:
        writer = csv.writer(text)
        for table in tables:
            writer.writerow([c.name for c in table.columns])
            converters = _text_converters(table.columns, zone)
            for batch in table.batches:
                writer.writerows(_converted(batch, converters) if converters else batch)
                written += len(batch)
                progress(written)
    finally:
        text.flush()
        text.detach()
    return written


def _converted(batch: Sequence[Sequence[Any]], converters: list[tuple[int, Any]]) -> Any:
    """The batch with moments, dates and amounts as text (None stays an empty cell).

    Converted column by column: one comprehension per column is several times cheaper than a
    Python loop over the cells of every row.
    """
    if not batch:
        return batch
    columns = list(zip(*batch, strict=True))
    for i, convert in converters:
        columns[i] = tuple([None if v is None else convert(v) for v in columns[i]])
    return zip(*columns, strict=True)


def _json_cells(cols: Sequence[Column], zone: ZoneInfo) -> list[Any]:
    """One function per column that writes its value as JSON text (None is handled apart)."""
    quote = json.encoder.encode_basestring

    iso = moment_text(zone)

    def moment(value: Any) -> str:
        return f'"{iso(value)}"'

    def day(value: date) -> str:
        return f'"{value.isoformat()}"'

    def boolean(value: bool) -> str:
        return "true" if value else "false"

    def text(value: Any) -> str:
        return quote(str(value))

    by_type = {
        MOMENT: moment,
        DATE: day,
        NUMBER: number_text,
        MONEY: number_text,
        INT: str,
        FLOAT: repr,
        BOOL: boolean,
    }
    return [by_type.get(c.type, text) for c in cols]


def _json_lines(table: Table, zone: ZoneInfo, prefix: str) -> Iterable[list[str]]:
    """Each batch as a list of one-line JSON objects whose keys come in column order."""
    keys = [f"{json.dumps(c.name)}: " for c in table.columns]
    cells = list(zip(keys, _json_cells(table.columns, zone), strict=True))
    for batch in table.batches:
        yield [
            "{"
            + prefix
            + ", ".join(
                key + ("null" if value is None else cell(value))
                for (key, cell), value in zip(cells, row, strict=True)
            )
            + "}"
            for row in batch
        ]


def write_json(
    tables: Iterable[Table], out: BinaryIO, zone: ZoneInfo, excel: bool, progress: Progress
) -> int:
    """One kind as one JSON array, one object per line."""
    written = 0
    out.write(b"[")
    for table in tables:
        for lines in _json_lines(table, zone, ""):
            lead = "\n" if not written else ",\n"
            out.write((lead + ",\n".join(lines)).encode())
            written += len(lines)
            progress(written)
    out.write(b"\n]\n" if written else b"]\n")
    return written


def write_jsonl(
    tables: Iterable[Table], out: BinaryIO, zone: ZoneInfo, excel: bool, progress: Progress
) -> int:
    """One JSON object per line; with several kinds, each object starts with its "kind"."""
    tables = list(tables)
    written = 0
    for table in tables:
        prefix = f'"kind": {json.dumps(table.kind)}, ' if len(tables) > 1 else ""
        for lines in _json_lines(table, zone, prefix):
            out.write(("\n".join(lines) + "\n").encode())
            written += len(lines)
            progress(written)
    return written
