"""People, partner organisations and programs: the directory admins keep."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, select

from core import audit, followups
from core.directory import partner_by_handle, person_by_handle, unknown_handles
from core.errors import UserError
from core.i18n import LANGUAGES
from core.models import (
    Identity,
    PartnerKind,
    PartnerOrg,
    Person,
    Program,
    ProgramLevel,
    ProgramMember,
    ProgramPartner,
    Role,
)
from core.worktime import parse_quiet_hours, parse_workdays
from core.zones import resolve_zone

HANDLE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")
CODE = re.compile(r"^[a-z][a-z0-9_\-]{0,31}$")


def _choice(
    value: str, allowed: type[Role] | type[PartnerKind] | type[ProgramLevel], key: str
) -> str:
    value = value.strip().lower()
    if value not in {item.value for item in allowed}:
        raise UserError(key, value=value, allowed=[item.value for item in allowed])
    return value


def _handle(handle: str) -> str:
    handle = handle.strip().lstrip("@").lower()
    if not HANDLE.match(handle):
        raise UserError("directory.bad_handle", handle=handle)
    return handle


def add_partner(
    session: Session,
    *,
    now: datetime,
    actor: Person | None,
    handle: str,
    name: str,
    kind: str,
    region: str = "",
) -> PartnerOrg:
    """Register a partner organisation."""
    handle = _handle(handle)
    if partner_by_handle(session, handle) or person_by_handle(session, handle):
        raise UserError("directory.handle_taken", handle=handle)
    org = PartnerOrg(
        handle=handle,
        name=name.strip() or handle,
        kind=_choice(kind, PartnerKind, "directory.bad_kind"),
        region=region.strip(),
    )
    audit.record(session, at=now, actor=actor, action="partner.add", entity=org)
    return org


def add_person(
    session: Session,
    *,
    now: datetime,
    actor: Person | None,
    handle: str,
    name: str,
    role: str,
    language: str = "id",
    timezone: str = "Asia/Jakarta",
    partner: str | None = None,
) -> Person:
    """Register a person; partner contacts name their organisation."""
    handle = _handle(handle)
    if person_by_handle(session, handle) or partner_by_handle(session, handle):
        raise UserError("directory.handle_taken", handle=handle)
    role, org = partner_for_role(session, role=role, partner=partner)
    person = Person(
        handle=handle,
        name=name.strip() or handle,
        role=role,
        language=_language(language),
        timezone=resolve_zone(timezone),
        partner_org_id=org.id if org else None,
        created_at=now,
    )
    audit.record(session, at=now, actor=actor, action="person.add", entity=person)
    return person


def partner_for_role(
    session: Session, *, role: str, partner: str | None
) -> tuple[str, PartnerOrg | None]:
    """A valid role and the organisation a person speaks for; partner contacts must name one."""
    role = _choice(role, Role, "directory.bad_role")
    if not partner:
        if role == Role.PARTNER:
            raise UserError("directory.partner_needs_org")
        return role, None
    org = partner_by_handle(session, partner.lstrip("@"))
    if org is None:
        raise unknown_handles(session, [partner])
    return role, org


def add_program(
    session: Session,
    *,
    now: datetime,
    actor: Person | None,
    code: str,
    name: str,
    level: str = ProgramLevel.DISTRICT,
    region: str = "",
    owner: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    budget: Decimal | None = None,
) -> Program:
    """Register a program `#code`."""
    code = code.strip().lstrip("#").lower()
    if not CODE.match(code):
        raise UserError("directory.bad_code", code=code)
    if session.exec(select(Program).where(Program.code == code)).first():
        raise UserError("directory.code_taken", code=code)
    owner_person = None
    if owner:
        owner_person = person_by_handle(session, owner.lstrip("@"))
        if owner_person is None:
            raise unknown_handles(session, [owner])
    if starts_on and ends_on and ends_on < starts_on:
        raise UserError("directory.bad_dates")
    program = Program(
        code=code,
        name=name.strip() or code,
        level=_choice(level, ProgramLevel, "directory.bad_level"),
        region=region.strip(),
        owner_id=owner_person.id if owner_person else None,
        starts_on=starts_on,
        ends_on=ends_on,
        budget=budget,
    )
    audit.record(session, at=now, actor=actor, action="program.add", entity=program)
    return program


@dataclass
class Joined:
    """What adding handles to a program stored: new members, new partners, who was already in."""

    members: list[Person] = field(default_factory=list)
    partners: list[PartnerOrg] = field(default_factory=list)
    already: list[Person | PartnerOrg] = field(default_factory=list)


def add_to_program(
    session: Session, *, now: datetime, actor: Person | None, program: Program, handles: list[str]
) -> Joined:
    """People become members and partner organisations partners; any unknown handle adds nobody."""
    assert program.id is not None
    found: list[Person | PartnerOrg] = []
    unknown: list[str] = []
    for handle in dict.fromkeys(h.strip().lstrip("@").lower() for h in handles):
        who = person_by_handle(session, handle) or partner_by_handle(session, handle)
        if who is None:
            unknown.append(handle)
        else:
            found.append(who)
    if unknown:
        raise unknown_handles(session, unknown)
    joined = Joined()
    for who in found:
        assert who.id is not None
        if isinstance(who, Person):
            if session.get(ProgramMember, (program.id, who.id)) is not None:
                joined.already.append(who)
                continue
            member = ProgramMember(program_id=program.id, person_id=who.id)
            audit.record(session, at=now, actor=actor, action="program.join", entity=member)
            joined.members.append(who)
        else:
            if session.get(ProgramPartner, (program.id, who.id)) is not None:
                joined.already.append(who)
                continue
            link = ProgramPartner(program_id=program.id, partner_org_id=who.id)
            audit.record(session, at=now, actor=actor, action="program.partner", entity=link)
            joined.partners.append(who)
    return joined


def link_identity(
    session: Session, *, person: Person, platform: str, external_id: str, chat_id: str = ""
) -> Identity:
    """Link a platform account to a person (idempotent)."""
    identity = session.exec(
        select(Identity).where(Identity.platform == platform, Identity.external_id == external_id)
    ).first()
    if identity is None:
        assert person.id is not None
        identity = Identity(
            person_id=person.id, platform=platform, external_id=external_id, chat_id=chat_id
        )
        session.add(identity)
    return identity


def _language(value: str) -> str:
    value = value.strip().lower()
    if value not in LANGUAGES:
        raise UserError("settings.bad_language", value=value)
    return value


def set_language(session: Session, *, now: datetime, actor: Person, language: str) -> Person:
    """Change the language the person is answered in."""
    before = audit.snapshot(actor)
    actor.language = _language(language)
    audit.record(
        session, at=now, actor=actor, action="person.language", entity=actor, before=before
    )
    return actor


def set_quiet_hours(session: Session, *, now: datetime, actor: Person, value: str) -> Person:
    """Change when Gotong keeps quiet (its own reminders wait for the morning)."""
    start, end = parse_quiet_hours(value)
    before = audit.snapshot(actor)
    actor.quiet_hours = f"{start:%H:%M}-{end:%H:%M}"
    audit.record(
        session, at=now, actor=actor, action="person.quiet_hours", entity=actor, before=before
    )
    followups.resync_person(session, now=now, person=actor)
    return actor


def set_workdays(session: Session, *, now: datetime, actor: Person, value: str) -> Person:
    """Change the days the person works (Gotong's own reminders skip the others)."""
    days = parse_workdays(value)
    before = audit.snapshot(actor)
    actor.workdays = days
    audit.record(
        session, at=now, actor=actor, action="person.workdays", entity=actor, before=before
    )
    followups.resync_person(session, now=now, person=actor)
    return actor


def set_channel(session: Session, *, now: datetime, actor: Person, platform: str) -> Person:
    """Choose the linked platform that reminders and notifications go to."""
    platform = platform.strip().lower()
    linked = sorted(
        {i.platform for i in session.exec(select(Identity).where(Identity.person_id == actor.id))}
        - {"console"}
    )
    if platform not in linked:
        raise UserError("settings.bad_channel", value=platform[:20], linked=linked)
    before = audit.snapshot(actor)
    actor.channel = platform
    audit.record(session, at=now, actor=actor, action="person.channel", entity=actor, before=before)
    return actor


def set_timezone(session: Session, *, now: datetime, actor: Person, zone: str) -> Person:
    """Change the time zone the person reads and writes moments in."""
    before = audit.snapshot(actor)
    actor.timezone = resolve_zone(zone)
    followups.resync_person(session, now=now, person=actor)
    audit.record(
        session, at=now, actor=actor, action="person.timezone", entity=actor, before=before
    )
    return actor
