"""/tugas, /tugasku, /selesai, /batal."""

from __future__ import annotations

from datetime import time
from math import ceil
from typing import Any

from core.commands.budgets import cancel_expense
from core.commands.common import (
    at_default_time,
    codes_for,
    find_moment_in,
    handles_of,
    one_program,
)
from core.commands.indicators import withdraw_update
from core.commands.work.commitments import cancel_commitment, move_commitment
from core.commands.work.deadlines import close as close_deadline
from core.commands.work.meetings import cancel_meeting, move_meeting
from core.commands.work.reminders import cancel_reminder
from core.context import ButtonSpec, Context
from core.errors import UserError
from core.language.grammar import extract_mentions, meaning_of, means, parse_number
from core.models import Person, Program, Status
from core.people.directory import resolve_handles
from core.people.permissions import require_list_access
from core.work import tasks

END_OF_WORKDAY = time(17, 0)
# One phone screen of tasks (most urgent first); `/tugasku 2` shows the next.
TASKS_PER_PAGE = 15


def task(ctx: Context, args: str) -> None:
    """Create a task, or show one when the argument is its number."""
    if not args:
        raise UserError("task.usage")
    number = parse_number(args)
    if number is not None:
        show(ctx, number)
        return
    mentions = extract_mentions(args)
    people, orgs = resolve_handles(ctx.session, mentions.handles)
    if orgs:
        raise UserError("task.people_only", handle=orgs[0].handle)
    program = one_program(ctx, mentions, required=False)
    split = find_moment_in(ctx, mentions.rest)
    if split is None:
        return  # asked which of two readings was meant
    before, moment, after = split
    title = f"{before} {after}".strip()
    due_at = at_default_time(moment, ctx.person.timezone, END_OF_WORKDAY) if moment else None
    created = tasks.create(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        title=title,
        assignees=people,
        program=program,
        due_at=due_at,
    )
    assignees = handles_of(ctx.session, created.assignee_ids())
    number = created.task.id
    mine = ctx.person.id in created.assignee_ids()
    reach = ctx.tell(
        assignees,
        "task.assigned",
        dedupe_key=f"task:{number}:assigned",
        task=created.task,
        by=ctx.person,
        program=program,
        buttons=((("button.done", f"done {number}"),),),
    )
    ctx.say(
        "task.created",
        task=created.task,
        assignees=assignees,
        program=program,
        reach=reach,
        notes=moment.guesses if moment else (),
        buttons=(
            (("button.done", f"done {number}"),)
            if mine
            else (("button.cancel", f"cancel {number}"),),
        ),
    )


def show(ctx: Context, number: int) -> None:
    found = tasks.view(ctx.session, number, ctx.person)
    program = ctx.session.get(Program, found.task.program_id) if found.task.program_id else None
    people = {p.id: p for p in handles_of(ctx.session, found.assignee_ids())}
    rows = [(people[a.person_id], a.status) for a in found.assignments if a.person_id in people]
    creator = ctx.session.get(Person, found.task.created_by_id)
    buttons: tuple[ButtonSpec, ...] = ()
    if found.task.status == Status.OPEN and found.open_for(ctx.person):
        buttons = ((("button.done", f"done {number}"),),)
    ctx.say(
        "task.detail", task=found.task, rows=rows, program=program, creator=creator, buttons=buttons
    )


def my_tasks(ctx: Context, args: str) -> None:
    """List a page of the sender's open tasks (or, for a manager, @someone's), overdue first."""
    mentions = extract_mentions(args)
    page = parse_number(mentions.rest) if mentions.rest else 1
    if mentions.programs or not page or len(mentions.handles) > 1:
        raise UserError("task.mine_usage")
    owner = ctx.person
    if mentions.handles:
        people, orgs = resolve_handles(ctx.session, mentions.handles)
        if orgs:
            raise UserError("task.people_only", handle=orgs[0].handle)
        owner = people[0]
    require_list_access(ctx.person, owner)
    first = (page - 1) * TASKS_PER_PAGE
    listed, total = tasks.open_tasks(ctx.session, owner, limit=TASKS_PER_PAGE, offset=first)
    pages = max(1, ceil(total / TASKS_PER_PAGE))
    theirs = owner.id != ctx.person.id
    whose = f"@{owner.handle} " if theirs else ""
    if page > pages:
        raise UserError("task.no_such_page", page=page, pages=pages, whose=whose)
    more = total - first - len(listed)
    next_page = f"{whose}{page + 1}" if more else ""
    shown: dict[str, Any] = {
        "tasks": listed,
        "codes": codes_for(ctx.session, listed),
        "total": total,
        "page": page,
        "pages": pages,
        "more": more,
        "next_page": next_page,
    }
    buttons: list[ButtonSpec] = []
    if not theirs:
        buttons += [(("button.done_n", f"done {t.id}"),) for t in listed[:5]]
    if next_page:
        buttons.append((("button.next_page", f"mytasks {next_page}"),))
    if theirs:
        ctx.say("task.theirs", owner=owner, buttons=tuple(buttons), **shown)
        return
    ctx.say("task.mine", buttons=tuple(buttons), **shown)


def done(ctx: Context, args: str) -> None:
    """Mark a task (or, with a word first, a deadline) done."""
    words = args.split()
    if len(words) == 2 and means(words[0], "deadline"):
        close_deadline(ctx, words[1], Status.DONE)
        return
    if len(words) != 1 or parse_number(words[0]) is None:
        raise UserError("task.done_usage")
    number = parse_number(words[0])
    assert number is not None
    found = tasks.complete(ctx.session, now=ctx.now, actor=ctx.person, task_id=number)
    waiting = handles_of(
        ctx.session, [a.person_id for a in found.assignments if a.status == Status.OPEN]
    )
    # Whoever had their part closed for them is told; the creator hears the task is done.
    reach = ctx.tell(
        handles_of(ctx.session, found.closed_for),
        "task.closed_notice",
        dedupe_key=f"task:{number}:closed",
        task=found.task,
        by=ctx.person,
    )
    creator = ctx.session.get(Person, found.task.created_by_id)
    done = found.task.status == Status.DONE
    if done and creator is not None and creator.id not in found.closed_for:
        ctx.tell(
            [creator],
            "task.done_notice",
            dedupe_key=f"task:{number}:done",
            reach=reach,
            task=found.task,
            by=ctx.person,
        )
    ctx.say("task.done", task=found.task, waiting=waiting, reach=reach)


def cancel(ctx: Context, args: str) -> None:
    """Cancel a task, or a meeting, deadline or reminder named by its kind first."""
    words = args.split()
    kinds = ("meeting", "deadline", "reminder", "commitment", "expense", "update")
    kind = meaning_of(words[0], *kinds) if len(words) == 2 else None
    if kind == "update" or (len(words) == 1 and means(words[0], "update")):
        withdraw_update(ctx, words[1] if len(words) == 2 else "")
        return
    if kind == "expense":
        cancel_expense(ctx, words[1])
        return
    if kind == "commitment":
        cancel_commitment(ctx, words[1])
        return
    if kind == "meeting":
        cancel_meeting(ctx, words[1])
        return
    if kind == "deadline":
        close_deadline(ctx, words[1], Status.CANCELLED)
        return
    if kind == "reminder":
        cancel_reminder(ctx, words[1])
        return
    if len(words) != 1 or parse_number(words[0]) is None:
        raise UserError("task.cancel_usage")
    number = parse_number(words[0])
    assert number is not None
    found = tasks.cancel(ctx.session, now=ctx.now, actor=ctx.person, task_id=number)
    reach = ctx.tell(
        handles_of(ctx.session, found.assignee_ids()),
        "task.cancelled_notice",
        dedupe_key=f"task:{number}:cancelled",
        task=found.task,
        by=ctx.person,
    )
    ctx.say("task.cancelled", task=found.task, reach=reach)


def move(ctx: Context, args: str) -> None:
    """Move a task's due moment (/ubah 12 senin 17:00) or a meeting (/ubah rapat 7 selasa 14:00)."""
    words = args.split(maxsplit=2)
    kind = meaning_of(words[0], "meeting", "commitment") if words else None
    if kind is not None:
        words = words[1:]
    number = parse_number(words[0]) if words else None
    if number is None or len(words) < 2:
        raise UserError("task.move_usage")
    split = find_moment_in(ctx, " ".join(words[1:]))
    if split is None:
        return  # asked which of two readings was meant
    _, moment, rest = split
    if moment is None or rest:
        raise UserError("task.move_usage")
    if kind == "meeting":
        move_meeting(ctx, number, moment)
        return
    if kind == "commitment":
        move_commitment(ctx, number, moment)
        return
    due_at = at_default_time(moment, ctx.person.timezone, END_OF_WORKDAY)
    found = tasks.reschedule(
        ctx.session, now=ctx.now, actor=ctx.person, task_id=number, due_at=due_at
    )
    reach = ctx.tell(
        handles_of(ctx.session, found.assignee_ids()),
        "task.moved_notice",
        dedupe_key=f"task:{number}:moved:{due_at.isoformat()}",
        by=ctx.person,
        task=found.task,
    )
    ctx.say("task.moved", task=found.task, reach=reach, notes=moment.guesses)
