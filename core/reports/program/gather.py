"""Read one program's report for one period in a fixed number of queries, whatever its size.

Money and figures are summed in Python as the measures services do (SQLite keeps them as
text). Budget and indicators come from `core.digests.measures.load_measures`, indicator
standings from `core.measures.indicators.standing_of`, so the report says what /indikator
and /anggaran say, only as of the period's end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from core.digests.measures import load_measures
from core.measures.indicators import standing_of
from core.models import (
    OPEN_COMMITMENT,
    Commitment,
    CommitmentReceipt,
    CommitmentStatus,
    Deadline,
    Expense,
    FieldUpdate,
    Meeting,
    MeetingAttendee,
    PartnerOrg,
    Person,
    Program,
    ProgramMember,
    Role,
    Rsvp,
    Status,
    Task,
    TaskAssignment,
    UpdateFigure,
)
from core.reports.periods import Period
from core.reports.program.content import (
    BudgetProgress,
    ClosedTask,
    FigureTotal,
    Header,
    IndicatorProgress,
    MeetingHeld,
    OpenIssue,
    PartnerCommitments,
    ProgramReport,
    UpdateLine,
)


@dataclass(frozen=True)
class Span:
    """The period as moments: from the start day's midnight to the midnight after the end day."""

    start: datetime
    stop: datetime
    cutoff: datetime  # what is overdue is judged here: the period's end, or now if sooner


def span_of(start: date, end: date, *, tz: str, now: datetime) -> Span:
    """The moments of an inclusive date range in time zone `tz`."""
    first, stop = Period(start, end).bounds(tz)
    return Span(first, stop, min(stop, now))


def gather(
    session: Session, *, program: Program, start: date, end: date, tz: str, now: datetime
) -> ProgramReport:
    """The report of `program` from `start` to `end` (inclusive days in `tz`), as read at `now`."""
    span = span_of(start, end, tz=tz, now=now)
    assert program.id is not None
    report = ProgramReport(_header(session, program, start, end), made_at=now, timezone=tz)
    closed = _closed_tasks(session, program.id, span)
    late = _late_tasks(session, program.id, span)
    assignees = _assignees(session, [t.id for t in closed + late if t.id is not None])
    report.tasks_closed = [
        ClosedTask(t.id or 0, t.title, t.closed_at or span.stop, assignees.get(t.id or 0, ""))
        for t in closed
    ]
    report.meetings = _meetings(session, program.id, span)
    _measures(session, report, program.id, span)
    overdue_commitments = _commitments(session, report, program.id, span)
    _updates(session, report, program.id, span)
    report.open_issues = sorted(
        [
            OpenIssue(
                "task", t.id or 0, t.title, t.due_at or span.cutoff, assignees.get(t.id or 0, "")
            )
            for t in late
        ]
        + _late_deadlines(session, program.id, span)
        + overdue_commitments,
        key=lambda issue: (issue.due_at, issue.kind, issue.number),
    )
    return report


def _header(session: Session, program: Program, start: date, end: date) -> Header:
    """The program's header; its owner and managers in one query."""
    members = select(ProgramMember.person_id).where(ProgramMember.program_id == program.id)
    people = session.exec(
        select(Person)
        .where(
            or_(
                col(Person.id) == program.owner_id,
                col(Person.id).in_(members) & col(Person.role).in_([Role.MANAGER, Role.ADMIN]),
            )
        )
        .order_by(col(Person.handle))
    ).all()
    owner = next((p for p in people if p.id == program.owner_id), None)
    return Header(
        code=program.code,
        name=program.name,
        level=program.level,
        region=program.region,
        start=start,
        end=end,
        owner=f"{owner.name} (@{owner.handle})" if owner else "",
        managers=tuple(f"{p.name} (@{p.handle})" for p in people if p.id != program.owner_id),
        currency=program.currency,
    )


def _closed_tasks(session: Session, program_id: int, span: Span) -> list[Task]:
    return list(
        session.exec(
            select(Task)
            .where(
                Task.program_id == program_id,
                Task.status == Status.DONE,
                col(Task.closed_at) >= span.start,
                col(Task.closed_at) < span.stop,
            )
            .order_by(col(Task.closed_at), col(Task.id))
        )
    )


def _late_tasks(session: Session, program_id: int, span: Span) -> list[Task]:
    return list(
        session.exec(
            select(Task).where(
                Task.program_id == program_id,
                Task.status == Status.OPEN,
                col(Task.due_at) < span.cutoff,
            )
        )
    )


def _assignees(session: Session, task_ids: list[int]) -> dict[int, str]:
    """Each task's assignees as "@budi, @siti", in one query for all of them."""
    found: dict[int, list[str]] = defaultdict(list)
    if task_ids:
        rows = session.exec(
            select(TaskAssignment.task_id, Person.handle)
            .join(Person, col(Person.id) == TaskAssignment.person_id)
            .where(col(TaskAssignment.task_id).in_(task_ids))
            .order_by(col(Person.handle))
        )
        for task_id, handle in rows:
            found[task_id].append(f"@{handle}")
    return {task_id: ", ".join(handles) for task_id, handles in found.items()}


def _meetings(session: Session, program_id: int, span: Span) -> list[MeetingHeld]:
    """Meetings that started in the period (and before now), with their answers counted."""
    held = (
        (col(Meeting.program_id) == program_id)
        & (col(Meeting.status) != Status.CANCELLED)
        & (col(Meeting.starts_at) >= span.start)
        & (col(Meeting.starts_at) < span.cutoff)
    )
    meetings = session.exec(
        select(Meeting).where(held).order_by(col(Meeting.starts_at), col(Meeting.id))
    ).all()
    answers: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = session.exec(
        select(MeetingAttendee.meeting_id, MeetingAttendee.rsvp)
        .join(Meeting, col(Meeting.id) == MeetingAttendee.meeting_id)
        .where(held, col(MeetingAttendee.person_id).is_not(None))
    )
    for meeting_id, rsvp in rows:
        answers[meeting_id][rsvp] += 1
    found = []
    for m in meetings:
        counted = answers[m.id or 0]
        found.append(
            MeetingHeld(
                number=m.id or 0,
                title=m.title,
                starts_at=m.starts_at,
                place=m.place or m.link,
                invited=sum(counted.values()),
                came=counted[Rsvp.YES],
                declined=counted[Rsvp.NO],
                unanswered=counted[Rsvp.PENDING],
            )
        )
    return found


def _measures(session: Session, report: ProgramReport, program_id: int, span: Span) -> None:
    """Indicators at the period's end with its gain, and each budget line's spending."""
    measures = load_measures(session, [program_id])
    for indicator in measures.indicators.get(program_id, []):
        values = [
            v for v in measures.values.get(indicator.id or 0, []) if v.recorded_at < span.stop
        ]
        now = standing_of(indicator, values)
        before = standing_of(indicator, [v for v in values if v.recorded_at < span.start])
        report.indicators.append(
            IndicatorProgress(
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                baseline=indicator.baseline,
                target=indicator.target,
                value=now.value,
                gain=now.value - before.value,
                percent=now.percent,
                regions=tuple(now.regions),
            )
        )
    in_period: dict[int, Decimal] = defaultdict(Decimal)
    to_date: dict[int, Decimal] = defaultdict(Decimal)
    expenses = session.exec(
        select(col(Expense.line_id), col(Expense.amount), col(Expense.recorded_at)).where(
            Expense.program_id == program_id,
            col(Expense.reversed_at).is_(None),
            col(Expense.recorded_at) < span.stop,
        )
    )
    for line_id, amount, recorded_at in expenses:
        to_date[line_id] += amount
        if recorded_at >= span.start:
            in_period[line_id] += amount
    report.budget = [
        BudgetProgress(line.name, line.planned, in_period[line.id or 0], to_date[line.id or 0])
        for line in measures.lines.get(program_id, [])
    ]


def _commitments(
    session: Session, report: ProgramReport, program_id: int, span: Span
) -> list[OpenIssue]:
    """Commitments by partner (asked in the period, fulfilled in it, overdue, open); the
    overdue ones, which are also open issues."""
    commitments = session.exec(
        select(Commitment, PartnerOrg)
        .join(PartnerOrg, col(PartnerOrg.id) == Commitment.partner_org_id)
        .where(Commitment.program_id == program_id, col(Commitment.created_at) < span.stop)
        .order_by(col(PartnerOrg.handle), col(Commitment.id))
    ).all()
    last_receipt = dict(
        session.exec(
            select(CommitmentReceipt.commitment_id, func.max(CommitmentReceipt.recorded_at))
            .join(Commitment, col(Commitment.id) == CommitmentReceipt.commitment_id)
            .where(Commitment.program_id == program_id)
            .group_by(col(CommitmentReceipt.commitment_id))
        ).all()
    )
    counts: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    overdue: list[OpenIssue] = []
    for commitment, org in commitments:
        names[org.handle] = org.name
        row = counts.setdefault(org.handle, defaultdict(int))
        if commitment.created_at >= span.start:
            row["requested"] += 1
        received = last_receipt.get(commitment.id or 0)
        if (
            commitment.status == CommitmentStatus.FULFILLED
            and received is not None
            and span.start <= _aware(received) < span.stop
        ):
            row["fulfilled"] += 1
        if commitment.status in OPEN_COMMITMENT:
            row["open"] += 1
            if commitment.due_at < span.cutoff:
                row["overdue"] += 1
                overdue.append(
                    OpenIssue(
                        "commitment",
                        commitment.id or 0,
                        commitment.what,
                        commitment.due_at,
                        f"@{org.handle}",
                    )
                )
    report.commitments = [
        PartnerCommitments(
            handle, names[handle], row["requested"], row["fulfilled"], row["overdue"], row["open"]
        )
        for handle, row in counts.items()
        if any(row.values())
    ]
    return overdue


def _aware(moment: datetime) -> datetime:
    # An aggregate bypasses the column type, so SQLite's MAX comes back without its zone (UTC).
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo("UTC"))


def _late_deadlines(session: Session, program_id: int, span: Span) -> list[OpenIssue]:
    rows = session.exec(
        select(Deadline, Person.handle)
        .join(Person, col(Person.id) == Deadline.owner_id)
        .where(
            Deadline.program_id == program_id,
            Deadline.status == Status.OPEN,
            col(Deadline.due_at) < span.cutoff,
        )
    )
    return [OpenIssue("deadline", d.id or 0, d.title, d.due_at, f"@{handle}") for d, handle in rows]


def _updates(session: Session, report: ProgramReport, program_id: int, span: Span) -> None:
    """The period's field updates (oldest first) with their figures, and the figures summed."""
    within = (
        (col(FieldUpdate.program_id) == program_id)
        & col(FieldUpdate.withdrawn_at).is_(None)
        & (col(FieldUpdate.created_at) >= span.start)
        & (col(FieldUpdate.created_at) < span.stop)
    )
    figures: dict[int, list[tuple[Decimal, str]]] = defaultdict(list)
    for update_id, quantity, unit in session.exec(
        select(col(UpdateFigure.update_id), col(UpdateFigure.quantity), col(UpdateFigure.unit))
        .join(FieldUpdate, col(FieldUpdate.id) == UpdateFigure.update_id)
        .where(within)
        .order_by(col(UpdateFigure.id))
    ):
        figures[update_id].append((quantity, unit))
    # "KK" and "kk" are one unit, shown as first written.
    spelling: dict[str, str] = {}
    totals: dict[str, Decimal] = defaultdict(Decimal)
    counted: dict[str, set[int]] = defaultdict(set)
    authors: set[str] = set()
    # Columns, not whole rows: a national program's month is tens of thousands of updates.
    for found_id, at, text, handle in session.exec(
        select(
            col(FieldUpdate.id),
            col(FieldUpdate.created_at),
            col(FieldUpdate.text),
            col(Person.handle),
        )
        .join(Person, col(Person.id) == FieldUpdate.author_id)
        .where(within)
        .order_by(col(FieldUpdate.created_at), col(FieldUpdate.id))
    ):
        number = found_id or 0
        found = figures.get(number, [])
        for quantity, unit in found:
            key = spelling.setdefault(unit.casefold(), unit)
            totals[key] += quantity
            counted[key].add(number)
        authors.add(handle)
        report.updates.append(UpdateLine(number, at, f"@{handle}", text, tuple(found)))
    report.reporters = len(authors)
    report.figures = [
        FigureTotal(unit, totals[unit], len(counted[unit]))
        for unit in sorted(totals, key=lambda u: (u.casefold(), u))
    ]
