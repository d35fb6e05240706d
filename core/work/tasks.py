"""Tasks: created for one or more people, done per assignee, closed when all are done."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, exists
from sqlmodel import Session, col, func, select

from core import audit
from core.db import page_of
from core.delivery import followups
from core.errors import UserError
from core.models import Person, Program, Role, Status, Task, TaskAssignment
from core.people import visibility
from core.people.directory import ProgramIds, join_program
from core.people.permissions import is_manager, require_program_access

MAX_TITLE = 200


def clean_title(title: str, *, kind: str) -> str:
    """A stripped title, refusing empty and over-long ones."""
    title = title.strip(" \t\n-:;,.")
    if not title:
        raise UserError(f"{kind}.no_title")
    if len(title) > MAX_TITLE:
        raise UserError("common.title_too_long", limit=MAX_TITLE, length=len(title))
    return title


@dataclass(frozen=True)
class TaskView:
    """A task with who it is for and how far each of them is."""

    task: Task
    assignments: list[TaskAssignment]
    # People whose part someone else (the creator or a manager) just closed for them.
    closed_for: list[int] = field(default_factory=list)

    def open_for(self, person: Person) -> bool:
        return any(a.person_id == person.id and a.status == Status.OPEN for a in self.assignments)

    def assignee_ids(self) -> list[int]:
        return [a.person_id for a in self.assignments]


def create(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    title: str,
    assignees: list[Person],
    program: Program | None,
    due_at: datetime | None,
) -> TaskView:
    """Create a task; field workers may only create tasks for themselves."""
    title = clean_title(title, kind="task")
    if actor.role == Role.PARTNER:
        raise UserError("permission.partner_no_tasks")
    assignees = assignees or [actor]
    if not is_manager(actor) and any(p.id != actor.id for p in assignees):
        raise UserError("permission.field_own_tasks")
    require_program_access(session, actor, program)
    if due_at is not None and due_at <= now:
        raise UserError("moment.in_past", at=due_at)
    assert actor.id is not None
    task = Task(
        title=title,
        program_id=program.id if program else None,
        created_by_id=actor.id,
        due_at=due_at,
        created_at=now,
    )
    audit.record(session, at=now, actor=actor, action="task.create", entity=task)
    assert task.id is not None
    assignments = []
    for person in assignees:
        assert person.id is not None
        assignment = TaskAssignment(task_id=task.id, person_id=person.id)
        session.add(assignment)
        assignments.append(assignment)
    if program is not None and is_manager(actor):
        # Assigning someone to a program's task puts them on it; only managers change membership.
        for person in assignees:
            join_program(session, program, person)
    session.flush()
    followups.sync_task(session, now=now, task=task)
    return TaskView(task, assignments)


def view(session: Session, task_id: int, reader: Person) -> TaskView:
    """A task the reader may see; others' tasks are refused as not found."""
    task = visibility.task(session, reader, task_id)
    assignments = list(
        session.exec(select(TaskAssignment).where(TaskAssignment.task_id == task_id))
    )
    return TaskView(task, assignments)


def complete(session: Session, *, now: datetime, actor: Person, task_id: int) -> TaskView:
    """Mark the actor's part done; the creator or a manager closes the whole task."""
    found = view(session, task_id, actor)
    task = found.task
    if task.status == Status.CANCELLED:
        raise UserError("task.already_cancelled", number=task_id)
    if task.status == Status.DONE:
        raise UserError("task.already_done", number=task_id)
    before = audit.snapshot(task)
    mine = [a for a in found.assignments if a.person_id == actor.id]
    if mine and mine[0].status == Status.DONE:
        raise UserError("task.already_done_by_you", number=task_id)
    closing = mine or [
        a for a in found.assignments if a.status == Status.OPEN
    ]  # creator or manager closes everyone's part
    if not mine and not (is_manager(actor) or task.created_by_id == actor.id):
        raise UserError("task.not_yours", number=task_id)
    for assignment in closing:
        assignment.status = Status.DONE
        assignment.done_at = now
        session.add(assignment)
    if all(a.status == Status.DONE for a in found.assignments):
        task.status = Status.DONE
        task.closed_at = now
    audit.record(session, at=now, actor=actor, action="task.done", entity=task, before=before)
    followups.sync_task(session, now=now, task=task)
    closed_for = [a.person_id for a in closing if a.person_id != actor.id]
    return TaskView(task, found.assignments, closed_for)


def cancel(session: Session, *, now: datetime, actor: Person, task_id: int) -> TaskView:
    """Cancel a task; only its creator or a manager may."""
    found = view(session, task_id, actor)
    task = found.task
    if not (is_manager(actor) or task.created_by_id == actor.id):
        raise UserError("task.not_yours_to_cancel", number=task_id)
    if task.status != Status.OPEN:
        raise UserError(
            "task.already_cancelled" if task.status == Status.CANCELLED else "task.already_done",
            number=task_id,
        )
    before = audit.snapshot(task)
    task.status = Status.CANCELLED
    task.closed_at = now
    audit.record(session, at=now, actor=actor, action="task.cancel", entity=task, before=before)
    followups.sync_task(session, now=now, task=task)
    return found


def reschedule(
    session: Session, *, now: datetime, actor: Person, task_id: int, due_at: datetime
) -> TaskView:
    """Move an open task's due moment; its creator or a manager may, and reminders follow."""
    found = view(session, task_id, actor)
    task = found.task
    if not (is_manager(actor) or task.created_by_id == actor.id):
        raise UserError("task.not_yours_to_move", number=task_id)
    if task.status != Status.OPEN:
        raise UserError(
            "task.already_done" if task.status == Status.DONE else "task.already_cancelled",
            number=task_id,
        )
    if due_at <= now:
        raise UserError("moment.in_past", at=due_at)
    before = audit.snapshot(task)
    task.due_at = due_at
    audit.record(session, at=now, actor=actor, action="task.move", entity=task, before=before)
    followups.sync_task(session, now=now, task=task)
    return found


def open_tasks(
    session: Session, person: Person, *, limit: int, offset: int = 0
) -> tuple[list[Task], int]:
    """A page of the person's open tasks (overdue and soonest due first, undated last), and
    how many they have in all."""
    query = (
        select(Task)
        .join(TaskAssignment, col(TaskAssignment.task_id) == Task.id)
        .where(
            TaskAssignment.person_id == person.id,
            TaskAssignment.status == Status.OPEN,
            Task.status == Status.OPEN,
        )
        .order_by(col(Task.due_at).is_(None), col(Task.due_at), col(Task.id))
    )
    return page_of(session, query, limit=limit, offset=offset)


def open_in_program(
    session: Session, *, program: Program, reader: Person, limit: int
) -> tuple[list[Task], int]:
    """Up to `limit` of a program's open tasks the reader may see (overdue first), and how many."""
    query = select(Task).where(Task.program_id == program.id, Task.status == Status.OPEN)
    if not is_manager(reader):
        # The same rule as visibility.task: a non-manager sees what they made or are assigned.
        assigned = select(TaskAssignment.task_id).where(TaskAssignment.person_id == reader.id)
        query = query.where((col(Task.created_by_id) == reader.id) | col(Task.id).in_(assigned))
    rows = list(
        session.exec(
            query.order_by(col(Task.due_at).is_(None), col(Task.due_at), col(Task.id)).limit(
                limit + 1
            )
        )
    )
    if len(rows) <= limit:
        return rows, len(rows)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    return rows[:limit], total


def overdue(
    session: Session,
    *,
    now: datetime,
    person: Person | None,
    program_ids: ProgramIds | None,
    limit: int,
) -> tuple[list[tuple[Task, list[int]]], int]:
    """The longest-late open tasks (up to `limit`) with their late assignees, for one person or
    for some programs, and how many tasks are late in all."""
    late_assignment: ColumnElement[bool]
    if person is not None:  # from the person's few assignments (ix_taskassignment_person_id)
        late_assignment = col(Task.id).in_(
            select(TaskAssignment.task_id).where(
                TaskAssignment.person_id == person.id, TaskAssignment.status == Status.OPEN
            )
        )
    else:
        # EXISTS per task, not IN (every open assignment): the database starts from the
        # programs' open tasks (ix_task_program_status_due), 40 ms -> 0.02 ms at national scale.
        late_assignment = exists().where(
            col(TaskAssignment.task_id) == Task.id, col(TaskAssignment.status) == Status.OPEN
        )
    query = (
        select(Task)
        .where(Task.status == Status.OPEN, col(Task.due_at) < now, late_assignment)
        .order_by(col(Task.due_at), col(Task.id))
    )
    if program_ids is not None:
        # The programs as a list of ids, not a subquery: PostgreSQL cannot estimate "owned
        # or a member of" and scanned every open task (27 ms); with the ids it reads the
        # programs' late tasks from ix_task_program_status_due (0.4-1.8 ms at national scale).
        ids = (
            program_ids if isinstance(program_ids, Collection) else list(session.exec(program_ids))
        )
        query = query.where(col(Task.program_id).in_(ids))
    shown, total = page_of(session, query, limit=limit)
    if person is not None:
        return [(task, [person.id or 0]) for task in shown], total
    late: dict[int, list[int]] = {task.id or 0: [] for task in shown}
    assignments = session.exec(
        select(TaskAssignment)
        .where(col(TaskAssignment.task_id).in_(late), TaskAssignment.status == Status.OPEN)
        .order_by(col(TaskAssignment.task_id), col(TaskAssignment.person_id))
    )
    for assignment in assignments:
        late[assignment.task_id].append(assignment.person_id)
    return [(task, late[task.id or 0]) for task in shown], total
