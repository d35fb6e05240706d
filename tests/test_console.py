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


class TestButtons:
    """On a terminal, typing a shown button's command presses it."""

    def test_typed_button_command_is_a_press(self) -> None:
        import io
        from datetime import UTC, datetime

        from adapters.console import ConsoleSession
        from core.clock import FakeClock
        from core.delivery.claims import OutboxDelivery
        from core.language.i18n import Catalog
        from core.messages import Incoming

        seen: list[Incoming] = []

        class AlwaysOffersDone:
            """A front door that records what it is handed and offers one button."""

            catalog = Catalog()

            def handle(self, incoming: Incoming) -> list[Reply]:
                seen.append(incoming)
                return [Reply("ok", ((Button("✅ Selesai", "done 5"),),))]

            def receive(self, incoming: Incoming) -> bool:
                raise AssertionError("the console hands messages to handle()")

            def process(self, platform: str, event_id: str, *, answering: bool = True) -> list:
                raise AssertionError("the console hands messages to handle()")

            def pending(self, platform: str, limit: int = 100) -> list[str]:
                return []

        console = ConsoleSession(
            AlwaysOffersDone(),
            outbox=OutboxDelivery(
                None,  # type: ignore[arg-type]  # never reached: nothing is delivered here
                FakeClock(datetime(2026, 11, 27, tzinfo=UTC)),
            ),
            who="budi",
            out=io.StringIO(),
        )
        console.send("/tugasku")
        console.send("done 5")
        console.send("done 6")
        assert [i.button for i in seen] == [False, True, False]
