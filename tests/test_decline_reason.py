"""Declining a meeting with a reason, and what a move does to a decline."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import select

from core.db import unit_of_work
from core.models import Identity
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


class TestDeclineReason:
    """A reason after the meeting's number is kept and shown to the organiser."""

    def test_reason_after_the_number_is_accepted(self, chat: Chat) -> None:
        """/tidakhadir 1 ada acara lain is a decline, not a request for the number."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi")
        said = chat.send("budi", "/tidakhadir 1 ada acara lain")
        assert "Tercatat: Anda tidak hadir di rapat 1" in said
        assert "Alasan: ada acara lain" in chat.inbox("ani")[-1]
        assert "• Budi Santoso (@budi) — tidak hadir (alasan: ada acara lain)" in chat.send(
            "ani", "/rapat 1"
        )

    def test_english_decline_with_reason(self, chat: Chat) -> None:
        """/decline 1 another event works the same in English."""
        chat.send("sarah", "/meeting Review monday 10am @kevin")
        assert "you will not attend meeting 1" in chat.send("kevin", "/decline 1 another event")
        assert "Reason: another event" in chat.inbox("sarah")[-1]
        assert "not attending (reason: another event)" in chat.send("sarah", "/meeting 1")

    def test_without_a_number_still_asks_for_it(self, chat: Chat) -> None:
        """Words without a number are refused with the usage."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi")
        said = chat.send("budi", "/tidakhadir ada acara lain")
        assert "Tercatat" not in said.text

    def test_attending_later_clears_the_reason(self, chat: Chat) -> None:
        """A later yes drops the old reason."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi")
        chat.send("budi", "/tidakhadir 1 sakit")
        chat.send("budi", "/hadir 1")
        assert "• Budi Santoso (@budi) — hadir\n" in chat.send("ani", "/rapat 1").text + "\n"


class TestDeclineAndMove:
    """A decline stays through a move only for those told of it, who can answer again."""

    def test_decliner_is_told_of_a_move_with_buttons(self, chat: Chat) -> None:
        """The notice of the move reaches who declined, with attend/decline buttons."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi")
        chat.send("budi", "/tidakhadir 1 sakit")
        said = chat.send("ani", "/ubah rapat 1 selasa 10:00")
        assert "Diberi tahu: Budi Santoso (@budi)" in said
        notice = chat.inbox("budi")[-1]
        assert "Anda sebelumnya tidak hadir" in notice
        assert "tidak hadir (alasan: sakit)" in chat.send("ani", "/rapat 1")

    def test_decline_of_someone_not_told_is_taken_back(self, chat: Chat, engine: Engine) -> None:
        """Someone who declined but cannot be reached is asked again, not kept as declined."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi")
        chat.send("budi", "/tidakhadir 1 sakit")
        block(engine, "budi")
        said = chat.send("ani", "/ubah rapat 1 selasa 10:00")
        assert "Budi Santoso (@budi) — tidak bisa dihubungi (memblokir Gotong)" in said
        assert "• Budi Santoso (@budi) — belum menjawab" in chat.send("ani", "/rapat 1")
