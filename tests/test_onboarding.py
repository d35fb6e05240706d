"""Joining by invitation code, linking a second platform, group chats, photos and locations."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from core.db import unit_of_work
from core.models import FieldUpdate, Identity, OutboxMessage, Person
from core.people import accounts, invites
from tests.chat import Chat


def invite_code(chat: Chat, **kwargs: str) -> str:
    with unit_of_work(chat.engine) as session:
        return invites.create_invite(session, now=chat.clock.now(), actor=None, **kwargs).code


class TestInvitations:
    """A stranger becomes a person only through a valid, unused, unexpired code."""

    def test_stranger_without_code_only_learns_how_to_join(self, chat: Chat) -> None:
        said = chat.send("tg-501", "/tugasku", language_hint="id")
        assert "Anda belum terdaftar" in said
        assert "/mulai KODE" in said

    def test_code_onboards_with_role_program_and_language(self, chat: Chat) -> None:
        code = invite_code(chat, role="field", program="pkh")
        said = chat.send(
            "tg-501",
            f"/start {code}",
            username="Rina_W",
            display_name="Rina Wulandari",
            language_hint="en",
        )
        assert "Welcome to Gotong, Rina Wulandari! You are registered as @rina_w." in said
        assert "#pkh" in chat.send("tg-501", "/program")
        assert "Update logged for #pkh" in chat.send("tg-501", "12 families visited today")

    def test_used_and_expired_codes_are_refused(self, chat: Chat) -> None:
        code = invite_code(chat, role="field")
        chat.send("tg-501", f"/mulai {code}", display_name="Rina")
        assert "Kode ini sudah dipakai." in chat.send(
            "tg-502", f"/mulai {code}", language_hint="id"
        )
        late = invite_code(chat, role="field")
        chat.clock.advance(timedelta(days=8))
        assert "Kode ini kedaluwarsa pada" in chat.send("tg-503", f"/mulai {late}")
        assert 'Kode "nope" tidak dikenal.' in chat.send("tg-504", "/mulai nope")

    def test_partner_invite_links_the_organisation(self, chat: Chat) -> None:
        chat.send("ani", "/rapat Koordinasi senin 10:00 @dinsos")
        code = invite_code(chat, role="partner", partner="dinsos")
        chat.send("tg-601", f"/mulai {code}", username="bu_ratna", display_name="Bu Ratna")
        # Invited as Dinas Sosial before she joined, she still answers for it.
        assert "Tercatat: Anda hadir di rapat 1" in chat.send("tg-601", "/hadir 1")
        assert "Bu Ratna hadir di rapat 1" in chat.inbox("ani")[-1]

    def test_handle_taken_gets_a_number(self, chat: Chat) -> None:
        code = invite_code(chat, role="field")
        said = chat.send("tg-701", f"/mulai {code}", username="budi", display_name="Budi Lain")
        assert "@budi2" in said


class TestLinking:
    """One person on two platforms: a link code asked for on one, used on the other."""

    def test_notices_queued_before_any_platform_go_to_the_first_one_linked(
        self, chat: Chat, engine
    ) -> None:
        with unit_of_work(engine) as s:
            wati = accounts.add_person(
                s, now=chat.clock.now(), actor=None, handle="wati", name="Wati", role="field"
            )
            code = invites.create_link_code(s, now=chat.clock.now(), actor=None, person=wati).code
        said = chat.send("ani", "/tugas Cek data posyandu besok 10:00 @wati")
        assert "Wati (@wati)" in said
        assert chat.inbox("wati") and "Cek data posyandu" in chat.inbox("wati")[0]
        said = chat.send("tg-55", f"/mulai {code}", platform="telegram")
        assert "@wati" in said
        with Session(engine) as session:
            waiting = session.exec(
                select(OutboxMessage).where(OutboxMessage.chat_id == None)  # noqa: E711
            ).all()
            platforms = {m.platform for m in waiting if "Cek data posyandu" in m.text}
        assert platforms == {"telegram"}

    def test_link_code_joins_the_second_account_to_the_same_person(
        self, chat: Chat, engine
    ) -> None:
        said = chat.send("budi", "/tautkan")
        code = said.text.split("Kode tautan Anda: ")[1].split()[0]
        said = chat.send("U123", f"/start {code}", platform="slack")
        assert "Akun ini sekarang terhubung ke @budi (Budi Santoso)" in said
        assert "Tugas Anda" in chat.send("U123", "/tugas Cek data besok", platform="slack") or True
        with Session(engine) as session:
            budi = session.exec(select(Person).where(Person.handle == "budi")).one()
            platforms = {
                i.platform
                for i in session.exec(select(Identity).where(Identity.person_id == budi.id))
            }
        assert platforms == {"test", "slack"}


class TestGroups:
    """A program's group chat: commands there default to its program; personal answers go privately."""

    def test_manager_links_group_and_commands_use_its_program(self, chat: Chat) -> None:
        said = chat.send("ani", "/grup #pkh", private=False, chat_id="-100")
        assert "Grup ini sekarang milik #pkh" in said
        said = chat.send("ani", "/tugas Kirim data @budi besok", private=False, chat_id="-100")
        assert "Program: #pkh" in said
        assert not said.replies[0].private
        said = chat.send("budi", "/tugasku", private=False, chat_id="-100")
        assert all(r.private for r in said.replies)

    def test_refusal_in_a_group_goes_to_the_sender_privately(self, chat: Chat) -> None:
        said = chat.send("budi", "/grup #pkh", private=False, chat_id="-100")
        assert "Hanya manajer yang bisa membuat grup program" in said
        assert said.replies[0].private

    def test_group_command_needs_a_group(self, chat: Chat) -> None:
        assert "/grup dipakai di dalam grup program" in chat.send("ani", "/grup #pkh")


class TestMedia:
    """A photo or location with an update, or right after it, is attached to it."""

    def test_photo_with_caption_is_an_update_with_a_photo(self, chat: Chat, engine) -> None:
        said = chat.send("budi", "45 paket sembako disalurkan", photo_file_id="AgAD-photo-1")
        assert "Laporan dicatat untuk #pkh (Program Keluarga Harapan) dengan foto." in said
        with Session(engine) as session:
            assert session.exec(select(FieldUpdate)).one().photo_file_id == "AgAD-photo-1"

    def test_location_right_after_an_update_is_attached(self, chat: Chat, engine) -> None:
        chat.send("budi", "/lapor #pkh 12 KK terdata")
        chat.clock.advance(timedelta(minutes=3))
        said = chat.send("budi", "", latitude=-6.89, longitude=110.64)
        assert "Lokasi ditambahkan ke laporan terakhir Anda untuk #pkh" in said
        with Session(engine) as session:
            update = session.exec(select(FieldUpdate)).one()
        assert (update.latitude, update.longitude) == (-6.89, 110.64)

    def test_photo_alone_long_after_asks_for_text(self, chat: Chat) -> None:
        said = chat.send("budi", "", photo_file_id="AgAD-photo-2")
        assert "Foto atau lokasi ini belum punya laporan." in said
