"""Wrong input gets a short, specific answer in the person's language and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session, SQLModel

from tests.chat import Chat


def row_counts(engine: Engine) -> dict[str, int]:
    """How many rows every table holds, except the inbox of received messages."""
    with Session(engine) as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
            if table.name != "inbox_event"
        }


ID_CASES = [
    ("ani", "/tugas", "Tulis judul tugasnya. Contoh: /tugas"),
    ("ani", "/tugas @budi besok 17:00", "Tugasnya belum punya judul."),
    ("ani", "/tugas Kirim data @siapa besok", "Saya tidak mengenal @siapa:"),
    ("ani", "/tugas Kirim data @budi besok #tidakada", "Program #tidakada tidak ada."),
    ("ani", "/tugas Kirim data @budi kemarin", "sudah lewat"),
    ("ani", "/tugas Kirim data @budi 31 Februari", 'Tanggal "31 Februari" tidak ada di kalender.'),
    ("ani", "/tugas Kirim data @budi besok jam 25", "tidak bisa saya baca"),
    ("ani", "/tugas " + "x" * 300, "Judulnya terlalu panjang (300 karakter; maksimal 200)."),
    ("ani", "/tugas Kirim data @dinsos besok", "@dinsos adalah organisasi mitra"),
    ("ani", "/tugas Kirim data #pkh #gizi besok", "Satu pesan hanya untuk satu program"),
    ("ani", "x" * 10_000, "Pesan terlalu panjang (10000 karakter; maksimal 4000)."),
    ("ani", "🎉🎉🎉", "Maaf, saya tidak mengerti pesan itu."),
    ("ani", "مرحبا كيف حالك", "Maaf, saya tidak mengerti pesan itu."),
    ("ani", "'; DROP TABLE person; --", "Maaf, saya tidak mengerti pesan itu."),
    ("ani", "/hapussemua", 'Perintah "/hapussemua" tidak saya kenal.'),
    ("budi", "🎉", "Maaf, saya tidak mengerti pesan itu."),
    (
        "budi",
        "/tugas Kirim data @yohana besok",
        "Petugas lapangan hanya bisa membuat tugas untuk dirinya sendiri.",
    ),
    (
        "budi",
        "/rapat Koordinasi senin 10:00",
        "Hanya manajer yang bisa membuat rapat; Anda terdaftar sebagai petugas lapangan.",
    ),
    ("budi", "/tenggat Laporan 30 Des #pkh", "Hanya manajer yang bisa membuat tenggat"),
    ("budi", "/selesai", "Sebutkan nomor tugasnya. Contoh: /selesai 12"),
    ("budi", "/selesai abc", "Sebutkan nomor tugasnya."),
    ("budi", "/selesai 99", "Tugas 99 tidak ditemukan"),
    ("budi", "/hadir 5", "Rapat 5 tidak ditemukan."),
    ("budi", "/lapor #gizi 5 paket", "Anda tidak terdaftar di program #gizi"),
    ("budi", "/lapor #pkh", "Tulis isi laporannya."),
    ("budi", "/ingatkan telepon kepala desa", "Kapan saya harus mengingatkan?"),
    ("budi", "/ingatkan besok jam 9", "Ingatkan tentang apa?"),
    ("budi", "/pengingat batal 7", "Pengingat 7 tidak ditemukan"),
    ("budi", "/atur zona Mars/Olympus", 'Zona waktu "Mars/Olympus" tidak saya kenal.'),
    ("budi", "/atur bahasa fr", 'Bahasa "fr" tidak tersedia'),
    (
        "budi",
        "/atur warna biru",
        "Pengaturan yang bisa diubah: bahasa, zona, jam-tenang, hari-kerja, kanal.",
    ),
    ("budi", "/bantuan terbang", 'Tidak ada perintah "terbang".'),
    ("budi", "/program #gizi", "Anda tidak terdaftar di program #gizi"),
    ("ani", "/rapat Koordinasi @budi", "Kapan rapatnya?"),
    ("ani", "/rapat Koordinasi senin @budi", "Rapat perlu jam mulai"),
    (
        "ani",
        "/rapat Koordinasi senin 10:00 20j @budi",
        "Durasi rapat harus antara 5 menit dan 12 jam",
    ),
    ("ani", "/tenggat Laporan 30 Des", "Tenggat harus untuk sebuah program"),
    ("harjo", "/tugas Kirim data besok", "Akun mitra tidak bisa membuat tugas."),
]

EN_CASES = [
    ("sarah", "/task", "Write the task's title."),
    ("sarah", "/task Send data @nobody tomorrow", "I do not know @nobody:"),
    ("sarah", "/task Send data tomorrow #nope", "There is no program #nope."),
    ("sarah", "/task Send data 30 Feb", 'The date "30 Feb" does not exist.'),
    ("sarah", "/task Send data yesterday", "That moment has already passed"),
    ("sarah", "🙂", "Sorry, I did not understand that."),
    ("sarah", "SELECT * FROM person", "Sorry, I did not understand that."),
    (
        "kevin",
        "/meeting Review monday 10:00",
        "Only managers can create meetings; you are registered as field worker.",
    ),
    ("kevin", "/done 1", "Task 1 is not among your tasks."),
    ("tom", "/task Deliver kits tomorrow", "Partner accounts cannot create tasks."),
    ("tom", "/set language xx", 'The language "xx" is not available'),
]


@pytest.mark.parametrize(("who", "text", "expected"), ID_CASES + EN_CASES)
def test_bad_input_is_explained_and_changes_nothing(
    chat: Chat, engine: Engine, who: str, text: str, expected: str
) -> None:
    """Each refusal names what was wrong and leaves every table as it was."""
    before = row_counts(engine)
    said = chat.send(who, text)
    assert expected in said, said.text
    assert len(said.replies) == 1
    assert "Traceback" not in said.text
    assert row_counts(engine) == before


class TestPermissions:
    """Refusals that depend on who owns what."""

    def test_only_assignee_creator_or_manager_closes_a_task(self, chat: Chat) -> None:
        chat.send("ani", "/tugas Kirim data @budi besok")
        assert "Tugas 1 tidak ditemukan di antara tugas Anda" in chat.send("yohana", "/selesai 1")

    def test_field_worker_cannot_cancel_a_managers_task(self, chat: Chat) -> None:
        chat.send("ani", "/tugas Kirim data @budi besok")
        assert "Hanya pembuat tugas 1 atau manajer" in chat.send("budi", "/batal 1")

    def test_declined_meeting_cannot_be_answered_after_it_started(self, chat: Chat) -> None:
        from datetime import timedelta

        chat.send("ani", "/rapat Koordinasi besok 09:00 @budi")
        chat.clock.advance(timedelta(days=2))
        assert "Rapat 1 sudah dimulai atau lewat" in chat.send("budi", "/hadir 1")

    def test_uninvited_person_is_answered_as_if_there_were_no_such_meeting(
        self, chat: Chat
    ) -> None:
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi")
        assert "Rapat 1 tidak ditemukan." in chat.send("yohana", "/hadir 1")

    def test_manager_not_invited_is_told_so(self, chat: Chat) -> None:
        """A manager sees every meeting, so saying they are not invited reveals nothing."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi")
        assert "You are not invited to meeting 1." in chat.send("sarah", "/attend 1")

    def test_stranger_gets_only_onboarding(self, chat: Chat) -> None:
        from core.messages import Incoming

        [reply] = chat.gotong.handle(
            Incoming(
                platform="test",
                external_user_id="stranger",
                chat_id="s",
                text="/tugasku",
                event_id="x1",
                language_hint="en",
            )
        )
        assert "You are not registered yet" in reply.text

    def test_redelivered_event_is_processed_once(self, chat: Chat, engine: Engine) -> None:
        from core.messages import Incoming

        incoming = Incoming(
            platform="test",
            external_user_id="ani",
            chat_id="ani",
            text="/tugas Kirim data @budi besok",
            event_id="same",
        )
        assert chat.gotong.handle(incoming)
        assert chat.gotong.handle(incoming) == []
        assert len(chat.inbox("budi")) == 1


def test_date_errors_show_the_date_without_its_preposition(chat: Chat) -> None:
    """ "on 31 February" is quoted back as the date itself."""
    said = chat.send("sarah", "/meeting Review on 31 February 10am @budi")
    assert 'The date "31 February 10am" does not exist.' in said
