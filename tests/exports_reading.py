"""Reading exports back: CSV and JSON as text, XLSX as typed cells, to compare with each other."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import openpyxl
from sqlalchemy.engine import Engine

from core.db import unit_of_work
from core.reports.export import ExportQuery, write_export

INDONESIAN = "Kecamatan Pulau Seribu Utara — Ibu Siti Ma'rifah, 5 kardus"


def exported(engine: Engine, fmt: str, *kinds: str, excel: bool = False, **filters: Any) -> bytes:
    """The bytes write_export writes for these kinds and filters."""
    out = io.BytesIO()
    with unit_of_work(engine) as session:
        write_export(
            session, ExportQuery(kinds=kinds, **filters), fmt, out, tz="Asia/Jakarta", excel=excel
        )
    return out.getvalue()


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    return str(value)


def rows_of(engine: Engine, fmt: str, kind: str, **filters: Any) -> tuple[list[str], list[Any]]:
    """The header and rows of one kind as written: text for CSV and JSON (numbers as their
    literal digits), typed cells for XLSX."""
    data = exported(engine, fmt, kind, **filters)
    if fmt == "csv":
        header, *body = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        return header, [dict(zip(header, row, strict=True)) for row in body]
    if fmt in ("json", "jsonl"):
        text = data.decode("utf-8")
        literal = {"parse_float": str, "parse_int": str}
        if fmt == "json":
            items = json.loads(text, **literal)  # type: ignore[arg-type]
        else:
            items = [json.loads(line, **literal) for line in text.splitlines()]  # type: ignore[arg-type]
        header = list(items[0]) if items else []
        return header, [{k: _json_text(v) for k, v in item.items()} for item in items]
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    header_row, *body_rows = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in header_row]
    return header, [dict(zip(header, row, strict=True)) for row in body_rows]


def same_cell(text: str, cell: Any) -> bool:
    """Whether a spreadsheet cell holds what the CSV says: the moment to the minute in
    Jakarta, the number's value, the text itself."""
    if cell is None or cell == "":
        return text == ""
    if isinstance(cell, bool):
        return text == str(cell)
    if isinstance(cell, datetime):
        local = datetime.fromisoformat(text).replace(tzinfo=None)
        return abs((local - cell).total_seconds()) < 1
    if isinstance(cell, int | float):
        return abs(Decimal(text) - Decimal(repr(cell))) < Decimal("0.01")
    return text == cell


def fill(chat: Any) -> None:
    """A workspace with rows of every kind, Indonesian text among them, through the chat."""
    for handle, text in [
        ("ani", "/tugas Kirim data penerima @budi besok 17:00 #pkh"),
        ("ani", "/rapat Koordinasi senin 10:00 @budi @dinsos #pkh"),
        ("harjo", "/hadir 1"),
        ("ani", "/tenggat Laporan bulanan ke Dinsos 30 Des #pkh"),
        ("budi", f"/lapor #pkh {INDONESIAN}"),
        ("budi", "/lapor #pkh 45 paket sembako, Rp 1.234.567.890.123,45 dana"),
        ("yohana", "/lapor #gizi 12 balita ditimbang"),
        ("ani", "/komitmen @dinsos 200 hygiene kit sebelum 10 Des #pkh"),
        ("sarah", "/commit @unicef 50 scales before 20 Dec #gizi"),
        ("ani", "/anggaran #pkh tambah transport 15.000.000"),
        ("ani", "/belanja #pkh 2,5 jt transport relawan"),
        ("ani", '/indikator #pkh tambah kpm "KPM" kpm target 100 per wilayah'),
        ("budi", "/lapor #pkh kpm=12,5 desa=Sukamaju"),
        ("ani", "/ingatkan besok jam 9 telepon kepala desa"),
    ]:
        chat.send(handle, text)
