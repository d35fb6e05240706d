"""Budgets and indicators in the manager's digest and chart, built from chat commands.

A deliberate change to these digests: rerun with GOTONG_WRITE_GOLDEN=1 and read the diff before
committing it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from adapters.console import render
from core.db import unit_of_work
from core.digests.chart import chart_series
from core.digests.chart import render as draw
from core.digests.content import DigestContent
from core.digests.gather import Ask, build
from core.digests.preview import digest_now
from core.digests.rhythm import DAILY, WEEKLY
from core.language.i18n import Catalog
from core.measures.budgets import may_see
from core.messages import Reply
from core.models import Program
from core.people.directory import join_program, person_by_handle
from tests.chat import Chat, unmarked
from tests.test_budgets import set_period

GOLDEN = Path(__file__).parent / "golden" / "digests"
JAKARTA = ZoneInfo("Asia/Jakarta")
TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=JAKARTA)
SUNDAY = datetime(2026, 12, 6, 16, 0, tzinfo=JAKARTA)
MONDAY = datetime(2026, 12, 7, 7, 0, tzinfo=JAKARTA)
NEXT_DAY = datetime(2026, 12, 8, 7, 0, tzinfo=JAKARTA)


@pytest.fixture
def measured(chat: Chat, engine: Engine) -> Chat:
    """#pkh (Ani, Indonesian) and #gizi (Sarah, English): two budget lines, one past 80 %, two
    indicators, values reported before and during the week of Monday 7 December, one flagged."""
    set_period(engine, "pkh", date(2026, 7, 1), date(2026, 12, 31))
    set_period(engine, "gizi", date(2026, 7, 1), date(2026, 12, 31))
    for text in (
        "/anggaran #pkh tambah transport 15.000.000",
        "/anggaran #pkh tambah honor 10 jt",
        '/indikator #pkh tambah penerima "Keluarga penerima manfaat" keluarga target 1200 '
        "baseline 0 per wilayah",
        '/indikator #pkh tambah posyandu "Posyandu aktif" posyandu target 40 terakhir',
    ):
        assert "✅" in chat.send("ani", text).text, text
    for text in (
        "/budget #gizi add transport 15,000,000",
        "/budget #gizi add fees 10m",
        '/indicator #gizi add recipients "Beneficiary families" families target 1200 by region',
        '/indicator #gizi add posts "Active posts" posts target 40 latest',
    ):
        assert "✅" in chat.send("sarah", text).text, text
    report(chat, "/lapor #pkh penerima=45 desa=Sukamaju", "/lapor #pkh posyandu=10")
    report(chat, "/report #gizi recipients=45 village=Sukamaju", "/report #gizi posts=10")
    chat.clock.set(TUESDAY)
    chat.send("ani", "/belanja #pkh Rp 13.800.000 transport relawan")
    chat.send("ani", "/belanja #pkh Rp 2.000.000 honor petugas")
    chat.send("sarah", "/spend #gizi 13.8m transport volunteers")
    chat.send("sarah", "/spend #gizi 2m fees")
    report(chat, "/lapor #pkh penerima=40 desa=Bonang", "/lapor #pkh penerima=50 desa=Demak")
    report(chat, "/report #gizi recipients=40 village=Bonang", "/report #gizi recipients=50")
    report(chat, "/lapor #pkh posyandu=12", "/report #gizi posts=12")
    chat.clock.set(SUNDAY)
    report(chat, "/lapor #pkh penerima=600 desa=Sukamaju")
    report(chat, "/report #gizi recipients=600 village=Sukamaju")
    return chat


def report(chat: Chat, *texts: str) -> None:
    """Field updates that feed indicators: Budi's on #pkh, Kevin's on #gizi, each counted."""
    for text in texts:
        said = chat.send("budi" if "#pkh" in text else "kevin", text)
        assert "Dihitung" in said or "Counted" in said, said.text


def digest_text(engine: Engine, handle: str, at: datetime, kind: str) -> str:
    with Session(engine) as session:
        person = person_by_handle(session, handle)
        assert person is not None
        composed = digest_now(session, Catalog(), person, now=at, kind=kind)
    return render(Reply(composed.text, composed.buttons)) + "\n"


def contents(
    engine: Engine, handle: str, at: datetime, kind: str, program_id: int | None = None
) -> DigestContent:
    with Session(engine) as session:
        person = person_by_handle(session, handle)
        assert person is not None
        ask = Ask(person, kind, program_id=program_id)
        return build(session, [ask], now=at, charts=True)[person.id or 0]


@pytest.mark.parametrize(
    ("name", "handle"), [("ani_measures_id", "ani"), ("sarah_measures_en", "sarah")]
)
def test_weekly_digest_with_budget_and_indicators_matches_golden_file(
    name: str, handle: str, measured: Chat, engine: Engine
) -> None:
    """The manager's weekly digest reads its budget, warned line, indicators and week as reviewed."""
    text = digest_text(engine, handle, MONDAY, WEEKLY)
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("GOTONG_WRITE_GOLDEN") and engine.dialect.name == "sqlite":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


class TestManager:
    """What the program's manager reads about money and results."""

    def test_budget_line_names_the_line_past_80_percent(
        self, measured: Chat, engine: Engine
    ) -> None:
        """Spent of planned with its share and the period's, and only the line past 80 % named."""
        text = unmarked(digest_text(engine, "ani", MONDAY, WEEKLY))
        assert (
            "Anggaran: Rp15.800.000 dari Rp25.000.000 terpakai (63%), periode berjalan 86%" in text
        )
        assert "⚠️ transport 92%" in text
        assert "honor 20%" not in text

    def test_indicators_show_value_bar_flags_and_the_week(
        self, measured: Chat, engine: Engine
    ) -> None:
        """Each indicator: value of target with the bar, the values waiting, the week's gain."""
        text = unmarked(digest_text(engine, "ani", MONDAY, WEEKLY))
        assert "penerima: 735 / 1.200 keluarga █████░░░ 61% · +690 keluarga minggu ini" in text
        assert "1 nilai menunggu diperiksa" in text
        assert "posyandu: 12 / 40 posyandu ██░░░░░░ 30% · +2 posyandu minggu ini" in text

    def test_daily_digest_has_no_weekly_gain(self, measured: Chat, engine: Engine) -> None:
        """A daily with news carries the measures, without the week's increase."""
        measured.clock.set(MONDAY)
        measured.send("budi", "/lapor #pkh posyandu=14")
        text = unmarked(digest_text(engine, "ani", NEXT_DAY, DAILY))
        assert "posyandu: 14 / 40 posyandu" in text
        assert "Anggaran: Rp15.800.000" in text
        assert "minggu ini" not in text

    def test_a_quiet_program_stays_one_line_in_the_daily(
        self, measured: Chat, engine: Engine
    ) -> None:
        """Nothing new since yesterday: the program is one line, budget or not."""
        text = unmarked(digest_text(engine, "ani", NEXT_DAY, DAILY))
        assert "Anggaran" not in text and "penerima:" not in text

    def test_more_than_three_indicators_end_with_how_to_see_them_all(
        self, measured: Chat, engine: Engine
    ) -> None:
        """Four indicators: three, then how many more and the command that shows them."""
        for code in ("kpm", "balita"):
            measured.send("ani", f'/indikator #pkh tambah {code} "{code}" orang target 10')
        text = unmarked(digest_text(engine, "ani", MONDAY, WEEKLY))
        assert "kpm: 0 / 10 orang" in text and "balita:" not in text
        assert "… dan 1 lagi · /indikator #pkh" in text


class TestWhoSeesTheBudget:
    """Budgets are internal; the digest holds to require_budget's rule."""

    def test_partner_contact_of_an_org_on_the_program_reads_no_measures(
        self, measured: Chat, engine: Engine
    ) -> None:
        """Pak Harjo's Dinas Sosial works on #pkh; his weekly note has no budget, no indicators."""
        text = digest_text(engine, "harjo", MONDAY.replace(hour=8), WEEKLY)
        assert "Anggaran" not in text and "penerima" not in text and "Rp" not in text

    def test_field_worker_not_allowed_reads_no_budget(self, measured: Chat, engine: Engine) -> None:
        """Budi reported on #pkh but may not spend: nothing of the budget in his digest."""
        for kind in (DAILY, WEEKLY):
            text = digest_text(engine, "budi", MONDAY, kind)
            assert "Anggaran" not in text and "Rp" not in text and "transport" not in text

    def test_field_worker_allowed_to_spend_still_gets_no_budget_in_the_digest(
        self, measured: Chat, engine: Engine
    ) -> None:
        """A field worker's digest is their own day; the budget stays in /anggaran."""
        measured.send("ani", "/anggaran #pkh izinkan @budi")
        text = digest_text(engine, "budi", MONDAY, WEEKLY)
        assert "Anggaran" not in text and "Rp" not in text

    def test_manager_not_on_the_program_sees_its_indicators_not_its_budget(
        self, measured: Chat, engine: Engine
    ) -> None:
        """Sarah asks for #pkh, which is not hers: indicators yes, the budget no."""
        with Session(engine) as session:
            pkh = session.exec(select(Program).where(Program.code == "pkh")).one()
        content = contents(engine, "sarah", MONDAY, kind=WEEKLY, program_id=pkh.id)
        (section,) = content.programs
        assert section.budget is None and not section.warned
        assert [i.standing.indicator.code for i in section.indicators] == ["penerima", "posyandu"]

    def test_the_digest_agrees_with_require_budget(self, measured: Chat, engine: Engine) -> None:
        """For each manager and program, named in a digest: the budget shows where /anggaran would,
        also once Sarah joins #pkh as a member."""

        def agree() -> None:
            rule = {}
            with Session(engine) as session:
                for program in session.exec(select(Program)):
                    for handle in ("ani", "sarah"):
                        reader = person_by_handle(session, handle)
                        assert reader is not None
                        rule[handle, program.id] = may_see(session, reader, program)
            for (handle, program_id), sees in rule.items():
                content = contents(engine, handle, MONDAY, WEEKLY, program_id)
                assert (content.programs[0].budget is not None) == sees, (handle, program_id)

        agree()
        with unit_of_work(engine) as session:
            pkh = session.exec(select(Program).where(Program.code == "pkh")).one()
            sarah = person_by_handle(session, "sarah")
            assert sarah is not None
            join_program(session, pkh, sarah)
        agree()
        assert "Budget: IDR 15,800,000" in digest_text(engine, "sarah", MONDAY, WEEKLY)

    def test_owner_sees_the_budget(self, measured: Chat, engine: Engine) -> None:
        """Ani owns #pkh: her section carries the budget and the warned line."""
        (section,) = contents(engine, "ani", MONDAY, kind=WEEKLY).programs
        assert section.budget is not None and section.budget.used == 63
        assert [s.line.name for s in section.warned] == ["transport"]


class TestChart:
    """The chart's progress bar is the program's mean indicator completion."""

    def test_progress_is_the_mean_completion_capped_per_indicator(
        self, measured: Chat, engine: Engine
    ) -> None:
        """penerima 735/1200 and posyandu 12/40: (0.6125 + 0.3) / 2; past a target counts as 1."""
        (section,) = contents(engine, "ani", MONDAY, kind=WEEKLY).programs
        assert section.progress == pytest.approx((735 / 1200 + 12 / 40) / 2)
        measured.clock.set(MONDAY)
        measured.send("budi", "/lapor #pkh posyandu=400")
        (section,) = contents(engine, "ani", MONDAY, kind=WEEKLY).programs
        assert section.progress == pytest.approx((735 / 1200 + 1) / 2)

    def test_the_chart_draws_the_progress_when_indicators_exist(
        self, measured: Chat, engine: Engine
    ) -> None:
        """The digest's PNG is the one drawn with the progress bar, not the one without."""
        content = contents(engine, "ani", MONDAY, kind=WEEKLY)
        with Session(engine) as session:
            pkh = session.exec(select(Program).where(Program.code == "pkh")).one()
            (series,) = chart_series(session, [pkh], MONDAY)
        with_progress = draw([replace(series, progress=content.programs[0].progress)], lang="id")
        assert content.chart == with_progress
        assert content.chart != draw([series], lang="id")

    def test_no_progress_without_indicators(self, chat: Chat, engine: Engine) -> None:
        """A program without indicators has no progress, so its panel has no bar."""
        chat.send("ani", "/anggaran #pkh tambah transport 15.000.000")
        (section,) = contents(engine, "ani", MONDAY, kind=WEEKLY).programs
        assert section.progress is None
