"""Core replies as WhatsApp messages: bold, splitting, reply buttons and lists."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.whatsapp.render import (
    BODY_LIMIT,
    BUTTON_TITLE_LIMIT,
    ROW_TITLE_LIMIT,
    TEXT_LIMIT,
    render,
)
from core.language.i18n import Catalog
from core.messages import Button, Reply, escape_markup

TEMPLATES = Path(__file__).parents[1] / "templates"


def done(*numbers: int) -> tuple[tuple[Button, ...], ...]:
    return (tuple(Button(f"✅ Selesai {n}", f"done {n}") for n in numbers),)


class TestText:
    def test_bold_becomes_whatsapp_bold_touching_the_words(self) -> None:
        """**Tugas 12: ** is *Tugas 12:* followed by its space: WhatsApp needs the stars
        against the words."""
        [message] = render(Reply("**Tugas 12: **Kirim data"))
        assert message.text == "*Tugas 12:* Kirim data"

    def test_peoples_asterisks_are_kept_as_typed(self) -> None:
        """Escaped text from a person comes out as they wrote it."""
        [message] = render(Reply(escape_markup("2*3 paket") + " **ok**"))
        assert message.text == "2*3 paket *ok*"

    def test_long_text_is_split_at_line_ends_under_the_limit(self) -> None:
        """Nothing is lost, no piece is over 4,096 characters, and lines stay whole."""
        lines = [f"{n:03d} " + "x" * 95 for n in range(120)]
        messages = render(Reply("\n".join(lines)))
        assert len(messages) == 3
        assert all(len(m.text) <= TEXT_LIMIT for m in messages)
        assert "\n".join(m.text for m in messages).split("\n") == lines

    def test_a_line_longer_than_the_limit_is_cut_at_a_space(self) -> None:
        words = " ".join(["kata"] * 2000)
        messages = render(Reply(words))
        assert all(len(m.text) <= TEXT_LIMIT for m in messages)
        assert " ".join(m.text for m in messages) == words


class TestChoices:
    def test_up_to_three_choices_are_reply_buttons_under_the_last_piece(self) -> None:
        [message] = render(Reply("Tugas Anda", done(1, 2, 3)))
        assert [c.command for c in message.buttons] == ["done 1", "done 2", "done 3"]
        assert message.rows == ()

    def test_four_choices_are_a_list(self) -> None:
        [message] = render(Reply("Tugas Anda", done(1, 2, 3, 4)))
        assert message.buttons == () and len(message.rows) == 4

    def test_a_label_too_long_for_a_button_makes_a_list_row_with_its_description(
        self,
    ) -> None:
        """A button title holds 20 characters, a row's 24: the whole label is kept below."""
        label = "↩️ Kirim: /tugas Kirim data penerima"
        [message] = render(Reply("Maksud Anda?", ((Button(label, "tugas x"),),)))
        [row] = message.rows
        assert len(row.title) <= ROW_TITLE_LIMIT and row.description == label

    def test_more_than_ten_choices_go_in_several_lists(self) -> None:
        messages = render(Reply("Banyak", done(*range(1, 13))))
        assert [len(m.rows) for m in messages] == [10, 2]

    def test_the_text_above_buttons_fits_an_interactive_body(self) -> None:
        """An interactive message's body holds 1,024 characters: earlier lines go first."""
        text = "\n".join(["baris " + "y" * 60] * 40)
        messages = render(Reply(text, done(7)))
        assert len(messages) == 2 and messages[-1].buttons
        assert len(messages[-1].text) <= BODY_LIMIT

    def test_the_same_command_twice_is_one_choice(self) -> None:
        """WhatsApp refuses two buttons with one id."""
        [message] = render(Reply("x", (done(5)[0] + done(5)[0],)))
        assert len(message.buttons) == 1


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_button_label_fits_a_whatsapp_button(lang: str) -> None:
    """The templates' labels are short enough for a reply button (20) in both languages,
    with a five-digit number; those showing what a person named (a #code) may use a list."""
    catalog = Catalog()
    names = re.findall(r"macro (\w+)\(", (TEMPLATES / lang / "button.j2").read_text())
    people_words = {"program", "retry", "budget_line"}
    for name in sorted(set(names) - people_words):
        command = "nudge 12345 @budi" if name == "nudge_n" else "done 12345"
        label = catalog.render(
            f"button.{name}", lang=lang, tz="Asia/Jakarta", now=datetime.now(UTC), command=command
        )
        assert len(label) <= BUTTON_TITLE_LIMIT, (name, label)
