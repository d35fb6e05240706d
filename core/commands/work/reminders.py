"""/ingatkan and /pengingat."""

from __future__ import annotations

from datetime import time
from math import ceil

from core.commands.common import at_default_time, find_moment_in
from core.commands.work import reporting
from core.context import ButtonSpec, Context
from core.errors import UserError
from core.language.grammar import REMINDER_FILLERS, extract_mentions, means, parse_number
from core.work import reminders

# Pending reminders listed at once (Gotong's own for many tasks add up).
REMINDERS_PER_PAGE = 15

MORNING = time(8, 0)


def remind(ctx: Context, args: str) -> None:
    """Store a personal reminder: /ingatkan besok jam 9 telepon kepala desa."""
    if not args:
        raise UserError("reminder.usage")
    mentions = extract_mentions(args)
    if mentions.handles and not mentions.rest:
        reporting.nudge(ctx, args)  # /ingatkan @budi #pkh: a person, no moment, no text
        return
    split = find_moment_in(ctx, args)
    if split is None:
        return  # asked which of two readings was meant
    before, moment, after = split
    if moment is None:
        raise UserError("reminder.needs_moment")
    text = f"{before} {after}".strip()
    for filler in REMINDER_FILLERS:
        if text.lower().startswith(filler):
            text = text[len(filler) :]
    created = reminders.create(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        text=text,
        due_at=at_default_time(moment, ctx.person.timezone, MORNING),
    )
    ctx.say(
        "reminder.created",
        reminder=created,
        notes=moment.guesses,
        buttons=((("button.cancel", f"cancel reminder {created.id}"),),),
    )


def list_reminders(ctx: Context, args: str) -> None:
    """List my pending reminders; /pengingat batal 3 cancels one."""
    words = args.split()
    if words and means(words[0], "cancel"):
        if len(words) != 2:
            raise UserError("reminder.cancel_usage")
        cancel_reminder(ctx, words[1])
        return
    page = parse_number(words[0]) if len(words) == 1 else 1 if not words else None
    if page is None:
        raise UserError("reminder.list_usage")
    first = (page - 1) * REMINDERS_PER_PAGE
    mine, total = reminders.pending(
        ctx.session, ctx.person, limit=REMINDERS_PER_PAGE, offset=max(0, first)
    )
    pages = max(1, ceil(total / REMINDERS_PER_PAGE))
    if not 1 <= page <= pages:
        raise UserError("reminder.no_such_page", page=page, pages=pages)
    more = total - first - len(mine)
    buttons: list[ButtonSpec] = [
        (("button.cancel_n", f"cancel reminder {r.id}"),) for r in mine[:5]
    ]
    if more:
        buttons.append((("button.next_page", f"reminders {page + 1}"),))
    ctx.say(
        "reminder.mine",
        reminders=mine,
        total=total,
        page=page,
        pages=pages,
        more=more,
        buttons=tuple(buttons),
    )


def cancel_reminder(ctx: Context, word: str) -> None:
    number = parse_number(word)
    if number is None:
        raise UserError("reminder.cancel_usage")
    cancelled = reminders.cancel(ctx.session, now=ctx.now, actor=ctx.person, reminder_id=number)
    ctx.say("reminder.cancelled", reminder=cancelled)


def snooze(ctx: Context, args: str) -> None:
    """Bring a reminder back later: /tunda 3 1j, or a snooze button (snooze 3 morning)."""
    words = args.split()
    number = parse_number(words[0]) if words else None
    if number is None or len(words) < 2:
        raise UserError("reminder.snooze_usage")
    snoozed = reminders.snooze(
        ctx.session, now=ctx.now, actor=ctx.person, reminder_id=number, later=" ".join(words[1:])
    )
    ctx.say("reminder.snoozed", reminder=snoozed)
