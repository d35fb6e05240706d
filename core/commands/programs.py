"""/program: a summary, and for managers /program baru (new) and /program #kode tambah (add)."""

from __future__ import annotations

from core.commands import queries
from core.context import Context
from core.errors import UserError
from core.language.grammar import extract_mentions, means
from core.models import Program
from core.people import programs
from core.people.directory import program_by_code
from core.people.permissions import is_manager, require_manager, require_program_access

NAME_LIMIT = 200  # Program.name's column


def program(ctx: Context, args: str) -> None:
    """Create a program, add people and partners to one, or show a summary."""
    first, _, rest = args.strip().partition(" ")
    if means(first, "new"):
        create(ctx, rest)
        return
    mentions = extract_mentions(args)
    words = mentions.rest.split()
    if words and means(words[0], "add"):
        # Handles written without @ would otherwise be dropped silently.
        if len(mentions.programs) != 1 or len(words) > 1 or not mentions.handles:
            raise UserError("program.add_usage", code=_code_for_example(mentions.programs))
        add(ctx, mentions.programs[0], list(mentions.handles))
        return
    queries.program(ctx, args)


def create(ctx: Context, text: str) -> None:
    """/program baru #kode Nama [@orang @mitra]: a new program owned by the manager."""
    require_manager(ctx.person, "program")
    code, _, rest = text.strip().partition(" ")
    mentions = extract_mentions(rest)
    if not code.startswith("#") or not mentions.rest:
        raise UserError("program.new_usage")
    if mentions.programs:
        raise UserError("common.one_program", codes=[code.lstrip("#").lower(), *mentions.programs])
    if len(mentions.rest) > NAME_LIMIT:
        raise UserError("common.title_too_long", limit=NAME_LIMIT, length=len(mentions.rest))
    created = programs.add_program(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        code=code,
        name=mentions.rest,
        owner=ctx.person.handle,
    )
    joined = _add(ctx, created, list(mentions.handles))
    ctx.say("program.created", program=created, owner=ctx.person, joined=joined)


def add(ctx: Context, code: str, handles: list[str]) -> None:
    """/program #kode tambah @orang @mitra: people become members, organisations partners."""
    if not is_manager(ctx.person):
        raise UserError("permission.managers_only_members", role=ctx.person.role)
    found = program_by_code(ctx.session, code, ctx.person)
    require_program_access(ctx.session, ctx.person, found)
    ctx.say("program.added", program=found, joined=_add(ctx, found, handles))


def _add(ctx: Context, program: Program, handles: list[str]) -> programs.Joined:
    return programs.add_to_program(
        ctx.session, now=ctx.now, actor=ctx.person, program=program, handles=handles
    )


def _code_for_example(codes: tuple[str, ...]) -> str:
    return codes[0] if codes else "pkh"
