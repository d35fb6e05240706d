"""The scheduler's reminder job fires what is due and wakes up again for the next one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from bot import bootstrap
from bot.bootstrap import Schema
from bot.jobs import CoreJobs
from bot.settings import Settings
from core.clock import FakeClock
from tests.chat import Chat


class RecordingScheduler:
    """Stands in for APScheduler: remembers the jobs it was given."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, dict[str, Any]]] = []

    def add_job(self, func: Any, trigger: str, **options: Any) -> None:
        self.jobs.append((trigger, options))

    def dates(self) -> list[Any]:
        return [options["run_date"] for trigger, options in self.jobs if trigger == "date"]


def jobs_for(engine: Engine, clock: FakeClock) -> tuple[CoreJobs, RecordingScheduler]:
    settings = Settings(GOTONG_OUTBOX_SWEEP_SECONDS=5)
    runtime = bootstrap.build(settings, schema=Schema.CHECK, engine=engine, clock=clock)
    jobs = bootstrap.build_jobs(runtime)
    scheduler = RecordingScheduler()
    jobs.schedule(scheduler)  # type: ignore[arg-type]
    return jobs, scheduler


async def test_wakes_up_for_a_reminder_due_before_the_next_sweep(
    chat: Chat, engine: Engine
) -> None:
    """A reminder due in 2 seconds gets its own wake-up; the 5-second sweep would be late."""
    jobs, scheduler = jobs_for(engine, chat.clock)
    chat.send("budi", "/ingatkan 1 jam lagi telepon kepala desa")
    chat.clock.advance(timedelta(minutes=59, seconds=58))
    await jobs.fire_reminders()
    assert scheduler.dates() == [chat.clock.now() + timedelta(seconds=2)]
    chat.clock.advance(timedelta(seconds=2))
    await jobs.fire_reminders()
    assert chat.inbox("budi") == ["⏰ Pengingat: telepon kepala desa"]


async def test_no_extra_wake_up_when_the_regular_sweep_comes_first(
    chat: Chat, engine: Engine
) -> None:
    """Nothing due soon: the interval sweep is enough."""
    jobs, scheduler = jobs_for(engine, chat.clock)
    chat.send("budi", "/ingatkan 1 jam lagi telepon kepala desa")
    await jobs.fire_reminders()
    assert scheduler.dates() == []
    jobs.close()
