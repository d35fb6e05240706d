"""Finding people, partner organisations and programs by what people type."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from core.errors import UserError
from core.language.suggest import closest_handle
from core.models import (
    Identity,
    PartnerOrg,
    Person,
    Program,
    ProgramChat,
    ProgramMember,
    ProgramPartner,
    Role,
)

# Programs named by id: a list, or a subquery such as program_ids_of(person).
ProgramIds = Collection[int] | SelectOfScalar[int | None]


def person_for_identity(session: Session, platform: str, external_id: str) -> Person | None:
    """The person behind a platform account, if the account is linked."""
    return session.exec(
        select(Person)
        .join(Identity, col(Identity.person_id) == Person.id)
        .where(Identity.platform == platform, Identity.external_id == external_id)
    ).first()


def identity_for(session: Session, platform: str, external_id: str) -> Identity | None:
    """The link between a platform account and a person, if there is one."""
    return session.exec(
        select(Identity).where(Identity.platform == platform, Identity.external_id == external_id)
    ).first()


def account_for(
    session: Session, platform: str, external_id: str
) -> tuple[Identity, Person] | None:
    """A platform account's link and its person, read together: every message asks for both."""
    found = session.exec(
        select(Identity, Person)
        .join(Person, col(Person.id) == Identity.person_id)
        .where(Identity.platform == platform, Identity.external_id == external_id)
    ).first()
    return None if found is None else (found[0], found[1])


def program_of_chat(session: Session, platform: str, chat_id: str) -> Program | None:
    """The program a group chat belongs to, if someone linked it."""
    return session.exec(
        select(Program)
        .join(ProgramChat, col(ProgramChat.program_id) == Program.id)
        .where(ProgramChat.platform == platform, ProgramChat.chat_id == chat_id)
    ).first()


def handles_of_identities(
    session: Session, platform: str, external_ids: Iterable[str]
) -> dict[str, str]:
    """external id -> Gotong handle, for the accounts that are linked."""
    ids = list(set(external_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(Identity.external_id, Person.handle)
        .join(Person, col(Person.id) == Identity.person_id)
        .where(Identity.platform == platform, col(Identity.external_id).in_(ids))
    )
    return dict(rows.all())


def person_by_handle(session: Session, handle: str) -> Person | None:
    """The person with `handle` (without the @), if any."""
    return session.exec(select(Person).where(Person.handle == handle.lower())).first()


def partner_by_handle(session: Session, handle: str) -> PartnerOrg | None:
    """The partner organisation with `handle`, if any."""
    return session.exec(select(PartnerOrg).where(PartnerOrg.handle == handle.lower())).first()


def resolve_handles(
    session: Session, handles: Iterable[str]
) -> tuple[list[Person], list[PartnerOrg]]:
    """People and partner organisations named by `handles`; an unknown one is an error."""
    people: list[Person] = []
    orgs: list[PartnerOrg] = []
    for handle in handles:
        person = person_by_handle(session, handle)
        if person is not None:
            people.append(person)
            continue
        org = partner_by_handle(session, handle)
        if org is None:
            raise unknown_handles(session, [handle])
        orgs.append(org)
    return people, orgs


def unknown_handles(session: Session, handles: list[str]) -> UserError:
    """The refusal of unknown @handles, suggesting the nearest known one for each."""
    handles = [h.strip().lstrip("@").lower() for h in handles]
    suggestions = {h: s for h in handles if (s := closest_handle(session, h))}
    # A button only helps when it corrects every unknown handle.
    corrections = (
        tuple((f"@{h}", f"@{suggestions[h]}") for h in handles)
        if len(suggestions) == len(handles)
        else ()
    )
    if len(handles) == 1:
        return UserError(
            "common.unknown_handle",
            handle=handles[0],
            suggestion=suggestions.get(handles[0]),
            corrections=corrections,
        )
    return UserError(
        "common.unknown_handles", handles=handles, suggestions=suggestions, corrections=corrections
    )


def program_by_code(session: Session, code: str, reader: Person | None = None) -> Program:
    """The program `#code`; an unknown code is an error that lists the reader's programs."""
    code = code.lstrip("#").lower()
    program = session.exec(select(Program).where(Program.code == code)).first()
    if program is None:
        raise unknown_program(session, reader, code)
    return program


# A refusal names at most this many of the reader's programs, and counts the rest.
LISTED_PROGRAMS = 10


def unknown_program(session: Session, reader: Person | None, code: str) -> UserError:
    """The refusal for a #code that does not exist, or is not the reader's (word for word the
    same, so it tells nothing): their own programs named, the first few of a long list."""
    if reader is None:
        return UserError("common.unknown_program", code=code, known=[])
    known, more = known_programs(session, reader, code)
    return UserError("common.unknown_program", code=code, known=known, more=more)


def known_programs(session: Session, reader: Person, leave_out: str = "") -> tuple[list[str], int]:
    """The codes of the first programs the reader works on, and how many more there are."""
    mine = select(col(Program.code)).where(col(Program.id).in_(program_ids_of(reader)))
    if leave_out:
        mine = mine.where(col(Program.code) != leave_out)
    known = list(session.exec(mine.order_by(col(Program.code)).limit(LISTED_PROGRAMS + 1)))
    more = 0
    if len(known) > LISTED_PROGRAMS:
        total = session.exec(select(func.count()).select_from(mine.subquery())).one()
        known, more = known[:LISTED_PROGRAMS], total - LISTED_PROGRAMS
    return known, more


def programs_of(session: Session, person: Person, limit: int | None = None) -> list[Program]:
    """The programs a person works on: all for an admin, else owned, joined or partnered."""
    query = select(Program).order_by(col(Program.code)).limit(limit)
    if person.role == Role.ADMIN:
        return list(session.exec(query))
    return list(session.exec(query.where(_works_on(person))))


def works_on(session: Session, person: Person, program: Program) -> bool:
    """Whether the program is one of the person's (admins work on all)."""
    if person.role == Role.ADMIN:
        return True
    found = select(col(Program.id)).where(col(Program.id) == program.id, _works_on(person))
    return session.exec(found).first() is not None


def program_ids_of(person: Person) -> SelectOfScalar[int | None]:
    """The ids of the programs a person works on, as a subquery (nothing is loaded).

    A national manager can be on thousands of programs: a list asks the database for rows of
    these programs instead of carrying every program through Python first.
    """
    query = select(col(Program.id))
    return query if person.role == Role.ADMIN else query.where(_works_on(person))


def _works_on(person: Person) -> ColumnElement[bool]:
    member = select(ProgramMember.program_id).where(ProgramMember.person_id == person.id)
    conditions = [col(Program.owner_id) == person.id, col(Program.id).in_(member)]
    if person.partner_org_id is not None:
        partnered = select(ProgramPartner.program_id).where(
            ProgramPartner.partner_org_id == person.partner_org_id
        )
        conditions.append(col(Program.id).in_(partnered))
    return or_(*conditions)


def join_program(session: Session, program: Program, person: Person) -> None:
    """Make `person` a member of `program` (no-op when already one)."""
    assert program.id is not None and person.id is not None
    if session.get(ProgramMember, (program.id, person.id)) is None:
        session.add(ProgramMember(program_id=program.id, person_id=person.id))


def link_partner(session: Session, program: Program, org: PartnerOrg) -> None:
    """Record that `org` works on `program` (no-op when already linked)."""
    assert program.id is not None and org.id is not None
    if session.get(ProgramPartner, (program.id, org.id)) is None:
        session.add(ProgramPartner(program_id=program.id, partner_org_id=org.id))


def people_of_org(session: Session, org: PartnerOrg) -> list[Person]:
    """The people who speak for a partner organisation."""
    return list(session.exec(select(Person).where(Person.partner_org_id == org.id)))


def names(session: Session, person_ids: Iterable[int]) -> dict[int, Person]:
    """People by id, for showing who is assigned or invited."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    return {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(ids))) if p.id}
