"""The SQL statements one message costs on the path the platform adapters take (receive,
process, each reply's delivery recorded): unlike times, counts do not depend on how busy the
machine is, so a statement added to a command shows here (issue 16; bench/inbound_bench.py
measures the time)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event

from core import demo
from core.app import Gotong
from core.clock import FakeClock
from core.db import unit_of_work
from core.delivery.claims import OutboxDelivery
from core.messages import Incoming
from core.people.accounts import link_identity
from core.people.directory import person_by_handle

# (who, message, at most this many statements). Lower a number when a change saves one.
# Before issue 16's cuts: /tugas 22, /rapat 37 (31 on PostgreSQL), /lapor 19, /ingatkan 13, /tugasku 13,
# /terlambat 17, /agenda 13, /program 26, halo 14.
BUDGET = [
    ("ani", "/tugas Kirim data penerima @budi besok 17:00 #pkh", 20),
    # 29 on PostgreSQL, which inserts the six reminders in one statement; SQLite one by one.
    ("ani", "/rapat Koordinasi mitra senin 10:00 2j di Kantor Desa @budi @dinsos-demak #pkh", 35),
    ("budi", "/lapor #sembako 45 paket sembako disalurkan di Desa Sukamaju", 17),
    ("budi", "/ingatkan besok jam 3 sore telepon kepala desa", 11),
    ("budi", "/tugasku", 11),
    ("ani", "/terlambat", 16),  # the manager's programs read as ids first (PostgreSQL's plan)
    ("ani", "/agenda", 11),
    ("ani", "/program #pkh", 24),
    ("budi", "halo", 12),
]


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    """The statements run on `engine` meanwhile, as sent to the database."""
    seen: list[str] = []

    def note(*args: Any) -> None:
        if args[2] != "BEGIN IMMEDIATE":  # SQLite's write lock at the start (core.db)
            seen.append(args[2])

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.fixture
def workspace(engine: Engine, clock: FakeClock) -> tuple[Gotong, OutboxDelivery]:
    with unit_of_work(engine) as session:
        demo.load(session, now=clock.now())
        for handle in ("ani", "budi"):
            person = person_by_handle(session, handle)
            assert person is not None
            link_identity(session, person=person, platform="bench", external_id=handle)
    return Gotong(engine, clock), OutboxDelivery(engine, clock)


def adapter_path(gotong: Gotong, outbox: OutboxDelivery, who: str, text: str, n: str) -> int:
    """Receive, process and record each reply sent; how many replies there were."""
    incoming = Incoming("bench", who, who, text, n)
    gotong.receive(incoming)
    replies = gotong.process("bench", incoming.event_id)
    for reply in replies:
        assert reply.outbox_id is not None
        outbox.sent(reply.outbox_id, "")
    return len(replies)


class TestStatementsPerMessage:
    @pytest.mark.parametrize(("who", "text", "budget"), BUDGET, ids=[t for _, t, _ in BUDGET])
    def test_a_message_runs_no_more_statements_than_its_budget(
        self,
        workspace: tuple[Gotong, OutboxDelivery],
        engine: Engine,
        who: str,
        text: str,
        budget: int,
    ) -> None:
        """Each command, after a first one warmed the caches, stays within its statements."""
        gotong, outbox = workspace
        assert adapter_path(gotong, outbox, who, text, "warm") >= 1
        with counted(engine) as seen:
            assert adapter_path(gotong, outbox, who, text, "counted") >= 1
        assert len(seen) <= budget, "\n".join(seen)
