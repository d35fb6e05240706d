"""Programs: registering one and adding people and partner organisations to it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, select

from core import audit
from core.errors import UserError
from core.models import (
    PartnerOrg,
    Person,
    Program,
    ProgramChat,
    ProgramLevel,
    ProgramMember,
    ProgramPartner,
)
from core.people.accounts import checked_choice
from core.people.directory import partner_by_handle, person_by_handle, unknown_handles

CODE = re.compile(r"^[a-z][a-z0-9_\-]{0,31}$")


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
        level=checked_choice(level, ProgramLevel, "directory.bad_level"),
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


def bind_chat(
    session: Session, *, now: datetime, actor: Person, program: Program, platform: str, chat_id: str
) -> ProgramChat:
    """Make a group chat the program's (commands there default to its #code); a chat belongs
    to one program at a time, so binding it again moves it."""
    assert program.id is not None
    row = session.exec(
        select(ProgramChat).where(ProgramChat.platform == platform, ProgramChat.chat_id == chat_id)
    ).first()
    before = audit.snapshot(row)
    if row is None:
        row = ProgramChat(program_id=program.id, platform=platform, chat_id=chat_id)
    row.program_id = program.id
    audit.record(session, at=now, actor=actor, action="program.chat", entity=row, before=before)
    return row
