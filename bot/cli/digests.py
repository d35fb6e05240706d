"""`gotong digest --as HANDLE`: the digest a person would get at a moment, printed, not sent."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import open_runtime, refuse
from core.errors import UserError


def digest(
    who: Annotated[str, typer.Option("--as", help="The person's handle, e.g. ani.")],
    at: Annotated[
        str | None,
        typer.Option(help='The moment, e.g. "2026-12-01 07:00" (GOTONG_TIMEZONE unless +08:00).'),
    ] = None,
    weekly: Annotated[bool, typer.Option(help="The weekly digest instead of the daily.")] = False,
) -> None:
    """Print the digest a person would get at a moment; nothing is sent or written."""
    from adapters.console import render
    from core.db import unit_of_work
    from core.digests.preview import digest_now
    from core.digests.rhythm import DAILY, WEEKLY
    from core.messages import Reply
    from core.people.directory import person_by_handle

    runtime = open_runtime("check")
    moment = runtime.clock.now()
    if at is not None:
        written = _moment(at, runtime.settings.timezone)
        if written is None:
            raise refuse(runtime, UserError("cli.bad_moment", value=at), 2)
        moment = written
    with unit_of_work(runtime.engine) as session:
        person = person_by_handle(session, who.lstrip("@").lower())
        if person is None:
            raise refuse(runtime, UserError("cli.no_person", handle=who.lstrip("@")), 1)
        composed = digest_now(
            session,
            runtime.catalog,
            person,
            now=moment,
            kind=WEEKLY if weekly else DAILY,
        )
        handle = person.handle
        session.rollback()  # a preview writes nothing
    typer.echo(render(Reply(composed.text, composed.buttons)))
    if composed.chart is not None:
        folder = runtime.settings.files_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"digest-{handle}-{moment:%Y%m%d-%H%M}.png"
        path.write_bytes(composed.chart.data)
        typer.echo(f"📎 {path}")


def _moment(text: str, zone: str) -> datetime | None:
    """ "2026-12-01 07:00" in `zone`, or with its own offset; None when it is not one."""
    from core.language.zones import resolve_zone

    try:
        written = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if written.tzinfo is None:
        written = written.replace(tzinfo=ZoneInfo(resolve_zone(zone)))
    return written
