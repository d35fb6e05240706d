"""The console adapter: a person talks to Gotong in a terminal, one line per message."""

from __future__ import annotations

import uuid
from typing import TextIO

from adapters.front_door import FrontDoor
from core.delivery.claims import OutboxDelivery
from core.messages import Incoming, Reply, bold_runs

PLATFORM = "console"


def render(reply: Reply, *, styled: bool = False) -> str:
    """A reply as terminal text; buttons become the commands they stand for."""
    bold = "\033[1m{}\033[0m" if styled else "{}"
    text = "\n".join(
        "".join(bold.format(run) if is_bold else run for run, is_bold in bold_runs(line))
        for line in reply.text.split("\n")
    )
    for row in reply.buttons:
        text += "\n" + "  ".join(f"[{b.label} → {b.command}]" for b in row)
    return text


class ConsoleSession:
    """One person's conversation in a terminal."""

    def __init__(
        self,
        gotong: FrontDoor,
        *,
        outbox: OutboxDelivery,
        who: str,
        out: TextIO,
        styled: bool = False,
    ) -> None:
        self.gotong = gotong
        self.outbox = outbox
        self.who = who
        self.out = out
        self.styled = styled
        # Typing the command of a button shown on screen is pressing that button.
        self.offered: set[str] = set()

    def send(self, text: str) -> list[Reply]:
        """Send one line as a message and print the replies."""
        incoming = Incoming(
            platform=PLATFORM,
            external_user_id=self.who,
            chat_id=self.who,
            text=text,
            event_id=uuid.uuid4().hex,
            button=text.strip().lower() in self.offered,
        )
        replies = self.gotong.handle(incoming)
        for reply in replies:
            self._print(reply)
        return replies

    def deliver(self) -> int:
        """Print the messages others queued for this person; returns how many.

        Claimed with a lease like the platforms' outbox, so a console that dies between
        claiming and printing leaves them to be shown again rather than lost.
        """
        shown = 0
        while deliveries := self.outbox.claim_for_reader(PLATFORM, handle=self.who):
            for delivery in deliveries:
                self._print(Reply(delivery.text, delivery.buttons), prefix="📨 ")
                self.outbox.sent(delivery.id, "")
            shown += len(deliveries)
        return shown

    def _print(self, reply: Reply, prefix: str = "") -> None:
        self.offered |= {b.command.lower() for row in reply.buttons for b in row}
        self.out.write(prefix + render(reply, styled=self.styled) + "\n\n")
        self.out.flush()
