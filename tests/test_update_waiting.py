"""A plain-text update waiting for its program is filed or spoken of, never dropped silently."""

from __future__ import annotations

from datetime import timedelta

from core.db import unit_of_work
from core.people.directory import join_program, person_by_handle, program_by_code
from tests.chat import Chat


def _ask_which(chat: Chat, handle: str = "yohana", text: str = "30 balita ditimbang") -> None:
    assert chat.send(handle, text).commands == ["#gizi", "#pkh"]


class TestAnsweringWhichProgram:
    """The answer to "which program?" may be typed the way a person says it."""

    def test_code_without_hash_files_the_update(self, chat: Chat) -> None:
        """ "gizi" files the waiting update under #gizi."""
        _ask_which(chat)
        said = chat.send("yohana", "gizi")
        assert "Laporan dicatat untuk #gizi" in said
        assert "• 30 balita" in said

    def test_program_name_files_the_update(self, chat: Chat) -> None:
        """The program's name, in any case, files it too."""
        _ask_which(chat)
        assert "Laporan dicatat untuk #gizi" in chat.send("yohana", "gizi balita ntt")

    def test_filler_words_around_the_code_are_fine(self, chat: Chat) -> None:
        """ "untuk PKH" names #pkh."""
        _ask_which(chat)
        assert "Laporan dicatat untuk #pkh" in chat.send("yohana", "untuk PKH")

    def test_the_button_still_works(self, chat: Chat) -> None:
        """Pressing the program's button files the update as before."""
        _ask_which(chat)
        assert "Laporan dicatat untuk #pkh" in chat.send("yohana", "#pkh", button=True)


class TestSomethingElseWhileWaiting:
    """Whatever comes next, the waiting update is kept and the person is told."""

    def test_more_plain_text_is_added_to_the_waiting_update(self, chat: Chat) -> None:
        """A second plain message joins the first; one answer files both."""
        _ask_which(chat)
        said = chat.send("yohana", "sisa 12 paket")
        assert "Laporan Anda sebelumnya masih menunggu programnya" in said
        assert said.commands == ["#gizi", "#pkh"]
        said = chat.send("yohana", "#gizi", button=True)
        assert "• 30 balita" in said
        assert "• 12 paket" in said

    def test_a_command_is_answered_and_the_update_still_waits(self, chat: Chat) -> None:
        """ "/tugasku" gets its answer, then a reminder with the program buttons."""
        _ask_which(chat)
        said = chat.send("yohana", "/tugasku")
        assert "Laporan Anda tadi masih menunggu programnya" in said
        assert said.commands[-2:] == ["#gizi", "#pkh"]
        assert "Laporan dicatat untuk #gizi" in chat.send("yohana", "gizi")

    def test_an_update_naming_its_program_is_filed_and_the_other_still_waits(
        self, chat: Chat
    ) -> None:
        """ "#pkh 4 KK baru" is filed under #pkh; the earlier update still waits."""
        _ask_which(chat)
        said = chat.send("yohana", "#pkh 4 KK baru")
        assert "Laporan dicatat untuk #pkh" in said
        assert "• 4 KK" in said
        assert "• 30 balita" not in said
        assert "masih menunggu programnya" in said
        assert "• 30 balita" in chat.send("yohana", "gizi")

    def test_the_reminder_stops_once_the_update_is_filed(self, chat: Chat) -> None:
        """Nothing waiting, nothing to remind."""
        _ask_which(chat)
        chat.send("yohana", "gizi")
        assert "menunggu" not in chat.send("yohana", "/tugasku")


class TestNothingWaiting:
    """A program name with no update waiting says so instead of being stored as an update."""

    def test_code_with_nothing_waiting(self, chat: Chat) -> None:
        """ "#gizi" alone is not an update."""
        said = chat.send("yohana", "#gizi")
        assert "Tidak ada laporan yang menunggu program" in said

    def test_stale_update_is_reported_when_dropped(self, chat: Chat) -> None:
        """An update left more than a day is not filed late, but its author hears of it."""
        _ask_which(chat)
        chat.clock.advance(timedelta(days=2))
        said = chat.send("yohana", "gizi")
        assert 'Laporan Anda "30 balita ditimbang" menunggu programnya lebih dari sehari' in said
        assert "Laporan dicatat" not in said
        assert "Tidak ada laporan yang menunggu" in chat.send("yohana", "gizi")

    def test_stale_update_is_reported_beside_a_new_one(self, chat: Chat) -> None:
        """A new plain message is handled and the dropped one named."""
        _ask_which(chat)
        chat.clock.advance(timedelta(days=2))
        said = chat.send("yohana", "12 KK terdata")
        assert "Laporan ini untuk program yang mana?" in said
        assert "lebih dari sehari" in said


class TestInEnglish:
    """The same in English."""

    def test_english_worker_answers_with_a_name(self, chat: Chat) -> None:
        """An English field worker on two programs answers "pkh" and is told about waiting."""
        with unit_of_work(chat.engine) as session:
            kevin = person_by_handle(session, "kevin")
            assert kevin is not None
            join_program(session, program_by_code(session, "pkh"), kevin)
        assert "Which program is this update for?" in chat.send("kevin", "20 parcels delivered")
        said = chat.send("kevin", "and 3 families not at home")
        assert "Your earlier update is still waiting for its program" in said
        said = chat.send("kevin", "pkh")
        assert "• 20 parcels" in said
        assert "• 3 families" in said


class TestRepliesNameTheReading:
    """The reply shows the figures as stored and names every guess."""

    def test_bare_amount_is_money_and_the_reply_says_so(self, chat: Chat) -> None:
        """/lapor #pkh 2.500.000 stores Rp2.500.000 and says it read money."""
        said = chat.send("budi", "/lapor #pkh 2.500.000")
        assert "• Rp2.500.000" in said
        assert '"2.500.000" saya baca sebagai uang (Rp2.500.000)' in said

    def test_money_forms_are_shown_alike(self, chat: Chat) -> None:
        """ "Rp 2,5 jt" and "500rb" are both rupiah, shown the same way."""
        said = chat.send("budi", "/lapor #pkh Rp 2,5 jt untuk transport dan 500rb konsumsi")
        assert "• Rp2.500.000\n• Rp500.000" in said
        assert "ℹ️" not in said

    def test_label_before_and_unit_nouns(self, chat: Chat) -> None:
        """ "sisa 12" is kept, and "tidak" is not part of a unit."""
        said = chat.send(
            "budi", "/lapor #pkh sudah salurkan 45 paket sembako di Desa Sukamaju, sisa 12"
        )
        assert "• 45 paket sembako\n• 12 sisa" in said
        said = chat.send("budi", "/lapor #pkh 45 paket sembako disalurkan, 3 KPM tidak di rumah")
        assert "• 45 paket sembako\n• 3 KPM" in said

    def test_number_without_unit_is_named(self, chat: Chat) -> None:
        """An English reader is told a bare number was kept without a unit."""
        said = chat.send("kevin", "/report #gizi 45")
        assert "• 45" in said
        assert '"45" has no unit' in said

    def test_decimal_reading_is_named(self, chat: Chat) -> None:
        """ "2.500 parcels" in English is 2.5 parcels, and the reply says how to write 2,500."""
        said = chat.send("kevin", "/report #gizi 2.500 parcels delivered")
        assert "• 2.5 parcels" in said
        assert 'I read "2.500" as 2.5' in said
        assert 'for example "2,500"' in said


class TestMediaWithAWaitingUpdate:
    """Only the text can wait; the person is told to send the photo again."""

    def test_photo_with_caption_on_two_programs_says_the_photo_is_not_kept(
        self, chat: Chat
    ) -> None:
        """The caption waits for its program; the reply says to send the photo again."""
        said = chat.send("yohana", "30 balita ditimbang", photo_file_id="AgAD-photo-9")
        assert "Fotonya belum tersimpan" in said
        chat.send("yohana", "#gizi", button=True)
        said = chat.send("yohana", "", photo_file_id="AgAD-photo-9")
        assert "Foto ditambahkan ke laporan terakhir Anda untuk #gizi" in said

    def test_photo_with_the_program_name_files_both(self, chat: Chat) -> None:
        """Answering "gizi" with a photo files the waiting update with that photo."""
        _ask_which(chat)
        said = chat.send("yohana", "gizi", photo_file_id="AgAD-photo-9")
        assert "Laporan dicatat untuk #gizi (Gizi balita NTT) dengan foto." in said
