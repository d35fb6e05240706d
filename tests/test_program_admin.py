"""Managers create programs and put people and partners on them from chat, as the CLI does."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select

from core.db import unit_of_work
from core.models import AuditEntry, ProgramMember, ProgramPartner
from core.people.directory import partner_by_handle, person_by_handle, program_by_code, programs_of
from tests.chat import Chat
from tests.test_refusals import row_counts


def audit_actions(engine: Engine) -> list[str]:
    with unit_of_work(engine) as s:
        return [a.action for a in s.exec(select(AuditEntry).order_by(AuditEntry.id))]  # type: ignore[arg-type]


class TestCreate:
    """/program baru #kode Nama (English: /program new #code Name)."""

    def test_manager_creates_a_program_and_owns_it(self, chat: Chat, engine: Engine) -> None:
        said = chat.send("ani", "/program baru #banjir Tanggap banjir Demak")
        assert "Program #banjir dibuat: Tanggap banjir Demak" in said, said.text
        assert "Tingkat: kabupaten/kota · Penanggung jawab: Ani Wijaya (@ani)" in said
        with unit_of_work(engine) as s:
            ani = person_by_handle(s, "ani")
            assert ani is not None
            assert "banjir" in [p.code for p in programs_of(s, ani)]
        assert audit_actions(engine)[-1] == "program.add"

    def test_english_create_with_people_and_partners(self, chat: Chat, engine: Engine) -> None:
        said = chat.send("sarah", "/program new #flood Flood response @kevin @unicef")
        assert "Program #flood created: Flood response" in said, said.text
        assert "Members added: Kevin Ong (@kevin)" in said
        assert "Partners added: UNICEF Indonesia (@unicef)" in said
        assert audit_actions(engine)[-3:] == ["program.add", "program.join", "program.partner"]

    def test_code_is_checked_as_the_cli_checks_it(self, chat: Chat, engine: Engine) -> None:
        before = row_counts(engine)
        assert 'Kode program "9x" tidak sah' in chat.send("ani", "/program baru #9x Salah")
        assert "#pkh sudah dipakai" in chat.send("ani", "/program baru #PKH Lagi")
        assert "Tulis #kode program baru" in chat.send("ani", "/program baru banjir Tanpa kode")
        assert "Tulis #kode program baru" in chat.send("ani", "/program baru #banjir")
        assert "Satu pesan hanya untuk satu program" in chat.send("ani", "/program baru #a B #c")
        assert row_counts(engine) == before

    def test_unknown_handle_creates_nothing(self, chat: Chat, engine: Engine) -> None:
        before = row_counts(engine)
        said = chat.send("ani", "/program baru #banjir Banjir @budy")
        assert "Maksud Anda @budi?" in said
        assert said.commands == ["/program baru #banjir Banjir @budi"]
        assert row_counts(engine) == before

    def test_field_worker_cannot_create(self, chat: Chat, engine: Engine) -> None:
        before = row_counts(engine)
        said = chat.send("budi", "/program baru #banjir Banjir")
        assert "Hanya manajer yang bisa membuat program" in said
        assert row_counts(engine) == before


class TestAdd:
    """/program #kode tambah @orang @mitra (English: /program #code add @person @partner)."""

    def test_people_become_members_and_organisations_partners(
        self, chat: Chat, engine: Engine
    ) -> None:
        said = chat.send("ani", "/program #pkh tambah @kevin @unicef @budi")
        assert "Anggota ditambahkan: Kevin Ong (@kevin)" in said, said.text
        assert "Mitra ditambahkan: UNICEF Indonesia (@unicef)" in said
        assert "Sudah terdaftar: Budi Santoso (@budi)" in said
        with unit_of_work(engine) as s:
            pkh = program_by_code(s, "pkh")
            kevin, unicef = person_by_handle(s, "kevin"), partner_by_handle(s, "unicef")
            assert kevin is not None and unicef is not None
            assert s.get(ProgramMember, (pkh.id, kevin.id)) is not None
            assert s.get(ProgramPartner, (pkh.id, unicef.id)) is not None
        assert audit_actions(engine)[-2:] == ["program.join", "program.partner"]

    def test_partner_contact_becomes_a_member(self, chat: Chat) -> None:
        said = chat.send("sarah", "/program #gizi add @harjo")
        assert "Members added: Pak Harjo (@harjo)" in said, said.text

    def test_nothing_new_says_so(self, chat: Chat, engine: Engine) -> None:
        before = row_counts(engine)
        said = chat.send("sarah", "/program #gizi add @kevin @unicef")
        assert "Nothing changed on #gizi" in said, said.text
        assert "Already in: Kevin Ong (@kevin), UNICEF Indonesia (@unicef)" in said
        assert row_counts(engine) == before

    def test_unknown_handles_are_all_named_and_nothing_is_added(
        self, chat: Chat, engine: Engine
    ) -> None:
        before = row_counts(engine)
        said = chat.send("ani", "/program #pkh tambah @kevin @budy @dinsoss")
        assert "Tidak ada yang diubah" in said, said.text
        assert "@budy (maksud Anda @budi?), @dinsoss (maksud Anda @dinsos?)" in said
        assert said.commands == ["/program #pkh tambah @kevin @budi @dinsos"]
        assert row_counts(engine) == before

    def test_one_far_handle_means_no_button(self, chat: Chat) -> None:
        said = chat.send("sarah", "/program #gizi add @budy @nobody")
        assert "@budy (did you mean @budi?), @nobody." in said, said.text
        assert said.commands == []

    def test_handles_without_at_are_not_dropped(self, chat: Chat, engine: Engine) -> None:
        before = row_counts(engine)
        assert "/program #pkh tambah @budi @dinsos" in chat.send("ani", "/program #pkh tambah budi")
        assert "/program #pkh tambah" in chat.send("ani", "/program #pkh tambah")
        assert row_counts(engine) == before

    def test_unknown_program(self, chat: Chat) -> None:
        assert "Program #nope tidak ada" in chat.send("ani", "/program #nope tambah @budi")

    def test_only_managers_add(self, chat: Chat, engine: Engine) -> None:
        before = row_counts(engine)
        said = chat.send("kevin", "/program #gizi add @tom")
        assert "Only managers can add people and partners to a program" in said
        assert row_counts(engine) == before

    def test_summary_is_unchanged(self, chat: Chat) -> None:
        assert "Program Keluarga Harapan" in chat.send("ani", "/program #pkh")
