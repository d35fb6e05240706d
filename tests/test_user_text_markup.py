"""People's own words are shown as they typed them, never read as the reply's **bold** markup."""

from __future__ import annotations

import pytest

from adapters import console
from adapters.slack.render import mrkdwn
from adapters.telegram.render import render as telegram_render
from core.messages import Reply, bold_runs, escape_markup
from tests.chat import Chat

TYPED = ["**x**", "a ** b ** c", "*satu*", "***", "x**", "**"]


class TestEscaping:
    """Escaped text survives the markup parser unchanged and never turns bold."""

    @pytest.mark.parametrize("typed", TYPED)
    def test_escaped_text_is_one_plain_run(self, typed: str) -> None:
        assert bold_runs(escape_markup(typed)) == [(typed, False)]

    @pytest.mark.parametrize("typed", TYPED)
    def test_escaping_twice_is_escaping_once(self, typed: str) -> None:
        """Macros nest (a person's name inside a task line), so escaping must be idempotent."""
        assert escape_markup(escape_markup(typed)) == escape_markup(typed)

    def test_template_bold_around_user_text_stays_bold(self) -> None:
        line = f"**Task 1:** {escape_markup('**x**')}"
        assert bold_runs(line) == [("Task 1:", True), (" **x**", False)]


class TestThroughTheCore:
    """A title with asterisks comes back literally on every adapter."""

    def reply(self, chat: Chat) -> Reply:
        said = chat.send("ani", "/tugas **penting** data @budi besok 17:00")
        return said.replies[0]

    def test_console_shows_the_asterisks(self, chat: Chat) -> None:
        shown = console.render(self.reply(chat), styled=True)
        assert "\033[1mTugas 1 dibuat:\033[0m" in shown
        assert "\033[1mpenting" not in shown
        assert "**penting** data" in shown  # as typed: no hidden characters to copy along

    def test_telegram_shows_the_asterisks_unbolded(self, chat: Chat) -> None:
        html = telegram_render(self.reply(chat))[0].html
        assert "<b>Tugas 1 dibuat:</b> **penting** data" in html

    def test_slack_shows_the_asterisks_unbolded(self, chat: Chat) -> None:
        text = mrkdwn(self.reply(chat).text)
        assert "*Tugas 1 dibuat:* **penting** data" in text

    def test_notification_and_update_text_are_escaped_too(self, chat: Chat) -> None:
        chat.send("ani", "/tugas **penting** data @budi besok 17:00")
        assert "<b>penting</b>" not in telegram_render(Reply(chat.inbox_raw("budi")[-1]))[0].html
        said = chat.send("budi", "/lapor #pkh **12** paket")
        assert "<b>12</b>" not in telegram_render(said.replies[0])[0].html
