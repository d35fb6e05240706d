"""`gotong export`: files, standard output, and one clear line with exit status 2 for bad input."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import openpyxl
import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.exports import _moment
from core.errors import UserError


class TestWriting:
    """Where rows go and what the terminal says about them."""

    def test_several_kinds_to_a_workbook(self, gotong_cli: CliRunner, tmp_path: Path) -> None:
        result = gotong_cli.invoke(
            app, ["export", "--kind", "updates,tugas", "--format", "xlsx", "--output", "x.xlsx"]
        )
        assert result.exit_code == 0, result.output
        book = openpyxl.load_workbook(tmp_path / "x.xlsx")
        assert book.sheetnames == ["updates", "tasks"]
        rows = book["updates"].max_row - 1 + book["tasks"].max_row - 1
        assert f"Wrote {rows} rows to x.xlsx." in result.stderr
        assert not list(tmp_path.glob(".x.xlsx.*"))

    def test_csv_to_standard_output_with_bom_for_excel(self, gotong_cli: CliRunner) -> None:
        result = gotong_cli.invoke(app, ["export", "updates", "--format", "csv", "--excel"])
        assert result.exit_code == 0 and result.stderr == ""
        assert result.stdout_bytes.startswith(b"\xef\xbb\xbfid,program,author")
        rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
        assert rows and all(r["created_at"].endswith("+07:00") for r in rows)

    def test_program_with_no_rows_gives_headers_and_a_note(self, gotong_cli: CliRunner) -> None:
        """A range with nothing in it is not an error: the columns, a note, exit status 0."""
        result = gotong_cli.invoke(
            app, ["export", "updates", "--program", "pkh", "--to", "2000-01-01", "--format", "csv"]
        )
        assert result.exit_code == 0
        assert result.stdout.splitlines()[0].startswith("id,program,author,created_at")
        assert len(result.stdout.splitlines()) == 1
        assert "No updates rows matched: the file holds only the header." in result.stderr

    def test_jsonl_of_one_program(self, gotong_cli: CliRunner) -> None:
        result = gotong_cli.invoke(
            app, ["export", "commitments", "--program", "sembako", "--format", "jsonl"]
        )
        assert result.exit_code == 0, result.output
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        assert lines and {line["program"] for line in lines} == {"sembako"}

    def test_meetings_and_deadlines_as_one_calendar(self, gotong_cli: CliRunner) -> None:
        """--format ics writes the demo's meetings and deadlines as events icalendar reads."""
        result = gotong_cli.invoke(
            app, ["export", "--kind", "rapat,deadlines", "--format", "ics", "--program", "pkh"]
        )
        assert result.exit_code == 0, result.output
        calendar = icalendar.Calendar.from_ical(result.stdout_bytes)
        uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert uids and all(uid.startswith(("meeting-", "deadline-")) for uid in uids)
        assert any(uid.startswith("deadline-") for uid in uids)

    def test_updates_cannot_be_a_calendar(self, gotong_cli: CliRunner) -> None:
        result = gotong_cli.invoke(app, ["export", "updates", "--format", "ics"])
        assert result.exit_code == 2
        assert "meetings, deadlines" in result.stderr


class TestBadInput:
    """Each mistake: one line on stderr saying what to write instead, exit status 2, no file."""

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (["export", "nonsense"], 'Unknown kind "nonsense". Choose one of: tasks,'),
            (["export", "updates", "--format", "docx"], 'Unknown format "docx". Choose one of:'),
            (
                ["export", "updates", "--format", "pdf"],
                "A PDF is the program report, not an export.",
            ),
            (
                ["export", "updates", "--from", "2026-12-01", "--to", "2026-11-01"],
                "--from must be before --to.",
            ),
            (["export", "updates", "--from", "31-12-2026"], '"31-12-2026" is not a date;'),
            (["export", "updates", "--format", "xlsx"], "An xlsx file cannot go to the terminal"),
            (["export", "updates", "--output", "no/such/folder/x.csv"], "Cannot write no/such"),
            (["export", "--kind", "updates,tasks", "--format", "csv"], "A csv file holds one kind"),
            (["export", "updates", "--program", "nope"], "There is no program #nope."),
            (["export", "commitments", "--partner", "nobody"], "No person or partner @nobody."),
        ],
    )
    def test_refused_with_one_line(
        self, gotong_cli: CliRunner, tmp_path: Path, arguments: list[str], message: str
    ) -> None:
        result = gotong_cli.invoke(app, arguments)
        assert result.exit_code == 2
        assert message in " ".join(result.stderr.split())
        assert result.stdout == "" and "Traceback" not in result.output

    def test_failed_export_leaves_an_earlier_file_alone(
        self, gotong_cli: CliRunner, tmp_path: Path
    ) -> None:
        (tmp_path / "out.csv").write_text("earlier", encoding="utf-8")
        result = gotong_cli.invoke(
            app, ["export", "updates", "--program", "nope", "--output", "out.csv"]
        )
        assert result.exit_code == 2
        assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "earlier"
        assert not list(tmp_path.glob(".out.csv.*"))


class TestMoments:
    """--from and --to read dates and moments in GOTONG_TIMEZONE unless an offset is given."""

    def test_a_date_to_is_the_whole_day(self) -> None:
        jakarta = ZoneInfo("Asia/Jakarta")
        assert _moment("2026-11-30", "Asia/Jakarta", end_of_day=True) == datetime(
            2026, 12, 1, tzinfo=jakarta
        )
        assert _moment("2026-11-01", "Asia/Jakarta", end_of_day=False) == datetime(
            2026, 11, 1, tzinfo=jakarta
        )

    def test_moments_with_and_without_offset(self) -> None:
        local = _moment("2026-11-01 07:00", "Asia/Makassar", end_of_day=True)
        assert local is not None and local.utcoffset() == timedelta(hours=8)
        given = _moment("2026-11-01T07:00+09:00", "Asia/Jakarta", end_of_day=False)
        assert given is not None and given.utcoffset() == timedelta(hours=9)
        with pytest.raises(UserError):
            _moment("besok", "Asia/Jakarta", end_of_day=False)
