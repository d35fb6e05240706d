"""The console adapter: replies as plain terminal text, typed buttons, queued messages."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from adapters.console import PLATFORM, ConsoleSession, render
from core.app import Gotong
from core.clock import FakeClock
from core.db import unit_of_work
from core.delivery.claims import LEASE, OutboxDelivery
from core.delivery.queue import queue
from core.language.i18n import Catalog
from core.messages import Button, Incoming, Reply
from core.people.directory import person_by_handle
from tests.chat import Chat


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

            def not_received(self, incoming: Incoming) -> list[Reply]:
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


class TestDeliver:
    """Messages queued for the person at the terminal are claimed like a platform's outbox."""

    def test_a_message_a_dead_console_claimed_is_shown_again_after_the_lease(
        self, chat: Chat, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Claimed but never printed: within the lease it is left alone, then shown once."""
        with unit_of_work(engine) as session:
            person = person_by_handle(session, "budi")
            assert person is not None and person.id is not None
            queue(
                session,
                person_id=person.id,
                platform=None,
                dedupe_key="rapat-1",
                text="Rapat besok",
                buttons=(),
                due_at=clock.now(),
                now=clock.now(),
            )
        outbox = OutboxDelivery(engine, clock)
        assert len(outbox.claim_for_reader(PLATFORM, handle="budi")) == 1  # ...and it died
        out = io.StringIO()
        console = ConsoleSession(gotong, outbox=outbox, who="budi", out=out)

        assert console.deliver() == 0
        clock.advance(LEASE + timedelta(seconds=1))
        assert console.deliver() == 1
        assert console.deliver() == 0
        assert out.getvalue().count("Rapat besok") == 1
