"""Core replies as Block Kit: escaped mrkdwn, within Slack's limits, buttons as commands."""

from __future__ import annotations

import pytest

from adapters.slack.render import (
    SECTION_LIMIT,
    SlackMessage,
    escape,
    mrkdwn,
    render,
    task_form,
)
from core.language.i18n import Catalog, language_or_default
from core.language.menu import task_form_labels
from core.messages import Button, Reply
from tests.fakes.slack_blocks import block_errors, view_errors
from tests.fakes.slack_limits import SlackLimits

LIMITS = SlackLimits()


def sections(message: SlackMessage) -> list[str]:
    return [b["text"]["text"] for b in message.blocks if b["type"] == "section"]


def buttons(message: SlackMessage) -> list[dict[str, object]]:
    return [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def assert_valid(messages: list[SlackMessage]) -> None:
    for message in messages:
        assert message.text, "every message has a notification text"
        assert block_errors(message.blocks, LIMITS, max_blocks=LIMITS.blocks_per_message) == []


class TestText:
    def test_only_ampersand_and_angle_brackets_are_escaped(self) -> None:
        """&, < and > become entities; everything else (emoji, quotes) is left alone."""
        assert escape('a & <b> "c" 🙂') == 'a &amp; &lt;b&gt; "c" 🙂'

    def test_double_asterisk_bold_becomes_single(self) -> None:
        """`**Tugas 1 dibuat:**` is Slack's `*Tugas 1 dibuat:*`, its content escaped too."""
        assert mrkdwn("✅ **Tugas 1 <baru>:** Foto\n**A** & **B**") == (
            "✅ *Tugas 1 &lt;baru&gt;:* Foto\n*A* &amp; *B*"
        )

    def test_short_reply_is_one_section_with_the_same_fallback(self) -> None:
        """One message, one section; the notification text is the same mrkdwn."""
        (message,) = render(Reply("**Halo** <Ani>"))

        assert sections(message) == ["*Halo* &lt;Ani&gt;"]
        assert message.text == "*Halo* &lt;Ani&gt;"
        assert_valid([message])

    def test_long_reply_is_split_at_line_ends(self) -> None:
        """Lines are kept whole; every section stays within 3,000 characters."""
        lines = [f"{n:03d} " + "x" * 95 for n in range(100)]  # 10,000 characters

        messages = render(Reply("\n".join(lines)))

        texts = [text for m in messages for text in sections(m)]
        assert all(len(text) <= SECTION_LIMIT for text in texts)
        assert "\n".join(texts).split("\n") == lines
        assert_valid(messages)

    def test_a_line_longer_than_a_section_is_cut_at_spaces(self) -> None:
        """A 7,000-character paragraph is cut between words."""
        words = " ".join(f"kata{n}" for n in range(1200))

        messages = render(Reply(words))

        texts = [text for m in messages for text in sections(m)]
        assert len(texts) >= 3 and all(len(text) <= SECTION_LIMIT for text in texts)
        assert " ".join(texts).split() == words.split()

    def test_escaping_is_counted_and_never_cut_through(self) -> None:
        """Escaped entities count toward the limit and are never split in two."""
        messages = render(Reply("&" * 2000))

        texts = [text for m in messages for text in sections(m)]
        assert all(len(text) <= SECTION_LIMIT and len(text) % 5 == 0 for text in texts)
        assert "".join(texts) == "&amp;" * 2000

    def test_bold_cut_in_two_stays_balanced(self) -> None:
        """A bold run across a cut is closed before and reopened after it."""
        messages = render(Reply("**" + "tebal " * 800 + "**"))

        texts = [text for m in messages for text in sections(m)]
        assert len(texts) >= 2
        assert all(text.startswith("*") and text.endswith("*") for text in texts)

    def test_very_long_reply_becomes_several_messages(self) -> None:
        """More than a message holds: several messages, each valid, buttons on the last."""
        text = "\n".join("baris " + "y" * 2990 for _ in range(25))

        messages = render(Reply(text, ((Button("✅ Selesai", "done 1"),),)))

        assert len(messages) == 3
        assert [len(buttons(m)) for m in messages] == [0, 0, 1]
        assert all(len(m.blocks) <= 50 for m in messages)
        assert all(len(m.text) <= 3000 for m in messages)
        assert_valid(messages)

    def test_blank_reply_sends_nothing(self) -> None:
        """Whitespace only: no message at all (Slack refuses empty sections)."""
        assert render(Reply(" \n\n ")) == []


class TestButtons:
    def test_button_value_is_the_command_and_action_ids_are_unique(self) -> None:
        """Each row is an actions block; values are commands; gotong_0, gotong_1, ... in order."""
        reply = Reply(
            "Pengingat",
            (
                (Button("Tunda 20 menit", "snooze 3 20m"), Button("Tunda 1 jam", "snooze 3 1h")),
                (Button("Besok pagi", "snooze 3 morning"),),
            ),
        )

        (message,) = render(reply)

        assert [b["type"] for b in message.blocks] == ["section", "actions", "actions"]
        assert [(e["action_id"], e["value"]) for e in buttons(message)] == [
            ("gotong_0", "snooze 3 20m"),
            ("gotong_1", "snooze 3 1h"),
            ("gotong_2", "snooze 3 morning"),
        ]
        assert_valid([message])

    def test_long_label_is_clipped_and_wide_row_is_split(self) -> None:
        """Labels fit 75 characters; a row of 30 buttons becomes two actions blocks."""
        row = tuple(Button("L" * 100, f"done {n}") for n in range(30))

        (message,) = render(Reply("Pilih", (row,)))

        assert [len(b.get("elements", [])) for b in message.blocks] == [0, 25, 5]
        assert all(len(e["text"]["text"]) == 75 for e in buttons(message))  # type: ignore[index]
        assert_valid([message])

    def test_buttons_without_text_still_get_a_line(self) -> None:
        """An empty text with buttons shows "…" above them."""
        (message,) = render(Reply("", ((Button("OK", "help"),),)))

        assert sections(message) == ["…"]


class TestTaskForm:
    @pytest.mark.parametrize(
        ("lang", "title"), [("id", "Tugas baru"), ("en", "New task"), ("xx", "Tugas baru")]
    )
    def test_form_is_a_valid_modal_in_the_language(self, lang: str, title: str) -> None:
        """The modal passes Slack's view checks; labels follow the language (Indonesian default)."""
        labels = task_form_labels(Catalog(), language_or_default(lang))
        view = task_form(labels, private_metadata="tugas")

        assert view_errors(view, LIMITS) == []
        assert view["title"]["text"] == title
        assert view["private_metadata"] == "tugas"
        assert [b["optional"] for b in view["blocks"]] == [False, True, True, True]
