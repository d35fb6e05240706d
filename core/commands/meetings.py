"""/rapat, /hadir, /tidakhadir, /rsvp."""

from __future__ import annotations

import re
from datetime import timedelta

from core import meetings
from core.commands.common import find_moment_in, handles_of, one_program
from core.context import Context
from core.directory import resolve_handles
from core.errors import UserError
from core.grammar import URL, extract_mentions, parse_number, squash
from core.models import Person, Program, Rsvp
from core.moments import find_duration

DEFAULT_DURATION = timedelta(hours=1)
PLACE = re.compile(r"^(?:di|at|in|@|tempat:?|lokasi:?|place:?)\s+(.+)$", re.IGNORECASE)


def meeting(ctx: Context, args: str) -> None:
    """Schedule a meeting and invite its attendees, or show one by its number."""
    if not args:
        raise UserError("meeting.usage")
    number = parse_number(args)
    if number is not None:
        show(ctx, number)
        return
    link_match = URL.search(args)
    link = link_match.group(0) if link_match else ""
    text = URL.sub(" ", args)
    mentions = extract_mentions(text)
    people, orgs = resolve_handles(ctx.session, mentions.handles)
    program = one_program(ctx, mentions, required=False)
    title, moment, after = find_moment_in(ctx, mentions.rest)
    if moment is None:
        raise UserError("meeting.needs_moment")
    if not moment.has_time:
        raise UserError("meeting.needs_time", at=moment.at)
    duration = DEFAULT_DURATION
    found = find_duration(after)
    if found is not None:
        start, end, duration = found
        after = squash(after[:start] + " " + after[end:])
    place_match = PLACE.match(after)
    place = place_match.group(1) if place_match else after
    if after and not place_match:
        # Words after the moment that are not a place belong to the title.
        title, place = f"{title} {after}", ""
    created, invitations = meetings.create(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        title=title,
        starts_at=moment.at,
        duration=duration,
        place=place,
        link=link,
        program=program,
        people=people,
        orgs=orgs,
    )
    ctx.say(
        "meeting.created",
        meeting=created,
        invited=[i.person for i in invitations if i.person.id != ctx.person.id],
        orgs=orgs,
        program=program,
    )
    for invitation in invitations:
        ctx.notify(
            invitation.person,
            "meeting.invitation",
            dedupe_key=f"meeting:{created.id}:invite:{invitation.person.id}",
            meeting=created,
            by=ctx.person,
            org=invitation.org,
            program=program,
            buttons=(
                (
                    ("button.attend", f"rsvp {created.id} yes"),
                    ("button.decline", f"rsvp {created.id} no"),
                ),
            ),
        )


def show(ctx: Context, number: int) -> None:
    found = meetings.get(ctx.session, number, ctx.person)
    rows = meetings.attendees(ctx.session, found)
    people = {p.id: p for p in handles_of(ctx.session, [r.person_id for r in rows if r.person_id])}
    answers = [(people[r.person_id], r.rsvp) for r in rows if r.person_id in people]
    program = ctx.session.get(Program, found.program_id) if found.program_id else None
    ctx.say(
        "meeting.detail",
        meeting=found,
        answers=answers,
        program=program,
        organiser=ctx.session.get(Person, found.organiser_id),
    )


def _answer(ctx: Context, number: int, answer: Rsvp) -> None:
    found = meetings.respond(
        ctx.session, now=ctx.now, actor=ctx.person, meeting_id=number, answer=answer
    )
    ctx.say("meeting.answered", meeting=found, answer=answer)
    organiser = ctx.session.get(Person, found.organiser_id)
    if organiser is not None:
        ctx.notify(
            organiser,
            "meeting.answer_notice",
            dedupe_key=f"meeting:{number}:answer:{ctx.person.id}:{answer}:{ctx.now.isoformat()}",
            meeting=found,
            by=ctx.person,
            answer=answer,
        )


def attend(ctx: Context, args: str) -> None:
    """Say yes to a meeting: /hadir 7."""
    number = parse_number(args)
    if number is None:
        raise UserError("meeting.attend_usage")
    _answer(ctx, number, Rsvp.YES)


def decline(ctx: Context, args: str) -> None:
    """Say no to a meeting: /tidakhadir 7."""
    number = parse_number(args)
    if number is None:
        raise UserError("meeting.decline_usage")
    _answer(ctx, number, Rsvp.NO)


ANSWERS = {"yes": Rsvp.YES, "ya": Rsvp.YES, "hadir": Rsvp.YES, "no": Rsvp.NO, "tidak": Rsvp.NO}


def rsvp(ctx: Context, args: str) -> None:
    """The buttons' form: rsvp 7 yes|no."""
    words = args.split()
    number = parse_number(words[0]) if len(words) == 2 else None
    answer = ANSWERS.get(words[1].lower()) if len(words) == 2 else None
    if number is None or answer is None:
        raise UserError("meeting.attend_usage")
    _answer(ctx, number, answer)


def cancel_meeting(ctx: Context, word: str) -> None:
    number = parse_number(word)
    if number is None:
        raise UserError("task.cancel_usage")
    found = meetings.cancel(ctx.session, now=ctx.now, actor=ctx.person, meeting_id=number)
    ctx.say("meeting.cancelled", meeting=found)
    for row in meetings.attendees(ctx.session, found):
        if row.person_id is None or row.rsvp == Rsvp.NO:
            continue
        person = ctx.session.get(Person, row.person_id)
        if person is not None:
            ctx.notify(
                person,
                "meeting.cancelled_notice",
                dedupe_key=f"meeting:{number}:cancelled:{person.id}",
                meeting=found,
                by=ctx.person,
            )
