"""`gotong run`: one asyncio process with the adapters and the scheduler side by side.

This module only runs what the composition root (bot/bootstrap.py) built: signals, the
scheduler, the outbox sweeps and the order of shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from adapters.console import ConsoleSession
from adapters.front_door import FrontDoor
from adapters.inbox import STUCK_RETRY_SECONDS, StuckMessages
from bot.jobs import CoreJobs
from core.eventlog import event

log = logging.getLogger("gotong.runner")


class Platform(Protocol):
    """A chat platform adapter as the runner drives it."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver_once(self, limit: int = 50) -> int: ...


async def run_console(
    console: ConsoleSession, jobs: CoreJobs, *, who: str, sweep_seconds: float
) -> None:
    """Serve one person on the terminal until end of input, delivering queued messages."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    jobs.schedule(scheduler)
    scheduler.add_job(
        console.deliver,
        "interval",
        seconds=sweep_seconds,
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
        # Let a job in progress finish (a cancelled one could leave its work half done).
        scheduler.pause()
        await asyncio.sleep(0)
        await jobs.finished()
        scheduler.shutdown(wait=False)
        jobs.close()


class OutboxSweep:
    """One platform's outbox delivery as a scheduler job that shutdown can wait for."""

    def __init__(self, name: str, deliver: Callable[[], Awaitable[int]]) -> None:
        self.name = name
        self._deliver = deliver
        self._lock = asyncio.Lock()

    async def run(self) -> None:
        """One sweep; a sweep still running makes the next one wait."""
        async with self._lock:
            try:
                await self._deliver()
            except Exception as error:  # deliver_once should not raise; the loop must not die
                event(
                    log,
                    "outbox.sweep_failed",
                    level=logging.ERROR,
                    exc_info=error,
                    platform=self.name,
                    error=type(error).__name__,
                )

    async def finished(self) -> None:
        """Wait until a sweep in progress is done."""
        async with self._lock:
            pass


async def run_platforms(
    platforms: Mapping[str, Platform],
    jobs: CoreJobs,
    *,
    sweep_seconds: float,
    stop: asyncio.Event | None = None,
    core: FrontDoor | None = None,
) -> None:
    """Serve the platforms and sweep their outboxes until SIGINT/SIGTERM (or `stop`).

    With `core`, messages the database failed after they were stored are tried again.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    scheduler = AsyncIOScheduler(timezone=UTC)
    jobs.schedule(scheduler)
    sweeps: list[OutboxSweep] = []
    started: list[Platform] = []
    try:
        for name, platform in platforms.items():
            await platform.start()
            started.append(platform)
            sweep = OutboxSweep(name, platform.deliver_once)
            sweeps.append(sweep)
            scheduler.add_job(
                sweep.run,  # a bound coroutine function: APScheduler awaits it in the loop
                "interval",
                seconds=sweep_seconds,
                id=f"outbox-{name}",
                max_instances=1,
                coalesce=True,
                next_run_time=datetime.now(UTC),  # what waited while we were down goes first
            )
            if core is not None:
                scheduler.add_job(
                    StuckMessages(core, name).retry,
                    "interval",
                    seconds=STUCK_RETRY_SECONDS,
                    id=f"inbox-{name}",
                    max_instances=1,
                    coalesce=True,
                )
            log.info("serving %s", name)
        scheduler.start()
        await stop.wait()
    finally:
        if scheduler.running:
            scheduler.pause()
            # A sweep the scheduler launched this very moment gets to start (and take its
            # lock); then every sweep in progress reports its sends, so nothing is sent twice
            # after a restart and shutdown has nothing left to cancel.
            await asyncio.sleep(0)
            for sweep in sweeps:
                await sweep.finished()
            await jobs.finished()
            scheduler.shutdown(wait=False)
        jobs.close()
        for platform in reversed(started):
            try:
                await platform.stop()
            except Exception as error:
                event(
                    log,
                    "platform.stop_failed",
                    level=logging.ERROR,
                    exc_info=error,
                    error=type(error).__name__,
                )
        for signum in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
