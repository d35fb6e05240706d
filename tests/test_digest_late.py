"""A manager's late things: the longest late named, the rest counted, across programs of a batch."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from core.db import unit_of_work
from core.digests.gather import Ask, build
from core.digests.rhythm import DAILY
from core.digests.tables import MAX_OVERDUE
from core.models import Deadline, Person, Program, Task, TaskAssignment

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def seed(engine: Engine, *, late_tasks: int, code: str) -> int:
    """A manager's program with `late_tasks` late tasks (1, 2, ... days late) and a deadline
    2.5 days younger than the oldest task; returns the manager's id."""
    with unit_of_work(engine) as s:
        manager = Person(handle=f"m-{code}", name="M", role="manager", created_at=NOW)
        worker = Person(handle=f"f-{code}", name="F", role="field", created_at=NOW)
        s.add_all([manager, worker])
        s.flush()
        program = Program(code=code, name=code, owner_id=manager.id)
        s.add(program)
        s.flush()
        assert program.id and manager.id and worker.id
        for n in range(late_tasks):
            task = Task(
                title=f"{code} late {n + 1} days",
                program_id=program.id,
                created_by_id=manager.id,
                due_at=NOW - timedelta(days=n + 1),
                created_at=NOW - timedelta(days=30),
            )
            s.add(task)
            s.flush()
            assert task.id
            s.add(TaskAssignment(task_id=task.id, person_id=worker.id))
        s.add(
            Deadline(
                title=f"{code} deadline",
                program_id=program.id,
                owner_id=manager.id,
                due_at=NOW - timedelta(days=late_tasks - 3, hours=12),
                created_at=NOW - timedelta(days=30),
            )
        )
        return manager.id


def sections(engine: Engine, manager_ids: list[int]) -> dict[str, tuple[list[str], int]]:
    """Each program's named late things (titles, longest late first) and how many more."""
    with unit_of_work(engine) as s:
        asks = [Ask(p, DAILY) for p in (s.get(Person, i) for i in manager_ids) if p]
        built = build(s, asks, now=NOW)
        return {
            section.program.code: (
                [getattr(o.what, "title", "") for o in section.overdue],
                section.overdue_more,
            )
            for content in built.values()
            for section in content.programs
        }


def test_the_longest_late_are_named_and_the_rest_counted_per_program(engine: Engine) -> None:
    """Twelve late tasks and a late deadline: five named, longest late first, eight counted;
    a program with two late tasks in the same batch names both."""
    big = seed(engine, late_tasks=12, code="big")
    small = seed(engine, late_tasks=2, code="small")

    found = sections(engine, [big, small])

    assert MAX_OVERDUE == 5
    assert found["big"] == (
        [
            "big late 12 days",
            "big late 11 days",
            "big late 10 days",
            "big deadline",
            "big late 9 days",
        ],
        8,
    )
    # Its deadline is still ahead: not late.
    assert found["small"] == (["small late 2 days", "small late 1 days"], 0)
