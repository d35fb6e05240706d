"""One instance runs the periodic jobs; when it dies another takes over."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.leader import Leadership, outbox_key
from bot.runner import OutboxSweep

ROOT = Path(__file__).parent.parent
LEADER = """
import sys, time
from core.db import make_engine
from bot.leader import Leadership
leadership = Leadership(make_engine(sys.argv[1]))
print("leader" if leadership.check() else "follower", flush=True)
time.sleep(60)
"""


def test_sqlite_has_one_process_which_always_leads(engine: Engine) -> None:
    """With SQLite there is one process, so it leads."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert Leadership(engine).check() and Leadership(engine).check()


def test_killing_the_leader_hands_periodic_jobs_to_another(engine: Engine) -> None:
    """A leader killed with SIGKILL loses the advisory lock with its connection."""
    if engine.dialect.name != "postgresql":
        pytest.skip("leadership matters where several processes share a PostgreSQL database")
    url = engine.url.render_as_string(hide_password=False)
    leader = subprocess.Popen(
        [sys.executable, "-c", LEADER, url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert leader.stdout is not None
        assert leader.stdout.readline().strip() == "leader"
        standby = Leadership(engine)
        assert not standby.check()
        leader.send_signal(signal.SIGKILL)
        leader.wait(timeout=10)
        deadline = time.monotonic() + 10
        while not standby.check():
            assert time.monotonic() < deadline, "nobody took over"
            time.sleep(0.05)
        assert not Leadership(engine).check()  # and only one leads again
        standby.release()
    finally:
        if leader.poll() is None:
            leader.kill()
            leader.wait(timeout=10)
        if leader.stdout is not None:
            leader.stdout.close()


async def test_one_instance_sends_a_platforms_outbox_and_another_takes_over(
    engine: Engine,
) -> None:
    """Two instances on one PostgreSQL database: only one sweeps Telegram's outbox (so every
    chat's pacing is in one process); when it stops, the other takes over."""
    if engine.dialect.name != "postgresql":
        pytest.skip("leadership matters where several processes share a PostgreSQL database")
    swept = {"first": 0, "second": 0}
    enough = {"first": asyncio.Event(), "second": asyncio.Event()}

    asked = asyncio.Event()
    asks = 0

    def sweeper(name: str) -> OutboxSweep:
        async def deliver() -> int:
            swept[name] += 1
            if swept[name] >= 5:
                enough[name].set()
            return 0

        leadership = Leadership(engine, key=outbox_key("telegram"))
        leaders[name] = leadership

        def leads() -> bool:
            nonlocal asks
            leading = leadership.check()
            if name == "second":
                asks += 1
                if asks >= 20:
                    loop.call_soon_threadsafe(asked.set)
            return leading

        return OutboxSweep("telegram", deliver, leads=leads)

    loop = asyncio.get_running_loop()
    leaders: dict[str, Leadership] = {}
    stops = {"first": asyncio.Event(), "second": asyncio.Event()}
    first = asyncio.create_task(sweeper("first").keep_sweeping(stops["first"], idle=0.01))
    await asyncio.wait_for(enough["first"].wait(), timeout=10)
    second = asyncio.create_task(sweeper("second").keep_sweeping(stops["second"], idle=0.01))
    await asyncio.wait_for(asked.wait(), timeout=10)  # it asked 20 times while the first led
    assert swept["second"] == 0
    jobs = Leadership(engine)
    assert jobs.check(), "the periodic jobs' lock is another lock"
    jobs.release()
    stops["first"].set()
    await first
    leaders["first"].release()
    await asyncio.wait_for(enough["second"].wait(), timeout=10)
    stops["second"].set()
    await second
    leaders["second"].release()
