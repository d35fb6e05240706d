"""What people notice when they ask: someone's list, one program's lateness, a deadline by number."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.chat import Chat


class TestSomeonesTasks:
    """/tugasku @budi: a manager reads someone's list; a field worker only their own."""

    def test_manager_reads_a_field_workers_list(self, chat: Chat) -> None:
        """The handle picks whose open tasks are listed."""
        chat.send("ani", "/tugas Cek gudang @budi besok 17:00 #pkh")
        chat.send("ani", "/tugas Telepon kades @yohana besok 17:00 #pkh")
        said = chat.send("ani", "/tugasku @budi")
        assert "Tugas Budi Santoso (@budi) (1):" in said
        assert "Cek gudang" in said and "Telepon kades" not in said

    def test_field_worker_may_not_read_another_list(self, chat: Chat) -> None:
        """Another person's list is refused clearly; one's own handle is fine."""
        chat.send("ani", "/tugas Telepon kades @yohana besok 17:00 #pkh")
        said = chat.send("budi", "/tugasku @yohana")
        assert "Hanya manajer yang bisa melihat daftar tugas orang lain" in said
        assert "Telepon kades" not in said
        assert "Tidak ada tugas terbuka" in chat.send("budi", "/tugasku @budi")

    def test_english_and_unknown_handle(self, chat: Chat) -> None:
        """English names the list too; an unknown handle is an unknown handle."""
        chat.send("sarah", "/task Weigh children @kevin tomorrow 5pm #gizi")
        assert "Tasks of Kevin Ong (@kevin) (1):" in chat.send("sarah", "/mytasks @kevin")
        assert "@nobody" in chat.send("sarah", "/mytasks @nobody")
        assert "Only managers can read" in chat.send("kevin", "/mytasks @yohana")


class TestLateInOneProgram:
    """/terlambat #kode keeps to that program."""

    def test_named_program_only(self, chat: Chat) -> None:
        """Overdue work of other programs is left out when a program is named."""
        chat.send("ani", "/tugas Data PKH @yohana hari ini 12:00 #pkh")
        chat.send("ani", "/tugas Data gizi @yohana hari ini 12:00 #gizi")
        chat.clock.advance(timedelta(days=1))
        said = chat.send("ani", "/terlambat #pkh")
        assert "Data PKH" in said and "Data gizi" not in said
        assert "(#pkh)" in said
        other = chat.send("ani", "/terlambat #gizi")
        assert "Data gizi" in other and "Data PKH" not in other
        chat.send("ani", "/selesai 1")
        assert "Tidak ada yang terlambat di #pkh." in chat.send("ani", "/terlambat #pkh")

    def test_program_not_mine_is_refused(self, chat: Chat) -> None:
        """A field worker cannot look into a program they are not on."""
        assert "tidak terdaftar di program #gizi" in chat.send("budi", "/terlambat #gizi")


class TestDeadlineByNumber:
    """/tenggat 4 shows deadline 4, as /tugas 12 shows a task."""

    def test_show_deadline(self, chat: Chat) -> None:
        """The number shows the deadline to whoever may see it, and hides it from others."""
        chat.send("ani", "/tenggat Laporan bulanan 30 Des #pkh")
        said = chat.send("budi", "/tenggat 1")
        assert "Tenggat 1: Laporan bulanan" in said
        assert "Program: #pkh" in said
        assert "Deadline 1: Laporan bulanan" in chat.send("sarah", "/deadline 1")
        hidden = chat.send("kevin", "/deadline 1")
        assert "Laporan bulanan" not in hidden
        assert hidden.text == chat.send("kevin", "/deadline 99").text.replace("99", "1")
        assert "done deadline 1" in chat.send("ani", "/tenggat 1").commands


class TestProgramSummaryTasks:
    """/program #pkh lists open tasks, overdue first, within one screen."""

    def test_lists_tasks_overdue_first_and_caps(self, chat: Chat) -> None:
        """Ten open tasks show eight lines and how many more."""
        for n in range(9):
            chat.send("ani", f"/tugas Kunjungan rumah {n} @budi lusa 17:00 #pkh")
        chat.send("ani", "/tugas Data terlambat @budi hari ini 12:00 #pkh")
        chat.clock.advance(timedelta(days=1))
        said = chat.send("ani", "/program #pkh").text
        lines = [line for line in said.splitlines() if re.match(r"(⚠️ )?Tugas \d+:", line)]
        assert "Data terlambat" in lines[0] and lines[0].startswith("⚠️")
        assert len(lines) == 8
        assert "… dan 2 tugas lainnya" in said

    def test_field_worker_sees_only_their_tasks(self, chat: Chat) -> None:
        """The list follows the task visibility rule."""
        chat.send("ani", "/tugas Tugas Budi @budi besok 17:00 #pkh")
        chat.send("ani", "/tugas Tugas Yohana @yohana besok 17:00 #pkh")
        said = chat.send("budi", "/program #pkh")
        assert "Tugas Budi" in said and "Tugas Yohana" not in said
