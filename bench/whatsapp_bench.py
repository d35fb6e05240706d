"""Messages a second through the WhatsApp webhook, end to end.

Each message is a signed notification POSTed by the fake Cloud API to the real adapter's
webhook: checked, stored in the inbox, handled by the core (/tugasku), and answered through
pywa before the 200, on a fresh SQLite database with the six-person test workspace.

Run from the project root as `python bench/whatsapp_bench.py [messages] [concurrency]`.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

# A script's own folder comes first on sys.path; the project root is needed for core and tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.database import upgrade
from core.app import Gotong
from core.clock import FakeClock
from core.db import make_engine
from tests.fakes import whatsapp_webhooks as hooks
from tests.fakes.whatsapp_cloud import FakeWhatsApp
from tests.whatsapp_harness import USERS, running, shared_workspace


async def measure(messages: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        upgrade(engine)
        clock = FakeClock(datetime(2026, 11, 27, 3, tzinfo=UTC))
        shared_workspace(engine, clock, platform="whatsapp", accounts=USERS)
        numbers = list(USERS.values())
        async with FakeWhatsApp(clock=lambda: clock.now().timestamp()) as wa:
            adapter = await running(wa, Gotong(engine, clock), engine, clock)

            async def one(n: int) -> int:
                message = hooks.text(f"wamid.BENCH{n}", "/tugasku")
                return await wa.write(numbers[n % len(numbers)], message)

            started = time.perf_counter()
            for first in range(0, messages, concurrency):
                batch = range(first, min(messages, first + concurrency))
                assert set(await asyncio.gather(*(one(n) for n in batch))) == {200}
            seconds = time.perf_counter() - started
            await adapter.stop()
        engine.dispose()
    print(
        f"{messages} messages, {concurrency} at a time: {seconds:.2f} s, "
        f"{messages / seconds:.0f} messages/s, {len(wa.sent)} replies"
    )


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    at_once = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    asyncio.run(measure(count, at_once))
