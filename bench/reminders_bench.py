"""Reminder firing at scale on SQLite: 100,000 pending reminders, some coming due during the run.

Prints start-up time (build + migrations + finding the next due reminder), the lateness of
firing (fired moment minus due moment, p50/p99/max) for the reminders that fall due while the
sweep runs in real time, sweep throughput, and the process's peak memory.

Run: python bench/reminders_bench.py [pending] [due_during_run] [seconds]
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text, update
from sqlmodel import Session, col, select

from bot.bootstrap import Schema, build
from bot.settings import Settings
from core.clock import SystemClock
from core.delivery.firing import ReminderSweep
from core.models import Person, Reminder, ReminderStatus


def seed(url: str, pending: int, due_during: int, seconds: float) -> None:
    """People and reminders: `due_during` spread over the run, the rest over the next 30 days."""
    # As a deployment does: `gotong db upgrade` first, then the instances start.
    settings = Settings(GOTONG_DATABASE_URL=url, GOTONG_LOG_LEVEL="ERROR")
    runtime = build(settings, schema=Schema.UPGRADE)
    now = datetime.now(UTC)
    start = now + timedelta(seconds=15)  # leave time to start the sweeper
    with Session(runtime.engine) as session:
        people = [
            Person(handle=f"p{i}", name=f"Person {i}", role="field", created_at=now)
            for i in range(1000)
        ]
        session.add_all(people)
        session.commit()
        ids = [p.id for p in people]
        rows = []
        for i in range(pending):
            if i < due_during:
                due = start + timedelta(seconds=seconds * i / due_during)
            else:
                due = start + timedelta(seconds=seconds + 60 + (i * 2592000 / pending))
            rows.append(
                {
                    "person_id": ids[i % len(ids)],
                    "text": f"reminder {i}",
                    "due_at": due,
                    "status": "pending",
                    "kind": "personal",
                    "label": "",
                    "created_at": now,
                }
            )
        session.execute(insert(Reminder), rows)
        session.commit()
    runtime.engine.dispose()


def capacity(url: str, backlog: int) -> float:
    """Reminders fired per second when a backlog (as after downtime) falls due at once."""
    runtime = build(Settings(GOTONG_DATABASE_URL=url, GOTONG_LOG_LEVEL="ERROR"))
    with Session(runtime.engine) as session:
        later = session.exec(
            select(Reminder.id).where(Reminder.status == ReminderStatus.PENDING).limit(backlog)
        ).all()
        session.execute(
            update(Reminder)
            .where(col(Reminder.id).in_(later))
            .values(due_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        session.commit()
    sweeper = ReminderSweep(runtime.engine, SystemClock(), runtime.gotong.catalog)
    t = time.perf_counter()
    fired = sweeper.run(batch=500)
    elapsed = time.perf_counter() - t
    runtime.engine.dispose()
    return fired.sent / elapsed


async def sweep_loop(url: str, seconds: float, started: float) -> tuple[float, float]:
    """Run the sweeper in real time until the window is over; returns (startup s, busy s).

    Like `gotong run`, it sweeps and then wakes up at the next due reminder (here at least
    every 0.5 s).
    """
    t0 = time.perf_counter()
    runtime = build(Settings(GOTONG_DATABASE_URL=url, GOTONG_LOG_LEVEL="ERROR"))
    sweeper = ReminderSweep(runtime.engine, SystemClock(), runtime.gotong.catalog)
    sweeper.next_due()
    startup = time.perf_counter() - t0
    busy = 0.0
    deadline = started + seconds + 18
    while time.monotonic() < deadline:
        t = time.perf_counter()
        sweeper.run(batch=500)
        busy += time.perf_counter() - t
        nxt = sweeper.next_due()
        wait = 0.5 if nxt is None else (nxt - datetime.now(UTC)).total_seconds()
        await asyncio.sleep(min(max(wait, 0.0), 0.5))
    runtime.engine.dispose()
    return startup, busy


COLD = """
from bot.bootstrap import build
from bot.settings import Settings
from core.clock import SystemClock
from core.delivery.firing import ReminderSweep
runtime = build(Settings(GOTONG_DATABASE_URL={url!r}, GOTONG_LOG_LEVEL="ERROR"))
ReminderSweep(runtime.engine, SystemClock(), runtime.gotong.catalog).run()
"""


def cold_start(url: str) -> float:
    """Milliseconds for a new Python process to start Gotong's core and sweep once."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", COLD.format(url=url)], check=True)
    return (time.perf_counter() - t) * 1000


def run(scale: str = "small", database: str | None = None) -> list[tuple[str, str, str]]:
    """Lateness of firing while reminders fall due in real time, firing capacity, start-up."""
    from bench.places import database_at

    pending, due_during, seconds = (
        (100_000, 20_000, 60.0) if scale == "national" else (5_000, 500, 3.0)
    )
    with database_at(database, "reminders") as url:
        child = multiprocessing.get_context("spawn").Process(
            target=seed, args=(url, pending, due_during, seconds)
        )
        child.start()
        child.join()
        cold = cold_start(url)
        startup, _ = asyncio.run(sweep_loop(url, seconds, time.monotonic()))
        engine = build(Settings(GOTONG_DATABASE_URL=url, GOTONG_LOG_LEVEL="ERROR")).engine
        with Session(engine) as s:
            sent = Reminder.status == ReminderStatus.SENT
            fired = s.exec(select(Reminder.due_at, Reminder.sent_at).where(sent)).all()
        engine.dispose()
        rate = capacity(url, 5000 if scale == "national" else 1000)
    lateness = sorted((sent - due).total_seconds() for due, sent in fired if sent)
    p99 = lateness[min(len(lateness) - 1, int(len(lateness) * 0.99))]
    return [
        (f"reminders: lateness p99 ({len(lateness):,} fired)", f"{p99:.3f} s", "<= 1 s"),
        ("reminders: firing capacity, a backlog due at once", f"{rate:,.0f} /s", ""),
        ("reminders: cold start, new process to first sweep", f"{cold / 1000:.2f} s", ""),
        ("reminders: start-up in process (build, next due)", f"{startup:.3f} s", ""),
    ]


def main() -> None:
    pending = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    due_during = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        t = time.perf_counter()
        # Seeding happens in a child process, so the peak memory below is the sweeper's own.
        child = multiprocessing.get_context("spawn").Process(
            target=seed, args=(url, pending, due_during, seconds)
        )
        child.start()
        child.join()
        print(
            f"seeded {pending:,} pending reminders ({due_during:,} due within {seconds:.0f} s) "
            f"in {time.perf_counter() - t:.1f} s"
        )
        cold = cold_start(url)
        started = time.monotonic()
        startup, busy = asyncio.run(sweep_loop(url, seconds, started))
        engine = build(Settings(GOTONG_DATABASE_URL=url, GOTONG_LOG_LEVEL="ERROR")).engine
        with Session(engine) as s:
            sent = Reminder.status == ReminderStatus.SENT
            fired = s.exec(select(Reminder.due_at, Reminder.sent_at).where(sent)).all()
            outbox = s.execute(text("select count(*) from outboxmessage")).scalar_one()
        engine.dispose()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rate = capacity(url, 5000)
    lateness = sorted((sent - due).total_seconds() * 1000 for due, sent in fired if sent)
    p = lambda q: lateness[min(len(lateness) - 1, int(len(lateness) * q))]  # noqa: E731
    print(f"start-up in a new process (imports, build, migrations, first sweep) {cold:6.0f} ms")
    print(f"start-up in this process (build, migrations, next due)        {startup * 1000:6.1f} ms")
    print(
        f"fired {len(lateness):,} reminders on time -> {outbox:,} outbox rows "
        f"(sweeper busy {busy:.1f} s of {seconds:.0f} s)"
    )
    print(f"firing capacity: a backlog of 5,000 due at once fired at {rate:,.0f} reminders/s")
    print(
        f"lateness of firing  p50 {p(0.5):8.1f} ms   p99 {p(0.99):8.1f} ms   "
        f"max {lateness[-1]:8.1f} ms   mean {statistics.mean(lateness):8.1f} ms"
    )
    print(f"peak memory (max RSS) while serving         {peak:8.1f} MiB")


if __name__ == "__main__":
    main()
