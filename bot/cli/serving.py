"""`gotong run`, `gotong chat` and `gotong db upgrade`: the commands that serve or migrate."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import err, open_runtime, refuse
from core.errors import UserError

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.bootstrap import Runtime
    from core.models import Person


def _default_person(session: Session) -> Person | None:
    from sqlmodel import col, select

    from core.models import Person, Role

    for role in (Role.MANAGER, Role.ADMIN):
        found = session.exec(
            select(Person).where(Person.role == role).order_by(col(Person.id))
        ).first()
        if found is not None:
            return found
    return None


def _console_identity(runtime: Runtime, handle: str | None) -> str:
    """Link the terminal to a person (the named one, or the first manager) and return the handle."""
    from adapters.console import PLATFORM
    from core.db import unit_of_work
    from core.people import accounts
    from core.people.directory import person_by_handle

    # People type handles as they appear in chat, so "--as @budi" means @budi.
    handle = handle.strip().lstrip("@") if handle else None
    with unit_of_work(runtime.engine) as session:
        person = person_by_handle(session, handle) if handle else _default_person(session)
        if person is None:
            error = (
                UserError("cli.no_person", handle=handle) if handle else UserError("cli.no_people")
            )
            raise refuse(runtime, error)
        accounts.link_identity(
            session,
            person=person,
            platform=PLATFORM,
            external_id=person.handle,
            chat_id=person.handle,
        )
        return person.handle


def run(
    demo_data: Annotated[
        bool, typer.Option("--demo", help="Load the demo workspace first if the database is empty.")
    ] = False,
    who: Annotated[
        str | None,
        typer.Option("--as", help="Console: talk as this person (default: the first manager)."),
    ] = None,
) -> None:
    """Run Gotong: the configured adapters and the scheduler (the console without platforms)."""
    from sqlmodel import select

    from bot import bootstrap
    from bot.runner import run_console, run_platforms
    from core import demo
    from core.db import unit_of_work
    from core.models import Person

    runtime = open_runtime("start")
    if demo_data:
        with unit_of_work(runtime.engine) as session:
            if session.exec(select(Person)).first() is None:
                demo.load(session, now=runtime.clock.now())
    sweep_seconds = runtime.settings.outbox_sweep_seconds
    platforms = bootstrap.configured_platforms(runtime)
    if platforms:
        try:
            asyncio.run(
                run_platforms(
                    platforms,
                    bootstrap.build_jobs(runtime),
                    sweep_seconds=sweep_seconds,
                    core=runtime.gotong,
                    senders=bootstrap.outbox_senders(runtime, platforms),
                )
            )
        except bootstrap.start_errors(platforms) as error:
            err.print(f"[red]{error}[/red]")
            raise typer.Exit(1) from None
        return
    handle = _console_identity(runtime, who)
    if sys.stdin.isatty():
        err.print(
            f"Gotong on the console as [bold]@{handle}[/bold]. "
            "Type /bantuan (or /help); Ctrl-D to stop."
        )
    console = bootstrap.build_console(runtime, handle, sys.stdout, styled=sys.stdout.isatty())
    asyncio.run(
        run_console(console, bootstrap.build_jobs(runtime), who=handle, sweep_seconds=sweep_seconds)
    )


def chat(who: Annotated[str, typer.Option("--as", help="The person's handle.")]) -> None:
    """Talk to Gotong as a person; with piped input, one message per line."""
    from bot import bootstrap

    runtime = open_runtime("start")
    handle = _console_identity(runtime, who)
    console = bootstrap.build_console(runtime, handle, sys.stdout, styled=sys.stdout.isatty())
    console.deliver()
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            sys.stdout.write(f"{handle}> ")
            sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            break
        if line.strip():
            console.send(line.strip())
            console.deliver()


def db_upgrade() -> None:
    """Apply the database migrations (the one command that migrates a PostgreSQL database)."""
    open_runtime("upgrade")
    typer.echo("Database is up to date.")
