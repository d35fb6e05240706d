"""Out-of-range moments, durations, amounts and stray control characters get a specific answer."""

from __future__ import annotations

import pytest

from core.language.grammar import clean_text
from tests.chat import Chat

APOLOGY = "ada gangguan di sistem"
APOLOGY_EN = "something went wrong on our side"

ID_CASES = [
    ("budi", "/ingatkan 0001-01-01 telepon kades", "terlalu jauh"),
    ("budi", "/ingatkan 9999-12-31 telepon kades", "terlalu jauh"),
    ("ani", "/tugas X @budi 31 Des 9999 23:59", "terlalu jauh"),
    ("ani", "/tugas X @budi 9999 hari lagi", "terlalu jauh"),
    ("ani", "/rapat X besok 10:00 99999999999j", "terlalu panjang"),
    ("budi", "/lapor #pkh 1000000000000000000000000000000 KK", "terlalu besar"),
    ("budi", "/lapor #pkh 12345678901234567 KK", "terlalu besar"),
    ("budi", "/lapor #pkh 1000000000 triliun rupiah", "terlalu besar"),
    ("budi", "/lapor #pkh 12 KK\x00 didata", "Laporan dicatat"),
    ("ani", "/tugas Kirim\x00 data\x07 @budi besok", "Tugas 1 dibuat:** Kirim data"),
]
EN_CASES = [
    ("kevin", "/remind 0001-01-01 call", "too far"),
    ("sarah", "/meeting X tomorrow 10:00 99999999999h", "too long"),
    ("kevin", "/report #gizi 12345678901234567 kits", "too large"),
]


class TestSpecificAnswers:
    """Each of these once crashed; now each says what was wrong, on every database."""

    @pytest.mark.parametrize(("handle", "text", "expected"), ID_CASES + EN_CASES)
    def test_answer_is_specific(self, chat: Chat, handle: str, text: str, expected: str) -> None:
        said = chat.send(handle, text)
        assert APOLOGY not in said and APOLOGY_EN not in said
        assert expected in said.text or expected in said.replies[0].text

    def test_snooze_far_away_is_refused(self, chat: Chat) -> None:
        chat.send("budi", "/ingatkan besok jam 9 telepon kades")
        said = chat.send("budi", "/tunda 1 999999999 hari")
        assert "terlalu panjang" in said

    @pytest.mark.parametrize("payload", ["", " ", "\x00"])
    def test_empty_button_payload_is_not_understood(self, chat: Chat, payload: str) -> None:
        said = chat.send("ani", payload, button=True)
        assert APOLOGY not in said
        assert "tidak mengerti" in said

    def test_control_characters_in_a_new_name_are_dropped(self, chat: Chat) -> None:
        from tests.test_onboarding import invite_code

        code = invite_code(chat, role="field")
        said = chat.send("tg-1", f"/mulai {code}\x00", display_name="Ri\x00na", username="ri\x00na")
        assert "Selamat datang di Gotong, Rina! Anda terdaftar sebagai @rina." in said


class TestCleanText:
    """Control characters go; newlines, tabs and every letter stay."""

    def test_keeps_newlines_and_tabs(self) -> None:
        assert clean_text("a\tb\nc\r\nd") == "a\tb\nc\nd"

    def test_drops_nul_and_other_controls(self) -> None:
        assert clean_text("a\x00b\x07c\x1bd\x7fe\x85f\ud800g") == "abcdefg"

    def test_keeps_unicode_text(self) -> None:
        assert clean_text("Désa 🎉 مرحبا ä") == "Désa 🎉 مرحبا ä"
