"""/agenda, /terlambat, /program, /mitra, /bantuan, /atur."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, func, select

from core.commands import budgets
from core.commands.common import codes_for, one_program
from core.commands.work import reporting
from core.context import Context
from core.digests import settings as digest_settings
from core.digests.rhythm import DAILY, OFF, WEEKLY, digest_mode, digest_time
from core.errors import UserError
from core.language.grammar import (
    ALIASES,
    COMMANDS,
    HELP_ORDER,
    extract_mentions,
    meaning_of,
    means,
)
from core.measures import indicators
from core.models import (
    Deadline,
    PartnerOrg,
    Person,
    ProgramMember,
    ProgramPartner,
    Role,
    Status,
    Task,
)
from core.people import preferences
from core.people.directory import names, program_by_code, program_ids_of, programs_of
from core.people.permissions import is_manager, require_program_access
from core.work import commitments, deadlines, meetings, tasks, updates
from core.work.reporting import Rhythm
from core.work.reporting import rhythm_of as reporting_rhythm

WEEK = timedelta(days=7)
# A summary fits one phone screen: the first few open tasks, then how many more.
TASKS_ON_SUMMARY = 8
# Each part of /agenda and /terlambat names this many (the most urgent), then counts the rest.
LISTED = 15


def agenda(ctx: Context, args: str) -> None:
    """My meetings and deadlines in the next seven days."""
    end = ctx.now + WEEK
    upcoming = meetings.upcoming_for(ctx.session, ctx.person, ctx.now, end)
    shown_deadlines, all_deadlines = deadlines.first_open_between(
        ctx.session,
        start=ctx.now,
        end=end,
        owner=ctx.person,
        program_ids=program_ids_of(ctx.person),
        limit=LISTED,
    )
    shown_meetings = upcoming[:LISTED]
    ctx.say(
        "agenda.week",
        meetings=shown_meetings,
        deadlines=shown_deadlines,
        more_meetings=len(upcoming) - len(shown_meetings),
        more_deadlines=all_deadlines - len(shown_deadlines),
        codes=codes_for(ctx.session, shown_meetings, shown_deadlines),
    )


def late(ctx: Context, args: str) -> None:
    """What is overdue: mine, and for a manager across their programs (or the one named)."""
    mentions = extract_mentions(args)
    if mentions.handles or mentions.rest:
        raise UserError("agenda.late_usage")
    named = one_program(ctx, mentions, required=False) if mentions.programs else None
    require_program_access(ctx.session, ctx.person, named)
    only = [named.id] if named is not None and named.id is not None else None
    session, now, person = ctx.session, ctx.now, ctx.person
    mine, mine_total = tasks.overdue(
        session, now=now, person=person, program_ids=only, limit=LISTED
    )
    my_deadlines, my_deadlines_total = deadlines.first_open_between(
        session, start=None, end=now, owner=person, program_ids=None, within=only, limit=LISTED
    )
    team: list[tuple[Task, list[Person]]] = []
    team_total = 0
    team_deadlines: list[Deadline] = []
    team_deadlines_total = 0
    if is_manager(person):
        # As ids, once: a list both queries can plan from (tasks.overdue).
        mine_ids: list[int | None] = list(session.exec(program_ids_of(person)))
        program_ids = only or [i for i in mine_ids if i is not None]
        late_tasks, team_total = tasks.overdue(
            session, now=now, person=None, program_ids=program_ids, limit=LISTED
        )
        found = names(session, [i for _, ids in late_tasks for i in ids])
        team = [(task, [found[i] for i in ids if i in found]) for task, ids in late_tasks]
        team_deadlines, team_deadlines_total = deadlines.first_open_between(
            session,
            start=None,
            end=now,
            owner=None,
            program_ids=program_ids,
            not_owner=person,
            limit=LISTED,
        )
    ctx.say(
        "agenda.late",
        mine=[task for task, _ in mine],
        my_deadlines=my_deadlines,
        team=team,
        team_deadlines=team_deadlines,
        more={
            "mine": mine_total - len(mine),
            "my_deadlines": my_deadlines_total - len(my_deadlines),
            "team": team_total - len(team),
            "team_deadlines": team_deadlines_total - len(team_deadlines),
        },
        manager=is_manager(person),
        codes=codes_for(
            session,
            [task for task, _ in mine],
            my_deadlines,
            [task for task, _ in team],
            team_deadlines,
        ),
        program=named,
    )


def program(ctx: Context, args: str) -> None:
    """A program's summary, or the list of my programs."""
    mentions = extract_mentions(args)
    if not mentions.programs:
        if mentions.rest:
            raise UserError("program.usage")
        ctx.say("program.mine", programs=programs_of(ctx.session, ctx.person))
        return
    found = program_by_code(ctx.session, mentions.programs[0], ctx.person)
    require_program_access(ctx.session, ctx.person, found)
    session = ctx.session
    open_tasks = session.exec(
        select(func.count())
        .select_from(Task)
        .where(Task.program_id == found.id, Task.status == Status.OPEN)
    ).one()
    late_tasks = session.exec(
        select(func.count())
        .select_from(Task)
        .where(Task.program_id == found.id, Task.status == Status.OPEN, col(Task.due_at) < ctx.now)
    ).one()
    upcoming = [
        m
        for m in meetings.upcoming_for(session, ctx.person, ctx.now, ctx.now + WEEK)
        if m.program_id == found.id
    ]
    next_deadlines = deadlines.open_between(
        session,
        start=None,
        end=ctx.now + timedelta(days=90),
        owner=None,
        program_ids=[found.id or 0],
    )[:3]
    partners = list(
        session.exec(
            select(PartnerOrg)
            .join(ProgramPartner, col(ProgramPartner.partner_org_id) == PartnerOrg.id)
            .where(ProgramPartner.program_id == found.id)
            .order_by(col(PartnerOrg.handle))
        )
    )
    listed, listed_total = tasks.open_in_program(
        session, program=found, reader=ctx.person, limit=TASKS_ON_SUMMARY
    )
    members = session.exec(
        select(func.count()).select_from(ProgramMember).where(ProgramMember.program_id == found.id)
    ).one()
    since = ctx.now - WEEK
    rhythm = reporting_rhythm(session, found)
    ctx.say(
        "program.summary",
        rhythm=Rhythm.of(rhythm) if rhythm else None,
        program=found,
        owner=session.get(Person, found.owner_id) if found.owner_id else None,
        open_tasks=open_tasks,
        late_tasks=late_tasks,
        tasks=listed,
        more_tasks=listed_total - len(listed),
        meetings=upcoming,
        deadlines=next_deadlines,
        partners=partners,
        members=members,
        update_count=updates.count_since(session, found, since),
        totals=updates.totals(session, found, since),
        commitments=commitments.totals(session, found, ctx.now, ctx.person),
        budget=budgets.glance(ctx, found),
        indicators=indicators.standings(session, found),
    )


def help_(ctx: Context, args: str) -> None:
    """The command list, or one command's help with examples."""
    word = args.strip().lstrip("/").lower()
    if not word:
        ctx.say("help.overview", order=HELP_ORDER, names=COMMANDS)
        return
    canonical = ALIASES.get(word)
    if canonical is None:
        raise UserError("help.unknown", word=word[:40])
    ctx.say(f"help.{canonical}", names=COMMANDS[canonical])


def settings(ctx: Context, args: str) -> None:
    """Show or change my language and time zone."""
    words = args.split()
    if words and means(words[0], "reporting"):
        reporting.reporting_settings(ctx, " ".join(words[1:]))
        return
    if not words:
        person = ctx.person
        ctx.say(
            "settings.current",
            person=person,
            digest=ctx.text(
                "digest.settings_line",
                time=f"{digest_time(person):%H:%M}",
                mode=WEEKLY
                if person.role == Role.PARTNER and digest_mode(person) == DAILY
                else digest_mode(person),
                charts=person.charts,
                field=person.role == Role.FIELD,
            ),
        )
        return
    what = meaning_of(words[0], "language", "zone", "quiet", "workdays", "channel")
    what = what or meaning_of(words[0], "digest", "charts")
    if what in ("digest", "charts"):
        _digest_settings(ctx, what, " ".join(words[1:]))
        return
    if len(words) < 2:
        raise UserError("settings.usage")
    value = " ".join(words[1:])
    if what == "language":
        preferences.set_language(ctx.session, now=ctx.now, actor=ctx.person, language=value)
        ctx.say("settings.language_set")
    elif what == "zone":
        preferences.set_timezone(ctx.session, now=ctx.now, actor=ctx.person, zone=value)
        ctx.say("settings.zone_set")
    elif what == "quiet":
        preferences.set_quiet_hours(ctx.session, now=ctx.now, actor=ctx.person, value=value)
        ctx.say("settings.quiet_set")
    elif what == "workdays":
        preferences.set_workdays(ctx.session, now=ctx.now, actor=ctx.person, value=value)
        ctx.say("settings.workdays_set")
    elif what == "channel":
        preferences.set_channel(ctx.session, now=ctx.now, actor=ctx.person, platform=value)
        ctx.say("settings.channel_set")
    else:
        raise UserError("settings.usage")


def _digest_settings(ctx: Context, what: str, value: str) -> None:
    """/atur ringkasan 06:00 | mingguan | harian | mati, /atur grafik mati | nyala."""
    session, now, person = ctx.session, ctx.now, ctx.person
    if what == "charts":
        choice = meaning_of(value, "on", "off")
        if choice is None:
            raise UserError("digest.usage_charts")
        digest_settings.set_charts(session, now=now, actor=person, on=choice == "on")
        ctx.say("digest.charts_set", on=choice == "on")
        return
    if not value:
        raise UserError("digest.usage")
    mode = meaning_of(value, "daily", "weekly", "off")
    if mode is not None:
        chosen = {"daily": DAILY, "weekly": WEEKLY, "off": OFF}[mode]
        digest_settings.set_digest_mode(session, now=now, actor=person, mode=chosen)
        ctx.say("digest.mode_set", mode=chosen)
        return
    written = digest_settings.set_digest_time(session, now=now, actor=person, value=value)
    ctx.say("digest.time_set", value=written)
