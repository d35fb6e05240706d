"""Commitments, as a chat log: a manager asks a partner, the partner answers, deliveries arrive."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from core.db import unit_of_work
from core.errors import UserError
from core.models import Commitment, CommitmentReceipt, CommitmentStatus
from core.people import accounts
from core.people.directory import person_by_handle
from core.reports.export import export
from core.work import commitments
from tests.chat import Chat

ASK_ID = "/komitmen @dinsos 200 paket sembako sebelum 10 Des #pkh"
ASK_EN = "/commit @unicef 50 hygiene kits by Dec 10 #gizi"


def status_of(engine: Engine, number: int) -> str:
    with Session(engine) as s:
        found = s.get(Commitment, number)
        assert found is not None
        return found.status


def add_contact(chat: Chat, handle: str, org: str) -> None:
    """A second contact of an organisation, on Gotong."""
    with unit_of_work(chat.engine) as s:
        person = accounts.add_person(
            s,
            now=chat.clock.now(),
            actor=None,
            handle=handle,
            name=handle.title(),
            role="partner",
            language="id",
            timezone="WIB",
            partner=org,
        )
        accounts.link_identity(s, person=person, platform="test", external_id=handle)


class TestKomitmen:
    """The lifecycle in Bahasa Indonesia."""

    def test_request_confirm_two_receipts_fulfilled(self, chat: Chat, engine: Engine) -> None:
        """A request reaches the partner with buttons; two deliveries fulfil it, over by 30."""
        said = chat.send("ani", ASK_ID)
        assert "Komitmen 1 diminta dari Dinas Sosial Demak: 200 paket sembako" in said
        assert "Tenggat: Kamis, 10 Desember 2026 pukul 17.00 WIB" in said
        assert "Diberi tahu: Pak Harjo (@harjo)" in said
        [request] = chat.inbox("harjo")
        assert "Permintaan komitmen 1 dari Ani Wijaya" in request
        said = chat.send("harjo", "confirm 1", button=True)
        assert "Komitmen 1 dikonfirmasi" in said
        assert "Pak Harjo (Dinas Sosial Demak) mengonfirmasi komitmen 1" in chat.inbox("ani")[-1]
        said = chat.send("budi", "/terima 1 150")
        assert "Tercatat diterima untuk komitmen 1: 150 paket." in said
        assert "Diterima: 150 dari 200 paket (sisa 50 paket)" in said
        assert "Diterima: 150 dari 200" in chat.inbox("harjo")[-1]
        said = chat.send("harjo", "/terima 1 80")
        assert "Diterima: 230 dari 200 paket" in said
        assert "Komitmen 1 terpenuhi" in said
        assert status_of(engine, 1) == CommitmentStatus.FULFILLED
        shown = chat.send("ani", "/komitmen 1")
        assert "Status: terpenuhi" in shown
        assert "dikonfirmasi oleh Pak Harjo (@harjo)" in shown
        assert "diterima 150 paket, dicatat Budi Santoso (@budi)" in shown
        # The receipt that fulfilled it comes before "terpenuhi", though both are one moment.
        last_receipt = shown.text.index("diterima 80 paket, dicatat Pak Harjo")
        assert last_receipt < shown.text.index("— terpenuhi oleh Pak Harjo")

    def test_yes_no_commitment_fulfilled_by_one_receipt(self, chat: Chat, engine: Engine) -> None:
        """Without a quantity, /terima alone fulfils it."""
        said = chat.send("ani", "/komitmen @dinsos pinjam balai desa sabtu 08:00 #pkh")
        assert "Komitmen 1 diminta dari Dinas Sosial Demak: pinjam balai desa" in said
        assert "Sabtu, 28 November 2026 pukul 08.00 WIB" in said
        assert "terpenuhi" in chat.send("harjo", "/terima 1")
        assert status_of(engine, 1) == CommitmentStatus.FULFILLED

    def test_money_is_kept_as_decimal(self, chat: Chat, engine: Engine) -> None:
        said = chat.send("ani", "/komitmen @dinsos Rp 25 jt dana CSR sebelum 10 Des #pkh")
        assert "Rp25.000.000 dana CSR" in said
        with Session(engine) as s:
            found = s.get(Commitment, 1)
            assert found is not None and found.money and str(found.quantity) == "25000000"

    def test_propose_then_manager_accepts(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", ASK_ID)
        said = chat.send("harjo", "propose 1", button=True)
        assert "Ketik: /usul 1 TANGGAL" in said
        assert status_of(engine, 1) == CommitmentStatus.REQUESTED
        said = chat.send("harjo", "/usul 1 15 Des")
        assert "Usulan terkirim" in said and "15 Desember 2026" in said
        notice = chat.inbox("ani")[-1]
        assert "Pak Harjo (Dinas Sosial Demak) mengusulkan tanggal lain" in notice
        said = chat.send("ani", "confirm 1", button=True)
        assert "Usulan diterima" in said and "15 Desember 2026" in said
        assert "menerima usulan Anda" in chat.inbox("harjo")[-1]
        assert status_of(engine, 1) == CommitmentStatus.CONFIRMED

    def test_propose_then_manager_refuses(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", ASK_ID)
        chat.send("harjo", "/usul 1 15 Des")
        said = chat.send("ani", "/tolak 1")
        assert "Usulan ditolak: komitmen 1 tetap diminta" in said
        assert "menolak usulan tanggal" in chat.inbox("harjo")[-1]
        assert status_of(engine, 1) == CommitmentStatus.REQUESTED

    def test_decline_with_reason_reaches_manager(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", ASK_ID)
        said = chat.send("harjo", "reject 1", button=True)
        assert "Ketik: /tolak 1 ALASAN" in said
        assert status_of(engine, 1) == CommitmentStatus.REQUESTED
        said = chat.send("harjo", "/tolak 1 stok habis")
        assert "Komitmen 1 ditolak. Alasan: stok habis" in said
        assert "Alasan: stok habis" in chat.inbox("ani")[-1]
        assert status_of(engine, 1) == CommitmentStatus.DECLINED
        assert "sudah ditolak" in chat.send("budi", "/terima 1 10")

    def test_second_contact_is_told_who_answered(self, chat: Chat, engine: Engine) -> None:
        add_contact(chat, "sri", "dinsos")
        said = chat.send("ani", ASK_ID)
        assert "Pak Harjo (@harjo)" in said and "Sri (@sri)" in said
        chat.send("harjo", "/konfirmasi 1")
        said = chat.send("sri", "reject 1", button=True)
        assert "Komitmen 1 sudah dijawab oleh Pak Harjo: dikonfirmasi" in said
        assert status_of(engine, 1) == CommitmentStatus.CONFIRMED

    def test_two_sessions_answering_at_once_change_it_once(
        self, chat: Chat, engine: Engine
    ) -> None:
        """Both contacts read it as requested; the first answer wins, the second is refused."""
        add_contact(chat, "sri", "dinsos")
        chat.send("ani", ASK_ID)
        now = chat.clock.now()
        # The second keeps what it read (SQLite lets one writer in at a time, so it reads first).
        first, second = Session(engine), Session(engine, expire_on_commit=False)
        try:
            sri = person_by_handle(second, "sri")
            assert sri is not None
            assert commitments.get(second, 1, sri).status == CommitmentStatus.REQUESTED
            second.commit()
            harjo = person_by_handle(first, "harjo")
            assert harjo is not None
            commitments.answer(
                first, now=now, actor=harjo, number=1, status=CommitmentStatus.CONFIRMED
            )
            first.commit()
            with pytest.raises(UserError) as refused:
                commitments.answer(
                    second, now=now, actor=sri, number=1, status=CommitmentStatus.DECLINED
                )
            assert refused.value.key == "commitment.already_answered"
            second.rollback()
        finally:
            first.close()
            second.close()
        assert status_of(engine, 1) == CommitmentStatus.CONFIRMED

    def test_list_shows_overdue_first(self, chat: Chat) -> None:
        chat.send("ani", "/komitmen @dinsos 200 paket sembako sebelum 10 Des #pkh")
        chat.send("ani", "/komitmen @dinsos 5 ton beras besok 12:00 #pkh")
        chat.clock.advance(timedelta(days=2))
        said = chat.send("harjo", "/komitmen")
        lines = said.text.splitlines()
        assert lines[0] == "Komitmen terbuka (2):"
        assert lines[1].startswith("⚠️ Komitmen 2: 5 ton beras")
        assert lines[2].startswith("Komitmen 1: 200 paket sembako")
        assert "Komitmen 2" in chat.send("budi", "/komitmen")
        assert "No open commitments" in chat.send("kevin", "/commit")

    def test_empty_list_suggests_what_the_reader_can_do(self, chat: Chat) -> None:
        """A manager is shown how to ask; a partner contact is not offered a manager's command."""
        assert "Minta komitmen mitra: /komitmen @mitra" in chat.send("ani", "/komitmen")
        partner = chat.send("harjo", "/komitmen").text
        assert partner.startswith("Tidak ada komitmen terbuka. Permintaan untuk organisasi Anda")
        assert "/komitmen @" not in partner
        assert chat.send("budi", "/komitmen").text == "Tidak ada komitmen terbuka."

    def test_cancel_and_move_tell_the_partner(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", ASK_ID)
        said = chat.send("ani", "/ubah komitmen 1 20 Des")
        assert "Komitmen 1 (200 paket sembako) kini bertenggat Minggu, 20 Desember 2026" in said
        assert "memindah tenggat komitmen 1" in chat.inbox("harjo")[-1]
        said = chat.send("ani", "/batal komitmen 1")
        assert "Komitmen 1 dibatalkan" in said and "Diberi tahu: Pak Harjo" in said
        assert "membatalkan komitmen 1" in chat.inbox("harjo")[-1]
        assert status_of(engine, 1) == CommitmentStatus.CANCELLED
        assert "sudah dibatalkan" in chat.send("harjo", "/terima 1 10")


class TestCommitmentsEnglish:
    """The same lifecycle for English readers."""

    def test_request_confirm_receive(self, chat: Chat) -> None:
        said = chat.send("sarah", ASK_EN)
        assert "Commitment 1 requested from UNICEF Indonesia: 50 hygiene kits" in said
        assert "Due: Thursday, 10 December 2026 at 17:00 WIB" in said
        assert "Notified: Tom Becker (@tom)" in said
        said = chat.send("tom", "/confirm 1")
        assert "Commitment 1 confirmed" in said
        said = chat.send("kevin", "/received 1 50")
        assert "Received: 50 of 50" in said and "Commitment 1 is fulfilled" in said
        assert "Commitment 1 is fulfilled" in chat.inbox("tom")[-1]

    def test_propose_and_reject_in_english(self, chat: Chat, engine: Engine) -> None:
        chat.send("sarah", ASK_EN)
        said = chat.send("tom", "/propose 1 Dec 15")
        assert "Proposal sent" in said
        said = chat.send("sarah", "/reject 1")
        assert "Proposal refused" in said
        said = chat.send("tom", "/reject 1 out of stock")
        assert "Commitment 1 declined. Reason: out of stock" in said
        assert status_of(engine, 1) == CommitmentStatus.DECLINED


class TestPartnerIsolation:
    """A partner sees and acts only on their own organisation's commitments."""

    def test_other_organisation_refused_as_not_found(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", ASK_ID)
        for text, button in [
            ("/komitmen 1", False),
            ("/confirm 1", False),
            ("confirm 1", True),
            ("reject 1", True),
            ("/received 1 10", False),
            ("/propose 1 Dec 15", False),
        ]:
            said = chat.send("tom", text, button=button)
            assert said.text == "Commitment 1 not found. Your commitments: /commit", text
        missing = chat.send("tom", "/commit 99").text
        assert missing == chat.send("tom", "/commit 1").text.replace(" 1 ", " 99 ")
        assert status_of(engine, 1) == CommitmentStatus.REQUESTED
        with Session(engine) as s:
            assert s.exec(select(CommitmentReceipt)).first() is None

    def test_directory_entry_shows_what_remains_to_those_who_may_see_it(self, chat: Chat) -> None:
        """/mitra @org lists the organisation's open commitments with what remains; a
        partner of another organisation gets the unknown-handle reply, no hint."""
        chat.send("ani", ASK_ID)
        chat.send("harjo", "/konfirmasi 1")
        chat.send("harjo", "/terima 1 80")
        entry = chat.send("ani", "/mitra @dinsos").text
        assert "Komitmen terbuka:" in entry
        assert "• Komitmen 1: 200 paket sembako, Kam 10 Des 17.00 — sisa 120 paket" in entry
        assert "Komitmen 1:" in chat.send("harjo", "/mitra @dinsos")
        assert "Commitment" not in chat.send("tom", "/partners @dinsos").text
        assert "Open commitments" not in chat.send("tom", "/partners @unicef").text

    def test_field_worker_of_another_program_cannot_see_it(self, chat: Chat) -> None:
        chat.send("ani", ASK_ID)
        assert "Commitment 1 not found" in chat.send("kevin", "/commit 1")


class TestBadInput:
    """Each mistake gets one short reply with a working example; nothing changes."""

    @pytest.mark.parametrize(
        ("who", "text", "expected"),
        [
            ("ani", "/komitmen @nobody 200 paket besok #pkh", "Saya tidak mengenal @nobody"),
            ("ani", "/komitmen @budi 200 paket besok #pkh", "@budi adalah orang, bukan"),
            ("ani", "/komitmen @dinsos 0 paket besok #pkh", "Jumlah harus lebih dari nol"),
            ("ani", "/komitmen @dinsos -5 paket besok #pkh", "Jumlah harus lebih dari nol"),
            ("ani", "/komitmen @dinsos 200 paket kemarin #pkh", "Waktu itu sudah lewat"),
            ("ani", "/komitmen @dinsos 200 paket #pkh", "Kapan batasnya?"),
            ("ani", "/komitmen @dinsos 99999999999999999 kit besok #pkh", "terlalu besar"),
            ("budi", ASK_ID, "Hanya manajer"),
            ("sarah", "/commit @unicef 0 kits by Dec 10 #gizi", "must be more than zero"),
            ("sarah", "/commit @unicef zero tents by Dec 10 #gizi", "must be more than zero"),
            ("ani", "/komitmen @dinsos nol paket besok #pkh", "Jumlah harus lebih dari nol"),
        ],
    )
    def test_request_refused(
        self, chat: Chat, engine: Engine, who: str, text: str, expected: str
    ) -> None:
        said = chat.send(who, text)
        assert expected in said
        with Session(engine) as s:
            assert s.exec(select(Commitment)).first() is None

    def test_answers_refused(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", ASK_ID)
        assert "Tanggal usulan sudah lewat" in chat.send("harjo", "/usul 1 kemarin")
        assert "Hanya kontak organisasi mitra" in chat.send("budi", "/konfirmasi 1")
        assert "lebih dari 100 kali" in chat.send("budi", "/terima 1 20001")
        assert "Contoh: /terima 12 150" in chat.send("budi", "/terima 1 banyak")
        assert "Berapa yang diterima?" in chat.send("budi", "/terima 1")
        assert "Contoh: /konfirmasi 12" in chat.send("harjo", "/konfirmasi")
        assert status_of(engine, 1) == CommitmentStatus.REQUESTED
        with Session(engine) as s:
            assert s.exec(select(CommitmentReceipt)).first() is None


class TestSummaryAndExport:
    """/program counts commitments; the export carries every one with what was received."""

    def test_program_shows_commitment_totals(self, chat: Chat) -> None:
        chat.send("ani", ASK_ID)
        chat.send("ani", "/komitmen @dinsos 5 ton beras besok 12:00 #pkh")
        chat.send("ani", "/komitmen @dinsos pinjam balai desa lusa 08:00 #pkh")
        chat.send("harjo", "/terima 3")
        chat.clock.advance(timedelta(days=2))
        said = chat.send("ani", "/program #pkh")
        assert "Komitmen mitra: 2 terbuka (⚠️ 1 terlambat), 1 terpenuhi" in said

    def test_export_has_received_total_reason_and_offsets(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", ASK_ID)
        chat.send("harjo", "/konfirmasi 1")
        chat.send("budi", "/terima 1 150")
        chat.send("ani", "/komitmen @dinsos Rp 25 jt dana CSR sebelum 10 Des #pkh")
        chat.send("harjo", "/tolak 2 anggaran belum cair")
        with unit_of_work(engine) as s:
            first, second = export(s, "commitments", tz="Asia/Jakarta")
        assert (first["quantity"], first["unit"], first["received"]) == (200, "paket", 150)
        assert (first["status"], first["partner"], first["program"]) == (
            "confirmed",
            "dinsos",
            "pkh",
        )
        assert first["due_at"] == "2026-12-10T17:00:00+07:00"
        assert first["answered_by"] == "harjo"
        assert (second["quantity"], second["unit"], second["money"]) == (25000000, "IDR", True)
        assert second["decline_reason"] == "anggaran belum cair"
        assert second["received"] == 0


class TestReceiptPhotos:
    """A photo with or within 15 minutes of /terima shows that delivery, like updates."""

    def photo_of_receipt(self, engine: Engine) -> str | None:
        with Session(engine) as s:
            return s.exec(select(CommitmentReceipt)).one().photo_file_id

    def test_photo_sent_with_terima_is_kept_on_the_receipt(
        self, chat: Chat, engine: Engine
    ) -> None:
        chat.send("ani", ASK_ID)
        said = chat.send("budi", "/terima 1 150", photo_file_id="truck-arrived")
        assert "Tercatat diterima untuk komitmen 1: 150 paket. 📷 Foto dilampirkan." in said
        assert self.photo_of_receipt(engine) == "truck-arrived"
        assert "diterima 150 paket, dicatat Budi Santoso (@budi) 📷 ada foto" in chat.send(
            "ani", "/komitmen 1"
        )

    def test_photo_alone_goes_to_the_newest_of_update_and_receipt(
        self, chat: Chat, engine: Engine
    ) -> None:
        chat.send("ani", ASK_ID)
        chat.send("budi", "/lapor #pkh 45 paket sembako disalurkan")
        chat.clock.advance(timedelta(minutes=1))
        chat.send("budi", "/terima 1 150")
        chat.clock.advance(timedelta(minutes=14))
        said = chat.send("budi", "", photo_file_id="boxes")
        assert "Foto dilampirkan ke penerimaan komitmen 1 (150 paket)" in said
        assert self.photo_of_receipt(engine) == "boxes"
        chat.send("budi", "/lapor #pkh 30 paket lagi")
        said = chat.send("budi", "", photo_file_id="second")
        assert "Foto dilampirkan ke penerimaan" not in said
        assert self.photo_of_receipt(engine) == "boxes"

    def test_photo_after_fifteen_minutes_is_not_attached(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", ASK_ID)
        chat.send("harjo", "/terima 1 150")
        chat.clock.advance(timedelta(minutes=16))
        said = chat.send("harjo", "", photo_file_id="late")
        assert "Foto dilampirkan" not in said
        assert self.photo_of_receipt(engine) is None


class TestListing:
    """/komitmen lists what remains of each, reading all receipts in one query."""

    def test_received_totals_are_read_in_one_query(self, chat: Chat, engine: Engine) -> None:
        for day in ("10 Des", "11 Des", "12 Des"):
            chat.send("ani", f"/komitmen @dinsos 200 paket sembako sebelum {day} #pkh")
        for number in (1, 2, 3):
            chat.send("budi", f"/terima {number} {number * 10}")
        statements: list[str] = []

        def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", seen)
        try:
            listing = chat.send("ani", "/komitmen").text
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert "Diterima: 30 dari 200 paket (sisa 170 paket)" in listing
        assert sum("FROM commitmentreceipt" in s for s in statements) == 1
