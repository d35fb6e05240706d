"""/lapor and plain-text updates from field workers."""

from __future__ import annotations

from core.commands.common import one_program
from core.context import Context
from core.errors import UserError
from core.language.grammar import PROGRAM, extract_mentions, has_words
from core.models import FieldUpdate, Program
from core.people.directory import program_by_code, programs_of
from core.work import updates


def report(ctx: Context, args: str) -> None:
    """Log an update: /lapor #pkh 45 paket sembako disalurkan di Desa Sukamaju."""
    mentions = extract_mentions(args)
    if not mentions.rest:
        raise UserError("update.usage")
    program = one_program(ctx, mentions, required=True)
    assert program is not None
    # Keep @mentions in the text: "diterima @kades" is part of what happened.
    text = " ".join(PROGRAM.sub(" ", args).split())
    _log(ctx, program, text)


def _log(ctx: Context, program: Program, text: str) -> None:
    update, figures, doubts = updates.log(
        ctx.session, now=ctx.now, actor=ctx.person, program=program, text=text
    )
    incoming = ctx.incoming
    if incoming.photo_file_id or incoming.latitude is not None:
        _attach_incoming_media(ctx, update)
    ctx.say(
        "update.logged",
        update=update,
        program=program,
        figures=figures,
        doubts=doubts,
        photo=incoming.photo_file_id is not None,
        located=incoming.latitude is not None,
    )


def _attach_incoming_media(ctx: Context, update: FieldUpdate) -> None:
    incoming = ctx.incoming
    updates.attach(
        ctx.session,
        update,
        photo_file_id=incoming.photo_file_id,
        latitude=incoming.latitude,
        longitude=incoming.longitude,
    )


def attach_media(ctx: Context) -> None:
    """A photo or location sent on its own belongs to the sender's update just before it."""
    incoming = ctx.incoming
    update = updates.latest(ctx.session, author=ctx.person, since=ctx.now - updates.MEDIA_WINDOW)
    if update is None:
        raise UserError("update.media_needs_text")
    _attach_incoming_media(ctx, update)
    ctx.say(
        "update.media_attached",
        update=update,
        program=ctx.session.get(Program, update.program_id),
        photo=incoming.photo_file_id is not None,
    )


def plain_text(ctx: Context, text: str) -> None:
    """A field worker's plain message: an update to their only program, or ask which."""
    if not has_words(text):
        raise UserError("common.not_understood")
    mine = programs_of(ctx.session, ctx.person)
    if not mine:
        raise UserError("update.no_program")
    if len(mine) == 1:
        _log(ctx, mine[0], text)
        return
    updates.save_draft(ctx.session, now=ctx.now, actor=ctx.person, text=text)
    ctx.say(
        "update.which_program",
        programs=mine,
        buttons=tuple((("button.program", f"#{p.code}"),) for p in mine[:8]),
    )


def program_choice(ctx: Context, code: str) -> bool:
    """File a waiting draft under `#code`; False when there was no draft."""
    text = updates.take_draft(ctx.session, now=ctx.now, actor=ctx.person)
    if text is None:
        return False
    _log(ctx, program_by_code(ctx.session, code, ctx.person), text)
    return True
