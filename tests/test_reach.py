"""Replies that tell other people say who was reached, and who could not be and why."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import select

from core.db import unit_of_work
from core.models import Identity
from core.people import accounts
from core.people.directory import person_by_handle
from tests.chat import Chat


def block(engine: Engine, handle: str) -> None:
    """The person blocked the bot on every platform they linked."""
    with unit_of_work(engine) as session:
        person = person_by_handle(session, handle)
        assert person is not None
        for identity in session.exec(select(Identity).where(Identity.person_id == person.id)):
            identity.unreachable_at = datetime(2026, 11, 27, tzinfo=UTC)
            session.add(identity)


class TestTasks:
    """Task replies report their reach."""

    def test_assigning_reports_who_was_told(self, chat: Chat) -> None:
        """The assignee on Gotong is listed as told."""
        said = chat.send("ani", "/tugas Kirim data @budi besok 17:00 #pkh")
        assert "Diberi tahu: Budi Santoso (@budi)" in said
        assert "Tidak bisa" not in said.text

    def test_blocked_assignee_is_reported_unreachable(self, chat: Chat, engine: Engine) -> None:
        """Someone who blocked the bot is named as unreachable, not as told."""
        block(engine, "budi")
        said = chat.send("ani", "/tugas Kirim data @budi besok 17:00 #pkh")
        assert "Diberi tahu" not in said.text
        assert "Budi Santoso (@budi) — tidak bisa dihubungi (memblokir Gotong)" in said

    def test_manager_closing_for_everyone_tells_the_assignees(self, chat: Chat) -> None:
        """/selesai by a manager who is not an assignee tells each assignee, in their language."""
        chat.send("sarah", "/task Weigh toddlers @yohana @kevin monday 12:00 #gizi")
        chat.inbox("yohana")
        said = chat.send("sarah", "/done 1")
        assert "Notified: Yohana Tefa (@yohana), Kevin Ong (@kevin)" in said
        assert chat.inbox("yohana")[-1].startswith("✅ Sarah Lim menutup tugas 1 untuk semua")
        assert chat.inbox("kevin")[-1].startswith("✅ Sarah Lim closed task 1 for everyone")

    def test_assignee_finishing_own_part_tells_nobody_else(self, chat: Chat) -> None:
        """An assignee closing their own part is not told about it."""
        chat.send("ani", "/tugas Kirim data @budi besok 17:00 #pkh")
        before = len(chat.inbox("budi"))
        chat.send("budi", "/selesai 1")
        assert len(chat.inbox("budi")) == before


class TestMeetings:
    """Meeting replies report their reach, partner organisations included."""

    def test_partner_without_contacts_is_not_said_to_be_invited(self, chat: Chat) -> None:
        """An organisation with nobody on Gotong is named as having no contact."""
        with unit_of_work(chat.engine) as session:
            accounts.add_partner(
                session,
                now=chat.clock.now(),
                actor=None,
                handle="karang",
                name="Karang Taruna",
                kind="community",
            )
        said = chat.send("ani", "/rapat Koordinasi senin 10:00 @budi @karang")
        assert "Diberi tahu: Budi Santoso (@budi)" in said
        assert "Karang Taruna (@karang) — belum ada kontak di Gotong" in said
        assert "Mitra diundang" not in said.text

    def test_moving_a_meeting_reports_reach(self, chat: Chat, engine: Engine) -> None:
        """A move names who heard of the new time and who could not."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi @harjo")
        block(engine, "harjo")
        said = chat.send("ani", "/ubah rapat 1 selasa 10:00")
        assert "Peserta diberi tahu" not in said.text
        assert "Diberi tahu: Budi Santoso (@budi)" in said
        assert "Pak Harjo (@harjo) — tidak bisa dihubungi (memblokir Gotong)" in said
