"""/rapat, /hadir, /tidakhadir, /rsvp."""

from __future__ import annotations

import re
from datetime import timedelta

from core.commands.common import find_moment_in, handles_of, one_program
from core.context import Attach, ButtonSpec, Context
from core.delivery.reach import Reach
from core.errors import UserError
from core.language.grammar import URL, extract_mentions, parse_number, squash
from core.language.moments import Moment, find_duration
from core.messages import DOCUMENT, Attachment
from core.models import Meeting, PartnerOrg, Person, Program, Rsvp
from core.people.directory import people_of_org, resolve_handles
from core.reports.calendar import meeting_file, meeting_file_name
from core.work import meetings

DEFAULT_DURATION = timedelta(hours=1)
PLACE = re.compile(r"^(?:di|at|in|@|tempat:?|lokasi:?|place:?)\s+(.+)$", re.IGNORECASE)
# The word that introduced the link ("di https://..."), left alone once the link is taken out.
LINK_WORD = re.compile(r"\s*\b(?:di|at|in|via|lewat|link:?|tautan:?)$", re.IGNORECASE)


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
    split = find_moment_in(ctx, mentions.rest)
    if split is None:
        return  # asked which of two readings was meant
    title, moment, after = split
    if moment is None:
        raise UserError("meeting.needs_moment")
    if not moment.has_time:
        raise UserError("meeting.needs_time", at=moment.at)
    duration = DEFAULT_DURATION
    found = find_duration(after)
    if found is not None:
        start, end, duration = found
        after = squash(after[:start] + " " + after[end:])
    if link:
        title, after = LINK_WORD.sub("", title), LINK_WORD.sub("", after)
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
    reach = Reach()
    for org in orgs:
        if all(i.org is None or i.org.id != org.id for i in invitations):
            reach.note_org(org)
    for invitation in invitations:
        ctx.tell(
            [invitation.person],
            "meeting.invitation",
            dedupe_key=f"meeting:{created.id}:invite",
            reach=reach,
            meeting=created,
            by=ctx.person,
            org=invitation.org,
            program=program,
            buttons=_answer_buttons(created.id),
            attach=calendar_file(ctx, created),
        )
    ctx.say("meeting.created", meeting=created, program=program, reach=reach, notes=moment.guesses)


def calendar_file(ctx: Context, meeting: Meeting) -> Attach:
    """The meeting's .ics for each reader, made once per zone and language however many read it.

    Invitations, moves and cancellations carry it (a calendar replaces the event by its UID);
    reminders do not, as nothing in the calendar changes.
    """
    made: dict[tuple[str, str], bytes] = {}

    def attach(reader: Person) -> Attachment:
        key = (reader.timezone, reader.language)
        if key not in made:
            made[key] = meeting_file(
                ctx.session, meeting, tz=reader.timezone, lang=reader.language, now=ctx.now
            )
        return Attachment(
            DOCUMENT,
            meeting_file_name(meeting.id, reader.language),
            made[key],
            ctx.text("calendar.not_sent", reader),
        )

    return attach


def _answer_buttons(number: int | None) -> tuple[ButtonSpec, ...]:
    return (
        (
            ("button.attend", f"rsvp {number} yes"),
            ("button.decline", f"rsvp {number} no"),
        ),
    )


def show(ctx: Context, number: int) -> None:
    found = meetings.get(ctx.session, number, ctx.person)
    rows = meetings.attendees(ctx.session, found)
    people = {p.id: p for p in handles_of(ctx.session, [r.person_id for r in rows if r.person_id])}
    answers = [(people[r.person_id], r.rsvp, r.reason) for r in rows if r.person_id in people]
    program = ctx.session.get(Program, found.program_id) if found.program_id else None
    ctx.say(
        "meeting.detail",
        meeting=found,
        answers=answers,
        program=program,
        organiser=ctx.session.get(Person, found.organiser_id),
    )


def _answer(ctx: Context, number: int, answer: Rsvp, reason: str = "") -> None:
    found = meetings.respond(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        meeting_id=number,
        answer=answer,
        reason=reason,
    )
    organiser = ctx.session.get(Person, found.organiser_id)
    reach = ctx.tell(
        [organiser] if organiser is not None else [],
        "meeting.answer_notice",
        dedupe_key=f"meeting:{number}:answer:{ctx.person.id}:{answer}:{ctx.now.isoformat()}",
        meeting=found,
        by=ctx.person,
        answer=answer,
        reason=reason,
    )
    ctx.say("meeting.answered", meeting=found, answer=answer, reach=reach)


def attend(ctx: Context, args: str) -> None:
    """Say yes to a meeting: /hadir 7."""
    number = parse_number(args)
    if number is None:
        raise UserError("meeting.attend_usage")
    _answer(ctx, number, Rsvp.YES)


def decline(ctx: Context, args: str) -> None:
    """Say no to a meeting, optionally with why: /tidakhadir 7 ada acara lain."""
    first, _, reason = args.strip().partition(" ")
    number = parse_number(first)
    if number is None:
        raise UserError("meeting.decline_usage")
    _answer(ctx, number, Rsvp.NO, reason.strip())


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
    reach = _unspoken_orgs(ctx, found)
    ctx.tell(
        _not_declined(ctx, found),
        "meeting.cancelled_notice",
        dedupe_key=f"meeting:{number}:cancelled",
        reach=reach,
        meeting=found,
        by=ctx.person,
        attach=calendar_file(ctx, found),
    )
    ctx.say("meeting.cancelled", meeting=found, reach=reach)


def move_meeting(ctx: Context, number: int, moment: Moment) -> None:
    """Move a meeting and tell everyone invited the new time, with buttons to answer again.

    Those who declined are told too; a decline stays only for those told, who can answer again.
    """
    if not moment.has_time:
        raise UserError("meeting.needs_time", at=moment.at)
    found = meetings.reschedule(
        ctx.session, now=ctx.now, actor=ctx.person, meeting_id=number, starts_at=moment.at
    )
    reach = _unspoken_orgs(ctx, found)
    rows = [r for r in meetings.attendees(ctx.session, found) if r.person_id is not None]
    declined = {r.person_id for r in rows if r.rsvp == Rsvp.NO}
    attach = calendar_file(ctx, found)
    for person in handles_of(ctx.session, [r.person_id for r in rows if r.person_id]):
        ctx.tell(
            [person],
            "meeting.moved_notice",
            dedupe_key=f"meeting:{number}:moved:{moment.at.isoformat()}",
            reach=reach,
            by=ctx.person,
            meeting=found,
            declined=person.id in declined,
            buttons=_answer_buttons(number),
            attach=attach,
        )
    untold = [p.id for p in [*reach.not_on_gotong, *reach.unreachable] if p.id in declined]
    if untold:
        meetings.forget_declines(
            ctx.session, now=ctx.now, meeting=found, person_ids=[i for i in untold if i]
        )
    ctx.say("meeting.moved", meeting=found, reach=reach, notes=moment.guesses)


def _not_declined(ctx: Context, meeting: Meeting) -> list[Person]:
    """The people invited who have not declined."""
    ids = [
        row.person_id
        for row in meetings.attendees(ctx.session, meeting)
        if row.person_id is not None and row.rsvp != Rsvp.NO
    ]
    return handles_of(ctx.session, ids)


def _unspoken_orgs(ctx: Context, meeting: Meeting) -> Reach:
    """A reach that starts with the invited organisations that have nobody on Gotong."""
    reach = Reach()
    for row in meetings.attendees(ctx.session, meeting):
        if row.person_id is None and row.partner_org_id is not None:
            org = ctx.session.get(PartnerOrg, row.partner_org_id)
            if org is not None and not people_of_org(ctx.session, org):
                reach.note_org(org)
    return reach
