"""Leader election for periodic jobs and for each platform's outbox: the PostgreSQL session
advisory lock decides.

Only the instance holding the lock runs periodic jobs; only the one holding a platform's
outbox lock sends that platform's outbox (the platform limits the whole bot, so one sender
keeps every chat's and group's pacing in one place, and the others stand by). The lock
lives on one dedicated connection, so when that process dies the server releases it and
another instance takes over on its next try. SQLite deployments are a single process: it
always leads.
"""

from __future__ import annotations

import logging
import zlib

from sqlalchemy import Connection, Engine, text

from core.eventlog import event

log = logging.getLogger("gotong.leader")

# An arbitrary 64-bit key that names "Gotong's periodic jobs" among advisory locks.
LOCK_KEY = 0x60706F6E67  # "gotong"-ish


def outbox_key(platform: str) -> int:
    """The advisory lock that names "the sender of this platform's outbox"."""
    return LOCK_KEY + 1 + zlib.crc32(platform.encode()) % 1_000_000


class Leadership:
    """Whether this process leads; `check()` tries to become leader when it is not."""

    def __init__(self, engine: Engine, key: int = LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._connection: Connection | None = None

    @property
    def shared(self) -> bool:
        """Whether several processes may share the database (so leadership matters)."""
        return self.engine.dialect.name == "postgresql"

    def check(self) -> bool:
        """True if this process leads now (taking the lock if it is free)."""
        if not self.shared:
            return True
        if self._connection is not None:
            try:
                self._connection.execute(text("select 1"))
                return True
            except Exception as error:
                event(log, "leader.lost", level=logging.WARNING, error=type(error).__name__)
                self.release()
        connection = self.engine.connect()
        got = connection.execute(
            text("select pg_try_advisory_lock(:key)"), {"key": self.key}
        ).scalar_one()
        connection.commit()
        if got:
            self._connection = connection
            event(log, "leader.taken")
            return True
        connection.close()
        return False

    def release(self) -> None:
        """Give up leadership: the lock's connection is discarded, not returned to the pool
        (a pooled connection would keep the session lock)."""
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            finally:
                self._connection = None
