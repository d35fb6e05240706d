"""`gotong report`: the program report on the terminal, and its refusals (exit status 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.report import last_full_month

NOVEMBER = ["--from", "2026-11-01", "--to", "2026-11-30"]


def test_markdown_goes_to_standard_output(gotong_cli: CliRunner) -> None:
    """Without --output the Markdown report is printed, in the language asked for."""
    result = gotong_cli.invoke(app, ["report", "banjir-demak", *NOVEMBER, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Program report: Tanggap darurat banjir Demak")
    assert "**Period:** 1 November 2026 – 30 November 2026" in result.output


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("xlsx", b"PK")])
def test_files_are_written_where_asked(
    fmt: str, magic: bytes, gotong_cli: CliRunner, tmp_path: Path
) -> None:
    """--format pdf or xlsx with --output writes the file and says so in one line."""
    target = tmp_path / f"laporan.{fmt}"
    result = gotong_cli.invoke(
        app, ["report", "pkh", *NOVEMBER, "--format", fmt, "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(magic)
    assert "#pkh 2026-11-01 – 2026-11-30" in result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["report", "nope"], "There is no program #nope"),
        (["report", "pkh", "--from", "2026-12-01", "--to", "2026-11-01"], "is after --to"),
        (["report", "pkh", "--from", "1 Nov"], '"1 Nov" is not a date'),
        (["report", "pkh", "--format", "pdf"], "name it with --output"),
        (["report", "pkh", "--format", "doc"], 'Unknown format "doc"'),
        (["report", "pkh", "--lang", "fr"], 'The language "fr" is not available'),
        (
            ["report", "pkh", "--format", "pdf", "--output", "/nonexistent/dir/x.pdf"],
            "Cannot write",
        ),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    args: list[str], said: str, gotong_cli: CliRunner
) -> None:
    """Each mistake is named on stderr with an example, and the command exits with status 2."""
    result = gotong_cli.invoke(app, args)
    assert result.exit_code == 2
    assert said in " ".join(result.output.split())


def test_default_period_is_the_last_full_month() -> None:
    """With no dates the report covers the month before today's, whatever its length."""
    from datetime import date

    assert last_full_month(date(2026, 11, 30)) == (date(2026, 10, 1), date(2026, 10, 31))
    assert last_full_month(date(2027, 3, 1)) == (date(2027, 2, 1), date(2027, 2, 28))
