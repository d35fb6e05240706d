"""What did not reach people, for a batch of programs: reminders missed while Gotong was down,
and members who blocked Gotong everywhere. A manager's digest says both."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from core.models import (
    Deadline,
    Identity,
    Meeting,
    ProgramMember,
    Reminder,
    ReminderStatus,
    Task,
)


def missed_in_programs(
    session: Session, program_ids: list[int], since: datetime
) -> dict[int, list[Reminder]]:
    """Reminders about a program's tasks, meetings and deadlines missed while Gotong was down."""

    def about(kind: str, subject_id: Any) -> ColumnElement[bool]:
        return and_(col(Reminder.subject_type) == kind, col(Reminder.subject_id) == subject_id)

    found = session.exec(
        select(Reminder, Task.program_id, Meeting.program_id, Deadline.program_id)
        .outerjoin(Task, about("task", Task.id))
        .outerjoin(Meeting, about("meeting", Meeting.id))
        .outerjoin(Deadline, about("deadline", Deadline.id))
        .where(
            col(Reminder.status) == ReminderStatus.MISSED,
            col(Reminder.due_at) >= since,
            or_(
                col(Task.program_id).in_(program_ids),
                col(Meeting.program_id).in_(program_ids),
                col(Deadline.program_id).in_(program_ids),
            ),
        )
        .order_by(col(Reminder.due_at), col(Reminder.id))
    )
    missed: dict[int, list[Reminder]] = {}
    for reminder, task_program, meeting_program, deadline_program in found:
        program_id = task_program or meeting_program or deadline_program or 0
        missed.setdefault(program_id, []).append(reminder)
    return missed


def unreachable(session: Session, program_ids: list[int]) -> dict[int, list[int]]:
    """Members who blocked Gotong on every platform they use, by program."""
    # Counted in SQL: a national program's members are tens of thousands of accounts, and only
    # the few blocked everywhere come back.
    found: dict[int, list[int]] = {}
    for program_id, person_id in session.exec(
        select(ProgramMember.program_id, ProgramMember.person_id)
        .join(Identity, col(Identity.person_id) == ProgramMember.person_id)
        .where(col(ProgramMember.program_id).in_(program_ids), Identity.platform != "console")
        .group_by(col(ProgramMember.program_id), col(ProgramMember.person_id))
        .having(func.count(col(Identity.unreachable_at)) == func.count())
        .order_by(col(ProgramMember.program_id), col(ProgramMember.person_id))
    ):
        found.setdefault(program_id, []).append(person_id)
    return found
