"""/tenggat."""

from __future__ import annotations

from datetime import time

from core.commands.common import at_default_time, find_moment_in, one_program
from core.context import ButtonSpec, Context
from core.errors import UserError
from core.language.grammar import extract_mentions, parse_number
from core.models import Person, Program, Status
from core.people import visibility
from core.people.directory import resolve_handles
from core.people.permissions import is_manager
from core.work import deadlines

END_OF_WORKDAY = time(17, 0)


def deadline(ctx: Context, args: str) -> None:
    """Set a program deadline: /tenggat Laporan bulanan 30 Des #pkh."""
    if not args:
        raise UserError("deadline.usage")
    number = parse_number(args)
    if number is not None:
        show(ctx, number)
        return
    mentions = extract_mentions(args)
    people, orgs = resolve_handles(ctx.session, mentions.handles)
    if orgs or len(people) > 1:
        raise UserError("deadline.one_owner")
    program = one_program(ctx, mentions, required=False)
    if program is None:
        raise UserError("deadline.needs_program")
    split = find_moment_in(ctx, mentions.rest)
    if split is None:
        return  # asked which of two readings was meant
    before, moment, after = split
    if moment is None:
        raise UserError("deadline.needs_moment")
    created = deadlines.create(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        title=f"{before} {after}",
        due_at=at_default_time(moment, ctx.person.timezone, END_OF_WORKDAY),
        program=program,
        owner=people[0] if people else None,
    )
    reach = ctx.tell(
        people,
        "deadline.assigned",
        dedupe_key=f"deadline:{created.id}:owner",
        deadline=created,
        program=program,
        by=ctx.person,
    )
    ctx.say(
        "deadline.created",
        deadline=created,
        program=program,
        owner=people[0] if people else ctx.person,
        reach=reach,
        notes=moment.guesses,
    )


def show(ctx: Context, number: int) -> None:
    """One deadline by its number, as /tugas 12 and /rapat 7 show theirs."""
    found = visibility.deadline(ctx.session, ctx.person, number)
    buttons: tuple[ButtonSpec, ...] = ()
    if found.status == Status.OPEN and (found.owner_id == ctx.person.id or is_manager(ctx.person)):
        buttons = ((("button.done", f"done deadline {number}"),),)
    ctx.say(
        "deadline.detail",
        deadline=found,
        program=ctx.session.get(Program, found.program_id),
        owner=ctx.session.get(Person, found.owner_id),
        buttons=buttons,
    )


def close(ctx: Context, word: str, status: Status) -> None:
    number = parse_number(word)
    if number is None:
        raise UserError("task.done_usage")
    closed = deadlines.close(
        ctx.session, now=ctx.now, actor=ctx.person, deadline_id=number, status=status
    )
    ctx.say("deadline.closed_now", deadline=closed, status=status)
