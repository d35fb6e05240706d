"""`gotong budget import`: budget lines from a CSV file, all or nothing (as `partners import`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import import_file, open_runtime

if TYPE_CHECKING:
    from sqlmodel import Session

    from core.measures import budget_import

# core.measures.budget_import.COLUMNS, spelled out so that --help imports no database code
# (tests/test_startup.py checks they agree).
COLUMNS_HELP = "program,line,planned"

budget_app = typer.Typer(help="Program budgets.", no_args_is_help=True)

_OUTCOMES = {"added": "added", "updated": "updated", "unchanged": "already there"}


@budget_app.command("import")
def budget_import_command(
    file: Annotated[Path, typer.Argument(help=f"CSV: {COLUMNS_HELP} (one per line).")],
) -> None:
    """Import budget lines, upserting by program and line name (all or nothing)."""
    from core.language.i18n import language_or_default
    from core.language.numbers import format_amount
    from core.measures import budget_import

    runtime = open_runtime("start")
    lang = language_or_default(runtime.settings.language)

    def load(session: Session, text: str) -> tuple[int, budget_import.ImportResult]:
        rows = budget_import.read_rows(text)
        now = runtime.clock.now()
        return len(rows), budget_import.import_rows(session, now=now, rows=rows, lang=lang)

    def describe(row: budget_import.Accepted) -> str:
        amount = format_amount(row.planned, lang=lang)
        return f"line {row.line}: #{row.program} {row.name} {amount} {_OUTCOMES[row.outcome]}"

    import_file(runtime, file, load, describe)
