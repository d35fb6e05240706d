"""What a command handler works with: the session, the clock, the sender and their replies."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from core.delivery.claims import Route, route
from core.delivery.queue import queue
from core.delivery.reach import Reach
from core.language.i18n import Catalog
from core.messages import Attachment, Button, Incoming, Reply
from core.models import Person, Program

# (label key, command) pairs; each label macro gets the command, rendered for the reader.
ButtonSpec = tuple[tuple[str, str], ...]
# Makes the file that goes with a notice for one reader (in their zone and language).
Attach = Callable[[Person], Attachment]


@dataclass
class Context:
    """One incoming message being handled inside its transaction."""

    session: Session
    catalog: Catalog
    now: datetime
    person: Person
    incoming: Incoming
    # The program whose group chat this message came from, if any.
    group_program: Program | None = None
    # Replies that concern only the sender go to them privately when sent in a group.
    personal: bool = False
    replies: list[Reply] = field(default_factory=list)
    # Messages queued for other people while handling it (for its log line).
    queued: int = 0

    def text(self, key: str, reader: Person | None = None, **params: Any) -> str:
        """Message `key` rendered for `reader` (the sender by default)."""
        who = reader or self.person
        return self.catalog.render(key, lang=who.language, tz=who.timezone, now=self.now, **params)

    def buttons(self, rows: tuple[ButtonSpec, ...], reader: Person | None = None) -> tuple:
        """Rows of buttons with labels in the reader's language."""
        return tuple(
            tuple(
                Button(self.text(label, reader, command=command), command) for label, command in row
            )
            for row in rows
        )

    def say(
        self,
        key: str,
        *,
        buttons: tuple[ButtonSpec, ...] = (),
        reach: Reach | None = None,
        **params: Any,
    ) -> None:
        """Reply to the sender; with `reach`, the reply also says who was told and who not."""
        text = self.text(key, **params)
        if reach is not None:
            told = self.text("common.reach", r=reach).strip("\n")
            text = f"{text.rstrip()}\n{told}" if told else text
        self.replies.append(Reply(text, self.buttons(buttons), private=self.personal))

    def tell(
        self,
        people: Iterable[Person],
        key: str,
        *,
        dedupe_key: str,
        reach: Reach | None = None,
        buttons: tuple[ButtonSpec, ...] = (),
        attach: Attach | None = None,
        **params: Any,
    ) -> Reach:
        """Notify each person (the sender excepted) and count who that reached, into `reach`."""
        reach = reach if reach is not None else Reach()
        for person in people:
            if person.id == self.person.id:
                continue
            way = self.notify(
                person,
                key,
                dedupe_key=f"{dedupe_key}:{person.id}",
                buttons=buttons,
                attach=attach,
                **params,
            )
            assert way is not None
            reach.note(person, way)
        return reach

    def notify(
        self,
        reader: Person,
        key: str,
        *,
        dedupe_key: str,
        buttons: tuple[ButtonSpec, ...] = (),
        delay: timedelta = timedelta(0),
        attach: Attach | None = None,
        **params: Any,
    ) -> Route | None:
        """Queue a message to someone else in the outbox, in their language, in this transaction.

        The outbox key is the incoming event's plus `dedupe_key`: an event is handled once, so
        the key is unique by construction, however often a task goes back to an old moment.
        `attach` makes the file that goes with it (a meeting's calendar file), for this reader.
        """
        if reader.id == self.person.id:
            return None
        assert reader.id is not None
        event = self.incoming.origin
        way = route(self.session, reader)
        queue(
            self.session,
            person_id=reader.id,
            platform=way.platform,
            blocked=way.blocked,
            dedupe_key=f"{event}:{dedupe_key}",
            text=self.text(key, reader, **params),
            buttons=self.buttons(buttons, reader),
            due_at=self.now + delay,
            now=self.now,
            cause=event,
            attachment=attach(reader) if attach is not None else None,
        )
        self.queued += 1
        return way
