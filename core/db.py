"""Engines and the unit of work: one incoming message, one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine, func, select
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")

READ_ONLY = "gotong_read_only"  # an execution option: this connection only reads

# PostgreSQL error classes that say the database cannot work now, not that the statement is
# wrong: a lost connection (08), no room (53), an operator stopping it (57), a system error
# (58), a read-only transaction (25006, e.g. a standby) and the losers of a conflict (40).
_UNAVAILABLE_CLASSES = ("08", "53", "57", "58", "40")
_UNAVAILABLE_STATES = ("25006",)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and BEGIN IMMEDIATE transactions."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN IMMEDIATE below is the only BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if ":memory:" not in url:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads then writes fails with "database is locked"
        # under concurrency; taking the write lock up front makes writers queue instead.
        # A read that must work when writing cannot (a read-only file) asks for a plain BEGIN.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session whose changes are committed if the block ends normally, else rolled back."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session that only reads, and so works while the database refuses writes."""
    with engine.connect() as connection, Session(bind=connection) as session:
        connection.execution_options(**{READ_ONLY: True})
        yield session


def page_of(
    session: Session, query: SelectOfScalar[T], *, limit: int, offset: int = 0
) -> tuple[list[T], int]:
    """Up to `limit` rows of an ordered query from `offset`, and how many rows it has in all.

    One statement when the page holds the whole list; a count only when there is more.
    """
    rows = list(session.exec(query.offset(offset).limit(limit + 1)))
    if len(rows) <= limit and (rows or offset == 0):
        return rows, offset + len(rows)
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    return rows[:limit], total


def is_unavailable(error: BaseException) -> bool:
    """Whether the database failed for its own reasons (locked, full, read-only, gone).

    Such a failure says nothing about the message: the same message succeeds once the
    database is back, so it is kept for later rather than answered with an apology.
    """
    if isinstance(error, OperationalError):  # SQLite: locked, full, read-only, I/O
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", None) or ""
    return state[:2] in _UNAVAILABLE_CLASSES or state in _UNAVAILABLE_STATES
