"""`gotong people|partners|programs`: register and list who and what Gotong coordinates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import explained, open_runtime, print_table, refuse, say
from core.errors import UserError

if TYPE_CHECKING:
    from bot.bootstrap import Runtime

people_app = typer.Typer(help="People who use Gotong.", no_args_is_help=True)
partners_app = typer.Typer(help="Partner organisations.", no_args_is_help=True)
programs_app = typer.Typer(help="Programs (#code).", no_args_is_help=True)


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
    from core.db import unit_of_work
    from core.people import accounts

    runtime = open_runtime("start")
    with explained(runtime), unit_of_work(runtime.engine) as session:
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
    typer.echo(say(runtime, "cli.person_added", handle=person.handle, role=person.role))


@people_app.command("list")
def people_list() -> None:
    """List people."""
    from sqlmodel import col, select

    from core.db import unit_of_work
    from core.models import PartnerOrg, Person

    runtime = open_runtime("check")
    with unit_of_work(runtime.engine) as session:
        orgs = {o.id: o.handle for o in session.exec(select(PartnerOrg))}
        rows = [
            [p.handle, p.name, p.role, p.language, p.timezone, orgs.get(p.partner_org_id) or ""]
            for p in session.exec(select(Person).order_by(col(Person.handle)))
        ]
    print_table("People", ["handle", "name", "role", "lang", "time zone", "partner"], rows)


@partners_app.command("add")
def partners_add(
    handle: str,
    name: Annotated[str, typer.Option(help="Organisation name.")],
    kind: Annotated[
        str,
        typer.Option(
            help="government, ngo, community, private, international or academic"
            " (or pemerintah, lsm, komunitas, swasta, internasional, akademisi)."
        ),
    ],
    region: Annotated[str, typer.Option(help="Where it works.")] = "",
) -> None:
    """Register a partner organisation."""
    from core.db import unit_of_work
    from core.people import accounts

    runtime = open_runtime("start")
    with explained(runtime), unit_of_work(runtime.engine) as session:
        org = accounts.add_partner(
            session,
            now=runtime.clock.now(),
            actor=None,
            handle=handle,
            name=name,
            kind=kind,
            region=region,
        )
    typer.echo(say(runtime, "cli.partner_added", handle=org.handle, kind=org.kind))


@partners_app.command("list")
def partners_list() -> None:
    """List partner organisations."""
    from sqlmodel import col, select

    from core.db import unit_of_work
    from core.models import PartnerOrg

    runtime = open_runtime("check")
    with unit_of_work(runtime.engine) as session:
        rows = [
            [o.handle, o.name, o.kind, o.region]
            for o in session.exec(select(PartnerOrg).order_by(col(PartnerOrg.handle)))
        ]
    print_table("Partners", ["handle", "name", "kind", "region"], rows)


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
    from core.db import unit_of_work
    from core.language.numbers import parse_amount
    from core.people import programs

    runtime = open_runtime("start")
    with explained(runtime), unit_of_work(runtime.engine) as session:
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
    typer.echo(say(runtime, "cli.program_added", code=program.code, level=program.level))


def _date(runtime: Runtime, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise refuse(runtime, UserError("cli.bad_date", value=value), 2) from None


@programs_app.command("join")
def programs_join(
    code: str,
    handles: Annotated[list[str], typer.Argument(help="People and partner organisations to add.")],
) -> None:
    """Add people (members) and partner organisations to a program."""
    from core.db import unit_of_work
    from core.people import programs
    from core.people.directory import program_by_code

    runtime = open_runtime("start")
    with explained(runtime), unit_of_work(runtime.engine) as session:
        program = program_by_code(session, code)
        joined = programs.add_to_program(
            session, now=runtime.clock.now(), actor=None, program=program, handles=handles
        )
        added = [f"@{p.handle}" for p in joined.members] + [f"@{o.handle}" for o in joined.partners]
        already = [f"@{who.handle}" for who in joined.already]
    typer.echo(say(runtime, "cli.program_joined", code=program.code, added=added, already=already))


@programs_app.command("list")
def programs_list() -> None:
    """List programs."""
    from sqlmodel import col, select

    from core.db import unit_of_work
    from core.language.i18n import language_or_default
    from core.language.numbers import format_amount
    from core.models import Person, Program

    runtime = open_runtime("check")
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
    print_table("Programs", ["code", "name", "level", "region", "owner", "budget"], rows)
