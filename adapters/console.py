"""The console adapter: a person talks to Gotong in a terminal, one line per message."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TextIO

from sqlalchemy import Engine

from core.clock import Clock
from core.db import unit_of_work
from core.delivery.queue import buttons_of, take_due_for
from core.messages import Incoming, Reply, bold_runs
from core.people.directory import person_by_handle

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
        handle: Callable[[Incoming], list[Reply]],
        *,
        engine: Engine,
        clock: Clock,
        who: str,
        out: TextIO,
        styled: bool = False,
    ) -> None:
        self.handle = handle
        self.engine = engine
        self.clock = clock
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
        replies = self.handle(incoming)
        for reply in replies:
            self._print(reply)
        return replies

    def deliver(self) -> int:
        """Print the messages others queued for this person; returns how many."""
        with unit_of_work(self.engine) as session:
            person = person_by_handle(session, self.who)
            if person is None or person.id is None:
                return 0
            rows = take_due_for(
                session, person_id=person.id, platform=PLATFORM, now=self.clock.now()
            )
            replies = [
                Reply(
                    row.text,
                    buttons_of(row),
                )
                for row in rows
            ]
        for reply in replies:
            self._print(reply, prefix="📨 ")
        return len(replies)

    def _print(self, reply: Reply, prefix: str = "") -> None:
        self.offered |= {b.command.lower() for row in reply.buttons for b in row}
        self.out.write(prefix + render(reply, styled=self.styled) + "\n\n")
        self.out.flush()
