"""The small workspace the platform end-to-end tests share, linked to one platform's accounts."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import col

from core.clock import FakeClock
from core.db import unit_of_work
from core.delivery.queue import queue
from core.models import OutboxMessage
from core.people import programs
from core.people.accounts import add_partner, add_person, link_identity
from core.people.directory import join_program, link_partner, partner_by_handle, person_by_handle

# Outbox rows that notify a person (replies to a message name the chat they answer in).
NOTIFICATION = col(OutboxMessage.chat_id).is_(None)

PEOPLE = [
    ("ani", "Ani Wijaya", "manager", "id", None),
    ("sarah", "Sarah Lim", "manager", "en", None),
    ("budi", "Budi Santoso", "field", "id", None),
    ("kevin", "Kevin Ong", "field", "en", None),
    ("harjo", "Pak Harjo", "partner", "id", "dinsos"),
    ("tom", "Tom Becker", "partner", "en", "unicef"),
]


def add_workspace(
    engine: Engine,
    clock: FakeClock,
    *,
    platform: str,
    accounts: dict[str, str],
    platform_of: dict[str, str] | None = None,
) -> None:
    """Two managers, two field workers and two partner contacts, each on `platform` (or on
    `platform_of[handle]`) with the account `accounts[handle]`, working on #pkh (with Dinas
    Sosial) and #gizi (with UNICEF)."""
    now = clock.now()
    with unit_of_work(engine) as s:
        add_partner(
            s, now=now, actor=None, handle="dinsos", name="Dinas Sosial Demak", kind="government"
        )
        add_partner(
            s, now=now, actor=None, handle="unicef", name="UNICEF Indonesia", kind="international"
        )
        for handle, name, role, lang, partner in PEOPLE:
            person = add_person(
                s,
                now=now,
                actor=None,
                handle=handle,
                name=name,
                role=role,
                language=lang,
                timezone="WIB",
                partner=partner,
            )
            account = accounts[handle]
            on = (platform_of or {}).get(handle, platform)
            link_identity(s, person=person, platform=on, external_id=account, chat_id=account)
        for code, name, owner, member, partner in [
            ("pkh", "Program Keluarga Harapan", "ani", "budi", "dinsos"),
            ("gizi", "Gizi balita NTT", "sarah", "kevin", "unicef"),
        ]:
            program = programs.add_program(
                s, now=now, actor=None, code=code, name=name, level="province", owner=owner
            )
            found, org = person_by_handle(s, member), partner_by_handle(s, partner)
            assert found is not None and org is not None
            join_program(s, program, found)
            link_partner(s, program, org)


def queue_raw(engine: Engine, clock: FakeClock, *, to: str, platform: str, text: str) -> None:
    """Put a message for `to` straight into the outbox, as no command would (e.g. empty)."""
    with unit_of_work(engine) as s:
        person = person_by_handle(s, to)
        assert person is not None and person.id is not None
        queue(
            s,
            person_id=person.id,
            platform=platform,
            dedupe_key=f"raw:{to}:{clock.now().isoformat()}",
            text=text,
            buttons=(),
            due_at=clock.now(),
            now=clock.now(),
        )
