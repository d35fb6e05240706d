"""Meetings and deadlines exported as one .ics (METHOD:PUBLISH), written in batches as read.

Filters as the other exports: programs by code, a range on each row's own moment (a meeting's
start, a deadline's due moment), the region of the row's program, and a partner organisation
(the meetings it was invited to; deadlines are a program team's own and are left out).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from core.errors import UserError
from core.language.zones import resolve_zone
from core.models import Deadline, Meeting, MeetingAttendee, PartnerOrg, Person, Program
from core.reports.calendar import (
    CALENDAR_END,
    PUBLISH,
    calendar_head,
    deadline_event,
    invitees_of,
    meeting_event,
)

KINDS = ("meetings", "deadlines")
BATCH = 500


def write_calendar(
    session: Session,
    *,
    kinds: tuple[str, ...],
    programs: tuple[str, ...] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    region: str | None = None,
    partner: str | None = None,
    out: BinaryIO,
    tz: str,
    lang: str = "id",
    now: datetime | None = None,
) -> int:
    """Write the chosen meetings and deadlines to `out` as one calendar; the events written.

    `tz` is an IANA name or WIB/WITA/WIT; every moment is written in it, with its VTIMEZONE.

    `now` is each event's DTSTAMP; without it, the row's own creation moment, so the same
    rows give the same bytes.
    """
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise UserError("calendar.unknown_kind", kind=unknown[0], kinds=list(KINDS))
    zone = ZoneInfo(resolve_zone(tz))
    program_ids = _program_ids(session, programs, region)
    org = _partner(session, partner)
    out.write(calendar_head(method=PUBLISH, zone=zone))
    written = 0
    cache = _Rows(session)
    if "meetings" in kinds:
        for batch in _meetings(session, program_ids, start, end, org):
            invitees = invitees_of(session, [m.id for m in batch if m.id is not None])
            cache.load(organisers={m.organiser_id for m in batch})
            for meeting in batch:
                assert meeting.id is not None
                event = meeting_event(
                    meeting,
                    program=cache.program(meeting.program_id),
                    organiser=cache.people.get(meeting.organiser_id),
                    invitees=invitees[meeting.id],
                    zone=zone,
                    stamp=now or meeting.created_at,
                    lang=lang,
                )
                out.write(event.to_ical())
                written += 1
    if "deadlines" in kinds and org is None:
        for deadlines in _deadlines(session, program_ids, start, end):
            cache.load(organisers={d.owner_id for d in deadlines})
            for deadline in deadlines:
                event = deadline_event(
                    deadline,
                    program=cache.program(deadline.program_id),
                    owner=cache.people.get(deadline.owner_id),
                    zone=zone,
                    stamp=now or deadline.created_at,
                    lang=lang,
                )
                out.write(event.to_ical())
                written += 1
    out.write(CALENDAR_END)
    return written


class _Rows:
    """Programs (all of them: few) and the people of the current batch, read once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.programs: dict[int | None, Program] | None = None
        self.people: dict[int | None, Person] = {}

    def program(self, program_id: int | None) -> Program | None:
        if self.programs is None:
            self.programs = {p.id: p for p in self.session.exec(select(Program))}
        return self.programs.get(program_id)

    def load(self, *, organisers: set[int]) -> None:
        # Only this batch's people stay: memory does not grow with the number of rows.
        self.people = {
            p.id: p for p in self.session.exec(select(Person).where(col(Person.id).in_(organisers)))
        }


def _program_ids(
    session: Session, codes: tuple[str, ...], region: str | None
) -> list[int | None] | None:
    """The programs asked for by code and region; None when neither narrows them."""
    if not codes and region is None:
        return None
    query = select(Program)
    if codes:
        wanted = {c.lstrip("#").lower() for c in codes}
        found = {
            p.code.lower(): p for p in session.exec(query.where(col(Program.code).in_(wanted)))
        }
        missing = sorted(wanted - set(found))
        if missing:
            raise UserError("common.unknown_program", code=missing[0], known=[])
        chosen = list(found.values())
    else:
        chosen = list(session.exec(query))
    if region is not None:
        chosen = [p for p in chosen if p.region.lower() == region.lower()]
    return [p.id for p in chosen]


def _partner(session: Session, handle: str | None) -> PartnerOrg | None:
    if handle is None:
        return None
    found = session.exec(
        select(PartnerOrg).where(PartnerOrg.handle == handle.lstrip("@").lower())
    ).first()
    if found is None:
        raise UserError("common.unknown_handle", handle=handle.lstrip("@"))
    return found


def _meetings(
    session: Session,
    program_ids: list[int | None] | None,
    start: datetime | None,
    end: datetime | None,
    org: PartnerOrg | None,
) -> Iterator[list[Meeting]]:
    """Meetings in id order, a batch at a time (keyset paging: each batch is one index read)."""
    query = select(Meeting)
    if program_ids is not None:
        query = query.where(col(Meeting.program_id).in_(program_ids))
    if start is not None:
        query = query.where(col(Meeting.starts_at) >= start)
    if end is not None:
        query = query.where(col(Meeting.starts_at) < end)
    if org is not None:
        invited = select(MeetingAttendee.meeting_id).where(MeetingAttendee.partner_org_id == org.id)
        query = query.where(col(Meeting.id).in_(invited))
    yield from _batches(session, query, col(Meeting.id))


def _deadlines(
    session: Session,
    program_ids: list[int | None] | None,
    start: datetime | None,
    end: datetime | None,
) -> Iterator[list[Deadline]]:
    query = select(Deadline)
    if program_ids is not None:
        query = query.where(col(Deadline.program_id).in_(program_ids))
    if start is not None:
        query = query.where(col(Deadline.due_at) >= start)
    if end is not None:
        query = query.where(col(Deadline.due_at) < end)
    yield from _batches(session, query, col(Deadline.id))


def _batches(session: Session, query: Any, key: Any) -> Iterator[list[Any]]:
    last = 0
    while True:
        batch = list(session.exec(query.where(key > last).order_by(key).limit(BATCH)))
        if not batch:
            return
        yield batch
        last = batch[-1].id
