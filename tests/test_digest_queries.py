"""Building digests reads the database in the same number of statements for 10 or 1,000 people."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event
from sqlmodel import select

from core.db import unit_of_work
from core.digests.gather import Ask, build
from core.digests.rhythm import DAILY, WEEKLY
from core.models import (
    BudgetLine,
    Commitment,
    Deadline,
    Expense,
    FieldUpdate,
    Indicator,
    IndicatorValue,
    Meeting,
    MeetingAttendee,
    PartnerOrg,
    Person,
    Program,
    ProgramMember,
    Task,
    TaskAssignment,
    UpdateFigure,
)

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def seed(engine: Engine, size: int, *, first: int) -> None:
    """`size` managers, each owning a program with a field worker, work, updates, a partner, a
    budget line with an expense and an indicator with a value."""
    past, soon = NOW - timedelta(days=2), NOW + timedelta(days=2)
    with unit_of_work(engine) as s:
        org = s.exec(select(PartnerOrg)).first() or PartnerOrg(handle="org", name="O", kind="ngo")
        s.add(org)
        managers = [
            Person(handle=f"m{i}", name=f"M {i}", role="manager", created_at=NOW)
            for i in range(first, first + size)
        ]
        workers = [
            Person(handle=f"f{i}", name=f"F {i}", role="field", created_at=NOW)
            for i in range(first, first + size)
        ]
        s.add_all(managers + workers)
        s.flush()
        programs = [Program(code=f"p{m.id}", name=f"P {m.id}", owner_id=m.id) for m in managers]
        s.add_all(programs)
        s.flush()
        for program, manager, worker in zip(programs, managers, workers, strict=True):
            assert program.id and manager.id and worker.id and org.id
            s.add(ProgramMember(program_id=program.id, person_id=worker.id))
            task = Task(
                title="t",
                program_id=program.id,
                created_by_id=manager.id,
                due_at=past,
                created_at=NOW,
            )
            meeting = Meeting(
                title="m",
                program_id=program.id,
                organiser_id=manager.id,
                starts_at=soon,
                created_at=NOW,
            )
            update = FieldUpdate(
                program_id=program.id,
                author_id=worker.id,
                text="5 paket",
                created_at=NOW - timedelta(hours=3),
            )
            s.add_all([task, meeting, update])
            s.flush()
            assert task.id and meeting.id and update.id
            s.add(TaskAssignment(task_id=task.id, person_id=worker.id))
            s.add(MeetingAttendee(meeting_id=meeting.id, person_id=worker.id))
            s.add(UpdateFigure(update_id=update.id, quantity=Decimal(5), unit="paket"))
            measures(s, program, manager, worker, update)
            s.add(
                Deadline(
                    title="d",
                    program_id=program.id,
                    owner_id=manager.id,
                    due_at=soon,
                    created_at=NOW,
                )
            )
            s.add(
                Commitment(
                    program_id=program.id, partner_org_id=org.id, what="kit",
                    quantity=Decimal(10), due_at=soon, requested_by_id=manager.id, created_at=NOW,
                )
            )  # fmt: skip


def measures(s: Any, program: Program, manager: Person, worker: Person, update: Any) -> None:
    """The program's budget line and expense, its indicator and one value of it."""
    assert program.id and manager.id and worker.id and update.id
    line = BudgetLine(
        program_id=program.id, name="transport", key="transport", planned=Decimal(100),
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    indicator = Indicator(
        program_id=program.id, code="paket", name="Paket", unit="paket", target=Decimal(50),
        created_by_id=manager.id, created_at=NOW,
    )  # fmt: skip
    s.add_all([line, indicator])
    s.flush()
    assert line.id and indicator.id
    s.add(
        Expense(
            program_id=program.id, line_id=line.id, amount=Decimal(85),
            recorded_by_id=manager.id, recorded_at=NOW,
        )
    )  # fmt: skip
    s.add(
        IndicatorValue(
            indicator_id=indicator.id, update_id=update.id, reporter_id=worker.id,
            value=Decimal(5), recorded_at=NOW - timedelta(hours=3),
        )
    )  # fmt: skip


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def note(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def statements_for(engine: Engine) -> tuple[int, int]:
    """Statements to build every manager's and field worker's digest, and how many were built."""
    with unit_of_work(engine) as s:
        people = list(s.exec(select(Person)))
        asks = [Ask(p, WEEKLY if p.role == "manager" else DAILY) for p in people]
        with counted(engine) as statements:
            built = build(s, asks, now=NOW)
    assert all(not c.empty for c in built.values())
    managers = [c for c in built.values() if c.programs]
    assert all(c.programs[0].budget and c.programs[0].warned for c in managers)
    assert all(c.programs[0].indicators[0].standing.value == 5 for c in managers)
    return len(statements), len(built)


def test_the_number_of_queries_does_not_grow_with_the_batch(engine: Engine) -> None:
    """10 people and 1,000 people: the same statements, so building never waits per person."""
    seed(engine, 5, first=0)
    small, built = statements_for(engine)
    assert built == 10
    seed(engine, 495, first=5)
    large, built = statements_for(engine)
    assert built == 1000
    assert small == large, (small, large)
    assert small < 30
