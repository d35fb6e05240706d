"""Core replies become Telegram HTML messages that Telegram accepts."""

from __future__ import annotations

from adapters.telegram.render import MESSAGE_LIMIT, render
from core.messages import Button, Reply
from tests.fakes.telegram_html import visible_text


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class TestMarkup:
    def test_bold_becomes_b_and_the_rest_is_escaped(self) -> None:
        """`**x**` is the only markup; <, > and & in text are escaped, quotes left alone."""
        (message,) = render(Reply('**Tugas 1 dibuat:** cek <stok> & "harga"'))

        assert message.html == '<b>Tugas 1 dibuat:</b> cek &lt;stok&gt; &amp; "harga"'
        assert visible_text(message.html) == 'Tugas 1 dibuat: cek <stok> & "harga"'

    def test_markup_inside_bold_is_escaped_too(self) -> None:
        """Text a person typed cannot inject tags, even inside bold."""
        (message,) = render(Reply("**<i>x</i>**"))

        assert message.html == "<b>&lt;i&gt;x&lt;/i&gt;</b>"

    def test_buttons_carry_the_command_as_callback_data(self) -> None:
        """Each button's callback data is its command, row by row."""
        reply = Reply(
            "Rapat 1",
            ((Button("👍 Hadir", "rsvp 1 yes"), Button("👎 Tidak hadir", "rsvp 1 no")),),
        )

        (message,) = render(reply)

        assert message.keyboard is not None
        rows = message.keyboard.inline_keyboard
        assert [[(b.text, b.callback_data) for b in row] for row in rows] == [
            [("👍 Hadir", "rsvp 1 yes"), ("👎 Tidak hadir", "rsvp 1 no")]
        ]

    def test_a_button_over_64_bytes_is_left_out(self) -> None:
        """Telegram would refuse the whole message for one over-long callback."""
        reply = Reply("Pilih", ((Button("x", "x" * 65), Button("ok", "done 1")),))

        (message,) = render(reply)

        assert message.keyboard is not None
        assert [b.callback_data for b in message.keyboard.inline_keyboard[0]] == ["done 1"]

    def test_empty_text_without_buttons_sends_nothing(self) -> None:
        """Telegram refuses empty messages, so there is nothing to send."""
        assert render(Reply("  \n ")) == []


class TestSplitting:
    def test_long_text_splits_at_line_ends_with_buttons_on_the_last(self) -> None:
        """Over 4,096 visible characters: whole lines per message, buttons under the last."""
        lines = [f"**Tugas {n}:** " + "survei harga beras " * 5 for n in range(1, 80)]
        reply = Reply("\n".join(lines), ((Button("✅ Selesai", "done 1"),),))

        messages = render(reply)

        assert len(messages) == 3
        shown = [visible_text(m.html) for m in messages]
        assert all(units(text) <= MESSAGE_LIMIT for text in shown)
        assert "\n".join(shown) == "\n".join(line.replace("**", "") for line in lines)
        assert [m.keyboard is not None for m in messages] == [False, False, True]

    def test_emoji_count_as_two_units(self) -> None:
        """Telegram counts UTF-16 code units, so emoji-heavy text splits earlier."""
        reply = Reply("\n".join(["📌" * 100] * 30))  # 30 lines of 200 units

        messages = render(reply)

        assert [units(visible_text(m.html)) for m in messages] == [20 * 200 + 19, 10 * 200 + 9]

    def test_one_over_long_line_is_cut_at_a_space_keeping_bold(self) -> None:
        """A single line beyond the limit is cut at the last space that fits; bold survives."""
        reply = Reply("**" + "kata " * 1000 + "**")

        messages = render(reply)

        assert len(messages) == 2
        assert all(m.html.startswith("<b>") and m.html.endswith("</b>") for m in messages)
        assert all(units(visible_text(m.html)) <= MESSAGE_LIMIT for m in messages)
        assert " ".join(visible_text(m.html) for m in messages).split() == ["kata"] * 1000
