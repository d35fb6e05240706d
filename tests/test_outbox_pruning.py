"""Sent outbox rows are pruned after the retention, in batches, keeping every key that must
still stop a resend."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, event
from sqlmodel import select

from bot import bootstrap
from bot.bootstrap import Schema
from bot.settings import Settings
from core.clock import FakeClock
from core.db import unit_of_work
from core.delivery.pruning import MIN_RETENTION, prune_sent
from core.models import OutboxMessage, OutboxStatus


def add_row(
    engine: Engine,
    key: str,
    *,
    sent_at: datetime | None,
    cause: str | None = None,
    status: str = OutboxStatus.SENT,
) -> None:
    """One outbox row, due when it was sent (or long ago, when it was not)."""
    due = sent_at or datetime(2026, 8, 1, tzinfo=UTC)
    with unit_of_work(engine) as s:
        s.add(
            OutboxMessage(
                dedupe_key=key,
                text="halo",
                status=status,
                due_at=due,
                created_at=due,
                sent_at=sent_at,
                cause=cause,
            )
        )


def keys(engine: Engine) -> set[str]:
    with unit_of_work(engine) as s:
        return set(s.exec(select(OutboxMessage.dedupe_key)))


@contextmanager
def deletes(engine: Engine) -> Iterator[list[str]]:
    """The DELETE statements run while the block runs."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


class TestPruneSent:
    def test_old_sent_rows_go_in_batches_and_recent_ones_stay(
        self, engine: Engine, clock: FakeClock
    ) -> None:
        """2,500 replies sent 31 days ago go in three batches; one sent yesterday stays."""
        now = clock.now()
        old = now - timedelta(days=31)
        with unit_of_work(engine) as s:
            for n in range(2500):
                s.add(
                    OutboxMessage(
                        dedupe_key=f"reply:telegram:{n}:0",
                        text="ok",
                        status=OutboxStatus.SENT,
                        due_at=old,
                        created_at=old,
                        sent_at=old,
                        cause=f"telegram:{n}",
                    )
                )
        add_row(engine, "reply:telegram:x:0", sent_at=now - timedelta(days=1), cause="telegram:x")
        with deletes(engine) as seen:
            pruned = prune_sent(engine, before=now - timedelta(days=30), batch=1000)
        assert pruned == 2500
        assert len(seen) == 3
        assert keys(engine) == {"reply:telegram:x:0"}

    def test_only_sent_rows_go(self, engine: Engine, clock: FakeClock) -> None:
        """Pending, failed and cancelled rows are not pruned, however old."""
        old = clock.now() - timedelta(days=90)
        for status in (OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.CANCELLED):
            add_row(engine, f"reply:test:{status}:0", sent_at=None, status=status)
        add_row(engine, "reply:test:sending:0", sent_at=old, status=OutboxStatus.SENDING)
        assert prune_sent(engine, before=clock.now() - timedelta(days=30)) == 0
        assert len(keys(engine)) == 4

    def test_keys_nothing_can_make_again_go_and_the_others_stay(
        self, engine: Engine, clock: FakeClock
    ) -> None:
        """A notice keyed by its message, a reminder's firing, a digest and a nudge go; a key
        of a kind not known to pass stays."""
        old = clock.now() - timedelta(days=40)
        gone = {
            "test:17:task:4:assigned:3": "test:17",
            "reminder:7:2026-10-01T02:00:00+00:00": "reminder:7",
            "digest:3:2026-W40": "digest:12",
            "report-nudge:1:3:2026-10-02": "report-nudge:1:3:2026-10-02",
        }
        kept = {
            "budget-alert:2:over": "test:18",  # not made from its cause: may come again
            "test:1700:other": "test:17",  # the cause is a prefix of the event id, not its key
            "something-new:1": None,
        }
        for key, cause in (gone | kept).items():
            add_row(engine, key, sent_at=old, cause=cause)
        assert prune_sent(engine, before=clock.now() - timedelta(days=30)) == len(gone)
        assert keys(engine) == set(kept)


class TestHousekeeping:
    async def test_the_leader_prunes_after_the_configured_retention(
        self, engine: Engine, clock: FakeClock
    ) -> None:
        """A week's digest key outlives its week: with 20 days' retention it is kept on day
        19 and pruned on day 21, moving the injected clock."""
        sent = clock.now()
        add_row(engine, "digest:3:2026-W48", sent_at=sent, cause="digest:9")
        settings = Settings(GOTONG_OUTBOX_RETENTION_DAYS=20)
        runtime = bootstrap.build(settings, schema=Schema.CHECK, engine=engine, clock=clock)
        jobs = bootstrap.build_jobs(runtime)
        try:
            clock.advance(timedelta(days=19))
            await jobs.housekeeping()
            assert keys(engine) == {"digest:3:2026-W48"}
            clock.advance(timedelta(days=2))
            await jobs.housekeeping()
            assert keys(engine) == set()
        finally:
            jobs.close()

    def test_retention_below_the_minimum_is_refused(self) -> None:
        """Fewer days than a digest period plus the inbox's memory would let a resend through."""
        assert Settings().outbox_retention_days == 30
        with pytest.raises(ValidationError):
            Settings(GOTONG_OUTBOX_RETENTION_DAYS=MIN_RETENTION.days - 1)
        assert Settings(GOTONG_OUTBOX_RETENTION_DAYS=MIN_RETENTION.days)
