"""Budget lines from CSV (good, duplicate and broken rows, all or nothing) and budget exports."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from bot.cli import app
from core.clock import FakeClock
from core.db import unit_of_work
from core.errors import UserError
from core.measures import budget_import
from core.reports.export import export
from tests.chat import Chat

HEADER = "program,line,planned\n"
GOOD = HEADER + "pkh,transport,15000000\npkh,Honor Petugas,24.000.000\ngizi,transport,8 jt\n"


def imported(engine: Engine, clock: FakeClock, text: str) -> budget_import.ImportResult:
    with unit_of_work(engine) as session:
        rows = budget_import.read_rows(text)
        return budget_import.import_rows(session, now=clock.now(), rows=rows, lang="id")


class TestImportRows:
    """The import service, on SQLite and PostgreSQL."""

    def test_good_rows_then_an_upsert(self, chat: Chat, engine: Engine) -> None:
        result = imported(engine, chat.clock, GOOD)
        assert result.rejected == []
        assert [(a.line, a.program, a.name, a.planned, a.outcome) for a in result.accepted] == [
            (2, "pkh", "transport", Decimal(15_000_000), "added"),
            (3, "pkh", "Honor Petugas", Decimal(24_000_000), "added"),
            (4, "gizi", "transport", Decimal(8_000_000), "added"),
        ]
        again = imported(
            engine, chat.clock, HEADER + "pkh,TRANSPORT,18 jt\npkh,honor petugas,24 jt\n"
        )
        assert [a.outcome for a in again.accepted] == ["updated", "unchanged"]
        assert "Rp18.000.000" in chat.send("ani", "/anggaran #pkh")

    def test_duplicate_and_broken_rows_are_each_named(self, chat: Chat, engine: Engine) -> None:
        result = imported(
            engine,
            chat.clock,
            GOOD
            + "pkh,transport ,1 jt\n"  # line 5: transport again
            + "xyz,transport,1 jt\n"
            + "pkh,atk,0\n"
            + "pkh,,5 jt\n"
            + "pkh,bensin,Rp 2,5,0\n"  # an unquoted comma splits the amount
            + "pkh,bensin,dua juta\n",
        )
        assert [(r.line, r.error.key) for r in result.rejected] == [
            (5, "budget.import_duplicate"),
            (6, "common.unknown_program"),
            (7, "budget.planned_not_positive"),
            (8, "budget.import_missing"),
            (9, "budget.import_overflow"),
            (10, "number.not_understood"),
        ]
        assert result.rejected[0].error.params == {"name": "transport", "line": 2}

    def test_a_wrong_header_is_refused(self) -> None:
        with pytest.raises(UserError) as refused:
            budget_import.read_rows("program,name,amount\npkh,transport,1\n")
        assert refused.value.key == "budget.import_header"


class TestBudgetImportCommand:
    """gotong budget import FILE.csv, as an admin runs it."""

    def test_the_example_file_imports(self, gotong_cli: CliRunner) -> None:
        example = Path(__file__).parent.parent / "examples" / "budget.csv"
        result = gotong_cli.invoke(app, ["budget", "import", str(example)])
        assert result.exit_code == 0, result.output
        assert "line 2: #pkh transport IDR 15,000,000 added" in result.output
        assert "Imported 5 rows." in result.output

    def test_any_rejected_row_imports_nothing(self, gotong_cli: CliRunner, tmp_path: Path) -> None:
        (tmp_path / "budget.csv").write_text(
            HEADER + "pkh,transport,15000000\npkh,atk,0\npkh,Transport,1\n", encoding="utf-8"
        )
        result = gotong_cli.invoke(app, ["budget", "import", "budget.csv"])
        assert result.exit_code == 1
        output = " ".join(result.output.split())
        assert 'line 3: The planned amount of "atk" must be more than zero' in output
        assert 'line 4: The line "Transport" of this program is already on line 2' in output
        assert "Nothing was imported: 2 of 3 rows rejected." in output
        exported = gotong_cli.invoke(app, ["export", "budget"])
        assert json.loads(exported.stdout) == []


class TestBudgetExport:
    """Amounts leave as numbers, moments with their offset, reversals kept."""

    def test_rows(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", "/anggaran #pkh tambah transport 15.000.000")
        chat.send("ani", "/belanja #pkh 2,5 jt transport relawan")
        chat.send("ani", "/belanja #pkh 0,1 transport parkir")
        chat.send("ani", "/batal belanja 1")
        with unit_of_work(engine) as session:
            [line] = export(session, "budget", tz="Asia/Jakarta")
            first, second = export(session, "expenses", tz="Asia/Jakarta")
        assert (line["planned"], line["spent"], line["remaining"]) == (
            Decimal(15_000_000),
            Decimal("0.1"),
            Decimal("14999999.9"),
        )
        assert first["amount"] == Decimal(2_500_000) and first["reversed_by"] == "ani"
        assert str(first["recorded_at"]).endswith("+07:00")
        assert (second["line"], second["text"], second["reversed_at"]) == (
            "transport",
            "transport parkir",
            None,
        )

    def test_json_and_csv_from_the_command(self, gotong_cli: CliRunner) -> None:
        example = Path(__file__).parent.parent / "examples" / "budget.csv"
        gotong_cli.invoke(app, ["budget", "import", str(example)])
        exported = gotong_cli.invoke(app, ["export", "budget"])
        assert exported.exit_code == 0, exported.output
        assert '"planned": 15000000,' in exported.output
        assert json.loads(exported.output)[0]["planned"] == 15000000
        as_csv = gotong_cli.invoke(app, ["export", "expenses", "--format", "csv"])
        assert as_csv.exit_code == 0
        assert as_csv.stdout.splitlines() == [
            "id,program,line,amount,currency,text,photo,recorded_by,recorded_at,reversed_at,"
            "reversed_by"
        ]
