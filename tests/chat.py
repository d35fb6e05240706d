"""A chat driver for tests: talk to the real core as a person and read what came back."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from core.app import Gotong
from core.clock import FakeClock
from core.db import unit_of_work
from core.messages import Incoming, Reply, bold_runs
from core.models import OutboxMessage, OutboxStatus
from core.people import accounts, programs
from core.people.directory import join_program, link_partner, partner_by_handle, person_by_handle


def plain(reply: Reply) -> str:
    return unmarked(reply.text)


def unmarked(text: str) -> str:
    """Reply text as read: no bold marks, people's own asterisks as they typed them."""
    return "\n".join("".join(run for run, _ in bold_runs(line)) for line in text.split("\n"))


@dataclass
class Said:
    """What Gotong answered to one message."""

    replies: list[Reply]

    @property
    def text(self) -> str:
        return "\n".join(plain(r) for r in self.replies)

    @property
    def commands(self) -> list[str]:
        return [b.command for r in self.replies for row in r.buttons for b in row]

    def __contains__(self, fragment: str) -> bool:
        return fragment in self.text

    def __str__(self) -> str:
        return self.text


class Chat:
    """Talks to Gotong as the people of a small fixed workspace."""

    def __init__(self, gotong: Gotong, engine: Engine, clock: FakeClock) -> None:
        self.gotong = gotong
        self.engine = engine
        self.clock = clock
        self._events = itertools.count(1)

    def setup_workspace(self) -> None:
        now = self.clock.now()
        with unit_of_work(self.engine) as s:
            accounts.add_partner(
                s,
                now=now,
                actor=None,
                handle="dinsos",
                name="Dinas Sosial Demak",
                kind="government",
            )
            accounts.add_partner(
                s,
                now=now,
                actor=None,
                handle="unicef",
                name="UNICEF Indonesia",
                kind="international",
            )
            for handle, name, role, lang, tz, partner in [
                ("ani", "Ani Wijaya", "manager", "id", "WIB", None),
                ("sarah", "Sarah Lim", "manager", "en", "WIB", None),
                ("budi", "Budi Santoso", "field", "id", "WIB", None),
                ("yohana", "Yohana Tefa", "field", "id", "WITA", None),
                ("kevin", "Kevin Ong", "field", "en", "WIB", None),
                ("harjo", "Pak Harjo", "partner", "id", "WIB", "dinsos"),
                ("tom", "Tom Becker", "partner", "en", "WIB", "unicef"),
            ]:
                person = accounts.add_person(
                    s,
                    now=now,
                    actor=None,
                    handle=handle,
                    name=name,
                    role=role,
                    language=lang,
                    timezone=tz,
                    partner=partner,
                )
                accounts.link_identity(s, person=person, platform="test", external_id=handle)
            pkh = programs.add_program(
                s,
                now=now,
                actor=None,
                code="pkh",
                name="Program Keluarga Harapan",
                level="national",
                owner="ani",
            )
            gizi = programs.add_program(
                s,
                now=now,
                actor=None,
                code="gizi",
                name="Gizi balita NTT",
                level="province",
                owner="sarah",
            )
            for handle in ("budi", "yohana"):
                person = person_by_handle(s, handle)
                assert person is not None
                join_program(s, pkh, person)
            for handle in ("yohana", "kevin"):
                person = person_by_handle(s, handle)
                assert person is not None
                join_program(s, gizi, person)
            dinsos, unicef = partner_by_handle(s, "dinsos"), partner_by_handle(s, "unicef")
            assert dinsos is not None and unicef is not None
            link_partner(s, pkh, dinsos)
            link_partner(s, gizi, unicef)

    def send(
        self,
        handle: str,
        text: str,
        *,
        button: bool = False,
        private: bool = True,
        platform: str = "test",
        chat_id: str | None = None,
        stored: bool = False,
        **extra: Any,
    ) -> Said:
        """Send a message as `handle`; `stored`: the platform adapters' way (inbox, then handled,
        replies kept in the outbox) instead of handle()."""
        incoming = Incoming(
            platform=platform,
            external_user_id=handle,
            chat_id=chat_id or handle,
            text=text,
            event_id=str(next(self._events)),
            private=private,
            button=button,
            **extra,
        )
        if stored:
            assert self.gotong.receive(incoming)
            return Said(self.gotong.process(incoming.platform, incoming.event_id))
        return Said(self.gotong.handle(incoming))

    def inbox(self, handle: str) -> list[str]:
        """Messages queued for a person in the outbox (not yet delivered), oldest first."""
        return [unmarked(text) for text in self.inbox_raw(handle)]

    def inbox_raw(self, handle: str) -> list[str]:
        """The queued messages' texts with their markup, as adapters receive them."""
        with unit_of_work(self.engine) as s:
            person = person_by_handle(s, handle)
            assert person is not None
            rows = s.exec(
                select(OutboxMessage)
                .where(
                    OutboxMessage.person_id == person.id,
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
                .order_by(OutboxMessage.id)  # type: ignore[arg-type]
            )
            return [row.text for row in rows]
