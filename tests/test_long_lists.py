"""Long lists stay one phone screen, and their cost follows what is shown, not the workspace.

/tugasku pages its tasks (15 to a page, most urgent first); /agenda and /terlambat name the
first 15 of each part and count the rest. None of them loads every program to print #codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, event

from core.db import unit_of_work
from core.models import Deadline, Meeting, MeetingAttendee, Program, Task, TaskAssignment
from core.people.directory import person_by_handle
from tests.chat import Chat


def add_programs(chat: Chat, count: int, *, first: int) -> None:
    """`count` programs owned by @ani, each with a late task for her and @budi, a deadline this
    week and a meeting tomorrow she is invited to."""
    now = chat.clock.now()
    with unit_of_work(chat.engine) as s:
        ani, budi = person_by_handle(s, "ani"), person_by_handle(s, "budi")
        assert ani is not None and ani.id and budi is not None and budi.id
        for n in range(first, first + count):
            program = Program(code=f"p{n}", name=f"Program {n}", owner_id=ani.id, created_at=now)
            s.add(program)
            s.flush()
            assert program.id
            task = Task(
                title=f"Kerja {n}",
                program_id=program.id,
                created_by_id=ani.id,
                due_at=now - timedelta(hours=n + 1),
                created_at=now,
            )
            meeting = Meeting(
                title=f"Temu {n}",
                program_id=program.id,
                organiser_id=ani.id,
                starts_at=now + timedelta(days=1, minutes=n),
                created_at=now,
            )
            s.add_all([task, meeting])
            s.add(
                Deadline(
                    title=f"Batas {n}",
                    program_id=program.id,
                    owner_id=budi.id,
                    due_at=now + timedelta(days=2, minutes=n),
                    created_at=now,
                )
            )
            s.flush()
            assert task.id and meeting.id
            s.add(TaskAssignment(task_id=task.id, person_id=ani.id))
            s.add(TaskAssignment(task_id=task.id, person_id=budi.id))
            s.add(MeetingAttendee(meeting_id=meeting.id, person_id=ani.id))


@contextmanager
def counted(engine: Engine) -> Iterator[dict[str, int]]:
    """SQL statements run and Program rows loaded while the block runs."""
    seen = {"statements": 0, "programs": 0}

    def statement(*args: Any) -> None:
        seen["statements"] += 1

    def program(*args: Any) -> None:
        seen["programs"] += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(Program, "load", program)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(Program, "load", program)


class TestMyTasksPages:
    """/tugasku shows 15 tasks at a time, overdue first, and says how to see the rest."""

    def test_a_long_list_is_paged_with_the_way_on(self, chat: Chat) -> None:
        """32 tasks: page 1 names the 15 most urgent and counts 17 more, with a button."""
        add_programs(chat, 32, first=1)
        said = chat.send("budi", "/tugasku")
        assert "Tugas Anda (32), halaman 1 dari 3:" in said
        assert said.text.count("Kerja ") == 15
        assert "Kerja 32" in said and "Kerja 17" not in said  # the longest late first
        assert "… dan 17 lagi. Berikutnya: /tugasku 2" in said
        assert said.commands[-1] == "mytasks 2"
        last = chat.send("budi", "mytasks 3", button=True)
        assert "halaman 3 dari 3" in last and "Kerja 2 —" in last and "Kerja 1 —" in last
        assert "lagi" not in last and "mytasks 4" not in last.commands

    def test_a_page_past_the_end_is_refused_with_the_last_one(self, chat: Chat) -> None:
        """Asking for a page that does not exist says how many there are."""
        add_programs(chat, 16, first=1)
        said = chat.send("budi", "/tugasku 5")
        assert "Tidak ada halaman 5: daftar ini 2 halaman. Contoh: /tugasku 2" in said
        assert "Page" not in said
        empty = chat.send("kevin", "/mytasks 2")  # no tasks: one empty page
        assert "There is no page 2: this list has 1 page. Example: /mytasks" in empty
        assert "Contoh: /tugasku 2" in chat.send("budi", "/tugasku dua")
        huge = "9" * 9  # the longest number a command reads
        assert f"Tidak ada halaman {huge}: daftar ini 2 halaman" in chat.send(
            "budi", f"/tugasku {huge}"
        )

    def test_english_and_someone_elses_pages(self, chat: Chat) -> None:
        """A manager pages through someone's list; the way on names them."""
        add_programs(chat, 20, first=1)
        said = chat.send("sarah", "/mytasks @budi")
        assert "Tasks of Budi Santoso (@budi) (20), page 1 of 2:" in said
        assert "… and 5 more. Next: /mytasks @budi 2" in said
        assert said.commands == ["mytasks @budi 2"]
        second = chat.send("sarah", "/mytasks @budi 2")
        assert "page 2 of 2" in second and second.text.count("Kerja ") == 5

    def test_two_hundred_tasks_fit_one_screen(self, chat: Chat) -> None:
        """Issue 16's 200 open tasks made a 12.7 k-character reply; the first page is short."""
        add_programs(chat, 200, first=1)
        assert len(chat.send("budi", "/tugasku").text) < 2000


class TestCappedLists:
    """/agenda and /terlambat name the first 15 of each part and count the rest."""

    def test_late_names_fifteen_and_counts_the_rest(self, chat: Chat) -> None:
        """A manager's 20 late program tasks show as 15 lines and '… dan 5 tugas lagi'."""
        add_programs(chat, 20, first=1)
        said = chat.send("ani", "/terlambat")
        assert "… dan 5 tugas lagi" in said
        assert "Satu program saja: /terlambat #kode" in said
        chat.send("ani", "/atur bahasa en")
        english = chat.send("ani", "/late")
        assert "… and 5 more tasks" in english and "/late #code" in english

    def test_agenda_names_fifteen_meetings_and_counts_the_rest(self, chat: Chat) -> None:
        """17 meetings and deadlines this week: fifteen of each named, then how many more."""
        add_programs(chat, 17, first=1)
        said = chat.send("ani", "/agenda")
        assert said.text.count("Temu ") == 15 and "… dan 2 rapat lagi" in said
        assert said.text.count("Batas ") == 15 and "… dan 2 tenggat lagi" in said


class TestCostFollowsWhatIsShown:
    """The statements run and programs loaded do not grow with the workspace's programs."""

    def cost(self, chat: Chat, handle: str, text: str) -> dict[str, int]:
        with counted(chat.engine) as seen:
            chat.send(handle, text)
        return seen

    def test_lists_cost_the_same_with_ten_times_the_programs(self, chat: Chat) -> None:
        """/tugasku, /agenda and /terlambat: same statements at 35 and 350 programs, no rows
        of programs beyond what a check needs."""
        add_programs(chat, 35, first=1)
        commands = [
            ("ani", "/tugasku"),
            ("budi", "/tugasku"),
            ("ani", "/agenda"),
            ("budi", "/agenda"),
            ("ani", "/terlambat"),
            ("budi", "/terlambat"),
            ("ani", "/tugasku @budi 2"),
            ("ani", "/mitra @dinsos"),
            ("budi", "/program #p1"),
            ("ani", "/program #nope"),
        ]
        for who, text in commands:  # the day's first message of each person costs more
            chat.send(who, text)
        small = [self.cost(chat, who, text) for who, text in commands]
        add_programs(chat, 315, first=36)
        large = [self.cost(chat, who, text) for who, text in commands]
        assert [c["statements"] for c in large] == [c["statements"] for c in small]
        assert [c["programs"] for c in large] == [c["programs"] for c in small], large[-3:]
        assert max(c["programs"] for c in large) <= 1


class TestProgramsNamedInARefusal:
    """A refusal lists the first ten of the reader's programs and counts the rest."""

    def test_an_unknown_code_names_ten_and_counts_the_rest(self, chat: Chat) -> None:
        add_programs(chat, 35, first=1)
        said = chat.send("ani", "/program #nope")
        assert "Program #nope tidak ada. Program Anda: #p1, #p10, #p11," in said
        assert said.text.count("#p") == 11  # ten listed, and the example
        assert "dan 26 lainnya (/program)." in said  # 35 of these and the fixture's #pkh
        chat.send("ani", "/atur bahasa en")
        assert "and 26 more (/program)." in chat.send("ani", "/program #nope")

    def test_a_short_list_is_named_whole(self, chat: Chat) -> None:
        add_programs(chat, 3, first=1)
        said = chat.send("ani", "/program #nope")
        assert "lainnya" not in said and "#p3" in said
