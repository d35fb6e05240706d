"""`gotong backup FILE` and `gotong restore FILE`: a SQLite database to a file and back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import open_runtime, print_table, refuse, say
from core.errors import UserError

if TYPE_CHECKING:
    from bot.backup import Counts
    from bot.bootstrap import Runtime


def backup_database(
    file: Annotated[Path, typer.Argument(help="The new backup file (must not exist yet).")],
) -> None:
    """Copy the SQLite database to FILE while Gotong runs; PostgreSQL: how to use pg_dump."""
    from bot import backup as backups

    runtime = open_runtime("any")
    if runtime.engine.dialect.name != "sqlite":
        raise refuse(runtime, UserError("cli.backup_postgres", file=str(file)), 2)
    try:
        counts = backups.backup(runtime.engine, file)
    except UserError as error:
        raise refuse(runtime, error, 2) from None
    _print_counts(runtime, counts, None)
    typer.echo(say(runtime, "cli.backup_done", path=str(file), rows=sum(counts.values())))


def restore_database(
    file: Annotated[Path, typer.Argument(help="A backup made by `gotong backup`.")],
) -> None:
    """Copy a backup into the empty database of GOTONG_DATABASE_URL (SQLite or PostgreSQL)."""
    from bot import backup as backups

    runtime = open_runtime("any")
    try:
        expected, restored = backups.restore(file, runtime.engine)
    except UserError as error:
        raise refuse(runtime, error, 2) from None
    _print_counts(runtime, restored, expected)
    differ = [name for name in expected if expected[name] != restored.get(name)]
    if differ:
        raise refuse(runtime, UserError("cli.restore_differs", tables=differ), 1)
    typer.echo(say(runtime, "cli.restore_done", path=str(file), rows=sum(restored.values())))


def _print_counts(runtime: Runtime, counts: Counts, expected: Counts | None) -> None:
    """Rows per table; with `expected`, the backup's count beside each."""
    columns = [say(runtime, "cli.counts_table"), say(runtime, "cli.counts_rows")]
    if expected is not None:
        columns.append(say(runtime, "cli.counts_in_backup"))
    rows = [
        [name, str(n)] + ([str(expected.get(name, 0))] if expected is not None else [])
        for name, n in sorted(counts.items())
    ]
    print_table(say(runtime, "cli.counts_title"), columns, rows)
