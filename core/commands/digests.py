"""/ringkasan: my digest now, one program's, or the weekly one."""

from __future__ import annotations

from core.commands.common import one_program
from core.context import Context
from core.digests.preview import digest_now
from core.digests.rhythm import DAILY, WEEKLY
from core.errors import UserError
from core.language.grammar import extract_mentions, means
from core.messages import Reply
from core.people.permissions import require_program_access


def digest(ctx: Context, args: str) -> None:
    """The digest I would get now (daily, or `minggu` for the weekly), for all or one program."""
    mentions = extract_mentions(args)
    words = mentions.rest.split()
    if mentions.handles or len(words) > 1 or (words and not means(words[0], "week")):
        raise UserError("digest.command_usage")
    program = one_program(ctx, mentions, required=False) if mentions.programs else None
    require_program_access(ctx.session, ctx.person, program)
    kind = WEEKLY if words else DAILY
    composed = digest_now(
        ctx.session,
        ctx.catalog,
        ctx.person,
        now=ctx.now,
        kind=kind,
        program_id=program.id if program is not None else None,
    )
    ctx.replies.append(
        Reply(composed.text, composed.buttons, private=ctx.personal, attachment=composed.chart)
    )
