"""What every `gotong` command shares: settings, the runtime, refusals on stderr, tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from core.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.bootstrap import Runtime
    from bot.settings import Settings
    from core.imports import ImportResult

# The command modules import the database, the core and the platforms inside their functions:
# `gotong --help` then costs Typer alone (tests/test_startup.py keeps it so).

SchemaRule = Literal["upgrade", "start", "check", "any"]  # bot.bootstrap.Schema, by value
err = Console(stderr=True)
_opened: list[Engine] = []


def load_settings() -> Settings:
    """The settings, or a clear message and exit status 2 (pydantic's would echo the values)."""
    from pydantic import ValidationError

    from bot.settings import Settings, explain

    try:
        return Settings()
    except ValidationError as error:
        err.print(f"Gotong's settings are not usable:\n{explain(error)}", highlight=False)
        raise typer.Exit(2) from None


def open_runtime(schema: SchemaRule) -> Runtime:
    """Gotong built through the composition root; an outdated schema is one line and status 1."""
    from bot.bootstrap import OutdatedSchema, Schema, build

    settings = load_settings()
    try:
        built = build(settings, schema=Schema(schema))
    except OutdatedSchema as error:
        err.print(f"[red]{escape(str(error))}[/red]", highlight=False)
        raise typer.Exit(1) from None
    _opened.append(built.engine)
    return built


def close_opened() -> None:
    """Close the connections of the runtimes this command opened (tests run many in a process)."""
    while _opened:
        _opened.pop().dispose()


def refuse(runtime: Runtime, error: UserError, status: int = 1) -> typer.Exit:
    """Print a refusal in GOTONG_LANGUAGE on stderr; the caller raises the returned exit.

    The terminal's own wording (cli.j2, with `gotong ...` examples) wins over the chat's, whose
    examples are slash commands nobody can type here. Help text stays English, like the code.
    """
    err.print(f"[red]{escape(refusal_text(runtime, error))}[/red]", highlight=False)
    return typer.Exit(status)


def say(runtime: Runtime, key: str, **params: Any) -> str:
    """A command's own line (cli.j2's `key`) in GOTONG_LANGUAGE."""
    from core.language.i18n import language_or_default

    return runtime.catalog.render(
        key,
        lang=language_or_default(runtime.settings.language),
        tz=runtime.settings.timezone,
        now=runtime.clock.now(),
        **params,
    )


def refusal_text(runtime: Runtime, error: UserError) -> str:
    """A refusal's words in GOTONG_LANGUAGE, the terminal's wording first (see `refuse`)."""
    from core.language.i18n import language_or_default

    key = error.key if error.key.startswith("cli.") else error.key.replace(".", "_")
    lang = language_or_default(runtime.settings.language)
    catalog = runtime.gotong.catalog
    if not key.startswith("cli."):
        key = f"cli.{key}" if f"cli.{key}" in catalog.keys(lang) else f"error.{key}"
    return catalog.render(
        key, lang=lang, tz=runtime.settings.timezone, now=runtime.clock.now(), **error.params
    )


@contextmanager
def explained(runtime: Runtime) -> Iterator[None]:
    """Turn a UserError into its message on stderr and exit status 1."""
    try:
        yield
    except UserError as error:
        raise refuse(runtime, error) from None


def print_table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    """Rows as a table on stdout."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


# Bigger than any list or budget a person imports; a file this size is the wrong file.
MAX_FILE_BYTES = 5_000_000


def read_file(runtime: Runtime, file: Path) -> str:
    """The text of a small UTF-8 file, or a refusal (exit status 2) that says why not."""
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise refuse(runtime, UserError("cli.file_too_big", limit=MAX_FILE_BYTES), 2)
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise refuse(runtime, UserError("cli.unreadable_file", path=str(file)), 2) from None


def import_file(
    runtime: Runtime,
    file: Path,
    load: Callable[[Any, str], tuple[int, ImportResult[Any]]],
    describe: Callable[[Any], str],
) -> None:
    """Import a CSV file all or nothing: `load(session, text)` checks and writes every row and
    gives (rows read, result). When any row is rejected, every rejected row is printed with its
    line number and reason, nothing at all is written, and the command exits with status 1, so
    fixing the file and running it again never leaves half of an earlier run behind."""
    from core.db import unit_of_work

    text = read_file(runtime, file)
    with explained(runtime), unit_of_work(runtime.engine) as session:
        count, result = load(session, text)
        if result.rejected:
            session.rollback()
    if result.rejected:
        for rejected in result.rejected:
            err.print(
                say(
                    runtime,
                    "cli.import_line",
                    line=rejected.line,
                    reason=refusal_text(runtime, rejected.error),
                ),
                highlight=False,
                markup=False,
            )
        err.print(
            say(runtime, "cli.import_rejected", rejected=len(result.rejected), count=count),
            highlight=False,
        )
        raise typer.Exit(1)
    for accepted in result.accepted:
        typer.echo(describe(accepted))
    typer.echo(say(runtime, "cli.imported", count=len(result.accepted)))
