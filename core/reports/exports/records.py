"""The kinds that keep the record: reminders, the outbox, the audit trail, and the directory
(people, partners and their contacts, programs)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from core.models import (
    AuditEntry,
    Identity,
    OutboxMessage,
    PartnerContact,
    PartnerOrg,
    Person,
    Program,
    ProgramMember,
    ProgramPartner,
    Reminder,
)
from core.reports.exports.query import Scope, pages
from core.reports.exports.sql import table_of
from core.reports.exports.table import DATE, INT, MOMENT, MONEY, Table, columns, no_rows
from core.reports.exports.values import raw

Batches = Iterator[Sequence[Sequence[Any]]]
person, program, org = table_of(Person), table_of(Program), table_of(PartnerOrg)


def reminders(connection: Connection, scope: Scope) -> Table:
    """Reminders by the moment they are due; they belong to no program and no partner."""
    cols = columns(
        ("id", INT), "person", "text", ("due_at", MOMENT), "status", "kind", ("sent_at", MOMENT)
    )
    if scope.org is not None or scope.by_program:
        return Table("reminders", cols, no_rows())
    r = table_of(Reminder)
    statement = (
        select(
            r.c.id,
            person.c.handle,
            r.c.text,
            raw(connection, r.c.due_at),
            r.c.status,
            r.c.kind,
            raw(connection, r.c.sent_at),
        )
        .select_from(r)
        .outerjoin(person, person.c.id == r.c.person_id)
        .where(*scope.in_range(raw(connection, r.c.due_at)))
    )
    return Table("reminders", cols, pages(connection, statement, r.c.id))


def outbox(connection: Connection, scope: Scope) -> Table:
    """Messages queued for delivery by the moment they are due (never their text)."""
    cols = columns(
        ("id", INT),
        "person",
        "dedupe_key",
        "status",
        ("due_at", MOMENT),
        ("attempts", INT),
        ("sent_at", MOMENT),
        "platform",
        "cause",
    )
    if scope.org is not None or scope.by_program:
        return Table("outbox", cols, no_rows())
    o = table_of(OutboxMessage)
    statement = (
        select(
            o.c.id,
            person.c.handle,
            o.c.dedupe_key,
            o.c.status,
            raw(connection, o.c.due_at),
            o.c.attempts,
            raw(connection, o.c.sent_at),
            o.c.platform,
            o.c.cause,
        )
        .select_from(o)
        .outerjoin(person, person.c.id == o.c.person_id)
        .where(*scope.in_range(o.c.due_at))
    )
    return Table("outbox", cols, pages(connection, statement, o.c.id))


def audit(connection: Connection, scope: Scope) -> Table:
    """The audit trail by the moment of each change, what was before and after as JSON text."""
    cols = columns(
        ("id", INT), ("at", MOMENT), "actor", "action", "entity", "entity_id", "before", "after"
    )
    if scope.org is not None or scope.by_program:
        return Table("audit", cols, no_rows())
    a = table_of(AuditEntry)
    statement = (
        select(
            a.c.id,
            raw(connection, a.c.at),
            person.c.handle,
            a.c.action,
            a.c.entity,
            a.c.entity_id,
            a.c.before,
            a.c.after,
        )
        .select_from(a)
        .outerjoin(person, person.c.id == a.c.actor_id)
        .where(*scope.in_range(a.c.at))
    )

    def text(value: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def batches() -> Batches:
        for page in pages(connection, statement, a.c.id):
            yield [(*r[:6], text(r[6]), text(r[7])) for r in page]

    return Table("audit", cols, batches())


def people(connection: Connection, scope: Scope) -> Table:
    """People by handle: of the chosen programs (members and owners), or of the partner."""
    cols = columns(
        "handle",
        "name",
        "role",
        "language",
        "timezone",
        "partner",
        "platforms",
        "whatsapp",
        ("created_at", MOMENT),
    )
    statement = (
        select(
            person.c.handle,
            person.c.name,
            person.c.role,
            person.c.language,
            person.c.timezone,
            org.c.handle,
            raw(connection, person.c.created_at),
            person.c.id,
        )
        .select_from(person)
        .outerjoin(org, org.c.id == person.c.partner_org_id)
    )
    if scope.programs is not None:
        members = table_of(ProgramMember)
        statement = statement.where(
            or_(
                person.c.id.in_(
                    select(members.c.person_id).where(scope.in_programs(members.c.program_id))
                ),
                person.c.id.in_(select(program.c.owner_id).where(scope.in_programs(program.c.id))),
            )
        )
    if scope.org is not None:
        statement = statement.where(person.c.partner_org_id == scope.org)
    identity = table_of(Identity)

    # A WhatsApp account is a phone number, personal data: managers' and admins' exports
    # carry it (a partner's, scoped to their organisation, never does).
    with_numbers = scope.org is None

    def batches() -> Batches:
        for page in pages(connection, statement, person.c.handle):
            platforms: dict[int, set[str]] = {}
            numbers: dict[int, str] = {}
            for person_id, platform, account in connection.execute(
                select(identity.c.person_id, identity.c.platform, identity.c.external_id).where(
                    identity.c.person_id.in_([r[7] for r in page])
                )
            ):
                platforms.setdefault(person_id, set()).add(platform)
                if platform == "whatsapp" and with_numbers:
                    numbers[person_id] = "+" + account
            yield [
                (*r[:6], " ".join(sorted(platforms.get(r[7], ()))), numbers.get(r[7], ""), r[6])
                for r in page
            ]

    return Table("people", cols, batches())


def _organisations(scope: Scope) -> Any:
    """The organisations of the chosen programs (ProgramPartner), or the partner's own."""
    statement = select(org.c.handle, org.c.name, org.c.kind, org.c.region, org.c.id)
    if scope.programs is not None:
        linked = table_of(ProgramPartner)
        statement = statement.where(
            org.c.id.in_(
                select(linked.c.partner_org_id).where(scope.in_programs(linked.c.program_id))
            )
        )
    if scope.org is not None:
        statement = statement.where(org.c.id == scope.org)
    return statement


def partners(connection: Connection, scope: Scope) -> Table:
    """Partner organisations by handle."""
    cols = columns("handle", "name", "kind", "region")

    def batches() -> Batches:
        for page in pages(connection, _organisations(scope), org.c.handle):
            yield [r[:4] for r in page]

    return Table("partners", cols, batches())


def contacts(connection: Connection, scope: Scope) -> Table:
    """Partner organisations and their plain contacts in `gotong partners import`'s columns."""
    cols = columns(
        "handle", "name", "kind", "region", "contact_name", "contact_phone", "contact_email"
    )
    contact = table_of(PartnerContact)

    def batches() -> Batches:
        for page in pages(connection, _organisations(scope), org.c.handle):
            found: dict[int, list[tuple[str, str, str]]] = {}
            for org_id, name, phone, email in connection.execute(
                select(contact.c.partner_org_id, contact.c.name, contact.c.phone, contact.c.email)
                .where(contact.c.partner_org_id.in_([r[4] for r in page]))
                .order_by(contact.c.id)
            ):
                found.setdefault(org_id, []).append((name, phone, email))
            yield [(*r[:4], *each) for r in page for each in found.get(r[4], [("", "", "")])]

    return Table("contacts", cols, batches())


def programs(connection: Connection, scope: Scope) -> Table:
    """Programs by code with their members; a partner's export has the programs it is on."""
    cols = columns(
        "code",
        "name",
        "level",
        "region",
        "owner",
        ("starts_on", DATE),
        ("ends_on", DATE),
        ("budget", MONEY),
        "currency",
        "members",
    )
    statement = (
        select(
            program.c.code,
            program.c.name,
            program.c.level,
            program.c.region,
            person.c.handle,
            program.c.starts_on,
            program.c.ends_on,
            program.c.budget,
            program.c.currency,
            program.c.id,
        )
        .select_from(program)
        .outerjoin(person, person.c.id == program.c.owner_id)
        .where(scope.in_programs(program.c.id))
    )
    if scope.org is not None:
        linked = table_of(ProgramPartner)
        statement = statement.where(
            program.c.id.in_(
                select(linked.c.program_id).where(linked.c.partner_org_id == scope.org)
            )
        )
    members, member = table_of(ProgramMember), person.alias("member")

    def batches() -> Batches:
        for page in pages(connection, statement, program.c.code):
            found: dict[int, list[str]] = {}
            for program_id, handle in connection.execute(
                select(members.c.program_id, member.c.handle)
                .join(member, member.c.id == members.c.person_id)
                .where(members.c.program_id.in_([r[9] for r in page]))
            ):
                found.setdefault(program_id, []).append(handle)
            yield [(*r[:9], " ".join(sorted(found.get(r[9], ())))) for r in page]

    return Table("programs", cols, batches())
