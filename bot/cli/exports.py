"""`gotong export`: rows of any kind, filtered, streamed to a file or standard output."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO
from zoneinfo import ZoneInfo

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from bot.cli.common import err, open_runtime, refuse, say
from core.errors import UserError

if TYPE_CHECKING:
    from bot.bootstrap import Runtime
    from core.reports.export import ExportQuery

# A progress bar appears only for an export still running after this long.
PROGRESS_AFTER = 1.0
# core.reports.export's KINDS and FORMATS, spelled out so that --help imports no database code
# (tests/test_startup.py checks they agree).
KINDS_HELP = (
    "tasks, meetings, deadlines, updates, commitments, expenses, budget, indicators, reminders, "
    "outbox, people, partners, programs, audit"
)
FORMATS_HELP = "csv, json, jsonl, xlsx, ics"


def export(
    kind: Annotated[
        str | None, typer.Argument(help=f"One of: {KINDS_HELP} (or --kind a,b).")
    ] = None,
    kinds: Annotated[
        str | None, typer.Option("--kind", help="Several kinds, comma-separated (xlsx sheets).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help=FORMATS_HELP)] = "json",
    program: Annotated[
        list[str] | None, typer.Option("--program", help="Program code; repeat for several.")
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="From this date or moment (GOTONG_TIMEZONE unless +HH:MM)."),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Up to this date (the whole day) or moment.")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Only programs of this region.")] = None,
    partner: Annotated[
        str | None, typer.Option(help="Only this partner organisation's rows.")
    ] = None,
    excel: Annotated[bool, typer.Option(help="Start a CSV with a BOM for Excel.")] = False,
    output: Annotated[
        Path | None, typer.Option(help="Write to this file (default: standard output).")
    ] = None,
) -> None:
    """Export rows as CSV, JSON, JSON Lines or XLSX, streamed in batches."""
    from core.reports.export import ExportQuery

    runtime = open_runtime("check")
    words = [w for w in ([kind] if kind else []) + (kinds or "").split(",") if w.strip()]
    tz = runtime.settings.timezone
    try:
        query = ExportQuery(
            kinds=tuple(words) or ("",),
            programs=tuple(program or ()),
            start=_moment(start, tz, end_of_day=False),
            end=_moment(end, tz, end_of_day=True),
            region=region,
            partner=partner,
        )
        fmt = fmt.strip().lower()
        if fmt == "pdf":
            raise UserError("cli.export_pdf_is_a_report")
        if fmt == "xlsx" and output is None:
            raise UserError("cli.export_xlsx_needs_output")
        count = _write(runtime, query, fmt, output, excel)
    except UserError as error:
        raise refuse(runtime, error, 2) from None
    if count == 0:
        err.print(say(runtime, "cli.export_empty", kinds=list(query.kinds)), highlight=False)
    elif output is not None:
        err.print(
            say(runtime, "cli.export_written", count=count, path=str(output)), highlight=False
        )


def _moment(value: str | None, tz: str, *, end_of_day: bool) -> datetime | None:
    """A date (its midnight; the next one for --to, so the whole day counts) or a moment."""
    if value is None:
        return None
    text = value.strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
        if day is not None:
            midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz))
            return midnight + timedelta(days=1) if end_of_day else midnight
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UserError("cli.export_bad_date", value=value) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def _write(runtime: Runtime, query: ExportQuery, fmt: str, output: Path | None, excel: bool) -> int:
    """The export into a file beside `output` renamed over it when complete (a failed export
    leaves no half file and an old one intact), or to standard output."""
    progress = _ProgressBar()
    try:
        if output is None:
            sys.stdout.flush()
            out: BinaryIO = sys.stdout.buffer
            return _run(runtime, query, fmt, out, excel, progress)
        partial = _partial_file(output)
        try:
            with open(partial, "wb") as out:
                count = _run(runtime, query, fmt, out, excel, progress)
            os.replace(partial, output)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        return count
    finally:
        progress.close()


def _partial_file(output: Path) -> str:
    if output.is_dir():
        raise UserError("cli.export_unwritable", path=str(output))
    try:
        handle, name = tempfile.mkstemp(
            dir=output.parent.resolve(), prefix=f".{output.name}.", suffix=".part"
        )
    except OSError:
        raise UserError("cli.export_unwritable", path=str(output)) from None
    os.close(handle)
    return name


def _run(
    runtime: Runtime,
    query: ExportQuery,
    fmt: str,
    out: BinaryIO,
    excel: bool,
    progress: _ProgressBar,
) -> int:
    from core.db import unit_of_work
    from core.language.i18n import language_or_default
    from core.reports.export import write_export

    with unit_of_work(runtime.engine) as session:
        count = write_export(
            session,
            query,
            fmt,
            out,
            tz=runtime.settings.timezone,
            excel=excel,
            on_rows=progress,
            lang=language_or_default(runtime.settings.language),
        )
    out.flush()
    return count


class _ProgressBar:
    """Rows written so far on the terminal's stderr, once an export takes over a second;
    nothing in a pipe or a file."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.bar: Progress | None = None
        self.task: Any = None

    def __call__(self, rows: int) -> None:
        if not err.is_terminal:
            return
        if self.bar is None:
            if time.monotonic() - self.started < PROGRESS_AFTER:
                return
            self.bar = Progress(
                SpinnerColumn(),
                BarColumn(),
                TextColumn("{task.completed:,} rows"),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("export", total=None)
        self.bar.update(self.task, completed=rows)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
