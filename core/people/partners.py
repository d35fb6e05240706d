"""The partner directory: an organisation's contacts, who may look it up, and its entry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, or_, select

from core import audit
from core.db import page_of
from core.errors import UserError
from core.models import (
    Identity,
    Meeting,
    MeetingAttendee,
    PartnerContact,
    PartnerOrg,
    Person,
    ProgramPartner,
    Role,
    Status,
)
from core.people import visibility
from core.people.accounts import KIND_WORDS, add_partner, partner_kind
from core.people.directory import (
    partner_by_handle,
    people_of_org,
    person_by_handle,
    program_ids_of,
    unknown_handles,
)
from core.people.permissions import is_manager

NAME_LIMIT = 200  # PartnerContact.name's column
# A phone number as people write it: digits with +, spaces, dots, dashes or brackets.
PHONE = re.compile(r"^\+?[0-9][0-9 .()\-]*$")
PHONE_DIGITS = range(8, 16)
EMAIL = re.compile(r"^[^@\s\"<>]+@[^@\s\"<>]+\.[a-z]{2,}$", re.IGNORECASE)


@dataclass(frozen=True)
class ContactPerson:
    """Someone on Gotong who speaks for the organisation, and where they can be reached."""

    person: Person
    platforms: list[str]


@dataclass(frozen=True)
class Entry:
    """One organisation's page in the directory."""

    org: PartnerOrg
    people: list[ContactPerson]
    contacts: list[PartnerContact]
    meetings: list[Meeting]
    # Open commitments with what was received (core.work.commitments.Progress); the /mitra
    # command fills them in, since work/ sits above people/.
    commitments: list[Any] = field(default_factory=list)
    more_commitments: int = 0  # open ones not listed


def checked_phone(value: str) -> str:
    """A phone number as written, if it has the shape of an Indonesian or international one."""
    value = " ".join(value.split())
    digits = phone_digits(value)
    if value and (not PHONE.match(value) or len(digits) not in PHONE_DIGITS):
        raise UserError("partners.bad_phone", value=value[:40])
    return value


def phone_digits(value: str) -> str:
    """The number's digits, with 0812… and +62812… written the same way."""
    digits = re.sub(r"\D", "", value)
    return "62" + digits[1:] if digits.startswith("0") else digits


def checked_email(value: str) -> str:
    """An e-mail address, if it has the shape of one."""
    value = value.strip()
    if value and (len(value) > 254 or not EMAIL.match(value)):
        raise UserError("partners.bad_email", value=value[:60])
    return value


def checked_contact_name(name: str) -> str:
    """A contact's name: not empty, not longer than the column."""
    name = " ".join(name.split())
    if not name:
        raise UserError("partners.contact_usage")
    if len(name) > NAME_LIMIT:
        raise UserError("partners.name_too_long", limit=NAME_LIMIT)
    return name


def add_contact(
    session: Session,
    *,
    now: datetime,
    actor: Person | None,
    org: PartnerOrg,
    name: str,
    phone: str = "",
    email: str = "",
) -> tuple[PartnerContact, bool]:
    """Record a plain contact of `org`; the same name and phone again is the one already kept."""
    name = checked_contact_name(name)
    phone, email = checked_phone(phone), checked_email(email)
    if not phone and not email:
        raise UserError("partners.contact_usage")
    for known in contacts_of(session, org):
        if known.name.lower() == name.lower() and phone_digits(known.phone) == phone_digits(phone):
            return known, False
    assert org.id is not None
    contact = PartnerContact(
        partner_org_id=org.id, name=name, phone=phone, email=email, created_at=now
    )
    audit.record(session, at=now, actor=actor, action="partner.contact", entity=contact)
    return contact, True


def contacts_of(session: Session, org: PartnerOrg) -> list[PartnerContact]:
    """The organisation's plain contacts, in the order they were added."""
    return list(
        session.exec(
            select(PartnerContact)
            .where(PartnerContact.partner_org_id == org.id)
            .order_by(col(PartnerContact.id))
        )
    )


def organisation_for(session: Session, handle: str) -> PartnerOrg:
    """The organisation `@handle` names; a person's handle or an unknown one is an error."""
    handle = handle.strip().lstrip("@").lower()
    org = partner_by_handle(session, handle)
    if org is not None:
        return org
    if person_by_handle(session, handle) is not None:
        raise UserError("partners.not_an_org", handle=handle)
    raise unknown_handles(session, [handle])


def listing(
    session: Session, reader: Person, words: list[str], *, limit: int, offset: int = 0
) -> tuple[list[PartnerOrg], int]:
    """A page of the partner organisations by handle, and how many in all: a partner contact
    sees their own; each of `words` keeps those whose handle, name or region holds it, or
    whose kind it names in either language ("lsm", "ngo", "pemerintah")."""
    query = select(PartnerOrg).order_by(col(PartnerOrg.handle))
    if reader.role == Role.PARTNER:
        query = query.where(PartnerOrg.id == reader.partner_org_id)
    for word in words:
        plain = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{plain}%"
        found: list[ColumnElement[bool]] = [
            func.lower(PartnerOrg.handle).like(pattern, escape="\\"),
            func.lower(PartnerOrg.name).like(pattern, escape="\\"),
            func.lower(func.coalesce(PartnerOrg.region, "")).like(pattern, escape="\\"),
        ]
        kind = KIND_WORDS.get(word.lower())
        if kind is not None:
            found.append(col(PartnerOrg.kind) == kind.value)
        query = query.where(or_(*found))
    return page_of(session, query, limit=limit, offset=offset)


def visible_organisation(session: Session, reader: Person, handle: str) -> PartnerOrg:
    """The organisation if the reader may see its entry, else the very reply an unknown one gets.

    Managers see every organisation, field workers those on their programs, partner contacts
    only their own; the refusal carries no suggestion, so it hints at nothing that exists.
    """
    if is_manager(reader):
        return organisation_for(session, handle)
    handle = handle.strip().lstrip("@").lower()
    org = partner_by_handle(session, handle)
    if org is not None and _may_see(session, reader, org):
        return org
    if reader.role != Role.PARTNER:
        # Field workers see every name in /mitra already: an honest reason hides nothing.
        if org is not None:
            raise UserError("partners.not_in_your_programs", handle=handle)
        if person_by_handle(session, handle):
            raise UserError("partners.not_an_org", handle=handle)
    raise UserError("common.unknown_handle", handle=handle, suggestion=None, corrections=())


def _may_see(session: Session, reader: Person, org: PartnerOrg) -> bool:
    if reader.role == Role.PARTNER:
        return reader.partner_org_id == org.id
    linked = session.exec(
        select(ProgramPartner).where(
            ProgramPartner.partner_org_id == org.id,
            col(ProgramPartner.program_id).in_(program_ids_of(reader)),
        )
    ).first()
    return linked is not None


def _may_see_meeting(session: Session, reader: Person, meeting: Meeting) -> bool:
    """The one rule for numbered things: a meeting the reader could not open is not listed."""
    assert meeting.id is not None
    try:
        visibility.meeting(session, reader, meeting.id)
    except UserError:
        return False
    return True


def entry(session: Session, org: PartnerOrg, *, now: datetime, reader: Person | None) -> Entry:
    """The directory entry: who speaks for the organisation, contacts, meetings, commitments."""
    people = sorted(people_of_org(session, org), key=lambda p: p.handle)
    platforms: dict[int, list[str]] = {}
    if people:
        rows = session.exec(
            select(Identity.person_id, Identity.platform)
            .where(col(Identity.person_id).in_([p.id for p in people]))
            .order_by(col(Identity.platform))
        )
        for person_id, platform in rows:
            platforms.setdefault(person_id, []).append(platform)
    return Entry(
        org=org,
        people=[ContactPerson(p, sorted(set(platforms.get(p.id or 0, [])))) for p in people],
        contacts=contacts_of(session, org),
        meetings=[
            m
            for m in meetings_attended(session, org, [p.id for p in people if p.id], now=now)
            if reader is None or _may_see_meeting(session, reader, m)
        ],
    )


def meetings_attended(
    session: Session, org: PartnerOrg, person_ids: list[int], *, now: datetime
) -> list[Meeting]:
    """Open meetings still to come that the organisation or one of its people is invited to."""
    invited = [col(MeetingAttendee.partner_org_id) == org.id]
    if person_ids:
        invited.append(col(MeetingAttendee.person_id).in_(person_ids))
    attending = select(MeetingAttendee.meeting_id).where(or_(*invited))
    return list(
        session.exec(
            select(Meeting)
            .where(
                col(Meeting.id).in_(attending),
                Meeting.status == Status.OPEN,
                col(Meeting.starts_at) >= now,
            )
            .order_by(col(Meeting.starts_at))
        )
    )


def upsert_partner(
    session: Session,
    *,
    now: datetime,
    actor: Person | None,
    handle: str,
    name: str,
    kind: str,
    region: str = "",
) -> tuple[PartnerOrg, str]:
    """Add the organisation, or bring an existing one's name, kind and region up to date.

    Returns the organisation and what happened: "added", "updated" or "unchanged".
    """
    handle = handle.strip().lstrip("@").lower()
    org = partner_by_handle(session, handle)
    if org is None:
        org = add_partner(
            session, now=now, actor=actor, handle=handle, name=name, kind=kind, region=region
        )
        return org, "added"
    wanted = {
        "name": name.strip() or org.name,
        "kind": partner_kind(kind),
        "region": region.strip(),
    }
    before = {field: getattr(org, field) for field in wanted}
    if before == wanted:
        return org, "unchanged"
    for column, value in wanted.items():
        setattr(org, column, value)
    audit.record(session, at=now, actor=actor, action="partner.update", entity=org, before=before)
    return org, "updated"
