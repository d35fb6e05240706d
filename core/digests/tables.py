"""The rows a batch of digests reads, each kind fetched once for the whole batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from core.digests.content import Week
from core.digests.measures import Measures, load_measures
from core.digests.missed import missed_in_programs, unreachable
from core.digests.rhythm import WEEKLY
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
    ProgramMember,
    Reminder,
    ReminderStatus,
    Role,
    Rsvp,
    Status,
    Task,
    TaskAssignment,
    UpdateFigure,
)
from core.work.commitments import OPEN, Progress

if TYPE_CHECKING:
    from core.digests.gather import Ask

WEEK = timedelta(days=7)
# Late things named per program, the longest late first; the rest are counted
# and /terlambat lists them all. A digest is read on a phone.
MAX_OVERDUE = 5
LATEST_UPDATES = 3


@dataclass
class Batch:
    """Rows for every person and program of a batch, grouped by who or what they belong to."""

    people: dict[int, Person] = field(default_factory=dict)
    programs: dict[int, Program] = field(default_factory=dict)
    programs_of: dict[int, list[int]] = field(default_factory=dict)
    late_tasks: dict[int, list[Task]] = field(default_factory=dict)  # the first MAX_OVERDUE
    late_task_count: dict[int, int] = field(default_factory=dict)  # all of them
    assignees: dict[int, list[int]] = field(default_factory=dict)
    my_tasks: dict[int, list[Task]] = field(default_factory=dict)
    deadlines: dict[int, list[Deadline]] = field(default_factory=dict)
    meetings: dict[int, list[Meeting]] = field(default_factory=dict)
    my_meetings: dict[int, list[tuple[Meeting, str]]] = field(default_factory=dict)
    commitments: list[Commitment] = field(default_factory=list)
    # The same commitments (and receipts) by program and by organisation, read per section.
    commitments_in: dict[int, list[Commitment]] = field(default_factory=dict)
    commitments_of: dict[int, list[Commitment]] = field(default_factory=dict)
    receipts_in: dict[int, list[tuple[CommitmentReceipt, Commitment]]] = field(default_factory=dict)
    progress: dict[int, Progress] = field(default_factory=dict)
    receipts: list[tuple[CommitmentReceipt, Commitment]] = field(default_factory=list)
    updates: dict[int, list[FieldUpdate]] = field(default_factory=dict)
    figures: dict[int, list[UpdateFigure]] = field(default_factory=dict)
    unreachable: dict[int, list[int]] = field(default_factory=dict)
    weeks: dict[int, Week] = field(default_factory=dict)
    missed: dict[int, list[Reminder]] = field(default_factory=dict)
    missed_in: dict[int, list[Reminder]] = field(default_factory=dict)
    today: dict[int, list[Reminder]] = field(default_factory=dict)
    orgs: dict[int, PartnerOrg] = field(default_factory=dict)
    # Per program: when its last reporting window closed, and who sent nothing in it.
    missing: dict[int, tuple[datetime, list[Person]]] = field(default_factory=dict)
    members: set[tuple[int, int]] = field(default_factory=set)  # (program, reader)
    measures: Measures = field(default_factory=Measures)


def load_batch(session: Session, asks: Sequence[Ask], *, now: datetime) -> Batch:
    """Every row the asked digests need, in the same number of queries whatever their number."""
    batch = Batch()
    readers = [a.person for a in asks]
    reader_ids = [p.id or 0 for p in readers]
    org_ids = sorted({p.partner_org_id for p in readers if p.partner_org_id is not None})
    since = min((a.since for a in asks if a.since is not None), default=now - WEEK)
    # Only managers' (and admins') digests have program sections; a field worker's or partner's
    # programs would cost the whole programs' rows for nothing they read.
    sections = [a for a in asks if a.person.role not in (Role.FIELD, Role.PARTNER)]
    named = [(a.person.id or 0, a.program_id) for a in sections if a.program_id is not None]
    _programs(session, batch, [a.person for a in sections], named)
    program_ids = list(batch.programs)
    if program_ids:
        _sections(session, batch, since, now, any(a.kind == WEEKLY for a in asks))
    _own_tasks(session, batch, readers, now)
    _invitations(session, batch, readers, now)
    _commitments(session, batch, program_ids, org_ids, since)
    _reminders(session, batch, reader_ids, since, now)
    wanted = {a for ids in batch.assignees.values() for a in ids}
    wanted |= {d.owner_id for ds in batch.deadlines.values() for d in ds}
    # A digest names the authors of the latest few updates only (newest first per program).
    wanted |= {u.author_id for us in batch.updates.values() for u in us[:LATEST_UPDATES]}
    wanted |= {p for ps in batch.unreachable.values() for p in ps}
    wanted |= {r.person_id for rs in batch.missed_in.values() for r in rs}
    batch.people = _by_id(session, Person, wanted)
    org_ids_wanted = {c.partner_org_id for c in batch.commitments} | set(org_ids)
    org_ids_wanted |= {c.partner_org_id for _, c in batch.receipts}
    batch.orgs = _by_id(session, PartnerOrg, org_ids_wanted)
    return batch


def _sections(session: Session, batch: Batch, since: datetime, now: datetime, weekly: bool) -> None:
    """What the managers' program sections read; a batch without any (a morning of field
    workers or partners) skips them all, as SQLite scans a whole table for an empty IN."""
    program_ids = list(batch.programs)
    batch.measures = load_measures(session, program_ids)
    _late(session, batch, program_ids, now)
    _upcoming(session, batch, program_ids, now)
    _updates(session, batch, program_ids, since)
    if weekly:  # the week against the one before is in weekly digests only
        _weeks(session, batch, program_ids, now)
    batch.missed_in = missed_in_programs(session, program_ids, since)
    batch.unreachable = unreachable(session, program_ids)


def _by_id(session: Session, table: Any, ids: Iterable[int]) -> dict[int, Any]:
    return {row.id: row for row in session.exec(select(table).where(col(table.id).in_(list(ids))))}


def _programs(
    session: Session, batch: Batch, readers: list[Person], named: list[tuple[int, int]]
) -> None:
    """The programs each manager owns or is a member of (or named), in code order."""
    ids = [p.id or 0 for p in readers]
    joined = list(session.exec(select(ProgramMember).where(col(ProgramMember.person_id).in_(ids))))
    found = session.exec(
        select(Program)
        .where(
            or_(
                col(Program.id).in_([m.program_id for m in joined]),
                col(Program.owner_id).in_(ids),
                col(Program.id).in_([program_id for _, program_id in named]),
            )
        )
        .order_by(col(Program.code))
    )
    batch.programs = {p.id or 0: p for p in found}
    mine: dict[int, set[int]] = defaultdict(set)
    for m in joined:
        mine[m.person_id].add(m.program_id)
    for program in batch.programs.values():
        if program.owner_id is not None:
            mine[program.owner_id].add(program.id or 0)
    for person_id, program_id in named:
        mine[person_id].add(program_id)
    order = {program_id: n for n, program_id in enumerate(batch.programs)}
    batch.programs_of = {p: sorted(mine[p], key=order.__getitem__) for p in ids if p in mine}
    # Whether a reader works on a program (who may read its budget) asks only the readers' own.
    batch.members = {(m.program_id, m.person_id) for m in joined}


def _late(session: Session, batch: Batch, program_ids: list[int], now: datetime) -> None:
    """The programs' overdue tasks (the first few) and who owes them, deadlines within a week."""
    # A digest names the longest-late few per program and counts the rest: the database ranks
    # and counts them, so a program with thousands of late tasks sends only the few named.
    ranked = (
        select(
            col(Task.id).label("task_id"),
            func.row_number()
            .over(partition_by=col(Task.program_id), order_by=(col(Task.due_at), col(Task.id)))
            .label("rank"),
            func.count().over(partition_by=col(Task.program_id)).label("late"),
        )
        .where(
            col(Task.program_id).in_(program_ids),
            Task.status == Status.OPEN,
            col(Task.due_at) < now,
        )
        .subquery()
    )
    late = session.exec(
        select(Task, ranked.c.late)
        .join(ranked, ranked.c.task_id == Task.id)
        .where(ranked.c.rank <= MAX_OVERDUE)
        .order_by(col(Task.due_at), col(Task.id))
    )
    for task, count in late:
        batch.late_tasks.setdefault(task.program_id or 0, []).append(task)
        batch.late_task_count[task.program_id or 0] = count
    late_ids = [t.id for ts in batch.late_tasks.values() for t in ts]
    owing = session.exec(
        select(TaskAssignment).where(
            col(TaskAssignment.task_id).in_(late_ids), TaskAssignment.status == Status.OPEN
        )
    )
    for assignment in owing:
        batch.assignees.setdefault(assignment.task_id, []).append(assignment.person_id)
    deadlines = session.exec(
        select(Deadline)
        .where(
            col(Deadline.program_id).in_(program_ids),
            Deadline.status == Status.OPEN,
            col(Deadline.due_at) < now + WEEK,
        )
        .order_by(col(Deadline.due_at), col(Deadline.id))
    )
    for deadline in deadlines:
        batch.deadlines.setdefault(deadline.program_id, []).append(deadline)


def _own_tasks(session: Session, batch: Batch, readers: list[Person], now: datetime) -> None:
    """Field workers' own open tasks due within a week."""
    field_ids = [p.id for p in readers if p.role == Role.FIELD]
    # The task's own status is checked here, not in SQL: asked there, SQLite reads every open
    # task of the workspace instead of the few the readers' assignments point to.
    own = session.exec(
        select(Task, TaskAssignment.person_id)
        .join(TaskAssignment, col(TaskAssignment.task_id) == Task.id)
        .where(
            col(TaskAssignment.person_id).in_(field_ids),
            TaskAssignment.status == Status.OPEN,
            col(Task.due_at) < now + WEEK,
        )
        .order_by(col(Task.due_at), col(Task.id))
    )
    for task, person_id in own:
        if task.status == Status.OPEN:
            batch.my_tasks.setdefault(person_id, []).append(task)


def _upcoming(session: Session, batch: Batch, program_ids: list[int], now: datetime) -> None:
    """The programs' meetings in the next week."""
    upcoming = session.exec(
        select(Meeting)
        .where(
            col(Meeting.program_id).in_(program_ids),
            Meeting.status == Status.OPEN,
            col(Meeting.starts_at) >= now,
            col(Meeting.starts_at) < now + WEEK,
        )
        .order_by(col(Meeting.starts_at), col(Meeting.id))
    )
    for meeting in upcoming:
        batch.meetings.setdefault(meeting.program_id or 0, []).append(meeting)


def _invitations(session: Session, batch: Batch, readers: list[Person], now: datetime) -> None:
    """The meetings each reader (or their organisation) is invited to, from yesterday on."""
    reader_ids = [p.id or 0 for p in readers]
    org_readers: dict[int, list[int]] = defaultdict(list)
    for person in readers:
        if person.partner_org_id is not None:
            org_readers[person.partner_org_id].append(person.id or 0)
    invited = session.exec(
        select(Meeting, MeetingAttendee)
        .join(MeetingAttendee, col(MeetingAttendee.meeting_id) == Meeting.id)
        .where(
            or_(
                col(MeetingAttendee.person_id).in_(reader_ids),
                col(MeetingAttendee.partner_org_id).in_(list(org_readers)),
            ),
            Meeting.status == Status.OPEN,
            MeetingAttendee.rsvp != Rsvp.NO,
            col(Meeting.starts_at) >= now - timedelta(days=1),
            col(Meeting.starts_at) < now + WEEK,
        )
        .order_by(col(Meeting.starts_at), col(Meeting.id))
    )
    for meeting, attendee in invited:
        who = [attendee.person_id] if attendee.person_id is not None else []
        who += org_readers.get(attendee.partner_org_id or -1, [])
        for person_id in who:
            seen = batch.my_meetings.setdefault(person_id, [])
            if all(m.id != meeting.id for m, _ in seen):
                seen.append((meeting, attendee.rsvp))


def _commitments(
    session: Session, batch: Batch, program_ids: list[int], org_ids: list[int], since: datetime
) -> None:
    """Open commitments of the programs and organisations, and what arrived since `since`."""
    batch.commitments = list(
        session.exec(
            select(Commitment)
            .where(
                col(Commitment.status).in_(OPEN),
                or_(
                    col(Commitment.program_id).in_(program_ids),
                    col(Commitment.partner_org_id).in_(org_ids),
                ),
            )
            .order_by(col(Commitment.due_at), col(Commitment.id))
        )
    )
    delivered = (
        select(CommitmentReceipt, Commitment)
        .join(Commitment, col(Commitment.id) == CommitmentReceipt.commitment_id)
        .where(
            col(Commitment.program_id).in_(program_ids),
            col(CommitmentReceipt.recorded_at) >= since,
        )
        .order_by(col(CommitmentReceipt.recorded_at), col(CommitmentReceipt.id))
    )
    # What was delivered since the last digest is read by program sections only.
    batch.receipts = list(session.exec(delivered)) if program_ids else []
    for commitment in batch.commitments:
        batch.commitments_in.setdefault(commitment.program_id, []).append(commitment)
        batch.commitments_of.setdefault(commitment.partner_org_id, []).append(commitment)
    for receipt, commitment in batch.receipts:
        batch.receipts_in.setdefault(commitment.program_id, []).append((receipt, commitment))
    known = {c.id or 0: c for c in batch.commitments} | {c.id or 0: c for _, c in batch.receipts}
    received: dict[int, list[Decimal]] = defaultdict(list)
    for receipt in session.exec(
        select(CommitmentReceipt).where(col(CommitmentReceipt.commitment_id).in_(list(known)))
    ):
        received[receipt.commitment_id].append(receipt.quantity or Decimal(0))
    batch.progress = {
        i: Progress(c, sum(received[i], Decimal(0)), len(received[i])) for i, c in known.items()
    }


def _updates(session: Session, batch: Batch, program_ids: list[int], since: datetime) -> None:
    """The programs' field updates since `since`, newest first, and their figures."""
    recent = and_(
        col(FieldUpdate.program_id).in_(program_ids), col(FieldUpdate.created_at) >= since
    )
    for update in session.exec(
        select(FieldUpdate)
        .where(recent)
        .order_by(col(FieldUpdate.created_at).desc(), col(FieldUpdate.id).desc())
    ):
        batch.updates.setdefault(update.program_id, []).append(update)
    figures = session.exec(
        select(UpdateFigure)
        .join(FieldUpdate, col(FieldUpdate.id) == UpdateFigure.update_id)
        .where(recent)
    )
    for figure in figures:
        batch.figures.setdefault(figure.update_id, []).append(figure)


def _weeks(session: Session, batch: Batch, program_ids: list[int], now: datetime) -> None:
    """Per program: updates, tasks done and deliveries this week and the week before."""
    counts: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for name, program, moment, extra in (
        ("updates", FieldUpdate.program_id, FieldUpdate.created_at, None),
        ("tasks_done", Task.program_id, Task.closed_at, Task.status == Status.DONE),
        ("received", Commitment.program_id, CommitmentReceipt.recorded_at, None),
    ):
        this = func.sum(case((col(moment) >= now - WEEK, 1), else_=0))
        before = func.sum(case((col(moment) < now - WEEK, 1), else_=0))
        query = select(program, this, before).where(
            col(program).in_(program_ids), col(moment) >= now - 2 * WEEK, col(moment) < now
        )
        if name == "received":
            query = query.select_from(CommitmentReceipt).join(
                Commitment, col(Commitment.id) == CommitmentReceipt.commitment_id
            )
        if extra is not None:
            query = query.where(extra)
        for program_id, current, previous in session.exec(query.group_by(col(program))):
            counts[program_id or 0][name] = (int(current or 0), int(previous or 0))
    none = (0, 0)
    batch.weeks = {
        p: Week(c.get("updates", none), c.get("tasks_done", none), c.get("received", none))
        for p, c in counts.items()
    }


def _reminders(
    session: Session, batch: Batch, reader_ids: list[int], since: datetime, now: datetime
) -> None:
    """Reminders missed while Gotong was down, and those still to come today (or this week)."""
    found = session.exec(
        select(Reminder)
        .where(
            col(Reminder.person_id).in_(reader_ids),
            or_(
                and_(col(Reminder.status) == ReminderStatus.MISSED, col(Reminder.due_at) >= since),
                and_(
                    col(Reminder.status) == ReminderStatus.PENDING,
                    col(Reminder.due_at) >= now,
                    col(Reminder.due_at) < now + WEEK,
                ),
            ),
        )
        .order_by(col(Reminder.due_at), col(Reminder.id))
    )
    for reminder in found:
        into = batch.missed if reminder.status == ReminderStatus.MISSED else batch.today
        into.setdefault(reminder.person_id, []).append(reminder)
