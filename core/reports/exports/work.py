"""The kinds of the work itself: tasks, meetings, deadlines, field updates, commitments."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from core.models import (
    Commitment,
    CommitmentReceipt,
    Deadline,
    FieldUpdate,
    Meeting,
    MeetingAttendee,
    PartnerOrg,
    Person,
    Program,
    Rsvp,
    Task,
    TaskAssignment,
    UpdateFigure,
)
from core.reports.exports.query import Scope, pages
from core.reports.exports.sql import among, table_of
from core.reports.exports.table import (
    BOOL,
    FLOAT,
    INT,
    MOMENT,
    NUMBER,
    Table,
    columns,
    no_rows,
)
from core.reports.exports.values import raw

Batches = Iterator[Sequence[Sequence[Any]]]
person, program, org = table_of(Person), table_of(Program), table_of(PartnerOrg)


def tasks(connection: Connection, scope: Scope) -> Table:
    """Tasks by the moment they were created, each with its assignees and their status."""
    cols = columns(
        ("id", INT),
        "title",
        "program",
        "status",
        ("due_at", MOMENT),
        "created_by",
        "assignees",
        ("created_at", MOMENT),
        ("closed_at", MOMENT),
    )
    if scope.org is not None:
        return Table("tasks", cols, no_rows())
    t, a = table_of(Task), table_of(TaskAssignment)
    creator, assignee = person.alias("creator"), person.alias("assignee")
    statement = (
        select(
            t.c.id,
            t.c.title,
            program.c.code,
            t.c.status,
            raw(connection, t.c.due_at),
            creator.c.handle,
            raw(connection, t.c.created_at),
            raw(connection, t.c.closed_at),
        )
        .select_from(t)
        .outerjoin(program, program.c.id == t.c.program_id)
        .outerjoin(creator, creator.c.id == t.c.created_by_id)
        .where(scope.in_programs(t.c.program_id), *scope.in_range(t.c.created_at))
    )

    def batches() -> Batches:
        for page in pages(connection, statement, t.c.id):
            assigned: dict[int, list[str]] = {}
            for task_id, handle, status in connection.execute(
                select(a.c.task_id, assignee.c.handle, a.c.status)
                .join(assignee, assignee.c.id == a.c.person_id)
                .where(among(a.c.task_id, [r[0] for r in page]))
                .order_by(a.c.task_id, assignee.c.handle)
            ):
                assigned.setdefault(task_id, []).append(f"{handle}:{status}")
            yield [(*r[:6], " ".join(assigned.get(r[0], ())), r[6], r[7]) for r in page]

    return Table("tasks", cols, batches())


def meetings(connection: Connection, scope: Scope) -> Table:
    """Meetings by their start, people and organisations in separate columns.

    For a partner's export, only meetings they are invited to, and only their own answers.
    """
    cols = columns(
        ("id", INT),
        "title",
        "program",
        ("starts_at", MOMENT),
        ("duration_minutes", INT),
        "place",
        "link",
        "status",
        "organiser",
        "people",
        "organisations",
    )
    m, att = table_of(Meeting), table_of(MeetingAttendee)
    organiser, who, answered_for = person.alias("organiser"), person.alias("who"), org.alias("o")
    statement = (
        select(
            m.c.id,
            m.c.title,
            program.c.code,
            raw(connection, m.c.starts_at),
            m.c.duration_minutes,
            m.c.place,
            m.c.link,
            m.c.status,
            organiser.c.handle,
        )
        .select_from(m)
        .outerjoin(program, program.c.id == m.c.program_id)
        .outerjoin(organiser, organiser.c.id == m.c.organiser_id)
        .where(scope.in_programs(m.c.program_id), *scope.in_range(m.c.starts_at))
    )
    if scope.org is not None:
        of_org = select(person.c.id).where(person.c.partner_org_id == scope.org)
        statement = statement.where(
            m.c.id.in_(
                select(att.c.meeting_id).where(
                    or_(att.c.partner_org_id == scope.org, att.c.person_id.in_(of_org))
                )
            )
        )

    def batches() -> Batches:
        for page in pages(connection, statement, m.c.id):
            people: dict[int, list[str]] = {}
            orgs: dict[int, dict[str, list[str]]] = {}
            for meeting_id, handle, own_org, org_handle, org_id, rsvp in connection.execute(
                select(
                    att.c.meeting_id,
                    who.c.handle,
                    who.c.partner_org_id,
                    answered_for.c.handle,
                    att.c.partner_org_id,
                    att.c.rsvp,
                )
                .select_from(att)
                .outerjoin(who, who.c.id == att.c.person_id)
                .outerjoin(answered_for, answered_for.c.id == att.c.partner_org_id)
                .where(among(att.c.meeting_id, [r[0] for r in page]))
                .order_by(att.c.id)
            ):
                if scope.org is not None and scope.org not in (own_org, org_id):
                    continue
                if handle is not None:
                    answer = f"{handle}:{rsvp}"
                    people.setdefault(meeting_id, []).append(
                        f"{answer} ({org_handle})" if org_handle else answer
                    )
                if org_handle is not None:
                    orgs.setdefault(meeting_id, {}).setdefault(org_handle, []).append(rsvp)
            yield [
                (*r, "; ".join(people.get(r[0], ())), _org_answers(orgs.get(r[0], {})))
                for r in page
            ]

    return Table("meetings", cols, batches())


def _org_answers(answers: dict[str, list[str]]) -> str:
    """Each invited organisation once: yes if any contact comes, else pending, else no."""
    rank = (Rsvp.YES, Rsvp.PENDING, Rsvp.NO)
    return "; ".join(
        f"{name}:{next((r for r in rank if r in rsvps), rsvps[0])}"
        for name, rsvps in answers.items()
    )


def deadlines(connection: Connection, scope: Scope) -> Table:
    """Deadlines by the moment they fall due."""
    cols = columns(
        ("id", INT),
        "title",
        "program",
        "owner",
        ("due_at", MOMENT),
        "status",
        ("created_at", MOMENT),
    )
    if scope.org is not None:
        return Table("deadlines", cols, no_rows())
    d = table_of(Deadline)
    statement = (
        select(
            d.c.id,
            d.c.title,
            program.c.code,
            person.c.handle,
            raw(connection, d.c.due_at),
            d.c.status,
            raw(connection, d.c.created_at),
        )
        .select_from(d)
        .join(program, program.c.id == d.c.program_id)
        .outerjoin(person, person.c.id == d.c.owner_id)
        .where(scope.in_programs(d.c.program_id), *scope.in_range(d.c.due_at))
    )
    return Table("deadlines", cols, pages(connection, statement, d.c.id))


def updates(connection: Connection, scope: Scope) -> Table:
    """Field updates by the moment they were reported: one row per update, so counting rows
    counts updates; its figures sit side by side in quantity/unit, quantity_2/unit_2, ... as
    many pairs as the update with the most has."""
    u, f = table_of(FieldUpdate), table_of(UpdateFigure)
    counts = select(func.count().label("n")).select_from(f).group_by(f.c.update_id).subquery()
    pairs = max(1, connection.execute(select(func.max(counts.c.n))).scalar() or 0)
    figure_columns: list[tuple[str, str]] = []
    for n in range(pairs):
        suffix = f"_{n + 1}" if n else ""
        figure_columns += [(f"quantity{suffix}", NUMBER), (f"unit{suffix}", "text")]
    cols = columns(
        ("id", INT),
        "program",
        "author",
        ("created_at", MOMENT),
        "text",
        ("withdrawn_at", MOMENT),
        "photo",
        ("latitude", FLOAT),
        ("longitude", FLOAT),
        *figure_columns,
    )
    if scope.org is not None:
        return Table("updates", cols, no_rows())
    statement = (
        select(
            u.c.id,
            program.c.code,
            person.c.handle,
            raw(connection, u.c.created_at),
            u.c.text,
            raw(connection, u.c.withdrawn_at),
            u.c.photo_file_id,
            u.c.latitude,
            u.c.longitude,
        )
        .select_from(u)
        .join(program, program.c.id == u.c.program_id)
        .join(person, person.c.id == u.c.author_id)
        .where(scope.in_programs(u.c.program_id), *scope.in_range(u.c.created_at))
    )
    blank = (None,) * (2 * pairs)

    def batches() -> Batches:
        for page in pages(connection, statement, u.c.id):
            figures: dict[int, tuple[Any, ...]] = {}
            for update_id, quantity, unit in connection.execute(
                select(f.c.update_id, raw(connection, f.c.quantity), f.c.unit)
                .where(among(f.c.update_id, [r[0] for r in page]))
                .order_by(f.c.update_id, f.c.id)
            ).all():
                figures[update_id] = (*figures.get(update_id, ()), quantity, unit)
            padded = {k: v + blank[len(v) :] for k, v in figures.items()}
            yield [r + padded.get(r[0], blank) for r in map(tuple, page)]

    return Table("updates", cols, batches())


def commitments(connection: Connection, scope: Scope) -> Table:
    """Commitments by the moment they fall due, with what was received against each."""
    cols = columns(
        ("id", INT),
        "program",
        "partner",
        "what",
        ("quantity", NUMBER),
        "unit",
        ("money", BOOL),
        ("received", NUMBER),
        "status",
        ("due_at", MOMENT),
        ("proposed_due_at", MOMENT),
        "decline_reason",
        "requested_by",
        "answered_by",
        ("answered_at", MOMENT),
        ("created_at", MOMENT),
    )
    c, receipt = table_of(Commitment), table_of(CommitmentReceipt)
    asker, answerer = person.alias("asker"), person.alias("answerer")
    statement = (
        select(
            c.c.id,
            program.c.code,
            org.c.handle,
            c.c.what,
            raw(connection, c.c.quantity),
            c.c.unit,
            c.c.money,
            c.c.status,
            raw(connection, c.c.due_at),
            raw(connection, c.c.proposed_due_at),
            c.c.decline_reason,
            asker.c.handle,
            answerer.c.handle,
            raw(connection, c.c.answered_at),
            raw(connection, c.c.created_at),
        )
        .select_from(c)
        .join(program, program.c.id == c.c.program_id)
        .join(org, org.c.id == c.c.partner_org_id)
        .outerjoin(asker, asker.c.id == c.c.requested_by_id)
        .outerjoin(answerer, answerer.c.id == c.c.answered_by_id)
        .where(scope.in_programs(c.c.program_id), *scope.in_range(c.c.due_at))
    )
    if scope.org is not None:
        statement = statement.where(c.c.partner_org_id == scope.org)

    def batches() -> Batches:
        for page in pages(connection, statement, c.c.id):
            # Summed here: SQLite keeps amounts as text, and its SUM would make them floats.
            received: dict[int, Decimal] = {}
            for commitment_id, quantity in connection.execute(
                select(receipt.c.commitment_id, receipt.c.quantity).where(
                    among(receipt.c.commitment_id, [r[0] for r in page])
                )
            ):
                if quantity is not None:
                    received[commitment_id] = received.get(commitment_id, Decimal(0)) + quantity
            yield [(*r[:7], received.get(r[0], Decimal(0)), *r[7:]) for r in page]

    return Table("commitments", cols, batches())
