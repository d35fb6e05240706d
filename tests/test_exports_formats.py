"""Every kind in every format, read back and compared with the database and with each other."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from core.db import unit_of_work
from core.models import (
    AuditEntry,
    BudgetLine,
    Commitment,
    Deadline,
    Expense,
    FieldUpdate,
    IndicatorValue,
    Meeting,
    OutboxMessage,
    PartnerOrg,
    Person,
    Program,
    Reminder,
    Task,
)
from core.reports.export import FORMATS, KINDS
from core.reports.exports.values import moment_text
from tests.chat import Chat
from tests.exports_reading import INDONESIAN, exported, fill, rows_of, same_cell

ROW_FORMATS = tuple(f for f in FORMATS if f != "ics")  # ics: tests/test_calendar.py

# The table each kind comes from and the column that names a row in the export.
TABLES: dict[str, tuple[type[SQLModel], str, str]] = {
    "tasks": (Task, "id", "id"),
    "meetings": (Meeting, "id", "id"),
    "deadlines": (Deadline, "id", "id"),
    "updates": (FieldUpdate, "id", "id"),
    "commitments": (Commitment, "id", "id"),
    "expenses": (Expense, "id", "id"),
    "budget": (BudgetLine, "id", "id"),
    "indicators": (IndicatorValue, "id", "id"),
    "reminders": (Reminder, "id", "id"),
    "outbox": (OutboxMessage, "id", "id"),
    "people": (Person, "handle", "handle"),
    "partners": (PartnerOrg, "handle", "handle"),
    "programs": (Program, "code", "code"),
    "audit": (AuditEntry, "id", "id"),
}


@pytest.fixture
def filled(chat: Chat, engine: Engine) -> Engine:
    fill(chat)
    return engine


class TestEveryKind:
    """Each kind holds every row of its table, in every format alike."""

    @pytest.mark.parametrize("kind", [*KINDS, "contacts"])
    def test_every_format_holds_the_tables_rows(self, filled: Engine, kind: str) -> None:
        """The CSV names each row of the table once, in order; JSON and JSON Lines say the same
        (numbers as numbers); every spreadsheet cell holds the CSV's value, typed."""
        header, rows = rows_of(filled, "csv", kind)
        if kind in TABLES:
            model, column, key = TABLES[kind]
            with unit_of_work(filled) as session:
                stored = [str(v) for v in session.exec(select(getattr(model, column)))]  # type: ignore[call-overload]
            assert stored, f"the workspace has no {kind}"
            order = (lambda v: (len(v), v)) if key == "id" else (lambda v: v)
            assert [row[key] for row in rows] == sorted(stored, key=order)
        for fmt in ("json", "jsonl"):
            assert rows_of(filled, fmt, kind) == (header, rows), fmt
        sheet_header, cells = rows_of(filled, "xlsx", kind)
        assert sheet_header == header and len(cells) == len(rows)
        for row, cell_row in zip(rows, cells, strict=True):
            for name in header:
                assert same_cell(row[name], cell_row[name]), (kind, name, row[name], cell_row[name])


class TestValues:
    """What the rows say, written the way each format and its reader expect."""

    def test_indonesian_text_figures_and_offsets_survive(self, filled: Engine) -> None:
        """Dashes and apostrophes come back exactly in every format; a big amount keeps every
        digit in CSV (no exponent, no float rounding); moments carry the +07:00 offset; only
        --excel starts a CSV with a UTF-8 BOM."""
        for fmt in ROW_FORMATS:
            _, rows = rows_of(filled, fmt, "updates")
            [row] = [r for r in rows if r["text"] == INDONESIAN]
            assert (str(row["quantity"]), row["unit"]) == ("5", "kardus"), fmt
        _, rows = rows_of(filled, "csv", "updates")
        assert "1234567890123.45" in {r["quantity_2"] for r in rows}
        assert all(r["created_at"].endswith("+07:00") for r in rows)
        assert exported(filled, "csv", "updates", excel=True).startswith(b"\xef\xbb\xbfid,")
        assert exported(filled, "csv", "updates").startswith(b"id,")
        assert not exported(filled, "json", "updates", excel=True).startswith(b"\xef\xbb\xbf")

    def test_workbook_is_ready_to_read(self, filled: Engine) -> None:
        """Header bold and frozen, autofilter on, moments as dates, money in Rupiah, widths set."""
        book = openpyxl.load_workbook(
            io.BytesIO(exported(filled, "xlsx", "updates", "expenses", "budget"))
        )
        assert book.sheetnames == ["updates", "expenses", "budget"]
        sheet = book["expenses"]
        assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == "A1:K2"
        amount = sheet["D2"]
        assert amount.value == 2_500_000 and "Rp" in amount.number_format
        assert sheet["I2"].is_date
        assert sheet.column_dimensions["C"].width > 8
        updates = book["updates"]
        assert isinstance(updates["J2"].value, int | float)

    @pytest.mark.parametrize("fmt", ROW_FORMATS)
    def test_empty_export_has_the_header(self, engine: Engine, fmt: str) -> None:
        """No rows still writes the columns (an empty array in JSON, nothing in JSON Lines)."""
        data = exported(engine, fmt, "expenses")
        if fmt == "csv":
            assert data.decode().splitlines()[0].startswith("id,program,line,amount")
        elif fmt == "json":
            assert data == b"[]\n"
        elif fmt == "jsonl":
            assert data == b""
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
            assert [c.value for c in sheet[1]][:3] == ["id", "program", "line"]
            assert sheet.max_row == 1


class TestMomentText:
    """Stored SQLite moments become the same text as Python's own conversion would give."""

    @pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "UTC"])
    @pytest.mark.parametrize(
        "stored",
        ["2026-11-30 05:59:33.654536", "2026-12-31 20:00:00.000000", "2026-02-28 23:30:00.000001"],
    )
    def test_as_python_writes_it(self, zone: str, stored: str) -> None:
        """The hour (and the date across midnight) moves; a whole second drops ".000000"."""
        expected = (
            datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
        ).isoformat()
        assert moment_text(ZoneInfo(zone))(stored) == expected
