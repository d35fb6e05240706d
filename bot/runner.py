"""`gotong run`: one asyncio process with the adapters and the scheduler side by side."""

from __future__ import annotations

import asyncio
import sys

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from adapters.console import ConsoleSession
from bot.bootstrap import Runtime


async def run_console(runtime: Runtime, who: str) -> None:
    """Serve one person on the terminal until end of input, delivering queued messages."""
    console = ConsoleSession(
        runtime.gotong.handle,
        engine=runtime.engine,
        clock=runtime.clock,
        who=who,
        out=sys.stdout,
        styled=sys.stdout.isatty(),
    )
    scheduler = AsyncIOScheduler()
    scheduler.add_job(
        console.deliver,
        "interval",
        seconds=runtime.settings.outbox_sweep_seconds,
        id="outbox-sweep",
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    try:
        await asyncio.to_thread(console.deliver)
        while True:
            if sys.stdin.isatty():
                sys.stdout.write(f"{who}> ")
                sys.stdout.flush()
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            if line.strip():
                await asyncio.to_thread(console.send, line.strip())
    finally:
        scheduler.shutdown(wait=False)
