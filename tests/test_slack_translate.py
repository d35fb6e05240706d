"""Slack payloads as core Incoming messages: who, what they typed, and where to answer."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack.translate import (
    Profile,
    from_click,
    from_command,
    from_event,
    from_task_form,
    incoming,
    mentioned_users,
    mentions_in,
    plain_text,
    wants_task_form,
)
from core.language.grammar import with_handles
from tests.fakes.slack_inbound import (
    app_mention_event,
    block_actions_payload,
    event_callback,
    message_im_event,
    slash_command_fields,
    view_submission_payload,
)

BOT = "U0GOTONGBOT"


def dm(text: str, **extra: Any) -> dict[str, Any]:
    event = message_im_event("U0BUDI", text, "D0BUDI", "1700000000.000100") | extra
    return event_callback("Ev0001", event)


class TestText:
    @pytest.mark.parametrize(
        ("slack", "typed"),
        [
            ("tugas Cek <@U0BUDI> besok", "tugas Cek @budi besok"),
            ("tugas Cek <@U0BUDI|budi.s> besok", "tugas Cek @budi besok"),
            ("tugas Cek <@U0GHOST> besok", "tugas Cek @U0GHOST besok"),
            (f"<@{BOT}> tugasku", "tugasku"),
            ("lapor <#C0PKH|pkh> 5 paket", "lapor #pkh 5 paket"),
            ("lihat <https://example.org/a?b=1|example.org/a>", "lihat https://example.org/a?b=1"),
            ("<!here> rapat", "@here rapat"),
            ("Cek &lt;stok&gt; &amp; harga", "Cek <stok> & harga"),
            ("baris 1\nbaris   2", "baris 1\nbaris 2"),
        ],
    )
    def test_slack_markup_reads_as_typed(self, slack: str, typed: str) -> None:
        """Mentions become @handles (unknown ones stay visible), links and entities unwrap."""
        text, mentions = plain_text(slack, BOT), mentions_in(slack, BOT)
        assert with_handles(text, mentions, {"U0BUDI": "budi"}) == typed

    def test_mentions_are_listed_for_the_core_to_name(self) -> None:
        """Each mentioned account (not the bot) with its mention as the text writes it."""
        slack = f"<@{BOT}> tugas Cek <@U0BUDI|budi.s> <@U0GHOST> <@U0BUDI>"

        assert plain_text(slack, BOT) == "tugas Cek @U0BUDI @U0GHOST @U0BUDI"
        assert mentions_in(slack, BOT) == (("U0BUDI", "@U0BUDI"), ("U0GHOST", "@U0GHOST"))

    def test_the_core_names_only_whole_mentions(self) -> None:
        """`@U1` is not the start of `@U12`, and a handle put in is never read as a mention."""
        mentions = (("U1", "@U1"), ("U12", "@U12"), ("U2", "@U2"), ("U3", "@U3"))
        handles = {"U1": "U2", "U12": "dua_belas", "U2": "siti"}

        assert with_handles("@U1 @U12 @U2 @U3", mentions, handles) == "@U2 @dua_belas @siti @U3"

    def test_mentioned_users_in_order_once(self) -> None:
        """Each mentioned account once, in the order written."""
        assert mentioned_users("<@U1> <@U2|dua> <@U1>") == ["U1", "U2"]


class TestEvents:
    def test_dm_is_private_and_named_by_event_id(self) -> None:
        """A message.im: private, chat = the person, event id = Slack's event_id."""
        inbound = from_event(dm("tugasku"), BOT)

        assert inbound is not None
        assert (inbound.via, inbound.private, inbound.chat_id) == ("event", True, "U0BUDI")
        assert (inbound.channel, inbound.event_id) == ("D0BUDI", "ev:Ev0001")

    @pytest.mark.parametrize(
        "extra",
        [
            {"subtype": "message_changed"},
            {"subtype": "bot_message"},
            {"bot_id": "B0OTHER"},
            {"channel_type": "channel"},
            {"user": BOT},
        ],
        ids=["edit", "bot-subtype", "bot", "channel", "self"],
    )
    def test_what_is_not_a_new_dm_is_ignored(self, extra: dict[str, Any]) -> None:
        """Edits, bots, the app itself and channel chatter are not for Gotong."""
        assert from_event(dm("tugasku", **extra), BOT) is None

    def test_a_photo_shared_in_a_dm_is_a_message_with_its_file(self) -> None:
        """A file_share is read, not dropped: its caption as text, the file's id as the photo."""
        event = dm("45 paket sembako", subtype="file_share", files=[{"id": "F0PHOTO"}])
        inbound = from_event(event, BOT)

        assert inbound is not None and inbound.file_id == "F0PHOTO"
        core = incoming(inbound, profile=Profile())
        assert (core.text, core.photo_file_id) == ("45 paket sembako", "F0PHOTO")

    def test_mention_in_a_channel_keeps_its_thread(self) -> None:
        """app_mention: not private, answered in its channel (and thread)."""
        event = app_mention_event("U0BUDI", "tugasku", "C0PKH", "2.0", thread_ts="1.0")
        inbound = from_event(event_callback("Ev0002", event), BOT)

        assert inbound is not None
        assert (inbound.private, inbound.chat_id, inbound.thread_ts) == (False, "C0PKH", "1.0")

    def test_mention_in_a_dm_is_left_to_the_message_event(self) -> None:
        """The DM's message event carries it already: no second handling."""
        event = app_mention_event("U0BUDI", "tugasku", "D0BUDI", "2.0")
        assert from_event(event_callback("Ev0003", event), BOT) is None


class TestCommands:
    def command(self, text: str, channel: str = "D0BUDI") -> dict[str, str]:
        return slash_command_fields(
            text=text,
            user_id="U0BUDI",
            channel_id=channel,
            response_url="https://hooks.example/r/1",
            trigger_id="13.24.abc",
        )

    @pytest.mark.parametrize(
        ("typed", "text"),
        [("tugasku", "/tugasku"), ("/selesai 1", "/selesai 1"), ("", "/help"), ("#pkh", "#pkh")],
    )
    def test_text_after_the_command_is_an_explicit_command(self, typed: str, text: str) -> None:
        """`/gotong selesai 1` is `/selesai 1`, so a field worker's command is not an update."""
        assert from_command(self.command(typed)).text == text

    def test_private_in_a_dm_public_in_a_channel(self) -> None:
        """In a DM the chat is the person; in a channel, the channel. The id is the trigger."""
        in_dm, in_channel = (
            from_command(self.command("x")),
            from_command(self.command("x", "C0PKH")),
        )

        assert (in_dm.private, in_dm.chat_id) == (True, "U0BUDI")
        assert (in_channel.private, in_channel.chat_id) == (False, "C0PKH")
        assert in_dm.event_id == "cmd:13.24.abc"
        assert in_dm.response_url == "https://hooks.example/r/1"

    @pytest.mark.parametrize(
        ("text", "form"),
        [
            ("/tugas", True),
            ("/task", True),
            ("/TUGAS ", True),
            ("/tugas Foto", False),
            ("/tugasku", False),
        ],
    )
    def test_task_command_alone_wants_the_form(self, text: str, form: bool) -> None:
        """Only the bare task command opens the form."""
        assert wants_task_form(text) is form


class TestInteractions:
    def test_click_is_a_button_press_with_the_command(self) -> None:
        """The button's value is the command; the clicked message is remembered."""
        payload = block_actions_payload(
            user_id="U0BUDI",
            action_id="gotong_0",
            value="done 1",
            channel="D0BUDI",
            message_ts="5.0",
            response_url="https://hooks.example/r/2",
            trigger_id="13.24.def",
        )

        inbound = from_click(payload)

        assert inbound is not None
        assert (inbound.text, inbound.button, inbound.private) == ("done 1", True, True)
        assert (inbound.message_ts, inbound.ephemeral, inbound.event_id) == (
            "5.0",
            False,
            "act:13.24.def",
        )

    def test_click_on_someone_elses_element_is_ignored(self) -> None:
        """Only gotong_N actions are Gotong's."""
        payload = block_actions_payload(
            user_id="U0BUDI",
            action_id="other",
            value="x",
            channel="D0BUDI",
            message_ts="5.0",
            response_url="u",
            trigger_id="t",
        )
        assert from_click(payload) is None

    def test_form_becomes_the_one_line_command(self) -> None:
        """Title, picked people as mentions, due phrase and program: the typed command."""
        payload = view_submission_payload(
            user_id="U0ANI",
            callback_id="gotong_task_form",
            private_metadata="task",
            trigger_id="13.24.ghi",
            state_values={
                "what": {"value": {"type": "plain_text_input", "value": " Kirim data "}},
                "who": {"value": {"type": "multi_users_select", "selected_users": ["U1", "U2"]}},
                "due": {"value": {"type": "plain_text_input", "value": "besok 17:00"}},
                "program": {"value": {"type": "plain_text_input", "value": "#pkh"}},
            },
        )

        inbound = from_task_form(payload)

        assert inbound is not None
        assert inbound.text == "/task Kirim data <@U1> <@U2> besok 17:00 #pkh"
        assert (inbound.private, inbound.chat_id, inbound.event_id) == (
            True,
            "U0ANI",
            "form:13.24.ghi",
        )

    def test_form_with_only_a_title(self) -> None:
        """Optional fields left empty add nothing."""
        payload = view_submission_payload(
            user_id="U0ANI",
            callback_id="gotong_task_form",
            state_values={
                "what": {"value": {"type": "plain_text_input", "value": "Foto gudang"}},
                "who": {"value": {"type": "multi_users_select", "selected_users": []}},
                "due": {"value": {"type": "plain_text_input", "value": None}},
            },
        )
        inbound = from_task_form(payload)
        assert inbound is not None and inbound.text == "/tugas Foto gudang"


class TestIncoming:
    def test_profile_and_handles_fill_the_core_message(self) -> None:
        """Names and locale from users.info; Slack mentions resolved; platform "slack"."""
        inbound = from_event(dm("tugas Cek <@U0ANI> besok"), BOT)
        assert inbound is not None

        message = incoming(
            inbound, profile=Profile("Budi Santoso", "Budi", "en-US"), bot_user_id=BOT
        )

        assert (message.platform, message.external_user_id, message.chat_id) == (
            "slack",
            "U0BUDI",
            "U0BUDI",
        )
        assert message.mentions == (("U0ANI", "@U0ANI"),)
        assert with_handles(message.text, message.mentions, {"U0ANI": "ani"}) == (
            "tugas Cek @ani besok"
        )
        assert (message.display_name, message.username, message.language_hint) == (
            "Budi Santoso",
            "Budi",
            "en-US",
        )

    def test_button_command_is_passed_as_is(self) -> None:
        """A button's value is already a command: no markup translation."""
        payload = block_actions_payload(
            user_id="U0BUDI",
            action_id="gotong_1",
            value="rsvp 7 yes",
            channel="C0PKH",
            message_ts="5.0",
            response_url="u",
            trigger_id="t",
        )
        inbound = from_click(payload)
        assert inbound is not None

        message = incoming(inbound, profile=Profile())

        assert (message.text, message.button, message.private, message.chat_id) == (
            "rsvp 7 yes",
            True,
            False,
            "C0PKH",
        )
