"""Real database failures, switched on and off under a running engine.

Each fault makes the database itself refuse (SQLite's read-only mode, a PostgreSQL
read-only transaction, a trigger raising `disk_full`, a backend terminated from another
connection), so the core sees exactly the errors it would see in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text


def _dialect(engine: Engine) -> str:
    return engine.dialect.name


@contextmanager
def read_only(engine: Engine) -> Iterator[None]:
    """Every new transaction may read but not write (a read-only file, a standby)."""

    def on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA query_only=1")

    def on_postgres_begin(connection: Any) -> None:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")

    if _dialect(engine) == "sqlite":
        target, name, listener = engine, "connect", on_sqlite_connect
    else:
        target, name, listener = engine, "begin", on_postgres_begin
    engine.dispose()  # pooled connections were opened before the fault
    event.listen(target, name, listener)
    try:
        yield
    finally:
        event.remove(target, name, listener)
        engine.dispose()


@contextmanager
def disk_full(engine: Engine, table: str) -> Iterator[None]:
    """Inserting into `table` fails as a full disk does (PostgreSQL: SQLSTATE 53100)."""
    assert _dialect(engine) == "postgresql"
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE FUNCTION disk_is_full() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'could not extend file' USING ERRCODE = 'disk_full'; "
                "END $$ LANGUAGE plpgsql"
            )
        )
        connection.execute(
            text(
                f'CREATE TRIGGER disk_is_full BEFORE INSERT ON "{table}" '
                "FOR EACH ROW EXECUTE FUNCTION disk_is_full()"
            )
        )
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP TRIGGER disk_is_full ON "{table}"'))
            connection.execute(text("DROP FUNCTION disk_is_full()"))


@contextmanager
def connection_dropped_at(engine: Engine, statement_start: str) -> Iterator[list[int]]:
    """The first statement starting with `statement_start` finds its connection terminated.

    Another connection calls pg_terminate_backend on the one inside the transaction, as an
    operator or a failover would; yields the list of terminated backend pids.
    """
    assert _dialect(engine) == "postgresql"
    admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    terminated: list[int] = []

    def before_execute(
        _conn: Any, cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if terminated or not statement.lstrip().upper().startswith(statement_start.upper()):
            return
        pid = cursor.connection.info.backend_pid
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        terminated.append(pid)

    event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield terminated
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)
        admin.dispose()
