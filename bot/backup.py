"""Backups of a SQLite database and their restore onto an empty database of either kind.

A backup is a SQLite file made with SQLite's online backup API: one read transaction copies
every page, so it is consistent while Gotong runs (in WAL mode readers never wait for the
writer, and what a writer has not committed is not in the copy).

A restore copies the backup table by table through SQLAlchemy, with the models' own column
types, rather than page by page: so a SQLite backup restores into PostgreSQL as well, which
is how a deployment that outgrew SQLite moves. It runs in one transaction on the target, so a
failed restore leaves the target as empty as it was.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, create_engine, func, inspect, select, text
from sqlmodel import SQLModel

import core.models  # noqa: F401  (every table registered on the metadata)
from bot.database import shipped_heads, upgrade
from core.errors import UserError

SQLITE_HEADER = b"SQLite format 3\x00"
BATCH = 1000

Counts = dict[str, int]


def tables() -> list[Table]:
    """Gotong's tables, parents before the tables that point at them."""
    return list(SQLModel.metadata.sorted_tables)


def sqlite_path(engine: Engine) -> Path:
    """The file of a SQLite database (a refusal for an in-memory one, which has none)."""
    database = engine.url.database
    if not database or database == ":memory:":
        raise UserError("cli.backup_no_file")
    return Path(database)


def backup(engine: Engine, target: Path) -> Counts:
    """Copy the SQLite database behind `engine` to a new file `target`; its rows per table.

    Written beside `target` first and renamed into place, so a failed backup leaves no file
    that looks like a good one.
    """
    source = sqlite_path(engine)
    if not source.is_file():
        raise UserError("cli.backup_no_database", path=str(source))
    if target.exists():
        raise UserError("cli.backup_exists", path=str(target))
    partial = target.with_name(target.name + ".partial")
    try:
        with (
            closing(sqlite3.connect(source, timeout=30)) as live,
            closing(sqlite3.connect(partial)) as copy,
        ):
            # pages=-1: every page in one step, under one read transaction: one moment.
            live.backup(copy, pages=-1)
            # The copy is one self-contained file, not a WAL database with a side file.
            copy.execute("PRAGMA journal_mode=DELETE")
        os.replace(partial, target)
    except (OSError, sqlite3.Error):
        partial.unlink(missing_ok=True)
        raise UserError("cli.backup_unwritable", path=str(target)) from None
    return backup_counts(target)


def head_revision() -> str:
    """The newest migration this Gotong ships."""
    (head,) = shipped_heads()
    return head


@contextmanager
def _opened_backup(path: Path) -> Iterator[sqlite3.Connection]:
    """The backup file opened read-only, once it is known to be a SQLite file."""
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError:
        raise UserError("cli.restore_unreadable", path=str(path)) from None
    if header != SQLITE_HEADER:
        raise UserError("cli.restore_not_backup", path=str(path))
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        yield connection


def backup_revision(path: Path) -> str:
    """The schema revision a backup was made at; a refusal for a file that is not a backup."""
    with _opened_backup(path) as connection:
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            raise UserError("cli.restore_not_backup", path=str(path)) from None
    if row is None:
        raise UserError("cli.restore_not_backup", path=str(path))
    return str(row[0])


def backup_counts(path: Path) -> Counts:
    """Rows per Gotong table in a backup file."""
    with _opened_backup(path) as connection:
        present = {
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        missing = [t.name for t in tables() if t.name not in present]
        if missing:
            raise UserError("cli.restore_not_backup", path=str(path))
        return {
            t.name: int(connection.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0])
            for t in tables()
        }


def database_counts(engine: Engine) -> Counts:
    """Rows per Gotong table in a database (0 for a table it does not have yet)."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return {
            t.name: int(connection.scalar(select(func.count()).select_from(t)) or 0)
            if t.name in present
            else 0
            for t in tables()
        }


def restore(path: Path, engine: Engine) -> tuple[Counts, Counts]:
    """Copy a backup into the empty database behind `engine`: (the backup's counts, the
    database's counts after), for the caller to compare.

    Refused, with nothing changed, when the file is not a backup of this schema revision or
    the database holds any row.
    """
    revision, head = backup_revision(path), head_revision()
    if revision != head:
        raise UserError("cli.restore_wrong_revision", path=str(path), found=revision, head=head)
    expected = backup_counts(path)
    held = {name: n for name, n in database_counts(engine).items() if n}
    if held:
        raise UserError("cli.restore_not_empty", tables=sorted(held), rows=sum(held.values()))
    upgrade(engine)
    # Read-only, and not through make_engine, whose WAL pragma would rewrite the backup file.
    source = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with source.connect() as reading, engine.begin() as writing:
            for table in tables():
                _copy(table, reading, writing)
            if engine.dialect.name == "postgresql":
                _move_sequences(writing)
    finally:
        source.dispose()
    return expected, database_counts(engine)


def _copy(table: Table, reading: Connection, writing: Connection) -> None:
    """One table's rows in primary-key order, a batch at a time: memory stays flat."""
    ordered = select(table).order_by(*table.primary_key.columns)
    result = reading.execution_options(yield_per=BATCH).execute(ordered)
    for rows in result.partitions():
        writing.execute(table.insert(), [row._asdict() for row in rows])


def _move_sequences(writing: Connection) -> None:
    """After rows with their own ids, PostgreSQL's id sequences start past the largest one."""
    for table in tables():
        (key, *more) = table.primary_key.columns
        if more or not key.autoincrement or key.type.python_type is not int:
            continue
        writing.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE(MAX("{key.name}"), 1), MAX("{key.name}") IS NOT NULL) '
                f'FROM "{table.name}"'
            ),
            {"table": f'"{table.name}"', "column": key.name},
        )
