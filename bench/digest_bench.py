"""Digests at national scale: how fast a morning's digests are built, in how many queries.

Seeds the national workspace (bench/seed.py: 35,000 people, 1,000 programs, 100,000 tasks,
1,000,000 updates, 20,000 commitments at scale 1.0), then prints per database: digests built
per second for managers, field workers and partners in batches of 500, everyone in the
workspace as on a real morning unless --people caps each role (issue 13's target is
1,500 a second, 50 times what Telegram lets a bot send), SQL statements per batch of 10, 100
and 500 (equal: the fixed-query promise), peak memory while building, charts drawn per second,
and a whole morning's DigestSweep into the outbox.

Seeding and measuring each run in a process of their own, so the memory printed is the
building's, not the seeder's.

Run: python -m bench.digest_bench [--scale 1.0] [--database URL] [--postgres] [--people N]
A --database that is already seeded is measured as it is (seed once, compare many times).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, func
from sqlmodel import col, select

from bench.places import scratch_postgres
from bench.seed import NOW, Scale, seed
from bot.bootstrap import Runtime, Schema, build, digest_sweep
from bot.database import upgrade
from bot.settings import Settings
from core.clock import FakeClock
from core.db import make_engine, unit_of_work
from core.digests.chart import add_charts
from core.digests.compose import compose
from core.digests.gather import Ask, collector_paused
from core.digests.gather import build as build_digests
from core.digests.rhythm import DAILY, WEEKLY
from core.models import OutboxMessage, Person, Role

BATCH = 500
TARGET = 1_500  # digests built per second (issue 13)
KINDS = {Role.MANAGER: DAILY, Role.FIELD: DAILY, Role.PARTNER: WEEKLY}


def seed_database(url: str, factor: float) -> None:
    """Migrate and fill the database (in a child process); prints what it wrote.

    A given database that already has people is measured as it is: seeding the national
    workspace takes minutes, and a kept one makes before/after comparisons quick."""
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(Person)).scalar():
            print("  already seeded: measured as it is", flush=True)
            engine.dispose()
            return
    start = time.perf_counter()
    written = seed(engine, Scale.national(factor))
    took = time.perf_counter() - start
    rows = ", ".join(f"{table} {count:,}" for table, count in written.items())
    print(f"  seeded {sum(written.values()):,} rows in {took:.0f} s ({rows})", flush=True)
    engine.dispose()


def people_of(runtime: Runtime, role: str, limit: int | None) -> list[Person]:
    """The first `limit` people of a role (all of them without one), by id."""
    with unit_of_work(runtime.engine) as session:
        query = select(Person).where(Person.role == role).order_by(col(Person.id)).limit(limit)
        return list(session.exec(query))


def asks_for(people: Sequence[Person]) -> list[Ask]:
    return [Ask(p, KINDS.get(Role(p.role), DAILY)) for p in people]


def build_and_compose(runtime: Runtime, people: Sequence[Person]) -> int:
    """One batch as the sweep builds it, without charts; returns the digests composed."""
    now = runtime.clock.now()
    with unit_of_work(runtime.engine) as session, collector_paused():  # as the sweep does
        built = build_digests(session, asks_for(people), now=now)
        return sum(1 for content in built.values() if compose(runtime.catalog, content, now=now))


def batches(people: Sequence[Person], size: int = BATCH) -> Iterator[Sequence[Person]]:
    for start in range(0, len(people), size):
        yield people[start : start + size]


def warm_up(runtime: Runtime, crowd: dict[str, list[Person]]) -> None:
    """One small batch per role first: the templates compile once per process (a third of a
    second), and a morning's sweep runs in a process that has long been up."""
    for people in crowd.values():
        build_and_compose(runtime, people[:20])


def building(runtime: Runtime, crowd: dict[str, list[Person]]) -> None:
    """Digests built (gather + compose) per second, per role and over everyone.

    The rate is also given per second of this process's CPU: on a shared machine the wall
    clock counts other people's work too (SQLite's work is this process's, PostgreSQL's not)."""
    warm_up(runtime, crowd)
    total, spent, cpu = 0, 0.0, 0.0
    for role, people in crowd.items():
        start, start_cpu = time.perf_counter(), time.process_time()
        built = sum(build_and_compose(runtime, batch) for batch in batches(people))
        took, took_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        total, spent, cpu = total + built, spent + took, cpu + took_cpu
        print(f"  built {built:>6,} {role:<8} digests in {took:6.2f} s: {built / took:8,.0f}/s "
              f"({built / took_cpu:,.0f} per CPU second)")  # fmt: skip
    verdict = "meets" if total / spent >= TARGET else "BELOW"
    print(f"  built {total:>6,} digests in all   in {spent:6.2f} s: {total / spent:8,.0f}/s "
          f"({total / cpu:,.0f} per CPU second; {verdict} the target of {TARGET:,}/s)")  # fmt: skip


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement sent while the block runs."""
    statements: list[str] = []

    def note(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def statements(runtime: Runtime, crowd: dict[str, list[Person]]) -> None:
    """SQL statements to build a batch of 10, 100 and 500 people of every role."""
    found = []
    for size in (10, 100, 500):
        mixed = [p for people in crowd.values() for p in people[: size // 3]]
        mixed += crowd[Role.FIELD][size // 3 : size // 3 + size - len(mixed)]
        with counted(runtime.engine) as sent:
            build_and_compose(runtime, mixed)
        found.append(f"{len(mixed)} people: {len(sent)}")
    print(f"  SQL statements per batch: {', '.join(found)}")


def memory(runtime: Runtime, crowd: dict[str, list[Person]]) -> None:
    """Python's peak allocation while building batches of 500, and the process's max RSS."""
    tracemalloc.start()
    for people in crowd.values():
        for batch in list(batches(people))[:2]:
            build_and_compose(runtime, batch)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory building batches of {BATCH}: tracemalloc {peak / 2**20:.1f} MiB, "
          f"max RSS {rss:.0f} MiB")  # fmt: skip


def charts(runtime: Runtime, managers: list[Person]) -> None:
    """Charts drawn per second: the expensive part, only for digests sent or previewed."""
    now = runtime.clock.now()
    with unit_of_work(runtime.engine) as session:
        contents = list(build_digests(session, asks_for(managers), now=now).values())
        start = time.perf_counter()
        add_charts(session, contents, now)
        took = time.perf_counter() - start
    drawn = [c.chart for c in contents if c.chart]
    size = max(len(png) for png in drawn) // 1024 if drawn else 0
    print(f"  drew {len(drawn):,} charts in {took:.2f} s: {len(drawn) / took:,.1f}/s "
          f"(largest PNG {size} KiB)")  # fmt: skip


def morning(runtime: Runtime, clock: FakeClock) -> None:
    """A whole morning: every digest planned the evening before, then swept at once."""
    sweep = digest_sweep(runtime)
    sweep.grace = timedelta(hours=4)  # swept after the last one's hour: on time, not late
    clock.set(NOW - timedelta(hours=12))
    start = time.perf_counter()
    sweep.run(batch=BATCH)
    planned = time.perf_counter() - start
    clock.set(NOW + timedelta(hours=2))
    start = time.perf_counter()
    fired = sweep.run(batch=BATCH)
    took = time.perf_counter() - start
    with unit_of_work(runtime.engine) as session:
        outbox = session.exec(select(func.count()).select_from(OutboxMessage)).one()
    queued = fired.sent + fired.late
    print(f"  morning sweep: planned everyone's digest in {planned:.1f} s; fired "
          f"{queued + fired.empty + fired.skipped:,} ({queued:,} queued, {fired.empty:,} empty) "
          f"in {took:.1f} s: {queued / took:,.0f} queued/s, {outbox:,} outbox rows")  # fmt: skip


def measure(url: str, people: int | None, drawn: int, whole_morning: bool) -> None:
    """Every figure for one seeded database (in a child process, for its own peak memory)."""
    clock = FakeClock(NOW)
    settings = Settings(GOTONG_DATABASE_URL=url, GOTONG_LOG_LEVEL="ERROR")
    runtime = build(settings, schema=Schema.CHECK, clock=clock)
    crowd = {role: people_of(runtime, role, people) for role in KINDS}
    statements(runtime, crowd)
    building(runtime, crowd)
    memory(runtime, crowd)
    if drawn:
        charts(runtime, crowd[Role.MANAGER][:drawn])
    if whole_morning:
        morning(runtime, clock)
    runtime.engine.dispose()


def run(scale: str = "small", database: str | None = None) -> list[tuple[str, str, str]]:
    """Digests built a second over everyone, and the statements of a batch of 10 and of 500."""
    from bench.places import database_at

    factor = 1.0 if scale == "national" else 0.02
    with database_at(database, "digests") as url:
        in_child(seed_database, url, factor)
        settings = Settings(GOTONG_DATABASE_URL=url, GOTONG_LOG_LEVEL="ERROR")
        runtime = build(settings, schema=Schema.CHECK, clock=FakeClock(NOW))
        crowd = {role: people_of(runtime, role, None) for role in KINDS}
        warm_up(runtime, crowd)
        start = time.perf_counter()
        built = sum(
            build_and_compose(runtime, batch)
            for people in crowd.values()
            for batch in batches(people)
        )
        took = time.perf_counter() - start
        counts = []
        for size in (10, BATCH):
            with counted(runtime.engine) as sent:
                build_and_compose(runtime, crowd[Role.FIELD][:size])
            counts.append(len(sent))
        runtime.engine.dispose()
    return [
        (
            f"digests: built per second ({built:,} people)",
            f"{built / took:,.0f} /s",
            f">= {TARGET:,} /s",
        ),
        ("digests: SQL statements, batch of 10 / of 500", f"{counts[0]} / {counts[1]}", "equal"),
    ]


def in_child(target: Callable[..., None], *args: Any) -> None:
    child = multiprocessing.get_context("spawn").Process(target=target, args=args)
    child.start()
    child.join()
    if child.exitcode:
        raise SystemExit(f"{target.__name__} failed with exit code {child.exitcode}")


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'digests.db'}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A database of its own on the local PostgreSQL, dropped afterwards."""
    with scratch_postgres("digest") as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--database", help="a database URL: seeded when empty, kept afterwards (reused)"
    )
    parser.add_argument("--postgres", action="store_true", help="also on 127.0.0.1:5432")
    parser.add_argument(
        "--people", type=int, help="at most, per role (default: everyone, a real morning's mix)"
    )
    parser.add_argument("--charts", type=int, default=200, help="managers' charts to draw")
    parser.add_argument(
        "--morning",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the whole morning's sweep into the outbox, charts and all (minutes at scale 1.0)",
    )
    args = parser.parse_args()
    places: list[tuple[str, Callable[[], Any]]] = []
    if args.database:
        places.append((args.database.split(":")[0], lambda: _given(args.database)))
    else:
        places.append(("SQLite", sqlite_database))
    if args.postgres:
        places.append(("PostgreSQL", postgres_database))
    for label, place in places:
        print(f"{label}, scale {args.scale}:", flush=True)
        with place() as url:
            in_child(seed_database, url, args.scale)
            in_child(measure, url, args.people, args.charts, args.morning)


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    main()
