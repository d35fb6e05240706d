"""Meetings: invitations to people and partner organisations, and their answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core import audit
from core.delivery import followups
from core.errors import UserError
from core.models import Meeting, MeetingAttendee, PartnerOrg, Person, Program, Rsvp, Status
from core.people import visibility
from core.people.directory import people_of_org
from core.people.permissions import is_manager, require_manager, require_program_access
from core.work.tasks import clean_title

MAX_DURATION = timedelta(hours=12)
MAX_REASON = 300


@dataclass(frozen=True)
class Invitation:
    """One person invited to a meeting, possibly on behalf of their organisation."""

    person: Person
    org: PartnerOrg | None


def create(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    title: str,
    starts_at: datetime,
    duration: timedelta,
    place: str,
    link: str,
    program: Program | None,
    people: list[Person],
    orgs: list[PartnerOrg],
) -> tuple[Meeting, list[Invitation]]:
    """Schedule a meeting and invite people and every contact of the named organisations."""
    require_manager(actor, "meeting")
    require_program_access(session, actor, program)
    title = clean_title(title, kind="meeting")
    if starts_at <= now:
        raise UserError("moment.in_past", at=starts_at)
    if not timedelta(minutes=5) <= duration <= MAX_DURATION:
        raise UserError("meeting.bad_duration", minutes=int(duration.total_seconds() // 60))
    assert actor.id is not None
    meeting = Meeting(
        title=title,
        program_id=program.id if program else None,
        organiser_id=actor.id,
        starts_at=starts_at,
        duration_minutes=int(duration.total_seconds() // 60),
        place=place[:300],
        link=link[:500],
        created_at=now,
    )
    audit.record(session, at=now, actor=actor, action="meeting.create", entity=meeting)
    assert meeting.id is not None
    invitations: dict[int, Invitation] = {}
    for person in people:
        assert person.id is not None
        invitations.setdefault(person.id, Invitation(person, None))
    for org in orgs:
        contacts = people_of_org(session, org)
        if not contacts:
            session.add(MeetingAttendee(meeting_id=meeting.id, partner_org_id=org.id))
        for person in contacts:
            assert person.id is not None
            invitations.setdefault(person.id, Invitation(person, org))
    for invitation in invitations.values():
        session.add(
            MeetingAttendee(
                meeting_id=meeting.id,
                person_id=invitation.person.id,
                partner_org_id=invitation.org.id if invitation.org else None,
                rsvp=Rsvp.YES if invitation.person.id == actor.id else Rsvp.PENDING,
            )
        )
    session.flush()
    followups.sync_meeting(session, now=now, meeting=meeting)
    return meeting, list(invitations.values())


def get(session: Session, meeting_id: int, reader: Person) -> Meeting:
    """The meeting with this number, if the reader may see it (else refused as not found)."""
    return visibility.meeting(session, reader, meeting_id)


def attendees(session: Session, meeting: Meeting) -> list[MeetingAttendee]:
    """Everyone invited, in the order they were invited."""
    return list(
        session.exec(
            select(MeetingAttendee)
            .where(MeetingAttendee.meeting_id == meeting.id)
            .order_by(col(MeetingAttendee.id))
        )
    )


def respond(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    meeting_id: int,
    answer: Rsvp,
    reason: str = "",
) -> Meeting:
    """Record the actor's yes or no (with the reason for a no) to a meeting they are invited to."""
    meeting = get(session, meeting_id, actor)
    if meeting.status == Status.CANCELLED:
        raise UserError("meeting.is_cancelled", number=meeting_id)
    if meeting.starts_at <= now:
        raise UserError("meeting.already_started", number=meeting_id)
    row = session.exec(
        select(MeetingAttendee).where(
            MeetingAttendee.meeting_id == meeting_id, MeetingAttendee.person_id == actor.id
        )
    ).first()
    if row is None and actor.partner_org_id is not None:
        # A contact added to the organisation after the invitation still answers for it.
        invited_org = session.exec(
            select(MeetingAttendee).where(
                MeetingAttendee.meeting_id == meeting_id,
                MeetingAttendee.partner_org_id == actor.partner_org_id,
            )
        ).first()
        if invited_org is not None:
            row = MeetingAttendee(
                meeting_id=meeting_id, person_id=actor.id, partner_org_id=actor.partner_org_id
            )
    if row is None:
        raise UserError("meeting.not_invited", number=meeting_id)
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON:
        raise UserError("common.too_long", limit=MAX_REASON, length=len(reason))
    before = audit.snapshot(row)
    row.rsvp = answer
    row.reason = reason if answer == Rsvp.NO else ""
    row.responded_at = now
    audit.record(
        session, at=now, actor=actor, action=f"meeting.rsvp_{answer}", entity=row, before=before
    )
    followups.sync_meeting(session, now=now, meeting=meeting)
    return meeting


def cancel(session: Session, *, now: datetime, actor: Person, meeting_id: int) -> Meeting:
    """Cancel a meeting; only its organiser or a manager may."""
    meeting = get(session, meeting_id, actor)
    if not (meeting.organiser_id == actor.id or is_manager(actor)):
        raise UserError("meeting.not_yours", number=meeting_id)
    if meeting.status == Status.CANCELLED:
        raise UserError("meeting.is_cancelled", number=meeting_id)
    before = audit.snapshot(meeting)
    meeting.status = Status.CANCELLED
    meeting.sequence += 1
    audit.record(
        session, at=now, actor=actor, action="meeting.cancel", entity=meeting, before=before
    )
    followups.sync_meeting(session, now=now, meeting=meeting)
    return meeting


def reschedule(
    session: Session, *, now: datetime, actor: Person, meeting_id: int, starts_at: datetime
) -> Meeting:
    """Move a meeting; its organiser or a manager may, and everyone's reminders follow."""
    meeting = get(session, meeting_id, actor)
    if not (meeting.organiser_id == actor.id or is_manager(actor)):
        raise UserError("meeting.not_yours", number=meeting_id)
    if meeting.status == Status.CANCELLED:
        raise UserError("meeting.is_cancelled", number=meeting_id)
    if starts_at <= now:
        raise UserError("moment.in_past", at=starts_at)
    before = audit.snapshot(meeting)
    meeting.starts_at = starts_at
    meeting.sequence += 1
    audit.record(session, at=now, actor=actor, action="meeting.move", entity=meeting, before=before)
    followups.sync_meeting(session, now=now, meeting=meeting)
    return meeting


def forget_declines(
    session: Session, *, now: datetime, meeting: Meeting, person_ids: list[int]
) -> None:
    """Take back these people's declines: they were not told of a move, so cannot answer again."""
    for row in attendees(session, meeting):
        if row.person_id in person_ids and row.rsvp == Rsvp.NO:
            row.rsvp, row.reason, row.responded_at = Rsvp.PENDING, "", None
            session.add(row)
    session.flush()
    followups.sync_meeting(session, now=now, meeting=meeting)


def upcoming_for(session: Session, person: Person, start: datetime, end: datetime) -> list[Meeting]:
    """Meetings the person organises or has not declined, starting in [start, end)."""
    invited = select(MeetingAttendee.meeting_id).where(
        MeetingAttendee.person_id == person.id, MeetingAttendee.rsvp != Rsvp.NO
    )
    return list(
        session.exec(
            select(Meeting)
            .where(
                Meeting.status == Status.OPEN,
                col(Meeting.starts_at) >= start,
                col(Meeting.starts_at) < end,
                (col(Meeting.organiser_id) == person.id) | col(Meeting.id).in_(invited),
            )
            .order_by(col(Meeting.starts_at))
        )
    )
