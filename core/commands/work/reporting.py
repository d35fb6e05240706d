"""/atur laporan (a program's reporting window) and /ingatkan @orang #kode (a nudge to report)."""

from __future__ import annotations

from core.commands.common import one_program
from core.context import Context
from core.delivery.reach import Reach
from core.errors import UserError
from core.language.grammar import extract_mentions
from core.models import Person, Program, ProgramMember, Role
from core.people.directory import person_by_handle, unknown_handles, unknown_program
from core.people.permissions import is_manager, works_on
from core.work import nudges, reporting
from core.work.reporting import Rhythm


def reporting_settings(ctx: Context, args: str) -> None:
    """/atur laporan #pkh mingguan jumat 15:00 (harian 17:00, mati): set, show or turn off."""
    mentions = extract_mentions(args)
    if mentions.handles:
        raise UserError("reporting.usage")
    program = one_program(ctx, mentions, required=False)
    if program is None:
        raise UserError("reporting.usage")
    if not is_manager(ctx.person):
        raise UserError("reporting.managers_only", role=ctx.person.role, code=program.code)
    if not works_on(ctx.session, ctx.person, program):
        raise UserError("reporting.not_your_program", code=program.code)
    if not mentions.rest:
        _say_rhythm(ctx, "reporting.current", program)
        return
    rhythm = reporting.parse_rhythm(
        mentions.rest, now=ctx.now, tz=ctx.person.timezone, code=program.code
    )
    had = reporting.rhythm_of(ctx.session, program) is not None
    reporting.set_rhythm(ctx.session, now=ctx.now, actor=ctx.person, program=program, rhythm=rhythm)
    if rhythm is None:
        ctx.say("reporting.off", program=program, was_on=had)
        return
    _say_rhythm(ctx, "reporting.set", program)


def _say_rhythm(ctx: Context, key: str, program: Program) -> None:
    row = reporting.rhythm_of(ctx.session, program)
    ctx.say(key, program=program, rhythm=Rhythm.of(row) if row else None)


def nudge(ctx: Context, args: str) -> None:
    """/ingatkan @budi #pkh (/nudge): ask one field worker for their report, once a window."""
    mentions = extract_mentions(args)
    if len(mentions.handles) != 1 or mentions.rest:
        raise UserError("reporting.nudge_usage")
    if not is_manager(ctx.person):
        raise UserError("reporting.nudge_managers_only", role=ctx.person.role)
    program = one_program(ctx, mentions, required=False)
    if program is None:
        raise UserError("reporting.nudge_usage")
    if not works_on(ctx.session, ctx.person, program):
        # Another program's manager learns no more than from a code that does not exist.
        raise unknown_program(ctx.session, ctx.person, program.code)
    person = _field_worker(ctx, mentions.handles[0], program)
    plan = nudges.plan_manual(ctx.session, now=ctx.now, program=program, person=person)
    if plan.sent_before is not None:
        at = plan.sent_before.created_at
        ctx.say("reporting.nudged_before", person=person, program=program, at=at)
        return
    text = ctx.text(
        "reporting.nudge", person, program=program, window=plan.window, asked_by=ctx.person
    )
    sent = nudges.send_manual(
        ctx.session, now=ctx.now, person=person, plan=plan, text=text, cause=ctx.incoming.origin
    )
    if sent is None:
        ctx.say("reporting.nudged_before", person=person, program=program, at=ctx.now)
        return
    way, due = sent
    ctx.queued += 1
    reach = Reach()
    reach.note(person, way)
    ctx.say(
        "reporting.nudged",
        person=person,
        program=program,
        window=plan.window,
        due=due if due > ctx.now else None,
        reach=reach,
    )


def _field_worker(ctx: Context, handle: str, program: Program) -> Person:
    """The field worker of `program` a nudge names; anyone else is refused by name."""
    person = person_by_handle(ctx.session, handle)
    if person is None:
        raise unknown_handles(ctx.session, [handle])
    member = ctx.session.get(ProgramMember, (program.id, person.id))
    if person.role != Role.FIELD or member is None:
        raise UserError("reporting.not_a_field_worker", person=person, code=program.code)
    return person
