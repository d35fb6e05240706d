"""Engines and the unit of work: one incoming message, one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine, func, select
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")


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
        connection.exec_driver_sql("BEGIN IMMEDIATE")

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
