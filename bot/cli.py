"""The `gotong` command."""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlmodel import Session, col, select

from adapters.console import PLATFORM, ConsoleSession
from adapters.slack import SlackStartError
from adapters.telegram import TelegramStartError
from bot.bootstrap import Runtime, build
from bot.database import upgrade
from bot.runner import (
    configured_platforms,
    outbox_delivery,
    run_console,
    run_platforms,
    telegram_bot_username,
)
from bot.settings import Settings, explain
from core import demo
from core.db import make_engine, unit_of_work
from core.errors import UserError
from core.language.i18n import language_or_default
from core.language.numbers import format_amount, parse_amount
from core.models import PartnerOrg, Person, Program, Role
from core.people import accounts, invites, programs
from core.people.directory import (
    person_by_handle,
    program_by_code,
)
from core.reports.export import KINDS, export

app = typer.Typer(
    help="Gotong: chat assistant for coordinating social programs.", no_args_is_help=True
)
people_app = typer.Typer(help="People who use Gotong.", no_args_is_help=True)
partners_app = typer.Typer(help="Partner organisations.", no_args_is_help=True)
programs_app = typer.Typer(help="Programs (#code).", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
app.add_typer(people_app, name="people")
app.add_typer(partners_app, name="partners")
app.add_typer(programs_app, name="programs")
app.add_typer(db_app, name="db")

err = Console(stderr=True)


def _settings() -> Settings:
    """The settings, or a clear message and exit status 2 (pydantic's would echo the values)."""
    try:
        return Settings()
    except ValidationError as error:
        err.print(f"Gotong's settings are not usable:\n{explain(error)}", highlight=False)
        raise typer.Exit(2) from None


def _runtime() -> Runtime:
    return build(_settings())


def _refuse(runtime: Runtime, error: UserError, status: int = 1) -> typer.Exit:
    """Print a refusal in GOTONG_LANGUAGE on stderr; the caller raises the returned exit.

    The terminal's own wording (cli.j2, with `gotong ...` examples) wins over the chat's, whose
    examples are slash commands nobody can type here. Help text stays English, like the code.
    """
    key = error.key if error.key.startswith("cli.") else error.key.replace(".", "_")
    lang = language_or_default(runtime.settings.language)
    catalog = runtime.gotong.catalog
    if not key.startswith("cli."):
        key = f"cli.{key}" if f"cli.{key}" in catalog.keys(lang) else f"error.{key}"
    text = catalog.render(
        key, lang=lang, tz=runtime.settings.timezone, now=runtime.clock.now(), **error.params
    )
    err.print(f"[red]{escape(text)}[/red]", highlight=False)
    return typer.Exit(status)


@contextmanager
def _explained(runtime: Runtime) -> Iterator[None]:
    """Turn a UserError into its message on stderr and exit status 1."""
    try:
        yield
    except UserError as error:
        raise _refuse(runtime, error) from None


def _default_person(session: Session) -> Person | None:
    for role in (Role.MANAGER, Role.ADMIN):
        found = session.exec(
            select(Person).where(Person.role == role).order_by(col(Person.id))
        ).first()
        if found is not None:
            return found
    return None


def _console_identity(runtime: Runtime, handle: str | None) -> str:
    """Link the terminal to a person (the named one, or the first manager) and return the handle."""
    # People type handles as they appear in chat, so "--as @budi" means @budi.
    handle = handle.strip().lstrip("@") if handle else None
    with unit_of_work(runtime.engine) as session:
        person = person_by_handle(session, handle) if handle else _default_person(session)
        if person is None:
            error = (
                UserError("cli.no_person", handle=handle) if handle else UserError("cli.no_people")
            )
            raise _refuse(runtime, error)
        accounts.link_identity(
            session,
            person=person,
            platform=PLATFORM,
            external_id=person.handle,
            chat_id=person.handle,
        )
        return person.handle


@app.command()
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
    runtime = _runtime()
    if demo_data:
        with unit_of_work(runtime.engine) as session:
            if session.exec(select(Person)).first() is None:
                demo.load(session, now=runtime.clock.now())
    if configured_platforms(runtime):
        try:
            asyncio.run(run_platforms(runtime))
        except (TelegramStartError, SlackStartError) as error:
            err.print(f"[red]{error}[/red]")
            raise typer.Exit(1) from None
        return
    handle = _console_identity(runtime, who)
    if sys.stdin.isatty():
        err.print(
            f"Gotong on the console as [bold]@{handle}[/bold]. "
            "Type /bantuan (or /help); Ctrl-D to stop."
        )
    asyncio.run(run_console(runtime, handle))


@app.command()
def chat(who: Annotated[str, typer.Option("--as", help="The person's handle.")]) -> None:
    """Talk to Gotong as a person; with piped input, one message per line."""
    runtime = _runtime()
    handle = _console_identity(runtime, who)
    console = ConsoleSession(
        runtime.gotong,
        outbox=outbox_delivery(runtime),
        who=handle,
        out=sys.stdout,
        styled=sys.stdout.isatty(),
    )
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


@app.command()
def invite(
    role: Annotated[str, typer.Option(help="admin, manager, field or partner.")] = "field",
    partner: Annotated[
        str | None, typer.Option(help="Partner organisation (for partner contacts).")
    ] = None,
    program: Annotated[str | None, typer.Option(help="Program the new person joins.")] = None,
    days: Annotated[int, typer.Option(min=1, max=90, help="How long the code stays valid.")] = 7,
) -> None:
    """Print a one-time invitation code (and a Telegram deep link when a bot is configured)."""
    runtime = _runtime()
    with _explained(runtime), unit_of_work(runtime.engine) as session:
        code = invites.create_invite(
            session,
            now=runtime.clock.now(),
            actor=None,
            role=role,
            partner=partner,
            program=program,
            lifetime=timedelta(days=days),
        )
    typer.echo(f"Invitation code: {code.code}  (role {code.role}, valid {days} days, one use)")
    username = asyncio.run(telegram_bot_username(runtime.settings))
    if username:
        typer.echo(f"Telegram: https://t.me/{username}?start={code.code}")
    typer.echo(f"Or send to the bot: /mulai {code.code}  (English: /start {code.code})")


@app.command("demo")
def load_demo() -> None:
    """Load the demo workspace (safe to run twice)."""
    runtime = _runtime()
    with unit_of_work(runtime.engine) as session:
        created = demo.load(session, now=runtime.clock.now())
    typer.echo("Demo workspace loaded." if created else "Demo workspace is already there.")
    typer.echo(
        "Try: gotong chat --as ani   (manager)   or   gotong chat --as budi   (field worker)"
    )


class Format(StrEnum):
    json = "json"
    csv = "csv"


@app.command("export")
def export_rows(
    kind: Annotated[str, typer.Argument(help=", ".join(KINDS))],
    fmt: Annotated[Format, typer.Option("--format", help="json or csv")] = Format.json,
) -> None:
    """Print every row of one kind as JSON or CSV."""
    runtime = _runtime()
    if kind not in KINDS:
        raise _refuse(runtime, UserError("cli.unknown_kind", kind=kind, kinds=list(KINDS)), 2)
    with unit_of_work(runtime.engine) as session:
        rows = export(session, kind, tz=runtime.settings.timezone)
    if fmt == Format.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if rows:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations."""
    settings = _settings()
    upgrade(make_engine(settings.database_url))
    typer.echo("Database is up to date.")


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


@people_app.command("add")
def people_add(
    handle: str,
    name: Annotated[str, typer.Option(help="Full name.")],
    role: Annotated[str, typer.Option(help="admin, manager, field or partner.")],
    lang: Annotated[str, typer.Option(help="id or en.")] = "id",
    tz: Annotated[
        str | None, typer.Option(help="Time zone: WIB, WITA, WIT or an IANA name.")
    ] = None,
    partner: Annotated[
        str | None, typer.Option(help="Partner organisation handle (partner contacts).")
    ] = None,
) -> None:
    """Register a person."""
    runtime = _runtime()
    with _explained(runtime), unit_of_work(runtime.engine) as session:
        person = accounts.add_person(
            session,
            now=runtime.clock.now(),
            actor=None,
            handle=handle,
            name=name,
            role=role,
            language=lang,
            timezone=tz or runtime.settings.timezone,
            partner=partner,
        )
    typer.echo(f"Added @{person.handle} ({person.role}).")


@people_app.command("list")
def people_list() -> None:
    """List people."""
    runtime = _runtime()
    with unit_of_work(runtime.engine) as session:
        orgs = {o.id: o.handle for o in session.exec(select(PartnerOrg))}
        rows = [
            [p.handle, p.name, p.role, p.language, p.timezone, orgs.get(p.partner_org_id) or ""]
            for p in session.exec(select(Person).order_by(col(Person.handle)))
        ]
    _table("People", ["handle", "name", "role", "lang", "time zone", "partner"], rows)


@partners_app.command("add")
def partners_add(
    handle: str,
    name: Annotated[str, typer.Option(help="Organisation name.")],
    kind: Annotated[
        str, typer.Option(help="government, ngo, community, private, international or academic.")
    ],
    region: Annotated[str, typer.Option(help="Where it works.")] = "",
) -> None:
    """Register a partner organisation."""
    runtime = _runtime()
    with _explained(runtime), unit_of_work(runtime.engine) as session:
        org = accounts.add_partner(
            session,
            now=runtime.clock.now(),
            actor=None,
            handle=handle,
            name=name,
            kind=kind,
            region=region,
        )
    typer.echo(f"Added partner @{org.handle} ({org.kind}).")


@partners_app.command("list")
def partners_list() -> None:
    """List partner organisations."""
    runtime = _runtime()
    with unit_of_work(runtime.engine) as session:
        rows = [
            [o.handle, o.name, o.kind, o.region]
            for o in session.exec(select(PartnerOrg).order_by(col(PartnerOrg.handle)))
        ]
    _table("Partners", ["handle", "name", "kind", "region"], rows)


@programs_app.command("add")
def programs_add(
    code: str,
    name: Annotated[str, typer.Option(help="Program name.")],
    level: Annotated[
        str, typer.Option(help="village, district, province, national or international.")
    ] = "district",
    region: Annotated[str, typer.Option(help="Where it runs.")] = "",
    owner: Annotated[str | None, typer.Option(help="Handle of the manager who owns it.")] = None,
    budget: Annotated[
        str | None, typer.Option(help="Budget, e.g. 'Rp 1,5 M' or 2.500.000.000.")
    ] = None,
    start: Annotated[str | None, typer.Option(help="Start date, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="End date, YYYY-MM-DD.")] = None,
) -> None:
    """Register a program."""
    runtime = _runtime()
    with _explained(runtime), unit_of_work(runtime.engine) as session:
        amount: Decimal | None = (
            parse_amount(budget, lang=runtime.settings.language) if budget else None
        )
        program = programs.add_program(
            session,
            now=runtime.clock.now(),
            actor=None,
            code=code,
            name=name,
            level=level,
            region=region,
            owner=owner,
            budget=amount,
            starts_on=_date(runtime, start),
            ends_on=_date(runtime, end),
        )
    typer.echo(f"Added program #{program.code} ({program.level}).")


def _date(runtime: Runtime, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _refuse(runtime, UserError("cli.bad_date", value=value), 2) from None


@programs_app.command("join")
def programs_join(
    code: str,
    handles: Annotated[list[str], typer.Argument(help="People and partner organisations to add.")],
) -> None:
    """Add people (members) and partner organisations to a program."""
    runtime = _runtime()
    with _explained(runtime), unit_of_work(runtime.engine) as session:
        program = program_by_code(session, code)
        joined = programs.add_to_program(
            session, now=runtime.clock.now(), actor=None, program=program, handles=handles
        )
        added = [f"@{p.handle}" for p in joined.members] + [f"@{o.handle}" for o in joined.partners]
        already = [f"@{who.handle}" for who in joined.already]
    typer.echo(
        f"Updated #{program.code}: added {', '.join(added) or 'nobody'}"
        + (f"; already in: {', '.join(already)}." if already else ".")
    )


@programs_app.command("list")
def programs_list() -> None:
    """List programs."""
    runtime = _runtime()
    lang = language_or_default(runtime.settings.language)
    with unit_of_work(runtime.engine) as session:
        owners = {p.id: p.handle for p in session.exec(select(Person))}
        rows = [
            [
                p.code,
                p.name,
                p.level,
                p.region,
                owners.get(p.owner_id) or "",
                format_amount(p.budget, lang=lang, currency=p.currency)
                if p.budget is not None
                else "",
            ]
            for p in session.exec(select(Program).order_by(col(Program.code)))
        ]
    _table("Programs", ["code", "name", "level", "region", "owner", "budget"], rows)
