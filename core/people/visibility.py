"""Who may see which numbered thing: the one rule behind every command and button with a number.

A thing a person may not see is refused with the very message a number that does not exist
gets, so trying numbers tells nobody what exists.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from core.errors import UserError
from core.models import (
    Commitment,
    Deadline,
    Meeting,
    MeetingAttendee,
    Person,
    Program,
    Reminder,
    Task,
    TaskAssignment,
)
from core.people.directory import program_ids_of
from core.people.permissions import is_manager, works_on


def task(session: Session, reader: Person, number: int) -> Task:
    """Task `number` if the reader created it, is assigned to it, or manages."""
    found = session.get(Task, number)
    if found is not None and (is_manager(reader) or found.created_by_id == reader.id):
        return found
    if found is not None and session.get(TaskAssignment, (number, reader.id)) is not None:
        return found
    raise UserError("task.not_found", number=number)


def meeting(session: Session, reader: Person, number: int) -> Meeting:
    """Meeting `number` if the reader organises it, is invited (or their organisation is)."""
    found = session.get(Meeting, number)
    if found is not None and (is_manager(reader) or found.organiser_id == reader.id):
        return found
    if found is not None:
        invited = [col(MeetingAttendee.person_id) == reader.id]
        if reader.partner_org_id is not None:
            invited.append(col(MeetingAttendee.partner_org_id) == reader.partner_org_id)
        row = session.exec(
            select(MeetingAttendee).where(MeetingAttendee.meeting_id == number, or_(*invited))
        ).first()
        if row is not None:
            return found
    raise UserError("meeting.not_found", number=number)


def deadline(session: Session, reader: Person, number: int) -> Deadline:
    """Deadline `number` if the reader owns it or works on its program (as in their agenda)."""
    found = session.get(Deadline, number)
    if found is not None and (is_manager(reader) or found.owner_id == reader.id):
        return found
    program = session.get(Program, found.program_id) if found is not None else None
    if found is not None and program is not None and works_on(session, reader, program):
        return found
    raise UserError("deadline.not_found", number=number)


def reminder(session: Session, reader: Person, number: int) -> Reminder:
    """Reminder `number` if it is the reader's own (reminders are personal, even to managers)."""
    found = session.get(Reminder, number)
    if found is None or found.person_id != reader.id:
        raise UserError("reminder.not_found", number=number)
    return found


def commitment(session: Session, reader: Person, number: int) -> Commitment:
    """Commitment `number` for its organisation's contacts and the people of its program.

    A partner contact sees only their own organisation's, even on a program they share.
    """
    found = session.get(Commitment, number)
    if found is not None and reader.partner_org_id is not None:
        if found.partner_org_id == reader.partner_org_id:
            return found
    elif found is not None:
        program = session.get(Program, found.program_id)
        if program is not None and (is_manager(reader) or works_on(session, reader, program)):
            return found
    raise UserError("commitment.not_found", number=number)


def commitments_listed(
    session: Session, reader: Person, query: SelectOfScalar[Any]
) -> SelectOfScalar[Any]:
    """`query` over commitments narrowed to those the reader lists: a partner contact only
    their organisation's, everyone else their programs'. Counts follow it too, so a total
    hints at nothing another organisation was asked for."""
    if reader.partner_org_id is not None:
        return query.where(Commitment.partner_org_id == reader.partner_org_id)
    return query.where(col(Commitment.program_id).in_(program_ids_of(reader)))
