"""Outbound delivery at the platform's rate: the outbox through the real python-telegram-bot
client against the fake Bot API with its limits on, scaled up so a run takes seconds.

Delivery: notifications queued for many private chats and for one group. Prints each as a
fraction of the allowed rate (the platform's minimum time for that many sends over the time
they took; target >= 0.95) and the 429 answers (target 0), on SQLite, on PostgreSQL, and
with two instances sharing the PostgreSQL outbox (as `gotong run` does, one sends the outbox
at a time and the other stands by; replies from either share the bot-wide pacing row).
Morning peak (--morning): digests due at 07:00 local in WIB, WITA and WIT, one wave an hour
apart; the time until a wave's last digest is delivered as a multiple of the platform
minimum (wave size / allowed rate; target <= 1.05).

Run: python -m bench.outbound_bench [--postgres] [--instances 2] [--messages N]
     [--scale-limits 10] [--morning] [--scale national]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, insert, text
from sqlmodel import Session, func, select

from adapters.pacing import SAFETY
from adapters.sweep import BATCH
from adapters.telegram import TelegramAdapter, TelegramConfig
from bot.database import upgrade
from bot.leader import Leadership, outbox_key
from bot.runner import OutboxSweep
from core.app import Gotong
from core.db import make_engine
from core.delivery.claims import OutboxDelivery
from core.delivery.pacing import SharedPacing
from core.models import Identity, OutboxMessage, OutboxStatus, Person
from tests.fakes.telegram_server import FakeTelegram, TelegramLimits

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
GROUP = "-1001234567"
ZONES = ("Asia/Jayapura", "Asia/Makassar", "Asia/Jakarta")  # WIT, WITA, WIB: 07:00 comes east first
DIGEST = "\n".join(
    ["<b>Ringkasan pagi</b> — Senin, 30 November"]
    + [f"• Tugas {n}: Kirim data penerima Desa Sukamaju, tenggat besok 17:00" for n in range(8)]
)
Row = tuple[str, str, str]


@asynccontextmanager
async def fake_telegram(limits: TelegramLimits) -> AsyncIterator[FakeTelegram]:
    """The fake Bot API in a thread with its own event loop: in the sender's loop, a busy
    sender would delay when the server sees each request, and so what its limits count."""
    loop = asyncio.new_event_loop()
    fake = FakeTelegram(limits=limits, clock=time.time)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result()
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


class ShiftedClock:
    """The real clock moved by `offset`: the core's 'now' jumps to each wave's 07:00 while
    the fake server and the pacing keep real time."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class Setup:
    scale: float
    instances: int
    postgres: bool

    @property
    def label(self) -> str:
        database = "PostgreSQL" if self.postgres else "SQLite"
        return f"{database}, {self.instances} instance{'s' if self.instances > 1 else ''}"

    def limits(self) -> TelegramLimits:
        return TelegramLimits(
            per_chat_per_second=1.0 * self.scale,
            group_per_minute=20,
            group_window_seconds=60.0 / self.scale,
            global_per_second=int(30 * self.scale),
        )


@contextmanager
def database(postgres: bool) -> Iterator[str]:
    """A fresh migrated database: a SQLite file, or a scratch PostgreSQL database."""
    if not postgres:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/outbound.db"
            _migrate(url)
            yield url
        return
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"outbox_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        _migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


def seed_people(engine: Engine, count: int, now: datetime) -> list[int]:
    """`count` field workers on Telegram, spread over the three time zones; their ids."""
    with Session(engine) as session:
        session.execute(
            insert(Person),
            [
                {
                    "handle": f"p{n}",
                    "name": f"Pendamping {n}",
                    "role": "field",
                    "timezone": ZONES[n % 3],
                    "created_at": now,
                }
                for n in range(count)
            ],
        )
        ids = list(session.exec(select(Person.id).order_by(Person.id)))
        session.execute(
            insert(Identity),
            [
                {"person_id": pid, "platform": "telegram", "external_id": str(10_000 + n)}
                for n, pid in enumerate(ids)
            ],
        )
        session.commit()
    return [pid for pid in ids if pid is not None]


def queue_rows(engine: Engine, rows: list[dict[str, object]]) -> None:
    with Session(engine) as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(OutboxMessage), rows[start : start + 5000])
        session.commit()


def notification(key: str, now: datetime, due: datetime, **fields: object) -> dict[str, object]:
    return {
        "dedupe_key": key,
        "text": fields.pop("text", "Tugas baru: Kirim data penerima PKH, tenggat besok 17:00"),
        "buttons": [],
        "status": OutboxStatus.PENDING,
        "due_at": due,
        "created_at": now,
        "platform": "telegram",
    } | fields


def pending(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status != OutboxStatus.SENT)
        ).one()


async def deliver_until(
    fake: FakeTelegram, url: str, setup: Setup, clock: ShiftedClock, expected: int
) -> None:
    """Run `setup.instances` outboxes (each its own engine and pacing) until the fake has
    taken `expected` messages."""
    adapters, engines, stop = [], [], asyncio.Event()
    config = TelegramConfig(
        token=fake.token,
        api_base_url=fake.base_url,
        file_base_url=fake.base_file_url,
        private_per_second=1.0 * setup.scale,
        overall_per_second=int(30 * setup.scale),
        group_window_seconds=60.0 / setup.scale,
    )
    for _ in range(setup.instances):
        engine = make_engine(url)
        engines.append(engine)
        shared = None
        if setup.postgres:
            period = 1.0 + SAFETY
            shared = SharedPacing(
                engine, "telegram", limit=config.overall_per_second, period=period
            )
        adapter = TelegramAdapter(
            config,
            gotong=Gotong(engine, clock),
            outbox=OutboxDelivery(engine, clock),
            shared_pacing=shared,
        )
        await adapter.application.initialize()
        adapters.append(adapter)
    # As `gotong run` does: on PostgreSQL one instance at a time sends the outbox.
    senders = [Leadership(engine, key=outbox_key("telegram")) for engine in engines]
    sweeps = [
        OutboxSweep(
            "telegram",
            functools.partial(a.deliver_once, BATCH),
            a.next_due_in,
            sender.check if setup.postgres else None,
        )
        for a, sender in zip(adapters, senders, strict=True)
    ]
    loops = [asyncio.create_task(s.keep_sweeping(stop, idle=0.5)) for s in sweeps]
    deadline = time.monotonic() + 600
    while len(fake.sent) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.gather(*loops)
    for sender in senders:
        sender.release()
    for adapter in adapters:
        await adapter.application.shutdown()
    for engine in engines:
        engine.dispose()


def fraction(sent_at: list[float], limit: int, period: float) -> float:
    """The platform's minimum time for these sends (a full window, then the next...) over
    the time they took: 1.0 is as fast as the platform allows."""
    if len(sent_at) < 2:
        return 1.0
    minimum = ((len(sent_at) - 1) // limit) * period
    taken = max(sent_at) - min(sent_at)
    return minimum / taken if taken > 0 else 1.0


async def delivery_run(setup: Setup, messages: int, chats: int, group: int) -> list[Row]:
    """Notifications to `chats` private chats (round robin) and `group` to one group."""
    clock = ShiftedClock()
    async with fake_telegram(setup.limits()) as fake:
        with database(setup.postgres) as url:
            engine = make_engine(url)
            now = clock.now()
            ids = seed_people(engine, chats, now)
            rows = [
                notification(f"n{n}", now, now, person_id=ids[n % chats]) for n in range(messages)
            ]
            rows += [notification(f"g{n}", now, now, chat_id=GROUP) for n in range(group)]
            queue_rows(engine, rows)
            start = time.perf_counter()
            await deliver_until(fake, url, setup, clock, messages + group)
            seconds = time.perf_counter() - start
            left = pending(engine)
            engine.dispose()
        private = [m.timestamp for m in fake.sent if str(m.chat_id) != GROUP]
        to_group = [m.timestamp for m in fake.sent if str(m.chat_id) == GROUP]
        refused = sum(1 for c in fake.calls if c.status == 429)
        which = dict(Counter(v.limit for v in fake.violations))
    allowed = 30 * setup.scale
    rate = len(private) / (max(private) - min(private)) if len(private) > 1 else 0.0
    limits = setup.limits()
    return [
        (
            f"outbound private, {setup.label}",
            f"{fraction(private, limits.global_per_second, 1.0):.3f} of allowed "
            f"({rate:.0f}/s of {allowed:.0f}/s, {len(private)} sent, {seconds:.1f} s)",
            ">= 0.95",
        ),
        (
            f"outbound group, {setup.label}",
            f"{fraction(to_group, 20, limits.group_window_seconds):.3f} of allowed "
            f"({len(to_group)} sent)",
            ">= 0.95",
        ),
        (
            f"outbound 429 answers, {setup.label}",
            f"{refused} (over a limit: {which or 'none'}; {left} not sent)",
            "0",
        ),
    ]


async def morning_run(setup: Setup, digests: int) -> list[Row]:
    """`digests` digests due at 07:00 local, a third in each zone: one wave an hour apart."""
    clock = ShiftedClock()
    async with fake_telegram(setup.limits()) as fake:
        with database(setup.postgres) as url:
            engine = make_engine(url)
            base = clock.now()
            ids = seed_people(engine, digests, base)
            day = base.astimezone(ZoneInfo("Asia/Jakarta")).date() + timedelta(days=1)
            sevens = [datetime(day.year, day.month, day.day, 7, tzinfo=ZoneInfo(z)) for z in ZONES]
            rows = [
                notification(f"d{n}", base, sevens[n % 3], person_id=pid, text=DIGEST)
                for n, pid in enumerate(ids)
            ]
            queue_rows(engine, rows)
            multiples = []
            for zone, seven in zip(ZONES, sevens, strict=True):
                wave = sum(1 for n in range(digests) if n % 3 == ZONES.index(zone))
                clock.offset = seven - datetime.now(UTC)  # the core's clock reads 07:00 there
                started, before = time.time(), len(fake.sent)
                await deliver_until(fake, url, setup, clock, before + wave)
                last = max(m.timestamp for m in fake.sent[before:])
                multiples.append((last - started) / (wave / (30 * setup.scale)))
            engine.dispose()
        refused = sum(1 for c in fake.calls if c.status == 429)
    waves = ", ".join(f"{m:.3f}" for m in multiples)
    return [
        (
            f"morning peak, {digests} digests, {setup.label}",
            f"{max(multiples):.3f} x the platform minimum (waves WIT, WITA, WIB: {waves}); "
            f"{refused} x 429",
            "<= 1.05",
        )
    ]


def setups(args: argparse.Namespace) -> list[Setup]:
    found = [Setup(args.scale_limits, 1, False)]
    if args.postgres:
        found.append(Setup(args.scale_limits, 1, True))
        if args.instances > 1:
            found.append(Setup(args.scale_limits, args.instances, True))
    return found


def run(scale: str = "small", database: str | None = None) -> list[Row]:
    """The figures for `python -m bench all`: delivery and the morning peak at 10 x the
    limits, on a fresh SQLite file (database None or a sqlite URL) or a scratch PostgreSQL
    database (any other), where two instances sharing the outbox are measured too. Each
    benchmark makes its own database: a given URL only chooses which kind."""
    national = scale == "national"
    postgres = database is not None and not database.startswith("sqlite")
    instances = (1, 2) if postgres else (1,)
    rows: list[Row] = []
    for count in instances:
        setup = Setup(10.0, count, postgres)
        found = asyncio.run(delivery_run(setup, 3000 if not national else 30_000, 300, 41))
        found += asyncio.run(morning_run(setup, 35_000 if national else 3000))
        # The same figure names in the SQLite and PostgreSQL columns of `python -m bench all`.
        database_name = "PostgreSQL" if postgres else "SQLite"
        rows += [(name.replace(f"{database_name}, ", ""), v, t) for name, v, t in found]
    return rows


def main() -> None:
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--postgres", action="store_true", help="also on 127.0.0.1:5432")
    parser.add_argument("--instances", type=int, default=2, help="sharing PostgreSQL")
    parser.add_argument("--messages", type=int, default=3000, help="to private chats")
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--group", type=int, default=41, help="messages to one group")
    parser.add_argument("--scale-limits", type=float, default=10.0, help="x Telegram's limits")
    parser.add_argument("--morning", action="store_true", help="the morning peak instead")
    parser.add_argument("--scale", default="small", help="'national': 35,000 digests")
    parser.add_argument("--digests", type=int, default=3000)
    args = parser.parse_args()
    rows: list[Row] = []
    for setup in setups(args):
        if args.morning:
            digests = 35_000 if args.scale == "national" else args.digests
            rows += asyncio.run(morning_run(setup, digests))
        else:
            rows += asyncio.run(delivery_run(setup, args.messages, args.chats, args.group))
    for name, value, target in rows:
        print(f"{name:<48} {value}   (target {target})")


if __name__ == "__main__":
    main()
