"""Meetings and deadlines as iCalendar (RFC 5545) files that Google, Outlook and Apple read.

Moments are written in one named zone (the reader's for an invitation, the export's own
otherwise) with its VTIMEZONE, so a calendar shows 10:00 WITA as 10:00 to a reader in
Makassar whatever zone the calendar app itself is set to.

People on Gotong have no e-mail address, so the organiser and attendees are named by CN
(their name, which calendars show) and a `tag:` URI (RFC 4151: an identifier anyone may
mint without owning a mail server), one per person or organisation, so clients that key
attendees by address keep them apart. No `mailto:` is invented: a client would offer to
mail answers there. `RSVP=FALSE` says the same: people answer in Gotong, not by mail.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress
from sqlmodel import Session, col, select

from core.models import Deadline, Meeting, MeetingAttendee, PartnerOrg, Person, Program, Rsvp
from core.models.common import Status

PRODID = "-//Gotong//Gotong calendar//ID"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"
DOMAIN = "gotong"
# The date of the `tag:` URIs (RFC 4151 wants one); fixed, so a person's address never changes.
TAG = "tag:gotong,2026:"
PARTSTAT = {Rsvp.YES: "ACCEPTED", Rsvp.NO: "DECLINED", Rsvp.PENDING: "NEEDS-ACTION"}

# The few words written into a file's DESCRIPTION; kept here, beside the chart's, because
# they go into a file rather than a message. Tests hold both languages to the same keys.
WORDS = {
    "id": {
        "program": "Program",
        "link": "Tautan",
        "answer": "Jawab di Gotong: /hadir {n} atau /tidakhadir {n}",
        "meeting": "Rapat {n} di Gotong",
        "deadline": "Tenggat {n} di Gotong",
        "file_meeting": "rapat-{n}.ics",
        "file_deadline": "tenggat-{n}.ics",
    },
    "en": {
        "program": "Program",
        "link": "Link",
        "answer": "Answer in Gotong: /attend {n} or /decline {n}",
        "meeting": "Meeting {n} on Gotong",
        "deadline": "Deadline {n} on Gotong",
        "file_meeting": "meeting-{n}.ics",
        "file_deadline": "deadline-{n}.ics",
    },
}


@dataclass(frozen=True)
class Invitee:
    """One attendee row with whom it names: a person, or an organisation with nobody on Gotong."""

    row: MeetingAttendee
    person: Person | None
    org: PartnerOrg | None


def meeting_uid(meeting_id: int | None, domain: str = DOMAIN) -> str:
    """The UID a meeting keeps in every file: calendars replace the event rather than add one."""
    return f"meeting-{meeting_id}@{domain}"


def deadline_uid(deadline_id: int | None, domain: str = DOMAIN) -> str:
    """The UID a deadline keeps in every file."""
    return f"deadline-{deadline_id}@{domain}"


def _words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["id"])


def person_address(person: Person, *, org: PartnerOrg | None = None) -> vCalAddress:
    """A person as organiser or attendee: their name (and organisation) and a tag: URI."""
    address = vCalAddress(f"{TAG}person:{person.handle}")
    address.params["CN"] = f"{person.name} ({org.name})" if org is not None else person.name
    return address


def meeting_event(
    meeting: Meeting,
    *,
    program: Program | None,
    organiser: Person | None,
    invitees: Iterable[Invitee],
    zone: ZoneInfo,
    stamp: datetime,
    lang: str,
    domain: str = DOMAIN,
) -> Event:
    """One meeting as a VEVENT: its moments in `zone`, its people, its status and sequence."""
    words = _words(lang)
    starts = meeting.starts_at.astimezone(zone)
    event = Event()
    event.add("uid", meeting_uid(meeting.id, domain))
    event.add("dtstamp", stamp)
    event.add("sequence", meeting.sequence)
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", meeting.title)
    location = meeting.place or meeting.link
    if location:
        event.add("location", location)
    if meeting.link:
        event.add("url", meeting.link)
    lines = []
    if program is not None:
        lines.append(f"{words['program']}: #{program.code} {program.name}")
    if meeting.link:
        lines.append(f"{words['link']}: {meeting.link}")
    lines.append(words["meeting"].format(n=meeting.id))
    if meeting.status == Status.OPEN:
        lines.append(words["answer"].format(n=meeting.id))
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if meeting.status == Status.CANCELLED else "CONFIRMED")
    if organiser is not None:
        event.add("organizer", person_address(organiser))
    for invitee in invitees:
        if invitee.person is not None:
            address = person_address(invitee.person, org=invitee.org)
            address.params["CUTYPE"] = "INDIVIDUAL"
        elif invitee.org is not None:
            address = vCalAddress(f"{TAG}org:{invitee.org.handle}")
            address.params["CN"] = invitee.org.name
            address.params["CUTYPE"] = "GROUP"
        else:
            continue
        address.params["ROLE"] = "REQ-PARTICIPANT"
        address.params["PARTSTAT"] = PARTSTAT.get(Rsvp(invitee.row.rsvp), "NEEDS-ACTION")
        address.params["RSVP"] = "FALSE"
        event.add("attendee", address, encode=False)
    return event


def deadline_event(
    deadline: Deadline,
    *,
    program: Program | None,
    owner: Person | None,
    zone: ZoneInfo,
    stamp: datetime,
    lang: str,
    domain: str = DOMAIN,
) -> Event:
    """One deadline as a timed VEVENT at its due moment (Gotong keeps a time for every one).

    No DTEND: RFC 5545 reads that as ending when it starts, a mark rather than a block of
    time, and TRANSPARENT keeps it from showing the owner as busy. A closed deadline has
    changed once, hence SEQUENCE 1.
    """
    words = _words(lang)
    event = Event()
    event.add("uid", deadline_uid(deadline.id, domain))
    event.add("dtstamp", stamp)
    event.add("sequence", 0 if deadline.status == Status.OPEN else 1)
    event.add("dtstart", deadline.due_at.astimezone(zone))
    event.add("summary", deadline.title)
    lines = []
    if program is not None:
        lines.append(f"{words['program']}: #{program.code} {program.name}")
    lines.append(words["deadline"].format(n=deadline.id))
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT")
    event.add("status", "CANCELLED" if deadline.status == Status.CANCELLED else "CONFIRMED")
    if owner is not None:
        event.add("organizer", person_address(owner))
    return event


@functools.lru_cache(maxsize=64)
def calendar_head(*, method: str, zone: ZoneInfo) -> bytes:
    """The start of a VCALENDAR, up to and with the zone's VTIMEZONE; events follow it.

    Made once per method and zone: working out a zone's VTIMEZONE walks its offsets for years
    (33 ms), and every meeting invitation carries one per reader.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(_vtimezone(zone))
    return calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n")


CALENDAR_END = b"END:VCALENDAR\r\n"


def _vtimezone(zone: ZoneInfo) -> Timezone:
    # From 2020: Indonesia's zones have not changed since 1988, and a short VTIMEZONE is one
    # Outlook reads without trouble.
    return Timezone.from_tzinfo(zone, first_date=datetime(2020, 1, 1).date())


def invitees_of(session: Session, meeting_ids: list[int]) -> dict[int, list[Invitee]]:
    """Each meeting's attendees with their people and organisations, in three queries."""
    rows = list(
        session.exec(
            select(MeetingAttendee)
            .where(col(MeetingAttendee.meeting_id).in_(meeting_ids))
            .order_by(col(MeetingAttendee.id))
        )
    )
    person_ids = {r.person_id for r in rows if r.person_id is not None}
    org_ids = {r.partner_org_id for r in rows if r.partner_org_id is not None}
    people = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(person_ids)))}
    orgs = {
        o.id: o for o in session.exec(select(PartnerOrg).where(col(PartnerOrg.id).in_(org_ids)))
    }
    found: dict[int, list[Invitee]] = {m: [] for m in meeting_ids}
    for row in rows:
        person = people.get(row.person_id) if row.person_id is not None else None
        org = orgs.get(row.partner_org_id) if row.partner_org_id is not None else None
        found[row.meeting_id].append(Invitee(row, person, org))
    return found


def meeting_file(session: Session, meeting: Meeting, *, tz: str, lang: str, now: datetime) -> bytes:
    """One meeting as a whole .ics: REQUEST while it stands, CANCEL once cancelled."""
    assert meeting.id is not None
    zone = ZoneInfo(tz)
    method = CANCEL if meeting.status == Status.CANCELLED else REQUEST
    event = meeting_event(
        meeting,
        program=session.get(Program, meeting.program_id) if meeting.program_id else None,
        organiser=session.get(Person, meeting.organiser_id),
        invitees=invitees_of(session, [meeting.id])[meeting.id],
        zone=zone,
        stamp=now,
        lang=lang,
    )
    return calendar_head(method=method, zone=zone) + event.to_ical() + CALENDAR_END


def meeting_file_name(meeting_id: int | None, lang: str) -> str:
    """rapat-7.ics or meeting-7.ics, in the reader's language."""
    return _words(lang)["file_meeting"].format(n=meeting_id)
