"""The scheduler's jobs: it only wakes the process; the state is all in the database."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine
from sqlmodel import col, delete

from bot.leader import Leadership
from core.clock import Clock
from core.db import unit_of_work
from core.delivery.firing import ReminderSweep
from core.delivery.pruning import prune_sent
from core.digests.sweep import DigestSweep
from core.eventlog import event
from core.models import InboxEvent
from core.work.nudges import NudgeSweep

log = logging.getLogger("gotong.jobs")

# Platforms redeliver within minutes; ids older than this can no longer come back.
PROCESSED_EVENT_RETENTION = timedelta(days=14)
# Reporting windows close on the minute; nudges wait for working time anyway.
NUDGE_SWEEP_SECONDS = 60


class CoreJobs:
    """Firing due reminders and digests (every instance) and housekeeping (the leader only).

    The composition root builds the sweep and the leadership; the jobs only schedule and run.
    """

    def __init__(
        self,
        *,
        engine: Engine,
        clock: Clock,
        reminders: ReminderSweep,
        digests: DigestSweep,
        leadership: Leadership,
        sweep_seconds: float,
        nudges: NudgeSweep | None = None,
        outbox_retention: timedelta = timedelta(days=30),
    ) -> None:
        self.engine = engine
        self.outbox_retention = outbox_retention
        self.nudges = nudges
        self.clock = clock
        self.reminders = reminders
        self.digests = digests
        self.leadership = leadership
        self.sweep_seconds = sweep_seconds
        self._lock = asyncio.Lock()
        self._scheduler: AsyncIOScheduler | None = None

    def schedule(self, scheduler: AsyncIOScheduler) -> None:
        """Add the jobs; the first reminder sweep runs at once (what came due while down)."""
        self._scheduler = scheduler
        scheduler.add_job(
            self.fire_reminders,
            "interval",
            seconds=self.sweep_seconds,
            id="reminders",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        if self.nudges is not None:
            scheduler.add_job(
                self.nudge_missing_reports,
                "interval",
                seconds=NUDGE_SWEEP_SECONDS,
                id="report-nudges",
                max_instances=1,
                coalesce=True,
                next_run_time=datetime.now(UTC),
            )
        scheduler.add_job(
            self.housekeeping,
            "interval",
            hours=1,
            id="housekeeping",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )

    async def fire_reminders(self) -> None:
        """Turn due reminders and digests into outbox messages, then wake up for the next one."""
        async with self._lock:
            try:
                fired = await asyncio.to_thread(self.reminders.run)
                digests = await asyncio.to_thread(self.digests.run)
                upcoming = min(
                    (
                        moment
                        for moment in (
                            await asyncio.to_thread(self.reminders.next_due),
                            await asyncio.to_thread(self.digests.next_due),
                        )
                        if moment is not None
                    ),
                    default=None,
                )
            except Exception as error:
                event(
                    log,
                    "reminders.failed",
                    level=logging.ERROR,
                    exc_info=error,
                    error=type(error).__name__,
                )
                return
            if fired.sent or fired.late or fired.missed:
                log.info(
                    "reminders sent=%d late=%d missed=%d", fired.sent, fired.late, fired.missed
                )
            if digests.sent or digests.late or digests.skipped:
                event(
                    log,
                    "digests.fired",
                    sent=digests.sent,
                    late=digests.late,
                    skipped=digests.skipped,
                    empty=digests.empty,
                )
        self.wake_at(upcoming)

    async def nudge_missing_reports(self) -> None:
        """Nudge field workers who did not report in a window that closed (every instance:
        the rows are locked while swept and each nudge has its own outbox key)."""
        if self.nudges is None:
            return
        async with self._lock:
            try:
                queued = await asyncio.to_thread(self.nudges.run)
            except Exception as error:
                event(
                    log,
                    "nudges.failed",
                    level=logging.ERROR,
                    exc_info=error,
                    error=type(error).__name__,
                )
                return
            if queued:
                event(log, "nudges.queued", count=queued)

    def wake_at(self, moment: datetime | None) -> None:
        """Sweep again at `moment` when it comes before the next regular sweep."""
        if moment is None or self._scheduler is None:
            return
        now = self.clock.now()
        if moment - now >= timedelta(seconds=self.sweep_seconds):
            return  # the regular sweep gets there first
        self._scheduler.add_job(
            self.fire_reminders,
            "date",
            run_date=max(moment, now),
            id="reminders-next",
            replace_existing=True,
            misfire_grace_time=None,
        )

    async def housekeeping(self) -> None:
        """Prune the inbox of long-handled events and the outbox of long-sent messages; only
        the leader does periodic work."""
        async with self._lock:
            try:
                if not await asyncio.to_thread(self.leadership.check):
                    return
                now = self.clock.now()
                await asyncio.to_thread(self._prune, now - PROCESSED_EVENT_RETENTION)
                pruned = await asyncio.to_thread(
                    prune_sent, self.engine, before=now - self.outbox_retention
                )
                if pruned:
                    event(log, "outbox.pruned", count=pruned)
            except Exception as error:
                event(
                    log,
                    "housekeeping.failed",
                    level=logging.ERROR,
                    exc_info=error,
                    error=type(error).__name__,
                )

    def _prune(self, cutoff: datetime) -> None:
        with unit_of_work(self.engine) as session:
            # Unhandled events (handled_at NULL) never compare below the cutoff: they stay.
            session.exec(delete(InboxEvent).where(col(InboxEvent.handled_at) < cutoff))

    async def finished(self) -> None:
        """Wait until a job in progress is done (the jobs share one lock)."""
        async with self._lock:
            pass

    def close(self) -> None:
        """Give up leadership, so another instance takes over the periodic jobs at once."""
        self.leadership.release()
