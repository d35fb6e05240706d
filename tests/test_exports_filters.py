"""Filters choose rows: programs, the row's own moment, the program's region, a partner."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from core.clock import FakeClock
from core.db import unit_of_work
from core.errors import UserError
from core.models import Program
from core.reports.export import ExportQuery, iter_rows
from tests.chat import Chat
from tests.exports_reading import exported, fill, rows_of

JAKARTA = ZoneInfo("Asia/Jakarta")


def rows(engine: Engine, kind: str, **filters: object) -> list[dict[str, object]]:
    with unit_of_work(engine) as session:
        return list(iter_rows(session, ExportQuery(kinds=(kind,), **filters), tz="Asia/Jakarta"))  # type: ignore[arg-type]


class TestProgramsAndRegions:
    """--program and --region choose programs; each kind keeps those programs' rows."""

    def test_program_and_region_choose_the_rows(self, chat: Chat, engine: Engine) -> None:
        """Updates of #gizi only; a region matches whatever its case and spacing; people and
        partners are those on the chosen programs; reminders belong to none."""
        fill(chat)
        with unit_of_work(engine) as session:
            for program in session.exec(select(Program)):
                program.region = "Kabupaten Demak" if program.code == "pkh" else "NTT"
        assert {r["program"] for r in rows(engine, "updates", programs=("gizi",))} == {"gizi"}
        assert {r["program"] for r in rows(engine, "updates", region=" kabupaten demak ")} == {
            "pkh"
        }
        assert rows(engine, "updates", programs=("gizi",), region="Kabupaten Demak") == []
        assert {r["handle"] for r in rows(engine, "people", programs=("gizi",))} == {
            "sarah",
            "yohana",
            "kevin",
        }
        assert [r["handle"] for r in rows(engine, "partners", programs=("gizi",))] == ["unicef"]
        assert [r["code"] for r in rows(engine, "programs", region="NTT")] == ["gizi"]
        assert rows(engine, "reminders", programs=("pkh",)) == []
        assert len(rows(engine, "reminders")) >= 1

    def test_unknown_program_is_refused(self, engine: Engine) -> None:
        with pytest.raises(UserError) as refused:
            exported(engine, "csv", "updates", programs=("nope",))
        assert refused.value.key == "common.unknown_program"


class TestMoments:
    """--from (inclusive) and --to (exclusive) compare with each kind's own moment."""

    def test_updates_by_when_they_were_reported(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        chat.send("budi", "/lapor #pkh 10 paket hari pertama")
        clock.advance(timedelta(days=2))
        chat.send("budi", "/lapor #pkh 20 paket hari ketiga")
        first = datetime(2026, 11, 27, tzinfo=JAKARTA)
        second = first + timedelta(days=2)
        assert [r["text"] for r in rows(engine, "updates", start=second)] == [
            "20 paket hari ketiga"
        ]
        assert [r["quantity"] for r in rows(engine, "updates", start=first, end=second)] == [10]
        assert rows(engine, "updates", end=first) == []

    def test_deadlines_by_when_they_fall_due(self, chat: Chat, engine: Engine) -> None:
        """A deadline made today for 30 December is in December's export, not November's."""
        chat.send("ani", "/tenggat Laporan bulanan ke Dinsos 30 Des #pkh")
        december = datetime(2026, 12, 1, tzinfo=JAKARTA)
        assert len(rows(engine, "deadlines", start=december)) == 1
        assert rows(engine, "deadlines", end=december) == []

    def test_start_after_end_is_refused(self, engine: Engine) -> None:
        start = datetime(2026, 12, 1, tzinfo=JAKARTA)
        with pytest.raises(UserError) as refused:
            exported(engine, "csv", "updates", start=start, end=start - timedelta(days=1))
        assert refused.value.key == "export.bad_range"


class TestPartner:
    """A partner's export holds only its own organisation's rows."""

    def test_only_the_partners_rows(self, chat: Chat, engine: Engine) -> None:
        fill(chat)
        [commitment] = rows(engine, "commitments", partner="dinsos")
        assert commitment["partner"] == "dinsos"
        [meeting] = rows(engine, "meetings", partner="@dinsos")
        assert meeting["people"] == "harjo:yes (dinsos)"
        assert meeting["organisations"] == "dinsos:yes"
        assert rows(engine, "meetings", partner="unicef") == []
        assert [r["handle"] for r in rows(engine, "people", partner="dinsos")] == ["harjo"]
        assert [r["handle"] for r in rows(engine, "partners", partner="dinsos")] == ["dinsos"]
        assert [r["code"] for r in rows(engine, "programs", partner="dinsos")] == ["pkh"]
        for kind in ("tasks", "updates", "deadlines", "expenses", "budget", "audit", "outbox"):
            assert rows(engine, kind, partner="dinsos") == [], kind
        assert rows_of(engine, "csv", "updates", partner="dinsos")[0][0] == "id"

    def test_unknown_partner_is_refused(self, engine: Engine) -> None:
        with pytest.raises(UserError) as refused:
            exported(engine, "csv", "commitments", partner="nobody")
        assert refused.value.key == "common.unknown_handle"


class TestSeveralKinds:
    """Several kinds go to one workbook, or one JSON Lines stream with a kind per line."""

    def test_csv_and_json_take_one_kind(self, engine: Engine) -> None:
        for fmt in ("csv", "json"):
            with pytest.raises(UserError) as refused:
                exported(engine, fmt, "updates", "tasks")
            assert refused.value.key == "export.one_kind"

    def test_jsonl_names_the_kind_of_each_line(self, chat: Chat, engine: Engine) -> None:
        chat.send("budi", "/lapor #pkh 10 paket")
        chat.send("ani", "/tugas Cek gudang @budi besok 17:00 #pkh")
        lines = exported(engine, "jsonl", "updates", "tasks").decode().splitlines()
        assert [line.split(",")[0] for line in lines] == ['{"kind": "updates"', '{"kind": "tasks"']

    def test_kinds_by_their_indonesian_names(self, engine: Engine) -> None:
        """tugas, komitmen, belanja ... name the same kinds; an unknown word is refused."""
        data = exported(engine, "csv", "belanja")
        assert data.startswith(b"id,program,line,amount")
        with pytest.raises(UserError) as refused:
            exported(engine, "csv", "sepatu")
        assert refused.value.key == "export.unknown_kind"
        with pytest.raises(UserError) as refused:
            exported(engine, "pdf", "tugas")
        assert refused.value.key == "export.unknown_format"
