"""/tenggat."""

from __future__ import annotations

from datetime import time

from core import deadlines
from core.commands.common import at_default_time, find_moment_in, one_program
from core.context import Context
from core.directory import resolve_handles
from core.errors import UserError
from core.grammar import extract_mentions, parse_number
from core.models import Status

END_OF_WORKDAY = time(17, 0)


def deadline(ctx: Context, args: str) -> None:
    """Set a program deadline: /tenggat Laporan bulanan 30 Des #pkh."""
    if not args:
        raise UserError("deadline.usage")
    mentions = extract_mentions(args)
    people, orgs = resolve_handles(ctx.session, mentions.handles)
    if orgs or len(people) > 1:
        raise UserError("deadline.one_owner")
    program = one_program(ctx, mentions, required=False)
    if program is None:
        raise UserError("deadline.needs_program")
    before, moment, after = find_moment_in(ctx, mentions.rest)
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
    )


def close(ctx: Context, word: str, status: Status) -> None:
    number = parse_number(word)
    if number is None:
        raise UserError("task.done_usage")
    closed = deadlines.close(
        ctx.session, now=ctx.now, actor=ctx.person, deadline_id=number, status=status
    )
    ctx.say("deadline.closed_now", deadline=closed, status=status)
