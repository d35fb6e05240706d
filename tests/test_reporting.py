"""Reporting windows: setting a program's rhythm, its windows, and who has not reported."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from core.clock import FakeClock
from core.db import unit_of_work
from core.models import FieldUpdate, Person, ProgramMember, Role
from core.people import accounts, programs
from core.people.directory import person_by_handle, program_by_code
from core.work import reporting
from core.work.reporting import Rhythm, Window
from tests.chat import Chat
from tests.reporting_helpers import add_siti, rhythm_row

WIB = ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


class TestRhythmCommand:
    def test_weekly_rhythm_is_said_in_words_with_its_next_close(self, chat: Chat) -> None:
        """Friday 10:00: a weekly Friday 15:00 window next closes this afternoon."""
        said = chat.send("ani", "/atur laporan #pkh mingguan jumat 15:00")
        assert "Jendela laporan #pkh: setiap Jumat 15.00 WIB" in said
        assert "berikutnya ditutup Jumat, 27 November 2026 pukul 15.00 WIB" in said
        row = rhythm_row(chat.engine, "pkh")
        assert row is not None and (row.every, row.weekday, row.at) == ("weekly", 4, "15:00")

    def test_after_the_close_the_next_one_is_a_week_on(self, chat: Chat) -> None:
        """Set at 16:00 on the closing day, the window next closes the Friday after."""
        chat.clock.set(at(27, 16))
        said = chat.send("ani", "/atur laporan #pkh mingguan jumat 15:00")
        assert "berikutnya ditutup Jumat, 4 Desember 2026 pukul 15.00 WIB" in said

    def test_english_daily_rhythm_and_a_named_zone(self, chat: Chat) -> None:
        """`daily 5pm WITA` is 17:00 in Makassar, shown to a reader in Jakarta as 16:00 WIB."""
        said = chat.send("sarah", "/set reporting #gizi daily 5pm WITA")
        assert "Reporting window for #gizi: every day at 17:00 WITA" in said
        assert "next closes Friday, 27 November 2026 at 16:00 WIB" in said

    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("/atur laporan #pkh setiap hari jam 5 sore", "setiap hari 17.00 WIB"),
            ("/atur laporan #pkh setiap jumat 15.00", "setiap Jumat 15.00 WIB"),
            ("/atur laporan #pkh tiap minggu senin 09:00", "setiap Senin 09.00 WIB"),
            ("/atur laporan #pkh setiap minggu 19:00 WIT", "setiap Minggu 19.00 WIT"),
            ("/set reporting #pkh every friday 3pm", "setiap Jumat 15.00 WIB"),
            ("/set reporting #pkh every day 5pm", "setiap hari 17.00 WIB"),
        ],
    )
    def test_the_rhythm_as_people_say_it(self, chat: Chat, text: str, words: str) -> None:
        assert f"Jendela laporan #pkh: {words};" in chat.send("ani", text)

    def test_off_removes_the_window(self, chat: Chat) -> None:
        chat.send("ani", "/atur laporan #pkh harian 17:00")
        said = chat.send("ani", "/atur laporan #pkh mati")
        assert "Jendela laporan #pkh dimatikan" in said
        assert rhythm_row(chat.engine, "pkh") is None
        assert "Jendela laporan" not in chat.send("ani", "/program #pkh")

    def test_off_when_there_was_none_says_nothing_changed(self, chat: Chat) -> None:
        said = chat.send("sarah", "/set reporting #gizi off")
        assert "#gizi had no reporting window; nothing changed." in said

    def test_the_program_summary_shows_the_window(self, chat: Chat) -> None:
        chat.send("ani", "/atur laporan #pkh mingguan jumat 15:00")
        said = chat.send("budi", "/program #pkh")
        assert "Jendela laporan #pkh: setiap Jumat 15.00 WIB" in said

    def test_naming_the_program_alone_shows_its_window(self, chat: Chat) -> None:
        assert "Example: /set reporting #gizi weekly friday 3pm" in chat.send(
            "sarah", "/set reporting #gizi"
        )

    @pytest.mark.parametrize(
        ("who", "text", "expected"),
        [
            ("ani", "/atur laporan #pkh mingguan jumad 15:00", '"jumad" bukan nama hari'),
            ("ani", "/atur laporan #pkh mingguan 15:00", '"15:00" bukan nama hari'),
            ("ani", "/atur laporan #pkh harian 25:00", 'Jam "25:00" tidak bisa saya baca'),
            ("ani", "/atur laporan #pkh harian besok 17:00", 'Jam "besok 17:00"'),
            ("ani", "/atur laporan #pkh harian", "Jam penutupan belum disebut"),
            ("ani", "/atur laporan #pkh sebulan sekali", '"sebulan sekali" tidak bisa saya baca'),
            (
                "ani",
                "/atur laporan #pkh harian 17:00 Mars/Olympus",
                'Zona waktu "mars/olympus" tidak saya kenal',
            ),
            ("ani", "/atur laporan #xyz harian 17:00", "Program #xyz tidak ada"),
            ("ani", "/atur laporan harian 17:00", "Contoh: /atur laporan #pkh mingguan jumat"),
            ("sarah", "/set reporting #gizi weekly someday 3pm", '"someday" is not a day'),
            ("sarah", "/set reporting #gizi daily 5 o'clock-ish", "I cannot read the time"),
            ("sarah", "/set reporting #gizi now and then", "Write daily, weekly or off"),
        ],
    )
    def test_bad_input_changes_nothing(
        self, chat: Chat, who: str, text: str, expected: str
    ) -> None:
        """A short reply with a working example; the window stays as it was."""
        chat.send("ani", "/atur laporan #pkh mingguan jumat 15:00")
        chat.send("sarah", "/set reporting #gizi weekly monday 9am")
        said = chat.send(who, text)
        assert expected in said, said.text
        assert "/atur laporan #" in said or "/set reporting #" in said or "/program" in said
        pkh, gizi = rhythm_row(chat.engine, "pkh"), rhythm_row(chat.engine, "gizi")
        assert pkh is not None and (pkh.every, pkh.weekday, pkh.at) == ("weekly", 4, "15:00")
        assert gizi is not None and (gizi.every, gizi.weekday, gizi.at) == ("weekly", 0, "09:00")

    def test_a_field_worker_is_refused_with_the_reason(self, chat: Chat) -> None:
        said = chat.send("budi", "/atur laporan #pkh harian 17:00")
        assert "Hanya manajer program" in said and "petugas lapangan" in said
        assert rhythm_row(chat.engine, "pkh") is None

    def test_another_programs_manager_is_refused_with_the_reason(self, chat: Chat) -> None:
        said = chat.send("sarah", "/set reporting #pkh daily 5pm")
        assert "Only the managers of #pkh" in said and "you are not on #pkh" in said
        assert rhythm_row(chat.engine, "pkh") is None

    def test_an_admin_may_set_any_programs_window(self, chat: Chat) -> None:
        with unit_of_work(chat.engine) as s:
            root = accounts.add_person(
                s, now=chat.clock.now(), actor=None, handle="root", name="Admin", role="admin"
            )
            accounts.link_identity(s, person=root, platform="test", external_id="root")
        assert "setiap hari 17.00 WIB" in chat.send("root", "/atur laporan #pkh harian 17:00")


class TestWindows:
    weekly = Rhythm(every="weekly", at=time(15, 0), zone="Asia/Jakarta", weekday=4)
    daily = Rhythm(every="daily", at=time(17, 0), zone="Asia/Jakarta")

    def test_a_weekly_window_runs_from_the_previous_friday_close(self) -> None:
        end = self.weekly.last_close(at(30, 9))
        assert end == at(27, 15)
        assert self.weekly.window_ending(end) == Window(at(20, 15), at(27, 15))
        assert self.weekly.next_close(at(30, 9)) == at(4, 15, month=12)

    def test_the_close_itself_belongs_to_the_window_it_ends(self) -> None:
        assert self.weekly.last_close(at(27, 15)) == at(27, 15)
        assert self.weekly.next_close(at(27, 15)) == at(4, 15, month=12)

    def test_a_daily_window_is_24_hours(self) -> None:
        assert self.daily.last_close(at(27, 16, 59)) == at(26, 17)
        assert self.daily.window_ending(at(27, 17)) == Window(at(26, 17), at(27, 17))
        assert self.daily.next_close(at(27, 17, 1)) == at(28, 17)


def _update(s: Session, program: str, author: str, when: datetime) -> None:
    person = person_by_handle(s, author)
    assert person is not None and person.id is not None
    s.add(
        FieldUpdate(
            program_id=program_by_code(s, program).id or 0,
            author_id=person.id,
            text="laporan",
            created_at=when,
        )
    )


class TestMissing:
    def test_only_field_workers_who_sent_nothing_inside_the_window(self, chat: Chat) -> None:
        """Budi reported in the window; Siti only before it, after it and to another program;
        Yohana never: Siti and Yohana are missing, and the manager is never listed."""
        add_siti(chat)
        chat.send("ani", "/atur laporan #pkh mingguan jumat 15:00")
        with unit_of_work(chat.engine) as s:
            _update(s, "pkh", "budi", at(23, 9))
            _update(s, "pkh", "siti", at(20, 14, 59))
            _update(s, "pkh", "siti", at(27, 15))
            _update(s, "gizi", "yohana", at(24, 9))
            ani = person_by_handle(s, "ani")
            assert ani is not None and ani.id is not None
            s.add(ProgramMember(program_id=program_by_code(s, "pkh").id or 0, person_id=ani.id))
        with unit_of_work(chat.engine) as s:
            found = reporting.missing(
                s, [program_by_code(s, "pkh"), program_by_code(s, "gizi")], at(28, 8)
            )
        (pkh,) = found.values()  # #gizi has no window
        assert pkh.window == Window(at(20, 15), at(27, 15))
        assert [p.handle for p in pkh.people] == ["siti", "yohana"]

    @staticmethod
    def _seed(engine: Engine, clock: FakeClock, count: int) -> list[int]:
        """`count` programs, each with a window and two field workers, one of whom reported."""
        now = clock.now()
        ids = []
        with unit_of_work(engine) as s:
            for n in range(count):
                program = programs.add_program(s, now=now, actor=None, code=f"p{n}", name=f"P{n}")
                assert program.id is not None
                rhythm = Rhythm(
                    every="daily" if n % 2 else "weekly",
                    at=time(15 + n % 3, 0),
                    zone="Asia/Jakarta",
                    weekday=4,
                )
                reporting.set_rhythm(s, now=now, actor=None, program=program, rhythm=rhythm)
                for who in ("a", "b"):
                    person = Person(handle=f"{who}{n}", name=who, role=Role.FIELD, created_at=now)
                    s.add(person)
                    s.flush()
                    assert person.id is not None
                    s.add(ProgramMember(program_id=program.id, person_id=person.id))
                    if who == "a":
                        s.add(
                            FieldUpdate(
                                program_id=program.id, author_id=person.id, text="x", created_at=now
                            )
                        )
                ids.append(program.id)
        return ids

    def test_a_fixed_number_of_queries_for_10_or_200_programs(self, engine: Engine) -> None:
        clock = FakeClock(at(27, 10))
        ids = self._seed(engine, clock, 200)
        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement)

        later = at(28, 10)
        event.listen(engine, "before_cursor_execute", count)
        try:
            with unit_of_work(engine) as s:
                few = reporting.missing(s, ids[:10], later)
            ten = len(statements)
            statements.clear()
            with unit_of_work(engine) as s:
                many = reporting.missing(s, ids, later)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(statements) == ten
        assert len(few) == 10 and len(many) == 200
        assert all(
            [p.handle for p in m.people] == [f"b{ids.index(pid)}"] for pid, m in many.items()
        )
