"""`gotong digest --as HANDLE`: the digest a person would get, printed, nothing written."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from core.db import make_engine, unit_of_work
from core.models import Digest, OutboxMessage


def rows(tmp_path: Path) -> tuple[int, int]:
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with unit_of_work(engine) as s:
        counted = (
            s.exec(select(func.count()).select_from(OutboxMessage)).one(),
            s.exec(select(func.count()).select_from(Digest)).one(),
        )
    engine.dispose()
    return counted


class TestDigestCommand:
    def test_prints_the_digest_at_a_moment_and_writes_nothing(
        self, gotong_cli: CliRunner, tmp_path: Path
    ) -> None:
        """Ani's weekly at Monday 07:00 Jakarta, with its buttons as commands; no row written."""
        result = gotong_cli.invoke(
            app, ["digest", "--as", "ani", "--at", "2026-12-07 07:00", "--weekly"]
        )
        assert result.exit_code == 0, result.output
        assert "Ringkasan mingguan Anda — Senin, 7 Desember 2026" in result.output
        assert "#pkh" in result.output and "→ done" in result.output
        assert rows(tmp_path) == (0, 0)

    def test_an_offset_names_another_zone(self, gotong_cli: CliRunner) -> None:
        """07:00+09:00 (WIT) is 05:00 in Jakarta: the day shown is the reader's own."""
        result = gotong_cli.invoke(
            app, ["digest", "--as", "sarah", "--at", "2026-12-01T00:30+09:00"]
        )
        assert result.exit_code == 0, result.output
        assert "Your digest — Monday, 30 November 2026" in result.output

    def test_unknown_person_and_bad_moment_are_refused(self, gotong_cli: CliRunner) -> None:
        """A handle nobody has, and a moment that is not one: a line each, non-zero status."""
        unknown = gotong_cli.invoke(app, ["digest", "--as", "nobody"])
        assert unknown.exit_code == 1 and "No person @nobody" in unknown.output
        bad = gotong_cli.invoke(app, ["digest", "--as", "ani", "--at", "tomorrow"])
        assert bad.exit_code == 2 and "2026-12-01 07:00" in bad.output
