"""Building digests for a batch of people in a fixed number of queries.

Each query asks for the rows of every person and program in the batch at once, and the rows
are grouped in Python: the number of statements does not grow with the batch.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.digests.chart import add_charts
from core.digests.content import DigestContent, Owed, ProgramSection, Received, Week
from core.digests.measures import budget_of, indicator_lines, sees_budget, warned
from core.digests.rhythm import WEEKLY, DigestStatus
from core.digests.tables import LATEST_UPDATES, MAX_OVERDUE, Batch, load_batch
from core.models import CommitmentStatus, Deadline, Digest, FieldUpdate, Person, Role, Task
from core.work import reporting
from core.work.commitments import Progress
from core.work.updates import sum_by_unit

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Ask:
    """One person's digest to build: its kind, since when, and optionally one program."""

    person: Person
    kind: str
    since: datetime | None = None
    program_id: int | None = None


def build(
    session: Session, asks: Sequence[Ask], *, now: datetime, charts: bool = False
) -> dict[int, DigestContent]:
    """Each asked person's digest content at `now`, by person id; `charts`: draw the managers'
    charts too (for digests sent or previewed, not for counting what a batch costs)."""
    since = last_digests(session, [a.person.id or 0 for a in asks])
    dated = [_dated(a, since.get(a.person.id or 0), now) for a in asks]
    batch = load_batch(session, dated, now=now)
    closed = reporting.missing(session, list(batch.programs), now) if batch.programs else {}
    batch.missing = {p: (m.window.end, m.people) for p, m in closed.items() if m.people}
    contents = {a.person.id or 0: _content(a, batch, now) for a in dated}
    if charts:
        add_charts(session, list(contents.values()), now)
    return contents


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while one batch of digests is built and composed."""
    # A batch of 500 managers keeps tens of thousands of rows alive, and every collection walks
    # them all again: measured at national scale, a third of the managers' building time.
    # Reference counting frees the rows anyway; the few cycles wait for the next collection.
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def last_digests(session: Session, person_ids: Iterable[int]) -> dict[int, datetime]:
    """When each person's last digest went out (sent or late), by person id."""
    rows = session.exec(
        select(Digest.person_id, func.max(Digest.due_at))
        .where(
            col(Digest.person_id).in_(list(person_ids)),
            col(Digest.status).in_((DigestStatus.SENT, DigestStatus.LATE)),
        )
        .group_by(col(Digest.person_id))
    )
    return {person_id: due for person_id, due in rows}


def _dated(ask: Ask, last: datetime | None, now: datetime) -> Ask:
    """The ask with its `since`: the last digest, at most a week back (a day for a daily)."""
    if ask.since is not None:
        return ask
    window = WEEK if ask.kind == WEEKLY else timedelta(days=1)
    since = max(last, now - window) if last is not None else now - window
    return Ask(ask.person, ask.kind, since, ask.program_id)


def _content(ask: Ask, batch: Batch, now: datetime) -> DigestContent:
    person = ask.person
    assert ask.since is not None
    content = DigestContent(person=person, kind=ask.kind, since=ask.since)
    content.missed = [r for r in batch.missed.get(person.id or 0, []) if r.due_at >= ask.since]
    if person.role == Role.FIELD:
        _field(content, batch, now, ask.program_id)
    elif person.role == Role.PARTNER:
        _partner(content, batch, now, ask.program_id)
    else:
        program_ids = batch.programs_of.get(person.id or 0, [])
        if ask.program_id is not None:
            program_ids = [p for p in program_ids if p == ask.program_id]
        content.programs = [_section(batch, p, ask, now) for p in program_ids]
    return content


def _field(content: DigestContent, batch: Batch, now: datetime, program_id: int | None) -> None:
    """My tasks due today and overdue, my meetings today, today's reminders (or this week's)."""
    person_id = content.person.id or 0
    start = _start_of_day(content.person, now)
    end = start + (WEEK if content.kind == WEEKLY else timedelta(days=1))
    tasks = batch.my_tasks.get(person_id, [])
    content.tasks = [t for t in tasks if t.due_at and t.due_at < end]
    invited = batch.my_meetings.get(person_id, [])
    content.meetings = [m for m, _ in invited if start <= m.starts_at < end]
    if program_id is not None:
        content.tasks = [t for t in content.tasks if t.program_id == program_id]
        content.meetings = [m for m in content.meetings if m.program_id == program_id]
    else:
        # Gotong's own reminders are about the tasks and meetings listed above.
        today = batch.today.get(person_id, [])
        content.reminders = [r for r in today if r.due_at < end and r.subject_type is None]
    content.unanswered_meetings = {m.id or 0 for m, rsvp in invited if rsvp == "pending"}


def _partner(content: DigestContent, batch: Batch, now: datetime, program_id: int | None) -> None:
    """Their organisation's open commitments and their meetings this week."""
    org_id = content.person.partner_org_id
    content.org = batch.orgs.get(org_id or 0)
    content.commitments = [
        batch.progress[c.id or 0]
        for c in batch.commitments_of.get(org_id or 0, [])
        if program_id in (None, c.program_id)
    ]
    invited = batch.my_meetings.get(content.person.id or 0, [])
    content.meetings = [
        m
        for m, _ in invited
        if now <= m.starts_at < now + WEEK and program_id in (None, m.program_id)
    ]


def _owed(batch: Batch, what: Task | Deadline | Progress) -> Owed:
    """A late thing with who owes it: a task's assignees, a deadline's owner, a partner."""
    if isinstance(what, Task):
        return Owed(what, _handles(batch, batch.assignees.get(what.id or 0, [])))
    if isinstance(what, Deadline):
        return Owed(what, _handles(batch, [what.owner_id]))
    return Owed(what, batch.orgs[what.commitment.partner_org_id].name)


def _section(batch: Batch, program_id: int, ask: Ask, now: datetime) -> ProgramSection:
    assert ask.since is not None
    section = ProgramSection(program=batch.programs[program_id])
    mine = batch.commitments_in.get(program_id, [])
    late_tasks = batch.late_tasks.get(program_id, [])
    deadlines = batch.deadlines.get(program_id, [])
    late: list[tuple[datetime, Task | Deadline | Progress]] = [
        *((t.due_at or now, t) for t in late_tasks),
        *((d.due_at, d) for d in deadlines if d.due_at < now),
        *((c.due_at, batch.progress[c.id or 0]) for c in mine if c.due_at < now),
    ]
    late.sort(key=lambda pair: pair[0])
    section.overdue = [_owed(batch, what) for _, what in late[:MAX_OVERDUE]]
    # Only the first late tasks were loaded; the others count towards "and n more".
    unloaded = batch.late_task_count.get(program_id, 0) - len(late_tasks)
    section.overdue_more = max(0, len(late) + unloaded - MAX_OVERDUE)
    updates = [u for u in batch.updates.get(program_id, []) if u.created_at >= ask.since]
    section.update_count = len(updates)
    section.latest = [(u, batch.people.get(u.author_id)) for u in updates[:LATEST_UPDATES]]
    section.totals = _totals(batch, updates)
    closed_at, missing = batch.missing.get(program_id, (None, []))
    if closed_at is not None and closed_at >= ask.since:  # the window closed since the last one
        section.missing = list(missing)
    section.meetings = batch.meetings.get(program_id, [])
    section.deadlines = [d for d in deadlines if d.due_at >= now]
    section.unanswered = [
        (batch.progress[c.id or 0], batch.orgs[c.partner_org_id])
        for c in mine
        if c.status == CommitmentStatus.REQUESTED
    ]
    section.due_soon = [
        (batch.progress[c.id or 0], batch.orgs[c.partner_org_id])
        for c in mine
        if now <= c.due_at < now + WEEK
    ]
    section.received = [
        Received(batch.progress[r.commitment_id], batch.orgs[c.partner_org_id], r.quantity)
        for r, c in batch.receipts_in.get(program_id, [])
        if r.recorded_at >= ask.since
    ]
    section.missed = [
        (r, batch.people.get(r.person_id))
        for r in batch.missed_in.get(program_id, [])
        if r.due_at >= ask.since
    ]
    section.unreachable = [batch.people[p] for p in batch.unreachable.get(program_id, [])]
    if ask.kind == WEEKLY:
        section.week = batch.weeks.get(program_id, Week((0, 0), (0, 0), (0, 0)))
    _measures(section, batch, ask, now)
    return section


def _measures(section: ProgramSection, batch: Batch, ask: Ask, now: datetime) -> None:
    """The program's indicators, and its budget when the reader may see it."""
    program, weekly = section.program, ask.kind == WEEKLY
    section.indicators = indicator_lines(batch.measures, program.id or 0, now=now, weekly=weekly)
    if not sees_budget(ask.person, program, batch.members):
        return
    today = _start_of_day(ask.person, now).date()
    section.budget = budget_of(batch.measures, program, today)
    if section.budget is not None:
        section.warned = warned(section.budget, today)


def _totals(batch: Batch, updates: list[FieldUpdate]) -> list[tuple[str, Decimal]]:
    return sum_by_unit(
        (figure.unit, figure.quantity)
        for update in updates
        for figure in batch.figures.get(update.id or 0, [])
    )


def _handles(batch: Batch, ids: Iterable[int]) -> str:
    return ", ".join(f"@{batch.people[i].handle}" for i in ids if i in batch.people)


def _start_of_day(person: Person, now: datetime) -> datetime:
    local = now.astimezone(ZoneInfo(person.timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)
