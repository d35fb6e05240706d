"""/atur ringkasan and /atur grafik change when and how digests come; bad input changes nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from core.db import unit_of_work
from core.models import Digest, Person
from core.people.directory import person_by_handle
from tests.chat import Chat

JAKARTA = ZoneInfo("Asia/Jakarta")


def settings_of(engine: Engine, handle: str) -> tuple[str | None, str | None, bool]:
    with unit_of_work(engine) as s:
        found = person_by_handle(s, handle)
        assert found is not None
        return found.digest_time, found.digest_mode, found.charts


def planned(engine: Engine, handle: str) -> list[tuple[str, datetime]]:
    with unit_of_work(engine) as s:
        found = person_by_handle(s, handle)
        assert found is not None
        rows = s.exec(
            select(Digest).where(Digest.person_id == found.id, Digest.status == "pending")
        )
        return [(d.period, d.due_at.astimezone(JAKARTA)) for d in rows]


class TestDigestSettings:
    def test_time_moves_the_planned_digest(self, chat: Chat, engine: Engine) -> None:
        """Friday 10:00: a digest at 06:00 is planned for Monday 06:00 (the weekly), and said."""
        said = chat.send("ani", "/atur ringkasan 06:00")
        assert "pukul 06.00" in said
        assert settings_of(engine, "ani")[0] == "06:00"
        assert planned(engine, "ani") == [("2026-W49", datetime(2026, 11, 30, 6, tzinfo=JAKARTA))]

    def test_english_time_and_modes(self, chat: Chat, engine: Engine) -> None:
        """/set digest 6am, weekly, off and daily, each answered in English."""
        assert "at 06:00" in chat.send("sarah", "/set digest 6am")
        assert "weekly digest only" in chat.send("sarah", "/set digest weekly")
        assert "digests are off" in chat.send("sarah", "/set digest off")
        assert planned(engine, "sarah") == []
        assert "daily digest again" in chat.send("sarah", "/set digest daily")
        assert settings_of(engine, "sarah")[:2] == ("06:00", "daily")
        assert len(planned(engine, "sarah")) == 1

    def test_charts_off_and_on(self, chat: Chat, engine: Engine) -> None:
        """/atur grafik mati turns the chart off; /set charts on back on."""
        assert "tidak ada grafik" in chat.send("ani", "/atur grafik mati")
        assert settings_of(engine, "ani")[2] is False
        assert "chart again" in chat.send("sarah", "/set charts on")
        assert settings_of(engine, "sarah")[2] is True

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("/atur ringkasan 25:00", "/atur ringkasan 06:00"),
            ("/atur ringkasan pagi-pagi", "/atur ringkasan 06:00"),
            ("/atur ringkasan", "/atur ringkasan mingguan"),
            ("/atur grafik kadang", "/atur grafik mati"),
        ],
    )
    def test_bad_input_changes_nothing(
        self, chat: Chat, engine: Engine, text: str, expected: str
    ) -> None:
        """A time that is not one, or no value: a short reply with a working example."""
        before = settings_of(engine, "ani")
        said = chat.send("ani", text)
        assert expected in said
        assert settings_of(engine, "ani") == before

    def test_settings_show_the_digest(self, chat: Chat) -> None:
        """/atur lists when the digest comes; a field worker's is daily at 06:30."""
        assert "Ringkasan: harian pukul 06.30; grafik nyala" in chat.send("budi", "/atur")
        assert "Digest: weekly, Mondays at 08:00" in chat.send("tom", "/set")


class TestDigestCommand:
    def test_field_worker_is_refused_a_program_not_theirs(self, chat: Chat) -> None:
        """@budi is not on #gizi: the same answer as any other command naming it."""
        refused = chat.send("budi", "/ringkasan #gizi")
        assert refused.text == chat.send("budi", "/program #gizi").text

    def test_one_program_and_the_weekly(self, chat: Chat) -> None:
        """/ringkasan #pkh shows that program only; /digest week is the weekly one."""
        chat.send("ani", "/tugas Kirim data @budi besok 17:00 #pkh")
        chat.send("sarah", "/task Weigh children @kevin tomorrow 5pm #gizi")
        chat.clock.set(datetime(2026, 12, 1, 7, tzinfo=JAKARTA))
        said = chat.send("ani", "/ringkasan #gizi")
        assert "#gizi" in said and "#pkh" not in said and "Weigh children" in said
        weekly = chat.send("sarah", "/digest week")
        assert "Your weekly digest" in weekly and "This week (week before)" in weekly

    def test_bad_words_get_the_examples(self, chat: Chat) -> None:
        """/ringkasan besok is not a digest: the reply shows what works."""
        assert "/ringkasan minggu" in chat.send("ani", "/ringkasan besok")

    def test_nothing_to_say_still_answers(self, chat: Chat) -> None:
        """Asked for, an empty digest still answers (never silence)."""
        assert "Tidak ada tugas" in chat.send("budi", "/ringkasan")


def test_person_defaults_come_from_the_role() -> None:
    """No digest settings stored: the role decides (07:00 managers, 06:30 field workers)."""
    from core.digests.rhythm import digest_time

    assert f"{digest_time(Person(handle='a', name='A', role='manager')):%H:%M}" == "07:00"
    assert f"{digest_time(Person(handle='b', name='B', role='field')):%H:%M}" == "06:30"
