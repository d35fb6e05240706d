"""Argument helpers shared by the command handlers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.context import Context
from core.errors import UserError
from core.language.calendar_dates import month_first_readings
from core.language.grammar import Mentions, cut, parse_number
from core.language.moments import AmbiguousMoment, Moment, find_moment
from core.language.suggest import corrected
from core.models import Person, Program
from core.people.directory import known_programs, names, program_by_code, programs_of


class HasProgram(Protocol):
    """A task, meeting, deadline or anything else that may belong to a program."""

    @property
    def program_id(self) -> int | None: ...


def find_moment_in(ctx: Context, text: str) -> tuple[str, Moment | None, str] | None:
    """Split `text` around its moment phrase: (before, moment, after).

    Only the words the moment reader consumed leave the text. None means the phrase had two
    fair readings and the person was asked which one, with a button for each: nothing else
    may happen for this message.
    """
    try:
        found = find_moment(text, now=ctx.now, tz=ctx.person.timezone)
    except AmbiguousMoment as doubt:
        ask_which_reading(ctx, doubt)
        return None
    if found is None:
        return text.strip(), None, ""
    start, end, moment = found
    # Read day first, as Indonesia writes; an English reader may mean "5/12" as May 12.
    readings = month_first_readings(moment.text) if ctx.person.language == "en" else None
    if readings is not None:
        ask_which_reading(ctx, AmbiguousMoment(moment.text.strip(), readings, "order"))
        return None
    return text[:start].strip(), moment, text[end:].strip()


def ask_which_reading(ctx: Context, doubt: AmbiguousMoment) -> None:
    """Ask which reading was meant: each button sends the whole message again with one reading."""
    commands = [corrected(ctx.incoming.text, ((doubt.phrase, r),)) for r in doubt.readings]
    if ctx.incoming.button or not all(commands):
        raise doubt  # refused with both readings in words: nothing to press
    buttons = tuple((("button.retry", command),) for command in commands if command)
    ctx.say("moment.ask", buttons=buttons, **doubt.params)


def at_default_time(moment: Moment, tz: str, default: time) -> datetime:
    """The moment itself, or its day at `default` local time when only a day was given."""
    if moment.has_time:
        return moment.at
    zone = ZoneInfo(tz)
    day = moment.at.astimezone(zone).date()
    return datetime.combine(day, default, tzinfo=zone).astimezone(moment.at.tzinfo)


def one_program(ctx: Context, mentions: Mentions, *, required: bool) -> Program | None:
    """The single #program a command names (or the sender's only program when required)."""
    if len(mentions.programs) > 1:
        raise UserError("common.one_program", codes=list(mentions.programs))
    if mentions.programs:
        return program_by_code(ctx.session, mentions.programs[0], ctx.person)
    if ctx.group_program is not None:
        return ctx.group_program
    if not required:
        return None
    mine = programs_of(ctx.session, ctx.person, limit=2)
    if len(mine) == 1:
        return mine[0]
    known, more = known_programs(ctx.session, ctx.person)
    # The example is their own command with a #code added, so it is one they can send.
    typed = " ".join((ctx.incoming.text or "").split())
    example = f"{typed} #{known[0]}" if typed.startswith("/") and known and len(typed) < 120 else ""
    raise UserError("common.which_program", known=known, more=more, example=example)


def number_arg(args: str, usage_key: str) -> int:
    """The one number a command like /selesai 12 takes."""
    words = args.split()
    number = parse_number(words[0]) if len(words) == 1 else None
    if number is None:
        raise UserError(usage_key)
    return number


def codes_for(session: Session, *shown: Iterable[HasProgram]) -> dict[int, str]:
    """The #code of each program the shown tasks, meetings or deadlines belong to (only those:
    a national workspace has thousands of programs)."""
    ids = {item.program_id for items in shown for item in items if item.program_id is not None}
    if not ids:
        return {}
    found = session.exec(select(Program.id, Program.code).where(col(Program.id).in_(ids)))
    return {id_: code for id_, code in found if id_ is not None}


def handles_of(session: Session, ids: list[int]) -> list[Person]:
    """People by id, in the given order."""
    found = names(session, ids)
    return [found[i] for i in ids if i in found]


def without(text: str, start: int, end: int) -> str:
    """`text` with one span taken out."""
    return cut(text, start, end)
