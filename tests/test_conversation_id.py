"""A working week in Bahasa Indonesia, as a chat log between people and Gotong."""

from __future__ import annotations

from datetime import timedelta

from tests.chat import Chat


class TestTugas:
    """Tasks: created, listed, shown, done per assignee, cancelled."""

    def test_manager_assigns_task_and_assignee_is_notified(self, chat: Chat) -> None:
        said = chat.send("ani", "/tugas Kirim data penerima @budi besok 17:00 #pkh")
        assert "Tugas 1 dibuat: Kirim data penerima" in said
        assert "Untuk: Budi Santoso (@budi)" in said
        assert "Tenggat: Sabtu, 28 November 2026 pukul 17.00 WIB" in said
        assert "Program: #pkh" in said
        assert said.commands == ["cancel 1"]
        [invite] = chat.inbox("budi")
        assert "Tugas baru dari Ani Wijaya: Kirim data penerima" in invite
        assert "/selesai 1" in invite

    def test_my_tasks_lists_overdue_first(self, chat: Chat) -> None:
        chat.send("ani", "/tugas Rekap minggu depan @budi senin depan 10:00 #pkh")
        chat.send("ani", "/tugas Foto gudang @budi hari ini jam 12")
        chat.clock.advance(timedelta(hours=4))
        said = chat.send("budi", "/tugasku")
        assert "Tugas Anda (2):" in said
        lines = said.text.splitlines()
        assert lines[1].startswith("⚠️ Tugas 2: Foto gudang")
        assert lines[2].startswith("Tugas 1: Rekap minggu depan")
        assert said.commands == ["done 2", "done 1"]

    def test_task_with_two_assignees_is_done_when_both_are(self, chat: Chat) -> None:
        chat.send("ani", "/tugas Survei harga beras @budi @yohana lusa jam 9 pagi #pkh")
        said = chat.send("budi", "/selesai 1")
        assert "Bagian Anda dari tugas 1 selesai. Masih menunggu: Yohana Tefa (@yohana)" in said
        assert chat.inbox("ani") == []
        said = chat.send("yohana", "/selesai 1")
        assert "Tugas 1 selesai: Survei harga beras" in said
        assert any("Tugas 1 selesai (Yohana Tefa menutupnya)" in m for m in chat.inbox("ani"))

    def test_show_one_task(self, chat: Chat) -> None:
        chat.send("ani", "/tugas Kirim data @budi besok #pkh")
        said = chat.send("budi", "/tugas 1")
        assert "Tugas 1: Kirim data" in said
        assert "Status: terbuka" in said
        assert "Tenggat: Sabtu, 28 November 2026 pukul 17.00 WIB" in said
        assert "• Budi Santoso (@budi) — terbuka" in said
        assert said.commands == ["done 1"]

    def test_button_press_closes_task(self, chat: Chat) -> None:
        chat.send("ani", "/tugas Kirim data @budi besok")
        said = chat.send("budi", "done 1", button=True)
        assert "Tugas 1 selesai: Kirim data" in said

    def test_creator_cancels_and_assignees_hear(self, chat: Chat) -> None:
        chat.send("ani", "/tugas Kirim data @budi besok")
        assert "Tugas 1 dibatalkan: Kirim data" in chat.send("ani", "/batal 1")
        assert "Ani Wijaya membatalkan tugas 1: Kirim data" in chat.inbox("budi")[-1]
        assert "sudah dibatalkan" in chat.send("budi", "/selesai 1")

    def test_field_worker_creates_own_task(self, chat: Chat) -> None:
        said = chat.send("budi", "/tugas Foto gudang beras besok jam 3 sore")
        assert "Tugas 1 dibuat: Foto gudang beras" in said
        assert "Untuk: Budi Santoso (@budi)" in said
        assert "pukul 15.00 WIB" in said
        assert said.commands == ["done 1"]


class TestRapat:
    """Meetings: invitations to people and partner organisations, and answers."""

    def test_meeting_invites_people_and_partner_contacts(self, chat: Chat) -> None:
        said = chat.send(
            "ani", "/rapat Koordinasi mitra senin 10:00 2j di Kantor Desa @budi @dinsos #pkh"
        )
        assert "Rapat 1 dijadwalkan: Koordinasi mitra" in said
        assert "Waktu: Senin, 30 November 2026 pukul 10.00 WIB (120 menit)" in said
        assert "Tempat: Kantor Desa" in said
        assert "Diberi tahu: Budi Santoso (@budi), Pak Harjo (@harjo)" in said
        [invitation] = chat.inbox("harjo")
        assert "Undangan rapat dari Ani Wijaya: Koordinasi mitra" in invitation
        assert "Mewakili: Dinas Sosial Demak" in invitation

    def test_answers_reach_the_organiser(self, chat: Chat) -> None:
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi @yohana")
        assert "Tercatat: Anda hadir di rapat 1" in chat.send("budi", "/hadir 1")
        assert "Tercatat: Anda tidak hadir di rapat 1" in chat.send(
            "yohana", "rsvp 1 no", button=True
        )
        notices = chat.inbox("ani")
        assert "Budi Santoso hadir di rapat 1" in notices[0]
        assert "Yohana Tefa tidak hadir di rapat 1" in notices[1]
        said = chat.send("ani", "/rapat 1")
        assert "• Budi Santoso (@budi) — hadir" in said
        assert "• Yohana Tefa (@yohana) — tidak hadir" in said

    def test_meeting_with_link_and_default_hour(self, chat: Chat) -> None:
        said = chat.send(
            "ani", "/rapat Evaluasi https://meet.example.org/abc besok jam 14.00 @budi"
        )
        assert "Tautan: https://meet.example.org/abc" in said
        assert "(60 menit)" in said

    def test_cancelled_meeting_tells_attendees(self, chat: Chat) -> None:
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi")
        assert "Rapat 1 dibatalkan" in chat.send("ani", "/batal rapat 1")
        assert "Ani Wijaya membatalkan rapat 1" in chat.inbox("budi")[-1]


class TestTenggatLaporanPengingat:
    """Deadlines, field updates and personal reminders."""

    def test_deadline_for_a_program(self, chat: Chat) -> None:
        said = chat.send("ani", "/tenggat Laporan bulanan ke Dinsos 30 Des #pkh")
        assert "Tenggat 1 dicatat: Laporan bulanan ke Dinsos" in said
        assert "Batas: Rabu, 30 Desember 2026 pukul 17.00 WIB" in said
        assert "✅ Tenggat 1 terpenuhi" in chat.send("ani", "/selesai tenggat 1")

    def test_report_keeps_numbers(self, chat: Chat) -> None:
        said = chat.send("budi", "/lapor #pkh 45 paket sembako disalurkan di Desa Sukamaju")
        assert "Laporan dicatat untuk #pkh" in said
        assert "• 45 paket sembako" in said

    def test_plain_text_from_field_worker_goes_to_their_only_program(self, chat: Chat) -> None:
        said = chat.send("budi", "Sudah 12 KK terdata di RT 03")
        assert "Laporan dicatat untuk #pkh" in said
        assert "• 12 KK" in said

    def test_plain_text_with_two_programs_asks_which(self, chat: Chat) -> None:
        said = chat.send("yohana", "30 balita ditimbang hari ini")
        assert "Laporan ini untuk program yang mana?" in said
        assert said.commands == ["#gizi", "#pkh"]
        said = chat.send("yohana", "#gizi", button=True)
        assert "Laporan dicatat untuk #gizi" in said
        assert "• 30 balita" in said

    def test_reminder_stored_listed_and_cancelled(self, chat: Chat) -> None:
        said = chat.send("budi", "/ingatkan besok jam 9 telepon kepala desa")
        assert "Pengingat 1: telepon kepala desa" in said
        assert "Sabtu, 28 November 2026 pukul 09.00 WIB" in said
        said = chat.send("budi", "/pengingat")
        assert "Pengingat Anda (1):" in said
        assert "telepon kepala desa" in said
        assert said.commands == ["cancel reminder 1"]
        assert "Pengingat 1 dibatalkan" in chat.send("budi", "/pengingat batal 1")
        assert "Tidak ada pengingat" in chat.send("budi", "/pengingat")

    def test_reminder_in_witas_zone(self, chat: Chat) -> None:
        said = chat.send("yohana", "/ingatkan lusa jam 9 pagi rapat posyandu")
        assert "Minggu, 29 November 2026 pukul 09.00 WITA" in said


class TestPertanyaan:
    """Agenda, what is late, program summaries, partners, help, settings."""

    def test_agenda_shows_meetings_and_deadlines(self, chat: Chat) -> None:
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi #pkh")
        chat.send("ani", "/tenggat Laporan mingguan @budi rabu #pkh")
        said = chat.send("budi", "/agenda")
        assert "Agenda 7 hari ke depan:" in said
        assert "Rapat 1: Koordinasi #pkh" in said
        assert "Tenggat 1: Laporan mingguan #pkh" in said

    def test_late_for_field_worker_and_manager(self, chat: Chat) -> None:
        chat.send("ani", "/tugas Kirim data @budi hari ini jam 12 #pkh")
        chat.clock.advance(timedelta(days=1))
        assert "Terlambat — milik Anda:" in chat.send("budi", "/terlambat")
        said = chat.send("ani", "/terlambat")
        assert "Terlambat — program Anda:" in said
        assert "Tugas 1: Kirim data" in said
        assert "(Budi Santoso (@budi))" in said

    def test_program_summary(self, chat: Chat) -> None:
        chat.send("budi", "/lapor #pkh 45 paket sembako disalurkan")
        chat.send("budi", "/lapor #pkh 5 paket sembako disalurkan")
        said = chat.send("ani", "/program #pkh")
        assert "#pkh — Program Keluarga Harapan" in said
        assert "Tingkat: nasional" in said
        assert "Laporan 7 hari terakhir: 2" in said
        assert "• 50 paket sembako" in said
        assert "Mitra: Dinas Sosial Demak" in said

    def test_my_programs(self, chat: Chat) -> None:
        said = chat.send("yohana", "/program")
        assert "#gizi" in said and "#pkh" in said

    def test_partners_list(self, chat: Chat) -> None:
        said = chat.send("ani", "/mitra")
        assert "@dinsos — Dinas Sosial Demak (pemerintah)" in said
        said = chat.send("harjo", "/mitra")
        assert "@dinsos" in said and "@unicef" not in said

    def test_help_lists_commands_and_explains_one(self, chat: Chat) -> None:
        said = chat.send("budi", "/bantuan")
        assert "/tugas — buat tugas" in said
        assert "/bantuan tugas" in said
        said = chat.send("budi", "/bantuan tugas")
        assert "Contoh: /tugas Kirim data penerima @budi besok 17:00 #pkh" in said

    def test_settings_change_language_and_zone(self, chat: Chat) -> None:
        assert "Zona waktu: Asia/Jakarta" in chat.send("budi", "/atur")
        assert "Zona waktu Anda sekarang Asia/Makassar" in chat.send("budi", "/atur zona WITA")
        assert "OK, I will answer in English." in chat.send("budi", "/atur bahasa en")
        assert "No open tasks." in chat.send("budi", "/tugasku")
