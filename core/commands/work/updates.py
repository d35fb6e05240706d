"""/lapor and plain-text updates from field workers.

A field worker on several programs who sends plain text is asked which program it is for. That
update waits (a day at most) and is never lost without a word: a program's code or name, with
or without "#", files it; more plain text is added to it; any other command is answered and
followed by a reminder that it still waits; one left past its day is reported when dropped.
"""

from __future__ import annotations

from datetime import datetime

from core.commands.budgets import attach_receipt
from core.commands.common import one_program
from core.commands.indicators import count
from core.context import ButtonSpec, Context
from core.errors import UserError
from core.language.grammar import PROGRAM, extract_mentions, has_words
from core.measures import expenses
from core.models import Commitment, CommitmentReceipt, FieldUpdate, Program, Role
from core.people.directory import program_by_code, programs_of
from core.work import deliveries, updates

# Words around a program's name in an answer to "which program?": "untuk pkh", "the PKH one".
_FILLER = frozenset({"untuk", "yang", "program", "ke", "buat", "itu", "for", "the", "one", "to"})
_PROGRAM_BUTTONS = 8


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
    counting = count(ctx, program, update)
    incoming = ctx.incoming
    if incoming.photo_file_id or incoming.latitude is not None:
        _attach_incoming_media(ctx, update)
    ctx.say(
        "update.logged",
        counting=counting,
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
    """A photo or location sent on its own belongs to the sender's update just before it; a
    photo to their delivery receipt (/terima) or expense (/belanja) instead, when that came
    after the update."""
    incoming = ctx.incoming
    update = updates.latest(ctx.session, author=ctx.person, since=ctx.now - updates.MEDIA_WINDOW)
    receipt = deliveries.latest_receipt(
        ctx.session, recorder=ctx.person, since=ctx.now - deliveries.MEDIA_WINDOW
    )
    expense = expenses.latest(ctx.session, author=ctx.person, since=ctx.now - expenses.MEDIA_WINDOW)
    # A photo goes to the newest of the three (a receipt or expense over an update at a tie).
    recent: list[tuple[datetime, object]] = [
        (r.recorded_at, r) for r in (receipt, expense) if r is not None
    ]
    recent += [(update.created_at, update)] if update is not None else []
    newest = max(recent, key=lambda pair: pair[0])[1] if recent else None
    if incoming.photo_file_id and newest is not None and newest is receipt:
        assert receipt is not None
        _attach_to_receipt(ctx, receipt, incoming.photo_file_id)
        return
    if incoming.photo_file_id and newest is not None and newest is expense:
        assert expense is not None
        attach_receipt(ctx, expense)
        return
    if update is None:
        raise UserError("update.media_needs_text")
    _attach_incoming_media(ctx, update)
    ctx.say(
        "update.media_attached",
        update=update,
        program=ctx.session.get(Program, update.program_id),
        photo=incoming.photo_file_id is not None,
    )


def _attach_to_receipt(ctx: Context, receipt: CommitmentReceipt, photo_file_id: str) -> None:
    deliveries.attach_photo(ctx.session, receipt, photo_file_id)
    found = ctx.session.get(Commitment, receipt.commitment_id)
    ctx.say("commitment.photo_attached", receipt=receipt, c=found)


def plain_text(ctx: Context, text: str) -> None:
    """A field worker's plain message: an update to their only program, or ask which."""
    if not has_words(text):
        raise UserError("common.not_understood")
    mine = programs_of(ctx.session, ctx.person)
    if not mine:
        raise UserError("update.no_program")
    stale = updates.drop_stale_draft(ctx.session, now=ctx.now, actor=ctx.person)
    draft = updates.waiting_draft(ctx.session, now=ctx.now, actor=ctx.person)
    named = _program_named(mine, text)
    if named is not None:
        if draft is None:
            ctx.say("update.waiting_expired" if stale else "update.nothing_waiting", text=stale)
            return
        _log(ctx, named, updates.take_draft(ctx.session, now=ctx.now, actor=ctx.person) or "")
        return
    mentions = extract_mentions(text)
    if mentions.programs:
        # "#gizi 30 balita ditimbang": the program is written, so nothing needs to wait.
        program = one_program(ctx, mentions, required=True)
        assert program is not None
        _log(ctx, program, " ".join(PROGRAM.sub(" ", text).split()))
    elif draft is not None:
        updates.add_to_draft(ctx.session, draft, text)
        ctx.say("update.added_to_waiting", programs=mine, media=_media(ctx), buttons=_choices(mine))
        return
    elif len(mine) == 1:
        _log(ctx, mine[0], text)
    else:
        updates.save_draft(ctx.session, now=ctx.now, actor=ctx.person, text=text)
        ctx.say("update.which_program", programs=mine, media=_media(ctx), buttons=_choices(mine))
    if draft is not None:
        ctx.say("update.still_waiting", programs=mine, buttons=_choices(mine))
    if stale is not None:
        ctx.say("update.waiting_expired", text=stale)


def _program_named(mine: list[Program], text: str) -> Program | None:
    """The sender's program that `text` names and nothing else: "#pkh", "pkh", "untuk PKH"."""
    words = [w for w in text.casefold().replace("#", " ").split() if w not in _FILLER]
    said = " ".join(w.strip(".,!?:;\"'()") for w in words)
    if not said:
        return None
    for program in mine:
        if said in (program.code.casefold(), " ".join(program.name.casefold().split())):
            return program
    return None


def _media(ctx: Context) -> str | None:
    """What a waiting update cannot keep (only its text waits): "photo", "location" or None."""
    if ctx.incoming.photo_file_id:
        return "photo"
    return "location" if ctx.incoming.latitude is not None else None


def _choices(mine: list[Program]) -> tuple[ButtonSpec, ...]:
    return tuple((("button.program", f"#{p.code}"),) for p in mine[:_PROGRAM_BUTTONS])


def program_choice(ctx: Context, code: str) -> bool:
    """File a waiting draft under `#code`; False when there was no draft."""
    text = updates.take_draft(ctx.session, now=ctx.now, actor=ctx.person)
    if text is None:
        return False
    _log(ctx, program_by_code(ctx.session, code, ctx.person), text)
    return True


def remind_waiting(ctx: Context) -> None:
    """After any other command, a field worker whose update still waits is told so again."""
    if ctx.person.role != Role.FIELD or not ctx.incoming.private:
        return
    if updates.waiting_draft(ctx.session, now=ctx.now, actor=ctx.person) is None:
        return
    mine = programs_of(ctx.session, ctx.person)
    ctx.say("update.still_waiting", programs=mine, buttons=_choices(mine))
