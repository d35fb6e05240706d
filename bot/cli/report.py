"""`gotong report CODE`: the program report for a period, as Markdown, XLSX or PDF."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import open_runtime, refuse, say
from core.errors import UserError

if TYPE_CHECKING:
    from bot.bootstrap import Runtime


def last_full_month(today: date) -> tuple[date, date]:
    """The first and last day of the month before `today`'s."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def report(
    code: Annotated[str, typer.Argument(help="The program's code, e.g. pkh.")],
    start: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: last month's).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: last month's).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="pdf, xlsx or md.")] = "md",
    lang: Annotated[str, typer.Option("--lang", help="id or en.")] = "id",
    output: Annotated[
        Path | None, typer.Option("--output", help="File to write (md: default stdout).")
    ] = None,
) -> None:
    """The monthly program report for a district office or a donor."""
    from core.db import unit_of_work
    from core.language.i18n import LANGUAGES
    from core.people.directory import program_by_code
    from core.reports.program.make import FORMATS, make_report

    runtime = open_runtime("check")
    if fmt not in FORMATS:
        raise refuse(runtime, UserError("cli.report_bad_format", value=fmt), 2)
    if lang not in LANGUAGES:
        raise refuse(runtime, UserError("cli.settings_bad_language", value=lang), 2)
    if fmt != "md" and output is None:
        raise refuse(runtime, UserError("cli.report_needs_output", fmt=fmt), 2)
    now = runtime.clock.now()
    tz = runtime.settings.timezone
    default_start, default_end = last_full_month(now.astimezone(ZoneInfo(tz)).date())
    first = _day(runtime, start) if start else default_start
    last = _day(runtime, end) if end else default_end
    if first > last:
        raise refuse(runtime, UserError("cli.report_backwards", start=first, end=last), 2)
    try:
        with unit_of_work(runtime.engine) as session:
            program = program_by_code(session, code)
            made = make_report(
                session,
                runtime.gotong.catalog,
                program=program,
                start=first,
                end=last,
                fmt=fmt,
                lang=lang,
                tz=tz,
                now=now,
            )
    except UserError as error:
        raise refuse(runtime, error, 2) from None
    if output is None:
        sys.stdout.write(made.data.decode("utf-8"))
        return
    try:
        output.write_bytes(made.data)
    except OSError:
        raise refuse(runtime, UserError("cli.report_unwritable", path=str(output)), 2) from None
    typer.echo(
        say(
            runtime,
            "cli.report_written",
            path=str(output),
            size=len(made.data),
            code=program.code,
            first=first,
            last=last,
        )
    )


def _day(runtime: Runtime, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise refuse(runtime, UserError("cli.bad_date", value=value), 2) from None
