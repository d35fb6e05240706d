"""`gotong run`: one asyncio process with the adapters and the scheduler side by side.

This module only runs what the composition root (bot/bootstrap.py) built: signals, the
scheduler, the outbox sweeps and the order of shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from adapters.console import ConsoleSession
from adapters.front_door import FrontDoor
from adapters.inbox import STUCK_RETRY_SECONDS, StuckMessages
from adapters.sweep import BATCH
from bot.jobs import CoreJobs
from bot.leader import Leadership
from core.eventlog import event

log = logging.getLogger("gotong.runner")

# The shortest pause between sweeps that sent nothing while messages were due.
MIN_PAUSE = 0.05


class Platform(Protocol):
    """A chat platform adapter as the runner drives it."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver_once(self, limit: int = 50) -> int: ...

    async def next_due_in(self) -> float | None: ...


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
    """One platform's outbox delivery: a loop that sweeps again as soon as work is due, and
    that shutdown can wait for."""

    def __init__(
        self,
        name: str,
        deliver: Callable[[], Awaitable[int]],
        next_due_in: Callable[[], Awaitable[float | None]] | None = None,
        leads: Callable[[], bool] | None = None,
    ) -> None:
        self.name = name
        self._deliver = deliver
        self._next_due_in = next_due_in
        # Whether this instance sends this platform's outbox now (None: always).
        self._leads = leads
        self._lock = asyncio.Lock()

    async def run(self) -> int:
        """One sweep; a sweep still running makes the next one wait. How many were sent."""
        async with self._lock:
            try:
                return await self._deliver()
            except Exception as error:  # deliver_once should not raise; the loop must not die
                event(
                    log,
                    "outbox.sweep_failed",
                    level=logging.ERROR,
                    exc_info=error,
                    platform=self.name,
                    error=type(error).__name__,
                )
                return 0

    async def keep_sweeping(self, stop: asyncio.Event, *, idle: float) -> None:
        """Sweep until `stop`: at once while messages are due (a full batch, or one a chat's
        pacing put back for a moment), else after `idle` seconds at most. An instance that
        does not lead this platform's outbox asks again every `idle` seconds, and takes over
        when the sender stops or dies."""
        while not stop.is_set():
            if not await self._leading():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=idle)
                continue
            sent = await self.run()
            pause = idle
            if self._next_due_in is not None:
                due = await self._next_due_in()
                if due is not None:
                    # Nothing sent yet due work: claims failing or taken by another
                    # instance; a short pause keeps a broken database from a busy loop.
                    pause = min(idle, max(due, 0.0 if sent else MIN_PAUSE))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause)

    async def _leading(self) -> bool:
        if self._leads is None:
            return True
        try:
            return await asyncio.to_thread(self._leads)
        except Exception as error:  # the database: try again after a pause
            event(
                log, "outbox.leader_check_failed", level=logging.WARNING, error=type(error).__name__
            )
            return False

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
    senders: Mapping[str, Leadership] | None = None,
) -> None:
    """Serve the platforms and sweep their outboxes until SIGINT/SIGTERM (or `stop`).

    With `core`, messages the database failed after they were stored are tried again. With
    `senders`, a platform's outbox is swept only while this instance holds its leadership
    (several instances on one PostgreSQL database: one sends, the others stand by).
    """
    senders = senders or {}
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
            deliver = functools.partial(platform.deliver_once, BATCH)
            sender = senders.get(name)
            leads = sender.check if sender is not None else None
            sweeps.append(OutboxSweep(name, deliver, platform.next_due_in, leads))
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
        # The sweeps stop with `stop`; what waited while we were down goes first.
        loops = [
            asyncio.create_task(sweep.keep_sweeping(stop, idle=sweep_seconds)) for sweep in sweeps
        ]
        await stop.wait()
        await asyncio.gather(*loops, return_exceptions=True)
    finally:
        stop.set()
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
        for sender in senders.values():
            sender.release()  # a standby takes over at its next try, not at our connection's end
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
