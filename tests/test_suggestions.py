"""A mistyped command or @handle is answered with the closest known one and a button to resend."""

from __future__ import annotations

from core.app import Gotong
from core.language.suggest import BUTTON_LIMIT, closest_command, corrected
from tests.chat import Chat


class TestUnknownHandle:
    """An unknown @handle points to people and partners and suggests the nearest handle."""

    def test_near_person_handle_is_suggested_with_a_button(self, chat: Chat) -> None:
        said = chat.send("ani", "/tugas Kirim data @budy besok 17:00")
        assert "Saya tidak mengenal @budy" in said
        assert "Maksud Anda @budi?" in said
        assert said.commands == ["/tugas Kirim data @budi besok 17:00"]

    def test_the_button_resends_the_command_with_the_suggestion(self, chat: Chat) -> None:
        said = chat.send("ani", "/tugas Kirim data @Budy besok 17:00")
        again = chat.send("ani", said.commands[0], button=True)
        assert "Tugas 1 dibuat" in again, again.text

    def test_near_partner_handle_is_suggested(self, chat: Chat) -> None:
        said = chat.send("sarah", "/meeting Review monday 10:00 @dinsoss")
        assert "Did you mean @dinsos?" in said
        assert said.commands == ["/meeting Review monday 10:00 @dinsos"]

    def test_far_handle_points_to_people_and_partners(self, chat: Chat) -> None:
        said = chat.send("sarah", "/task Send data @nobody tomorrow")
        assert "no person or partner organisation has that handle" in said
        assert "/partners" in said
        assert said.commands == []

    def test_long_command_is_suggested_in_text_only(self, chat: Chat) -> None:
        """Telegram's callback data holds 64 bytes; a longer command gets no button."""
        text = "/tugas Kirim data penerima bantuan ke kantor desa @budy besok 17:00"
        assert len(text.encode()) > BUTTON_LIMIT
        said = chat.send("ani", text)
        assert "Maksud Anda @budi?" in said
        assert said.commands == []


class TestUnknownCommand:
    """A mistyped command suggests the closest one in the person's language."""

    def test_indonesian_typo_suggests_the_indonesian_command(self, chat: Chat) -> None:
        said = chat.send("budi", "/tugs")
        assert 'Perintah "/tugs" tidak saya kenal. Maksud Anda /tugas?' in said
        assert said.commands == ["/tugas"]

    def test_english_name_is_suggested_in_the_readers_language(self, chat: Chat) -> None:
        assert closest_command("/mytaks", "id") == "tugasku"
        said = chat.send("kevin", "/mytaks")
        assert "Did you mean /mytasks?" in said
        assert said.commands == ["/mytasks"]

    def test_arguments_are_kept_in_the_button(self, chat: Chat) -> None:
        said = chat.send("budi", "/tugaskuu besok")
        assert said.commands == ["/tugasku besok"]

    def test_group_bot_suffix_is_kept(self, chat: Chat) -> None:
        said = chat.send("budi", "/tugs@GotongBot", private=False)
        assert said.commands == ["/tugas@GotongBot"]

    def test_nothing_near_gets_the_help_pointer(self, chat: Chat) -> None:
        said = chat.send("ani", "/hapussemua")
        assert "Ketik /bantuan" in said
        assert said.commands == []

    def test_pressed_button_never_offers_another(self, chat: Chat, gotong: Gotong) -> None:
        """A button press that still fails is explained, without a chain of buttons."""
        said = chat.send("ani", "/tugs", button=True)
        assert "Maksud Anda /tugas?" in said
        assert said.commands == []


def test_corrected_replaces_the_whole_word_only() -> None:
    """@budy inside @budyono is not the typo."""
    assert corrected("@budyono @budy x", (("@budy", "@budi"),)) == "@budyono @budi x"
    assert corrected("@budyono", (("@budy", "@budi"),)) is None
