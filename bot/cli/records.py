"""`gotong invite` and `gotong demo`: invitation codes and the demo workspace."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

import typer

from bot.cli.common import explained, open_runtime
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
    """Print a one-time invitation code (and a Telegram deep link when a bot is configured)."""
    from bot.bootstrap import telegram_bot_username
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
    who = f"for @{person}" if person else f"role {code.role}"
    typer.echo(f"Invitation code: {code.code}  ({who}, valid {days} days, one use)")
    username = asyncio.run(telegram_bot_username(runtime.settings))
    if username:
        typer.echo(f"Telegram: https://t.me/{username}?start={code.code}")
    typer.echo(f"Or send to the bot: /mulai {code.code}  (English: /start {code.code})")


def load_demo() -> None:
    """Load the demo workspace (safe to run twice)."""
    from core import demo
    from core.db import unit_of_work

    runtime = open_runtime("start")
    with unit_of_work(runtime.engine) as session:
        created = demo.load(session, now=runtime.clock.now())
    typer.echo("Demo workspace loaded." if created else "Demo workspace is already there.")
    typer.echo(
        "Try: gotong chat --as ani   (manager)   or   gotong chat --as budi   (field worker)"
    )
