"""The console adapter renders replies as plain terminal text."""

from __future__ import annotations

from adapters.console import render
from core.messages import Button, Reply


class TestRender:
    """Markup and buttons on a terminal."""

    def test_bold_is_plain_without_a_terminal(self) -> None:
        assert render(Reply("**Tugas 1:** Kirim data")) == "Tugas 1: Kirim data"

    def test_bold_is_styled_on_a_terminal(self) -> None:
        assert render(Reply("**A** b"), styled=True) == "\033[1mA\033[0m b"

    def test_buttons_show_the_command_to_type(self) -> None:
        reply = Reply("x", ((Button("✅ Selesai", "done 1"), Button("✖️ Batalkan", "cancel 1")),))
        assert render(reply) == "x\n[✅ Selesai → done 1]  [✖️ Batalkan → cancel 1]"
