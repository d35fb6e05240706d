"""Cost of one whole incoming message: parsing alone, the full handle() with its transaction,
and the path a platform adapter takes (receive: stored in the inbox; process: handled, replies
kept in the outbox; sent: each reply's delivery recorded). Then the SQL statements each message
runs through handle(): unlike the times, they do not depend on how busy the machine is.

Run: python bench/handle_bench.py [messages]   (SQLite file in a temporary directory)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event

from bot.database import upgrade
from core import demo
from core.app import Gotong
from core.clock import FakeClock
from core.db import make_engine, unit_of_work
from core.delivery.claims import OutboxDelivery
from core.language.grammar import extract_mentions, parse_command
from core.language.moments import find_moment
from core.messages import Incoming
from core.people.accounts import link_identity
from core.people.directory import person_by_handle

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
MESSAGES = [
    ("ani", "/tugas Kirim data penerima @budi besok 17:00 #pkh"),
    ("ani", "/rapat Koordinasi mitra senin 10:00 2j di Kantor Desa @budi @dinsos-demak #pkh"),
    ("budi", "/lapor #sembako 45 paket sembako disalurkan di Desa Sukamaju"),
    ("budi", "/ingatkan besok jam 3 sore telepon kepala desa"),
    ("budi", "/tugasku"),
    ("ani", "/terlambat"),
    ("ani", "/program #pkh"),
]


def figures(label: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{label:<44} mean {statistics.mean(ms):6.3f} ms   p99 {p99:6.3f} ms   n={len(ms)}")


def _demo_workspace(engine: Engine) -> FakeClock:
    """Migrate, load the demo and link @ani and @budi to the bench platform; the clock at NOW."""
    upgrade(engine)
    with unit_of_work(engine) as session:
        demo.load(session, now=NOW)
        for handle in ("ani", "budi"):
            person = person_by_handle(session, handle)
            assert person is not None
            link_identity(session, person=person, platform="bench", external_id=handle)
    return FakeClock(NOW)


def main() -> None:
    rounds = int(sys.argv[1]) // len(MESSAGES) if len(sys.argv) > 1 else 100
    parse: list[float] = []
    for _ in range(rounds):
        for _who, text in MESSAGES:
            start = time.perf_counter()
            command = parse_command(text)
            assert command is not None
            find_moment(extract_mentions(command.args).rest, now=NOW, tz="Asia/Jakarta")
            parse.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        clock = _demo_workspace(engine)
        gotong = Gotong(engine, clock)
        outbox = OutboxDelivery(engine, clock)
        handled: list[float] = []
        stored: list[float] = []
        for n in range(rounds):
            for i, (who, text) in enumerate(MESSAGES):
                incoming = Incoming("bench", who, who, text, f"{n}-{i}")
                start = time.perf_counter()
                gotong.handle(incoming)
                handled.append(time.perf_counter() - start)
                incoming = Incoming("bench", who, who, text, f"s{n}-{i}")
                start = time.perf_counter()
                gotong.receive(incoming)
                for reply in gotong.process("bench", incoming.event_id):
                    assert reply.outbox_id is not None
                    outbox.sent(reply.outbox_id, "")
                stored.append(time.perf_counter() - start)
        statements = _statements(engine, gotong)
    figures("parse (command, mentions, moment)", parse)
    figures("handle() on SQLite (parse+rules+commit)", handled)
    figures("receive+process+sent on SQLite (adapters)", stored)
    for (who, text), count in zip(MESSAGES, statements, strict=True):
        print(f"SQL statements, handle() of {text.split()[0]:<11} by {who:<5} {count:4d}")


def run(scale: str = "small", database: str | None = None) -> list[tuple[str, str, str]]:
    """handle() of the demo workspace's commands: mean time and SQL statements per command."""
    from bench.places import database_at

    rounds = 100 if scale == "national" else 20
    with database_at(database, "handle") as url:
        engine = make_engine(url)
        clock = _demo_workspace(engine)
        gotong = Gotong(engine, clock)
        handled: list[float] = []
        for n in range(rounds):
            for i, (who, text) in enumerate(MESSAGES):
                start = time.perf_counter()
                gotong.handle(Incoming("bench", who, who, text, f"{n}-{i}"))
                handled.append(time.perf_counter() - start)
        counts = _statements(engine, gotong)
        engine.dispose()
    figures = [
        (
            "handle(): mean per message, demo commands",
            f"{statistics.mean(handled) * 1000:.2f} ms",
            "",
        )
    ]
    for (_, text), count in zip(MESSAGES, counts, strict=True):
        figures.append((f"handle(): SQL statements of {text.split()[0]}", str(count), ""))
    return figures


def _statements(engine: Engine, gotong: Gotong) -> list[int]:
    """Statements each message runs through handle(), counted at the cursor."""
    counts: list[int] = []
    for i, (who, text) in enumerate(MESSAGES):
        seen: list[str] = []

        def note(*args: Any, seen: list[str] = seen) -> None:
            seen.append(args[2])

        event.listen(engine, "before_cursor_execute", note)
        try:
            gotong.handle(Incoming("bench", who, who, text, f"count-{i}"))
        finally:
            event.remove(engine, "before_cursor_execute", note)
        counts.append(len(seen))
    return counts


if __name__ == "__main__":
    main()
