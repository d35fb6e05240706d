"""Telegram updates become core Incoming messages, and group chatter becomes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from adapters.telegram.translate import incoming_from_update
from core.messages import Incoming
from tests.fakes.telegram_server import FakeTelegram

USER = 4201
GROUP = -100555
BOT = "GotongTestBot"


@pytest.fixture
def tg() -> FakeTelegram:
    # Never started: only its update builders are used.
    return FakeTelegram(bot_username=BOT)


def translate(tg: FakeTelegram, raw: dict[str, Any]) -> Incoming | None:
    update = Update.de_json(raw, None)
    return incoming_from_update(update, bot_username=BOT, bot_id=tg.bot_id)


class TestPrivateChats:
    def test_text_message(self, tg: FakeTelegram) -> None:
        """Text, sender, chat, language and the update_id as the event id."""
        raw = tg.push_message(
            USER, "/tugasku", username="budi_s", first_name="Budi", language_code="en"
        )

        incoming = translate(tg, raw)

        assert incoming == Incoming(
            platform="telegram",
            external_user_id=str(USER),
            chat_id=str(USER),
            text="/tugasku",
            event_id=str(raw["update_id"]),
            private=True,
            display_name="Budi",
            username="budi_s",
            language_hint="en",
        )

    def test_photo_caption_is_the_text_and_largest_size_is_kept(self, tg: FakeTelegram) -> None:
        """A photo's caption is parsed like text; the largest size's file_id is attached."""
        raw = tg.push_photo(USER, caption="45 paket disalurkan")

        incoming = translate(tg, raw)

        assert incoming is not None
        assert incoming.text == "45 paket disalurkan"
        assert incoming.photo_file_id == raw["message"]["photo"][-1]["file_id"]

    def test_location_alone(self, tg: FakeTelegram) -> None:
        """A shared location arrives with empty text and its coordinates."""
        incoming = translate(tg, tg.push_location(USER, -6.89, 110.63))

        assert incoming is not None
        assert (incoming.text, incoming.latitude, incoming.longitude) == ("", -6.89, 110.63)

    def test_document_caption_is_the_text(self, tg: FakeTelegram) -> None:
        """A document is not kept, but its caption is read like a message."""
        raw = tg.push_message(USER, caption="laporan minggu ini")
        raw["message"]["document"] = {"file_id": "doc-1", "file_unique_id": "u-doc-1"}

        incoming = translate(tg, raw)

        assert incoming is not None and incoming.text == "laporan minggu ini"

    def test_button_press_is_the_command(self, tg: FakeTelegram) -> None:
        """The callback data is the command, marked as a button press."""
        incoming = translate(tg, tg.push_callback(USER, "done 12", message_id=7))

        assert incoming is not None
        assert (incoming.text, incoming.button, incoming.private) == ("done 12", True, True)
        assert incoming.chat_id == str(USER)

    def test_edited_messages_are_ignored(self, tg: FakeTelegram) -> None:
        """An edit would log the same update twice."""
        raw = tg.push_message(USER, "45 paket")
        edited = {"update_id": raw["update_id"] + 1, "edited_message": raw["message"]}

        assert translate(tg, edited) is None


class TestGroups:
    def group_message(self, tg: FakeTelegram, text: str, **kwargs: Any) -> Incoming | None:
        raw = tg.push_message(USER, text, chat_id=GROUP, chat_type="supergroup", **kwargs)
        return translate(tg, raw)

    @pytest.mark.parametrize(
        "text",
        [
            "/lapor #pkh 20 paket",
            f"/lapor@{BOT} #pkh 20 paket",
            f"/lapor@{BOT.lower()} #pkh 20 paket",
        ],
    )
    def test_commands_for_this_bot_pass_as_typed(self, tg: FakeTelegram, text: str) -> None:
        """The core strips @BotName from the command itself."""
        incoming = self.group_message(tg, text)

        assert incoming is not None
        assert (incoming.text, incoming.private, incoming.chat_id) == (text, False, str(GROUP))

    @pytest.mark.parametrize(
        "text",
        ["siapa yang bawa beras besok?", "/start@OtherBot", "halo @GotongTestBotX", ""],
    )
    def test_chatter_and_other_bots_are_ignored(self, tg: FakeTelegram, text: str) -> None:
        """Messages between people, or for another bot, are none of Gotong's business."""
        assert self.group_message(tg, text) is None

    def test_a_mention_addresses_the_bot_and_is_removed(self, tg: FakeTelegram) -> None:
        """ "@GotongTestBot tugasku" reaches the core as "tugasku"."""
        incoming = self.group_message(tg, f"@{BOT} tugasku")

        assert incoming is not None and incoming.text == "tugasku"

    def test_a_reply_to_the_bot_addresses_it(self, tg: FakeTelegram) -> None:
        """Answering one of the bot's messages in a group is talking to the bot."""
        raw = tg.push_message(USER, "selesai 3", chat_id=GROUP, chat_type="supergroup")
        raw["message"]["reply_to_message"] = {
            "message_id": 1,
            "date": 0,
            "chat": raw["message"]["chat"],
            "from": tg.bot_sender,
            "text": "Tugas 3",
        }

        incoming = translate(tg, raw)

        assert incoming is not None and incoming.text == "selesai 3"

    def test_a_button_in_a_group_is_not_private(self, tg: FakeTelegram) -> None:
        """A press in a group keeps the group as the chat and the presser as the sender."""
        tg.push_message(USER, "/tugas", chat_id=GROUP, chat_type="group")
        incoming = translate(tg, tg.push_callback(USER, "rsvp 1 yes", 1, chat_id=GROUP))

        assert incoming is not None
        assert (incoming.chat_id, incoming.external_user_id) == (str(GROUP), str(USER))
        assert incoming.private is False
