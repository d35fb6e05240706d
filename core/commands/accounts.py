"""/mulai, /tautkan, /grup, ya: accounts on platforms and the program a group chat belongs to."""

from __future__ import annotations

from core.context import Context
from core.delivery import windows
from core.errors import UserError
from core.language.grammar import extract_mentions
from core.people import invites, programs
from core.people.directory import program_by_code
from core.people.permissions import require_manager, require_program_access


def start(ctx: Context, args: str) -> None:
    """A known person saying /start gets a greeting; a code they send is not needed."""
    if args:
        ctx.say("onboarding.already_registered")
        return
    ctx.say("help.welcome")


def link(ctx: Context, args: str) -> None:
    """A short-lived code to use from another platform: /tautkan, then /mulai CODE there."""
    invite = invites.create_link_code(ctx.session, now=ctx.now, actor=ctx.person)
    ctx.say("onboarding.link_code", code=invite.code, expires_at=invite.expires_at)


def waiting(ctx: Context, args: str) -> None:
    """How many held messages are on their way, now that the person wrote (see delivery.windows)."""
    ctx.say(
        "onboarding.waiting",
        count=windows.due_for(ctx.session, ctx.person, ctx.incoming.platform),
    )


def group(ctx: Context, args: str) -> None:
    """Make this group chat the program's: commands here then default to its #code."""
    if ctx.incoming.private:
        raise UserError("group.not_a_group")
    require_manager(ctx.person, "group")
    mentions = extract_mentions(args)
    if len(mentions.programs) != 1 or mentions.rest:
        raise UserError("group.usage")
    program = program_by_code(ctx.session, mentions.programs[0], ctx.person)
    require_program_access(ctx.session, ctx.person, program)
    programs.bind_chat(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        program=program,
        platform=ctx.incoming.platform,
        chat_id=ctx.incoming.chat_id,
    )
    ctx.say("onboarding.group_linked", program=program)
