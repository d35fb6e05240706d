"""/konfirmasi, /usul, /tolak: a partner's answer to a commitment request, and the manager's
answer to a date the partner proposed (the same commands, read by who sends them)."""

from __future__ import annotations

from core.commands.common import at_default_time, find_moment_in
from core.commands.work.commitments import (
    END_OF_WORKDAY,
    commitment_number,
    tell_manager,
    tell_partner,
)
from core.context import Context
from core.delivery.commitment_notes import answer_buttons
from core.errors import UserError
from core.language.moments import Moment
from core.models import CommitmentStatus
from core.work import commitments


def confirm(ctx: Context, args: str) -> None:
    """A partner confirms (/konfirmasi 12); the manager accepts a proposed date the same way."""
    number = commitment_number(args, "commitment.confirm_usage")
    found = commitments.get(ctx.session, number, ctx.person)
    if not commitments.speaks_for(ctx.person, found) and found.status == "proposed":
        _decide(ctx, number, accept=True)
        return
    answered = commitments.answer(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        number=number,
        status=CommitmentStatus.CONFIRMED,
    )
    reach = tell_manager(ctx, answered, "commitment.confirmed_notice", "confirmed")
    ctx.say("commitment.confirmed", c=answered, reach=reach)


def propose(ctx: Context, args: str) -> None:
    """A partner proposes another due moment: /usul 12 15 Des."""
    first, _, rest = args.strip().partition(" ")
    number = commitment_number(first, "commitment.propose_usage")
    if not rest.strip():
        commitments.get(ctx.session, number, ctx.person)  # a number not theirs stays unknown
        raise UserError("commitment.type_proposal", number=number)
    moment = _moment(ctx, rest, "commitment.propose_usage")
    if moment is None:
        return
    at = at_default_time(moment, ctx.person.timezone, END_OF_WORKDAY)
    answered = commitments.answer(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        number=number,
        status=CommitmentStatus.PROPOSED,
        proposed=at,
    )
    accept = ((("button.accept", f"confirm {number}"), ("button.refuse", f"reject {number}")),)
    reach = tell_manager(ctx, answered, "commitment.proposed_notice", "proposed", buttons=accept)
    ctx.say("commitment.proposed", c=answered, reach=reach, notes=moment.guesses)


def reject(ctx: Context, args: str) -> None:
    """A partner declines (/tolak 12 stok habis); the manager refuses a proposed date."""
    first, _, reason = args.strip().partition(" ")
    number = commitment_number(first, "commitment.reject_usage")
    found = commitments.get(ctx.session, number, ctx.person)
    if not commitments.speaks_for(ctx.person, found) and found.status == "proposed":
        _decide(ctx, number, accept=False)
        return
    # A tap on Tolak asks for the reason rather than declining on a slip of the thumb.
    tapped = ctx.incoming.button and not reason.strip()
    if (
        tapped
        and found.status == CommitmentStatus.REQUESTED
        and commitments.speaks_for(ctx.person, found)
    ):
        raise UserError("commitment.type_reason", number=number)
    answered = commitments.answer(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        number=number,
        status=CommitmentStatus.DECLINED,
        reason=reason,
    )
    reach = tell_manager(ctx, answered, "commitment.declined_notice", "declined")
    ctx.say("commitment.declined", c=answered, reach=reach)


def _decide(ctx: Context, number: int, *, accept: bool) -> None:
    decided = commitments.decide_proposal(
        ctx.session, now=ctx.now, actor=ctx.person, number=number, accept=accept
    )
    step = "accepted" if accept else "refused"
    reach = tell_partner(
        ctx,
        decided,
        f"commitment.{step}_notice",
        step,
        buttons=() if accept else answer_buttons(number),
    )
    ctx.say(f"commitment.{step}", c=decided, reach=reach)


def _moment(ctx: Context, text: str, usage: str) -> Moment | None:
    split = find_moment_in(ctx, text)
    if split is None:
        return None  # asked which of two readings was meant
    _, moment, rest = split
    if moment is None or rest:
        raise UserError(usage)
    return moment
