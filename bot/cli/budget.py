"""`gotong budget import`: budget lines from a CSV file, all or nothing (as `partners import`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.bootstrap import Schema
from bot.cli.common import err, explained, open_runtime, refusal_text
from bot.cli.partners import read_file
from core.db import unit_of_work
from core.language.i18n import language_or_default
from core.language.numbers import format_amount
from core.measures import budget_import

budget_app = typer.Typer(help="Program budgets.", no_args_is_help=True)

_OUTCOMES = {"added": "added", "updated": "updated", "unchanged": "already there"}


@budget_app.command("import")
def budget_import_command(
    file: Annotated[
        Path, typer.Argument(help="CSV: " + ",".join(budget_import.COLUMNS) + " (one per line).")
    ],
) -> None:
    """Import budget lines, upserting by program and line name (all or nothing)."""
    runtime = open_runtime(Schema.START)
    text = read_file(runtime, file)
    lang = language_or_default(runtime.settings.language)
    with explained(runtime), unit_of_work(runtime.engine) as session:
        rows = budget_import.read_rows(text)
        result = budget_import.import_rows(session, now=runtime.clock.now(), rows=rows, lang=lang)
        if result.rejected:
            session.rollback()
    if result.rejected:
        for rejected in result.rejected:
            err.print(
                f"line {rejected.line}: {refusal_text(runtime, rejected.error)}",
                highlight=False,
                markup=False,
            )
        err.print(
            f"Nothing was imported: {len(result.rejected)} of {len(rows)} rows rejected. "
            "Fix them and run the import again.",
            highlight=False,
        )
        raise typer.Exit(1)
    for row in result.accepted:
        amount = format_amount(row.planned, lang=lang)
        typer.echo(f"line {row.line}: #{row.program} {row.name} {amount} {_OUTCOMES[row.outcome]}")
    typer.echo(f"Imported {len(result.accepted)} rows.")
