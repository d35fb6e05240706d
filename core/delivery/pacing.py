"""How fast a platform lets the whole bot send, kept where every instance can see it.

Telegram counts a bot's sends in any one second (30) and a group's in any one minute (20):
a sliding window, so the next send may go once the send `limit` places back is a whole
`period` old. `SendWindow` is that rule with no I/O. On PostgreSQL several `gotong run`
processes share one window per platform in the `send_pacing` row, taken with SELECT ... FOR
UPDATE, so together they stay under the bot-wide rate; on SQLite one instance is the rule
(bot/leader.py) and the window can live in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from core.db import unit_of_work
from core.models import SendPacing


@dataclass
class SendWindow:
    """At most `limit` sends in any `period` seconds, and none before `paused_until`."""

    limit: int
    period: float
    recent: list[float] = field(default_factory=list)  # the last `limit` send times, in order
    paused_until: float = 0.0

    def take(self, now: float, count: int = 1) -> list[float]:
        """The moments the next `count` sends may go (at `now` or later), counted as taken."""
        moments = []
        for _ in range(count):
            at = max(now, self.paused_until, self.recent[-1] if self.recent else now)
            if len(self.recent) >= self.limit:
                at = max(at, self.recent[-self.limit] + self.period)
            self.recent.append(at)
            moments.append(at)
        del self.recent[: -self.limit]
        return moments

    def free_at(self, now: float) -> float:
        """When one more send may go, without taking it."""
        at = max(now, self.paused_until)
        if len(self.recent) >= self.limit:
            at = max(at, self.recent[-self.limit] + self.period)
        return at

    def pause(self, until: float) -> None:
        """The platform said wait: nothing goes before `until`."""
        self.paused_until = max(self.paused_until, until)


class SharedPacing:
    """One platform's bot-wide window in the database, shared by every instance.

    Each call is one short transaction on the platform's row; an instance takes a few
    moments at a time, so the row is locked a few times a second, not once per message.
    Times are the callers' wall-clock seconds: instances on different machines need their
    clocks in step (NTP), as they already do for due times.
    """

    def __init__(self, engine: Engine, platform: str, *, limit: int, period: float) -> None:
        self.engine = engine
        self.platform = platform
        self.limit = limit
        self.period = period

    def take(self, now: float, count: int = 1) -> list[float]:
        """The moments this instance's next `count` sends may go, taken for it."""
        with unit_of_work(self.engine) as session:
            row = self._locked_row(session)
            window = SendWindow(self.limit, self.period, list(row.recent), row.paused_until)
            moments = window.take(now, count)
            row.recent = window.recent
            session.add(row)
            return moments

    def pause(self, until: float) -> None:
        """A bot-wide refusal: every instance holds back until `until`."""
        with unit_of_work(self.engine) as session:
            row = self._locked_row(session)
            row.paused_until = max(row.paused_until, until)
            session.add(row)

    def _locked_row(self, session: Session) -> SendPacing:
        dialect = session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        # Two instances starting at once both try to create the row: one wins, both go on.
        session.exec(
            insert(SendPacing)
            .values(platform=self.platform, recent=[], paused_until=0.0)
            .on_conflict_do_nothing(index_elements=["platform"])
        )
        return session.exec(
            select(SendPacing).where(SendPacing.platform == self.platform).with_for_update()
        ).one()
