"""Inbound speed: messages a second end to end, through the core alone, and the floor.

End to end is Telegram (python-telegram-bot polling the fake Bot API) and Slack (signed events
POSTed to bolt); the floor is a bare insert + commit of the same inbox row; all in one run on
one seeded database.

The machine is shared and noisy, so the ratios taken in one run are the comparable figures
(issue 16: end to end >= 500 messages/s, the core <= 5 x the floor). The fake platforms run in
a child process (the other core), as Telegram and Slack are other machines; their limits are
scaled up 1,000 x so that the platform's pace of replies is not what bounds the figure. The
server CPU per message is the bot process's own (user + system), which the load from other
work hardly changes.

Run: python -m bench.inbound_bench [--scale small|national] [--database URL]
     [--postgres]   (default: SQLite in a temporary file)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import time
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, insert, select

from bench.places import database_at, seeded
from core.app import Gotong
from core.clock import FakeClock, SystemClock
from core.delivery.claims import OutboxDelivery
from core.inbox import payload_of
from core.messages import Incoming
from core.models import Identity, InboxEvent

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=ZoneInfo("UTC"))  # the floor rows' moment
# scale: (seed factor, messages per figure, chats they come from)
SCALES = {"small": (0.01, 600, 60), "national": (1.0, 3_000, 300)}
TARGET_END_TO_END = 500.0  # messages a second
TARGET_CORE_RATIO = 5.0  # the core's time per message as a multiple of the floor's
SECRET = "inbound-bench-signing-secret"
POSTERS = 16  # Slack's concurrent deliveries of events to the app


def conversation(chats: list[tuple[int, str, str]], count: int) -> list[tuple[int, str]]:
    """A working morning: (person id, text) in turns across the chats, managers giving tasks and
    field workers reporting, asking for their tasks and setting reminders."""
    said: list[tuple[int, str]] = []
    turn = 0
    while len(said) < count:
        for person, role, code in chats:
            if role == "manager":
                worker = chats[(turn * 7 + person) % len(chats)][0]
                texts = (
                    f"/tugas Kirim data penerima @p{worker} besok 17:00 #{code}",
                    "/terlambat",
                )
            else:
                texts = (
                    f"/lapor #{code} 45 paket sembako disalurkan di Desa Sukamaju",
                    "/tugasku",
                    "/ingatkan besok jam 3 sore telepon kepala desa",
                    f"/lapor #{code} 12 keluarga menerima bantuan",
                )
            said.append((person, texts[turn % len(texts)]))
            if len(said) == count:
                break
        turn += 1
    return said


def choose_chats(engine: Engine, wanted: int) -> list[tuple[int, str, str]]:
    """(person id, role, a program code of theirs): every tenth a manager, the rest field."""
    from core.models import Person, Program, ProgramMember

    with engine.connect() as connection:
        managers = connection.execute(
            select(Program.owner_id, Program.code).order_by(Program.id).limit(wanted // 10)  # type: ignore[arg-type]
        ).all()
        field = connection.execute(
            select(ProgramMember.person_id, Program.code)  # type: ignore[call-overload]
            .join(Program, Program.id == ProgramMember.program_id)  # type: ignore[arg-type]
            .join(Person, Person.id == ProgramMember.person_id)  # type: ignore[arg-type]
            .where(Person.role == "field")
            .order_by(ProgramMember.person_id)
            .limit(wanted - len(managers))
        ).all()
    return [(p, "manager", c) for p, c in managers] + [(p, "field", c) for p, c in field]


def slack_user(person: int) -> str:
    return f"U{person:08d}"


def link_slack(engine: Engine, people: list[int]) -> None:
    """The chosen people on Slack too (the seed links everyone on Telegram only)."""
    with engine.begin() as connection:
        known = set(
            connection.execute(
                select(Identity.external_id).where(Identity.platform == "slack")  # type: ignore[call-overload]
            ).scalars()
        )
        rows = [
            {"person_id": p, "platform": "slack", "external_id": slack_user(p), "chat_id": ""}
            for p in people
            if slack_user(p) not in known
        ]
        if rows:
            connection.execute(insert(Identity.__table__), rows)  # type: ignore[attr-defined]


# -- the floor and the core ------------------------------------------------------------------


def floor_rate(engine: Engine, said: list[tuple[int, str]], run: str) -> float:
    """A bare INSERT + COMMIT of the inbox row each message is (what receiving must do)."""
    table = InboxEvent.__table__  # type: ignore[attr-defined]
    start = time.perf_counter()
    for n, (person, text) in enumerate(said):
        incoming = Incoming("floor", str(person), str(person), text, f"{run}-{n}")
        with engine.begin() as connection:
            connection.execute(
                insert(table).values(
                    platform="floor",
                    event_id=incoming.event_id,
                    payload=payload_of(incoming),
                    received_at=NOW,
                )
            )
    return len(said) / (time.perf_counter() - start)


def core_rate(
    gotong: Gotong, outbox: OutboxDelivery, said: list[tuple[int, str]], run: str
) -> float:
    """What an adapter asks of the core per message: receive (stored), process (handled, its
    replies kept), and each reply's delivery recorded."""
    start = time.perf_counter()
    for n, (person, text) in enumerate(said):
        incoming = Incoming("telegram", str(person), str(person), text, f"{run}-{n}")
        gotong.receive(incoming)
        for reply in gotong.process("telegram", incoming.event_id):
            assert reply.outbox_id is not None
            outbox.sent(reply.outbox_id, "")
    return len(said) / (time.perf_counter() - start)


# -- the platforms, in a child process ---------------------------------------------------------


def serve(kind: str, users: list[str], conn: Connection, run: int) -> None:
    """The fake platform (run in a child process): serves until told None. `run` makes this
    run's update and event ids new, so a kept database does not take them for redeliveries
    of an earlier run's (which it would skip: an end to end rate of nothing done)."""
    asyncio.run(_serve(kind, users, conn, run))


async def _serve(kind: str, users: list[str], conn: Connection, run: int) -> None:
    from tests.fakes.slack_limits import SlackLimits
    from tests.fakes.slack_server import FakeSlack
    from tests.fakes.telegram_limits import TelegramLimits
    from tests.fakes.telegram_server import FakeTelegram

    loop = asyncio.get_running_loop()
    fake: Any
    if kind == "telegram":
        limits = TelegramLimits(
            per_chat_per_second=1_000, per_chat_burst=1_000, global_per_second=30_000
        )
        fake = FakeTelegram(limits=limits, first_update_id=run * 10_000)
    else:
        fake = FakeSlack(limits=SlackLimits(per_channel_per_second=1_000, per_channel_burst=1_000))
        for user in users:
            fake.add_user(user, user, user)
    async with fake:
        if kind == "telegram":
            conn.send((fake.token, fake.base_url, fake.base_file_url))
        else:
            conn.send((fake.bot_token, fake.api_url))
        while (order := await loop.run_in_executor(None, conn.recv)) is not None:
            if kind == "telegram":
                for user, text in order:
                    fake.push_message(int(user), text)
            else:
                url, said = order
                await _post_events(fake, url, said, run)
            conn.send("pushed")


async def _post_events(fake: Any, url: str, said: list[tuple[str, str]], run: int) -> None:
    """Slack's deliveries of message events, signed, POSTERS at a time."""
    import aiohttp

    from tests.fakes.slack_inbound import signed_request_headers

    bodies = [
        json.dumps(fake.dm_event(user, text, event_id=f"Ev{run}x{n}")).encode()
        for n, (user, text) in enumerate(said)
    ]
    async with aiohttp.ClientSession() as session:

        async def post(share: list[bytes]) -> None:
            for body in share:
                headers = {"Content-Type": "application/json"}
                headers.update(signed_request_headers(body, SECRET))
                async with session.post(url, data=body, headers=headers) as answer:
                    assert answer.status == 200, answer.status

        await asyncio.gather(*(post(bodies[i::POSTERS]) for i in range(POSTERS)))


class Platform:
    """A fake platform in a child process, and a pipe to it."""

    def __init__(self, kind: str, users: list[str]) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        # Ids new in every run (a second apart at least): 10,000 updates a run at most.
        run = int(time.time()) % 100_000
        self.process = context.Process(target=serve, args=(kind, users, child, run), daemon=True)

    async def __aenter__(self) -> tuple[Any, ...]:
        self.process.start()
        return tuple(await self.answer())

    async def __aexit__(self, *exc_info: object) -> None:
        self.conn.send(None)
        self.process.join(10)

    async def answer(self) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, self.conn.recv)


def cpu() -> float:
    return time.process_time()


async def telegram_rate(
    gotong: Gotong, outbox: OutboxDelivery, said: list[tuple[int, str]]
) -> tuple[float, float]:
    """(messages a second, bot CPU ms per message) through the Telegram adapter, polling."""
    from adapters.telegram import TelegramAdapter, TelegramConfig

    platform = Platform("telegram", [])
    async with platform as (token, base_url, file_url):
        config = TelegramConfig(
            token=token,
            api_base_url=base_url,
            file_base_url=file_url,
            private_per_second=1_000.0,
            group_per_minute=20_000,
            overall_per_second=30_000,
        )
        adapter = TelegramAdapter(config, gotong=gotong, outbox=outbox)
        await adapter.start()
        try:
            start, used = time.perf_counter(), cpu()
            platform.conn.send([(str(person), text) for person, text in said])
            await platform.answer()
            while adapter.handled < len(said):
                await asyncio.sleep(0.002)
            took, used = time.perf_counter() - start, cpu() - used
        finally:
            await adapter.stop()
        assert not adapter.errors, list(adapter.errors)
    return len(said) / took, used * 1000 / len(said)


async def slack_rate(
    gotong: Gotong, outbox: OutboxDelivery, said: list[tuple[int, str]]
) -> tuple[float, float]:
    """(messages a second, bot CPU ms per message) through the Slack adapter (bolt, HTTP)."""
    from adapters.slack import SlackAdapter, SlackConfig

    users = sorted({slack_user(person) for person, _ in said})
    platform = Platform("slack", users)
    async with platform as (token, api_url):
        config = SlackConfig(
            bot_token=token,
            signing_secret=SECRET,
            api_base_url=api_url,
            http_listen="127.0.0.1:0",
            channel_per_second=1_000.0,
        )
        adapter = SlackAdapter(config, gotong=gotong, outbox=outbox)
        await adapter.start()
        try:
            start, used = time.perf_counter(), cpu()
            platform.conn.send(
                (adapter.http_url, [(slack_user(person), text) for person, text in said])
            )
            await platform.answer()
            await adapter.idle()
            took, used = time.perf_counter() - start, cpu() - used
        finally:
            await adapter.stop()
        assert not adapter.errors, list(adapter.errors)
    return len(said) / took, used * 1000 / len(said)


# -- one run -----------------------------------------------------------------------------------


def measure(url: str, scale: str) -> list[tuple[str, str, str]]:
    """Every figure on one database, seeded at `scale` when empty: (figure, value, target)."""
    from core.db import make_engine

    factor, count, wanted = SCALES[scale]
    seeded(url, factor)
    engine = make_engine(url)
    try:
        chats = choose_chats(engine, wanted)
        link_slack(engine, [person for person, _, _ in chats])
        said = conversation(chats, count)
        # The real clock, as in production: a moment that moves costs what a fixed one hides
        # (each reply's templates are made for the reader's moment).
        clock = SystemClock()
        gotong = Gotong(engine, clock)
        outbox = OutboxDelivery(engine, clock)
        run = f"{time.time_ns()}"
        core_rate(gotong, outbox, said[:50], f"warm-{run}")  # caches, prepared statements
        since = clock.now()
        floor = floor_rate(engine, said, f"floor-{run}")
        core = core_rate(gotong, outbox, said, f"core-{run}")
        # The same messages with the clock stopped: what remaking templates per moment costs.
        stopped = FakeClock(datetime.now(UTC))
        fixed = core_rate(
            Gotong(engine, stopped), OutboxDelivery(engine, stopped), said, f"fixed-{run}"
        )
        telegram, telegram_cpu = asyncio.run(telegram_rate(gotong, outbox, said))
        slack, slack_cpu = asyncio.run(slack_rate(gotong, outbox, said))
        with engine.connect() as connection:
            handled = connection.execute(
                select(func.count())
                .select_from(InboxEvent)
                .where(InboxEvent.handled_at != None, InboxEvent.received_at >= since)  # type: ignore[arg-type, operator]  # noqa: E711
            ).scalar_one()
    finally:
        engine.dispose()
    # This run's messages, each handled: the core's twice, Telegram's, Slack's.
    assert handled >= 4 * count, handled
    core_ms, floor_ms = 1000 / core, 1000 / floor
    e2e = f">= {TARGET_END_TO_END:.0f} msg/s"
    return [
        (f"inbound: floor, bare insert+commit ({count:,} msgs)", f"{floor:,.0f} msg/s", ""),
        ("inbound: core alone (receive+process+sent)", f"{core:,.0f} msg/s", ""),
        ("inbound: core alone, the clock stopped", f"{fixed:,.0f} msg/s", ""),
        (
            "inbound: core / floor, time per message",
            f"{core_ms / floor_ms:.1f} x",
            f"<= {TARGET_CORE_RATIO:.0f} x",
        ),
        (
            f"inbound: Telegram end to end ({len(chats)} chats, polling)",
            f"{telegram:,.0f} msg/s",
            e2e,
        ),
        ("inbound: Telegram end to end / core alone", f"{telegram / core:.2f}", ""),
        ("inbound: Telegram, bot CPU per message", f"{telegram_cpu:.2f} ms", ""),
        (
            f"inbound: Slack end to end (bolt, HTTP, {POSTERS} at a time)",
            f"{slack:,.0f} msg/s",
            e2e,
        ),
        ("inbound: Slack end to end / core alone", f"{slack / core:.2f}", ""),
        ("inbound: Slack, bot CPU per message", f"{slack_cpu:.2f} ms", ""),
    ]


def run(scale: str = "small", database: str | None = None) -> list[tuple[str, str, str]]:
    """Issue 16's inbound figures at `scale` on `database` (a temporary SQLite file if None)."""
    with database_at(database, "inbound") as url:
        return measure(url, scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--database", help="a database URL: seeded when empty, kept (reused)")
    parser.add_argument("--postgres", action="store_true", help="also on 127.0.0.1:5432")
    options = parser.parse_args()
    places: list[str | None] = [options.database]
    if options.postgres:
        places.append("postgresql")
    for place in places:
        print(f"{place or 'SQLite'}, scale {options.scale}:", flush=True)
        for figure, value, target in run(options.scale, place):
            print(f"  {figure:<58} {value:>14}  {target}")


if __name__ == "__main__":
    main()
