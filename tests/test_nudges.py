"""Nudges: when a window closes, who did not report is asked once; managers nudge by hand."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from core.clock import FakeClock
from core.db import make_engine
from core.language.i18n import Catalog
from core.models import OutboxStatus
from core.work.nudges import NudgeSweep
from tests.chat import Chat
from tests.reporting_helpers import add_siti, nudge_rows, rhythm_row
from tests.test_jobs import jobs_for

WIB = ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def sweep(engine: Engine, clock: FakeClock) -> int:
    """One instance's nudge sweep, built fresh (as after a restart)."""
    return NudgeSweep(engine, clock, Catalog()).run()


def weekly_pkh(chat: Chat) -> None:
    """#pkh closes Fridays 15:00 WIB; Budi reports this week, Siti and Yohana do not."""
    add_siti(chat)
    chat.send("ani", "/atur laporan #pkh mingguan jumat 15:00")
    chat.send("budi", "/lapor #pkh 45 paket sembako disalurkan")
    chat.send("yohana", "/lapor #gizi 12 balita ditimbang")  # another program's update


class TestWindowCloses:
    def test_only_who_did_not_report_is_nudged_once(self, chat: Chat) -> None:
        """Friday 15:00 closes the window: Siti and Yohana get one nudge each, Budi none,
        and the sweeps after it (a second one, a restart) add nothing."""
        weekly_pkh(chat)
        chat.clock.set(at(27, 14, 59))
        assert sweep(chat.engine, chat.clock) == 0
        chat.clock.set(at(27, 15))
        assert sweep(chat.engine, chat.clock) == 2
        assert sweep(chat.engine, chat.clock) == 0
        chat.clock.advance(timedelta(minutes=5))
        assert sweep(chat.engine, chat.clock) == 0
        assert chat.inbox("budi") == []
        assert chat.inbox("siti") == [
            "📝 Laporan Anda untuk #pkh belum masuk (Program Keluarga Harapan, jendela "
            "Jum 20 Nov 15.00 – hari ini 15.00).\n"
            "Kirim, misalnya: /lapor #pkh 45 paket sembako disalurkan di Desa Sukamaju"
        ]
        assert len(chat.inbox("yohana")) == 1
        keys = {row.dedupe_key for row in nudge_rows(chat.engine)}
        assert len(keys) == 2 and all(k.endswith(":2026-11-27T08:00:00+00:00") for k in keys)

    def test_a_second_instance_on_the_same_database_nudges_no_one_again(
        self, chat: Chat, engine: Engine
    ) -> None:
        """Two engines, as two processes: the second finds the window already swept."""
        weekly_pkh(chat)
        chat.clock.set(at(27, 15, 1))
        other = make_engine(engine.url.render_as_string(hide_password=False))
        try:
            assert sweep(chat.engine, chat.clock) + sweep(other, chat.clock) == 2
            chat.clock.set(at(27, 16))
            assert sweep(other, chat.clock) + sweep(chat.engine, chat.clock) == 0
        finally:
            other.dispose()
        assert [len(nudge_rows(chat.engine, h)) for h in ("budi", "siti", "yohana")] == [0, 1, 1]

    def test_the_next_window_nudges_again_who_is_still_missing(self, chat: Chat) -> None:
        """Siti reports in the second week; only Yohana (and Budi, silent now) are nudged."""
        weekly_pkh(chat)
        chat.clock.set(at(27, 15))
        sweep(chat.engine, chat.clock)
        chat.clock.set(at(2, 9, month=12))
        chat.send("siti", "/lapor #pkh 30 paket disalurkan")
        chat.clock.set(at(4, 15, month=12))
        assert sweep(chat.engine, chat.clock) == 2
        assert [len(nudge_rows(chat.engine, h)) for h in ("budi", "siti", "yohana")] == [1, 1, 2]

    def test_a_window_that_closed_during_downtime_nudges_once_late(self, chat: Chat) -> None:
        """Down from Friday 14:00 to 18:00: the 15:00 window is swept at start, once."""
        weekly_pkh(chat)
        chat.clock.set(at(27, 18))
        assert sweep(chat.engine, chat.clock) == 2
        assert sweep(chat.engine, chat.clock) == 0
        (row,) = nudge_rows(chat.engine, "siti")
        assert row.due_at == at(27, 18) and row.dedupe_key.endswith("T08:00:00+00:00")

    def test_windows_missed_entirely_are_skipped_for_the_last_one(self, chat: Chat) -> None:
        """Daily 17:00, down from Friday to Tuesday noon: only Monday's window is nudged."""
        add_siti(chat)
        chat.send("ani", "/atur laporan #pkh harian 17:00")
        chat.send("budi", "/lapor #pkh 45 paket")
        chat.clock.set(at(1, 12, month=12))
        assert sweep(chat.engine, chat.clock) == 3  # Budi reported Friday, not Monday
        keys = [r.dedupe_key for r in nudge_rows(chat.engine)]
        assert len(keys) == 3 and all(k.endswith(":2026-11-30T10:00:00+00:00") for k in keys)
        row = rhythm_row(chat.engine, "pkh")
        assert row is not None and row.next_close == at(1, 17, month=12)

    def test_a_daily_window_is_the_last_24_hours(self, chat: Chat) -> None:
        """Budi reported 25 hours before the close, Siti 23: only Budi (and Yohana) are nudged."""
        add_siti(chat)
        chat.send("ani", "/atur laporan #pkh harian 17:00")
        chat.clock.set(at(26, 16))
        chat.send("budi", "/lapor #pkh 45 paket")
        chat.clock.set(at(26, 18))
        chat.send("siti", "/lapor #pkh 30 paket")
        chat.clock.set(at(27, 17))
        assert sweep(chat.engine, chat.clock) == 2
        assert [len(nudge_rows(chat.engine, h)) for h in ("budi", "siti", "yohana")] == [1, 0, 1]

    def test_off_means_nothing_happens(self, chat: Chat) -> None:
        weekly_pkh(chat)
        chat.send("ani", "/atur laporan #pkh mati")
        chat.clock.set(at(4, 16, month=12))
        assert sweep(chat.engine, chat.clock) == 0
        assert nudge_rows(chat.engine) == []

    def test_the_nudge_waits_for_the_next_working_morning_after_a_holiday(self, chat: Chat) -> None:
        """Friday 14 August 2026 21:00 is quiet; Monday the 17th is Independence Day:
        Tuesday 08:00, and the nudge reads right on the day it arrives."""
        add_siti(chat)
        chat.clock.set(at(14, 10, month=8))
        chat.send("ani", "/atur laporan #pkh mingguan jumat 21:00")
        chat.clock.set(at(14, 21, month=8))
        sweep(chat.engine, chat.clock)
        (row,) = nudge_rows(chat.engine, "siti")
        assert row.due_at == at(18, 8, month=8)
        assert "jendela Jum 7 Agu 21.00 – Jum 14 Agu 21.00" in chat.inbox("siti")[0]

    def test_a_queued_nudge_is_withdrawn_when_they_report(self, chat: Chat) -> None:
        """Nudged Friday 21:00 for Monday morning, Siti reports on Saturday: nothing arrives."""
        add_siti(chat)
        chat.send("ani", "/atur laporan #pkh mingguan jumat 21:00")
        chat.clock.set(at(27, 21))
        sweep(chat.engine, chat.clock)
        chat.clock.set(at(28, 10))
        chat.send("siti", "/lapor #pkh 30 paket")
        (row,) = nudge_rows(chat.engine, "siti")
        assert row.status == OutboxStatus.CANCELLED
        assert nudge_rows(chat.engine, "yohana")[0].status == OutboxStatus.PENDING

    async def test_the_scheduler_job_sweeps_closed_windows(
        self, chat: Chat, engine: Engine
    ) -> None:
        weekly_pkh(chat)
        jobs, _ = jobs_for(engine, chat.clock)
        chat.clock.set(at(27, 15))
        await jobs.nudge_missing_reports()
        await jobs.nudge_missing_reports()
        assert len(nudge_rows(chat.engine)) == 2
        jobs.close()


class TestNudgeCommand:
    def test_a_manager_nudges_a_field_worker_and_hears_who_was_reached(self, chat: Chat) -> None:
        weekly_pkh(chat)
        said = chat.send("ani", "/ingatkan @siti #pkh")
        assert "👋 Siti Aminah (@siti) diminta mengirim laporan #pkh" in said
        assert "Diberi tahu: Siti Aminah (@siti)" in said
        assert chat.inbox("siti") == [
            "📝 Ani Wijaya (@ani) meminta laporan Anda untuk #pkh (Program Keluarga Harapan). "
            "Jendela laporan ini ditutup Jumat, 27 November 2026 pukul 15.00 WIB.\n"
            "Kirim, misalnya: /lapor #pkh 45 paket sembako disalurkan di Desa Sukamaju"
        ]

    def test_a_second_press_says_it_was_already_sent(self, chat: Chat) -> None:
        weekly_pkh(chat)
        chat.send("ani", "/ingatkan @siti #pkh")
        said = chat.send("ani", "nudge @siti #pkh", button=True)
        assert "sudah diminta melapor untuk #pkh di jendela ini (hari ini 10.00)" in said
        assert len(chat.inbox("siti")) == 1

    def test_in_english_and_in_working_time(self, chat: Chat) -> None:
        """Sent on Saturday, Kevin's nudge waits for Monday 08:00."""
        chat.send("sarah", "/set reporting #gizi weekly friday 3pm")
        chat.clock.set(at(28, 10))
        said = chat.send("sarah", "/nudge @kevin #gizi")
        assert "Asked Kevin Ong (@kevin) for their #gizi report" in said
        assert "It arrives in their working time: Monday, 30 November 2026 at 08:00 WIB." in said
        assert "Notified: Kevin Ong (@kevin)" in said
        (row,) = nudge_rows(chat.engine, "kevin")
        assert row.due_at == at(30, 8)
        assert row.text.startswith("📝 **Sarah Lim (@sarah) asks for your report on #gizi**")

    def test_someone_who_already_reported_is_not_nudged(self, chat: Chat) -> None:
        weekly_pkh(chat)
        said = chat.send("ani", "/ingatkan @budi #pkh")
        assert "sudah melapor untuk #pkh di jendela ini" in said
        assert nudge_rows(chat.engine) == []

    def test_a_field_worker_is_refused(self, chat: Chat) -> None:
        weekly_pkh(chat)
        said = chat.send("budi", "/ingatkan @siti #pkh")
        assert "Hanya manajer yang bisa meminta laporan petugas" in said
        assert nudge_rows(chat.engine) == []

    def test_another_programs_manager_finds_no_such_program(self, chat: Chat) -> None:
        weekly_pkh(chat)
        said = chat.send("sarah", "/nudge @siti #pkh")
        assert (
            said.text == "There is no program #pkh. Your programs: #gizi. Example: /program #gizi"
        )
        assert nudge_rows(chat.engine) == []

    def test_only_field_workers_of_the_program(self, chat: Chat) -> None:
        weekly_pkh(chat)
        assert "Kevin Ong (@kevin) bukan petugas lapangan di #pkh" in chat.send(
            "ani", "/ingatkan @kevin #pkh"
        )
        assert "Saya tidak mengenal @sitti" in chat.send("ani", "/ingatkan @sitti #pkh")

    def test_a_program_without_a_window_is_refused_with_how_to_set_one(self, chat: Chat) -> None:
        said = chat.send("ani", "/ingatkan @budi #pkh")
        assert "#pkh belum punya jendela laporan" in said
        assert "/atur laporan #pkh mingguan jumat 15:00" in said

    def test_a_personal_reminder_still_reads_as_one(self, chat: Chat) -> None:
        """/ingatkan with a moment and words stays a personal reminder."""
        said = chat.send("ani", "/ingatkan besok jam 9 telepon @budi")
        assert "⏰ Pengingat 1: telepon @budi" in said
