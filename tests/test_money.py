"""Money reads the same everywhere in one language: Babel's format, in replies and the CLI."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from core.language.numbers import format_figure
from tests.chat import Chat


class TestFigures:
    """An update's figures: money as money, counts as number and unit."""

    @pytest.mark.parametrize(("lang", "expected"), [("id", "Rp2.500.000"), ("en", "IDR 2,500,000")])
    def test_money_figure_is_an_amount(self, lang: str, expected: str) -> None:
        """A figure in IDR is shown like every other amount, not as "2.500.000 IDR"."""
        assert format_figure(Decimal(2500000), "IDR", lang=lang) == expected

    def test_count_keeps_its_unit(self) -> None:
        """A counted figure is its number in the reader's language and its unit."""
        assert format_figure(Decimal(2500), "anak", lang="id") == "2.500 anak"


class TestReplies:
    """Update replies and program summaries share the amount format."""

    def test_update_reply_shows_rupiah(self, chat: Chat) -> None:
        """The spending in a field update reads like the program budget."""
        said = chat.send("budi", "/lapor #pkh Rp 2.500.000 untuk transport relawan")
        assert "• Rp2.500.000" in said
        assert "IDR" not in said.text

    def test_summary_totals_show_money_in_english(self, chat: Chat) -> None:
        """An English summary totals money as "IDR 2,500,000"."""
        chat.send("kevin", "/report #gizi Rp 2.500.000 spent on transport")
        assert "• IDR 2,500,000" in chat.send("sarah", "/program #gizi")


class TestCli:
    """`gotong programs list` formats budgets in GOTONG_LANGUAGE."""

    @pytest.mark.parametrize(
        ("lang", "expected"), [("id", "Rp750.000.000"), ("en", "IDR 750,000,000")]
    )
    def test_programs_list_budget(
        self, lang: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The budget column is money, not a bare 750000000."""
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("GOTONG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
        monkeypatch.setenv("GOTONG_LANGUAGE", lang)
        runner = CliRunner()
        runner.invoke(app, ["programs", "add", "pkh", "--name", "PKH", "--budget", "750000000"])
        output = runner.invoke(app, ["programs", "list"], env={"COLUMNS": "200"}).output
        assert expected in output
