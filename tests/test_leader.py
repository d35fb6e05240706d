"""One instance runs the periodic jobs; when it dies another takes over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.leader import Leadership

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
