"""The national-scale seeder used by the benchmarks writes a workspace the core can work on."""

from __future__ import annotations

from sqlalchemy import Engine, func
from sqlmodel import select

from bench.seed import NOW, Scale, seed
from core.db import unit_of_work
from core.models import Commitment, FieldUpdate, Person, ProgramMember, Task
from core.people.directory import person_by_handle, programs_of
from core.work import commitments

SMALL = Scale(
    programs=3, field_per_program=4, partners=2, tasks=20, updates=50, commitments=6, meetings=3
)


def test_seeded_rows_hang_together_and_new_rows_get_fresh_ids(engine: Engine) -> None:
    written = seed(engine, SMALL)
    assert written["person"] == SMALL.people == 3 * 5 + 2
    with unit_of_work(engine) as session:
        assert session.exec(select(func.count()).select_from(FieldUpdate)).one() == 50
        field_worker = person_by_handle(session, "p4")
        assert field_worker is not None and field_worker.role == "field"
        assert [p.id for p in programs_of(session, field_worker)] == [1]
        members = session.exec(select(ProgramMember).where(ProgramMember.program_id == 1)).all()
        assert len(members) == SMALL.field_per_program
        manager = session.get(Person, 1)
        assert manager is not None
        seen, _ = commitments.open_for(session, manager, NOW)
        assert {p.commitment.program_id for p in seen} <= {1}
        # Explicit ids must not leave PostgreSQL's sequences behind: the next row gets a new id.
        task = Task(title="Setelah seed", created_by_id=1, created_at=NOW)
        session.add(task)
        session.flush()
        assert task.id == SMALL.tasks + 1
        assert session.get(Commitment, SMALL.commitments) is not None
