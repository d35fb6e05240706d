"""`gotong invite` and `gotong demo`: invitation codes and the demo workspace."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

import typer

from bot.cli.common import explained, open_runtime, say
from core.errors import UserError


def invite(
    role: Annotated[str, typer.Option(help="admin, manager, field or partner.")] = "field",
    partner: Annotated[
        str | None, typer.Option(help="Partner organisation (for partner contacts).")
    ] = None,
    program: Annotated[str | None, typer.Option(help="Program the new person joins.")] = None,
    days: Annotated[int, typer.Option(min=1, max=90, help="How long the code stays valid.")] = 7,
    person: Annotated[
        str | None,
        typer.Option(help="A person already added (gotong people add): the code links to them."),
    ] = None,
) -> None:
    """Print a one-time invitation code (and Telegram and WhatsApp links when configured)."""
    from bot.bootstrap import telegram_bot_username, whatsapp_number
    from core.db import unit_of_work
    from core.people import invites
    from core.people.directory import person_by_handle

    runtime = open_runtime("start")
    with explained(runtime), unit_of_work(runtime.engine) as session:
        now, lifetime = runtime.clock.now(), timedelta(days=days)
        if person is not None:
            person = person.lstrip("@")
            found = person_by_handle(session, person)
            if found is None:
                raise UserError("cli.no_person", handle=person)
            code = invites.create_link_code(
                session, now=now, actor=None, person=found, lifetime=lifetime
            )
        else:
            code = invites.create_invite(
                session,
                now=now,
                actor=None,
                role=role,
                partner=partner,
                program=program,
                lifetime=lifetime,
            )
    typer.echo(
        say(runtime, "cli.invite_code", code=code.code, person=person, role=code.role, days=days)
    )
    username = asyncio.run(telegram_bot_username(runtime.settings))
    if username:
        typer.echo(f"Telegram: https://t.me/{username}?start={code.code}")
    number = asyncio.run(whatsapp_number(runtime.settings))
    if number:
        typer.echo(f"WhatsApp: https://wa.me/{number}?text=mulai%20{code.code}")
    typer.echo(say(runtime, "cli.invite_send", code=code.code))


def load_demo() -> None:
    """Load the demo workspace (safe to run twice)."""
    from core import demo
    from core.db import unit_of_work

    runtime = open_runtime("start")
    with unit_of_work(runtime.engine) as session:
        created = demo.load(session, now=runtime.clock.now())
    typer.echo(say(runtime, "cli.demo_loaded" if created else "cli.demo_there"))
    typer.echo(say(runtime, "cli.demo_try"))
