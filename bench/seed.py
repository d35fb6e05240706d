"""A national-scale workspace in minutes: people, programs, tasks, updates, commitments.

The counts follow a national program like PKH (issue 13's digest benchmark, issue 16's load
tests): at scale 1.0, 35,000 people, 1,000 programs, 100,000 tasks, 1,000,000 updates and
20,000 commitments. Rows go in with executemany in chunks and explicit ids, so seeding takes
seconds per hundred thousand rows instead of the hours the core's one-by-one path would.
The same seed gives the same rows.

Run alone: python -m bench.seed [scale] [database-url]   (default: SQLite in a temporary file)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, text
from sqlmodel import SQLModel

from bot.database import upgrade
from core.db import make_engine
from core.models import (
    Commitment,
    CommitmentReceipt,
    CommitmentStatus,
    Deadline,
    FieldUpdate,
    Identity,
    Meeting,
    MeetingAttendee,
    PartnerOrg,
    Person,
    Program,
    ProgramMember,
    ProgramPartner,
    Reminder,
    ReminderStatus,
    Role,
    Status,
    Task,
    TaskAssignment,
    UpdateFigure,
)

NOW = datetime(2026, 12, 1, 0, 0, tzinfo=ZoneInfo("UTC"))
ZONES = ("Asia/Jakarta", "Asia/Jakarta", "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
UNITS = ("paket sembako", "keluarga", "orang", "karung beras", "Rp")
CHUNK = 20_000


@dataclass(frozen=True)
class Scale:
    """How many of each; `Scale.national(1.0)` is the national workspace."""

    programs: int
    field_per_program: int
    partners: int
    tasks: int
    updates: int
    commitments: int
    meetings: int

    @classmethod
    def national(cls, factor: float = 1.0) -> Scale:
        def n(x: int) -> int:
            return max(1, round(x * factor))

        return cls(n(1_000), 32, n(2_000), n(100_000), n(1_000_000), n(20_000), n(20_000))

    @property
    def people(self) -> int:
        """Managers (one per program), field workers, and one contact per partner."""
        return self.programs * (1 + self.field_per_program) + self.partners


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _put(engine: Engine, model: type[SQLModel], rows: Iterator[dict[str, Any]]) -> int:
    table = model.__table__  # type: ignore[attr-defined]
    count = 0
    for batch in _chunks(rows):
        with engine.begin() as connection:
            connection.execute(insert(table), batch)
        count += len(batch)
    return count


def seed(engine: Engine, scale: Scale, *, now: datetime = NOW, seed: int = 7) -> dict[str, int]:
    """Fill an empty, upgraded database; returns the rows written per table."""
    rng = random.Random(seed)
    p, f = scale.programs, scale.field_per_program
    managers = range(1, p + 1)
    field = range(p + 1, p + 1 + p * f)
    contacts = range(p + 1 + p * f, scale.people + 1)

    def program_of_field(person: int) -> int:
        return (person - p - 1) // f + 1

    def moment(days_back: float) -> datetime:
        return now - timedelta(days=days_back)

    def people() -> Iterator[dict[str, Any]]:
        for i in range(1, scale.people + 1):
            role = Role.MANAGER if i in managers else Role.FIELD if i in field else Role.PARTNER
            org = (i - contacts.start) % scale.partners + 1 if role == Role.PARTNER else None
            yield {
                "id": i,
                "handle": f"p{i}",
                "name": f"Orang {i}",
                "role": role,
                "language": "en" if i % 10 == 0 else "id",
                "timezone": ZONES[i % len(ZONES)],
                "partner_org_id": org,
                "workdays": "12345",
                "quiet_hours": "21:00-07:00",
                "morning": "08:00",
                "created_at": moment(400),
            }

    def tasks() -> Iterator[dict[str, Any]]:
        for i in range(1, scale.tasks + 1):
            done = rng.random() < 0.7
            yield {
                "id": i,
                "title": f"Tugas {i}",
                "program_id": (i - 1) % p + 1,
                "created_by_id": (i - 1) % p + 1,
                "due_at": moment(rng.uniform(-14, 60)),
                "status": Status.DONE if done else Status.OPEN,
                "created_at": moment(rng.uniform(60, 120)),
                "closed_at": moment(rng.uniform(0, 56)) if done else None,
            }

    def assignments() -> Iterator[dict[str, Any]]:
        for i in range(1, scale.tasks + 1):
            program = (i - 1) % p + 1
            yield {
                "task_id": i,
                "person_id": p + 1 + (program - 1) * f + rng.randrange(f),
                "status": Status.OPEN,
            }

    def updates() -> Iterator[dict[str, Any]]:
        for i in range(1, scale.updates + 1):
            author = rng.choice(field)
            yield {
                "id": i,
                "program_id": program_of_field(author),
                "author_id": author,
                "text": f"{rng.randrange(1, 200)} paket sembako disalurkan di Desa {i % 500}",
                "created_at": moment(rng.uniform(0, 365)),
            }

    def figures() -> Iterator[dict[str, Any]]:
        for i in range(1, scale.updates + 1, 2):
            yield {"update_id": i, "quantity": Decimal(rng.randrange(1, 200)), "unit": UNITS[i % 5]}

    def commitments() -> Iterator[dict[str, Any]]:
        statuses = list(CommitmentStatus)
        for i in range(1, scale.commitments + 1):
            status = statuses[i % len(statuses)]
            yield {
                "id": i,
                "program_id": (i - 1) % p + 1,
                "partner_org_id": (i - 1) % scale.partners + 1,
                "what": "hygiene kit",
                "quantity": Decimal(200),
                "unit": "hygiene kit",
                "money": False,
                "due_at": moment(rng.uniform(-30, 10)),
                "status": status,
                "decline_reason": "stok habis" if status == CommitmentStatus.DECLINED else "",
                "requested_by_id": (i - 1) % p + 1,
                "created_at": moment(rng.uniform(10, 40)),
            }

    def receipts() -> Iterator[dict[str, Any]]:
        for i in range(1, scale.commitments + 1, 3):
            yield {
                "commitment_id": i,
                "quantity": Decimal(rng.randrange(10, 150)),
                "recorded_by_id": (i - 1) % p + 1,
                "recorded_at": moment(rng.uniform(0, 10)),
            }

    def meetings() -> Iterator[dict[str, Any]]:
        for i in range(1, scale.meetings + 1):
            yield {
                "id": i,
                "title": f"Rapat koordinasi {i}",
                "program_id": (i - 1) % p + 1,
                "organiser_id": (i - 1) % p + 1,
                "starts_at": moment(rng.uniform(-10, 30)),
                "duration_minutes": 60,
                "status": Status.OPEN,
                "created_at": moment(40),
            }

    def attendees() -> Iterator[dict[str, Any]]:
        for i in range(1, scale.meetings + 1):
            program = (i - 1) % p + 1
            for k in range(3):
                person = p + 1 + (program - 1) * f + (i + k) % f
                yield {"meeting_id": i, "person_id": person, "rsvp": "pending"}

    written = {
        "partnerorg": _put(
            engine,
            PartnerOrg,
            (
                {"id": i, "handle": f"org-{i}", "name": f"Yayasan {i}", "kind": "ngo"}
                for i in range(1, scale.partners + 1)
            ),
        ),
        "person": _put(engine, Person, people()),
    }
    written["identity"] = _put(
        engine,
        Identity,
        (
            {"person_id": i, "platform": "telegram", "external_id": str(i), "chat_id": str(i)}
            for i in range(1, scale.people + 1)
        ),
    )
    written["program"] = _put(
        engine,
        Program,
        (
            {"id": i, "code": f"prog{i}", "name": f"Program {i}", "owner_id": i, "currency": "IDR"}
            for i in range(1, p + 1)
        ),
    )
    written["programmember"] = _put(
        engine,
        ProgramMember,
        ({"program_id": program_of_field(i), "person_id": i} for i in field),
    )
    written["programpartner"] = _put(
        engine,
        ProgramPartner,
        (
            {"program_id": i, "partner_org_id": (i - 1) % scale.partners + 1}
            for i in range(1, p + 1)
        ),
    )
    written["task"] = _put(engine, Task, tasks())
    written["taskassignment"] = _put(engine, TaskAssignment, assignments())
    written["deadline"] = _put(
        engine,
        Deadline,
        (
            {
                "id": i,
                "title": f"Laporan bulanan {i}",
                "program_id": i,
                "owner_id": i,
                "due_at": moment(-3),
                "status": Status.OPEN,
                "created_at": moment(30),
            }
            for i in range(1, p + 1)
        ),
    )
    written["meeting"] = _put(engine, Meeting, meetings())
    written["meetingattendee"] = _put(engine, MeetingAttendee, attendees())
    written["field_update"] = _put(engine, FieldUpdate, updates())
    written["updatefigure"] = _put(engine, UpdateFigure, figures())
    written["commitment"] = _put(engine, Commitment, commitments())
    written["commitmentreceipt"] = _put(engine, CommitmentReceipt, receipts())
    written["reminder"] = _put(
        engine,
        Reminder,
        (
            {
                "person_id": i,
                "text": "Telepon kepala desa",
                "due_at": moment(0.5),
                "status": ReminderStatus.MISSED,
                "kind": "personal",
                "label": "",
                "created_at": moment(2),
            }
            for i in range(p + 1, p + 1 + p * f, 50)
        ),
    )
    _restart_sequences(engine, written)
    if engine.dialect.name == "postgresql":
        # Statistics for the planner now, as autovacuum would in a while: right after a bulk
        # load PostgreSQL guessed 20 open tasks for 24,000 and /terlambat took 1.2 s.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    return written


def _restart_sequences(engine: Engine, written: dict[str, int]) -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids do not move."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in written:
            if "id" not in SQLModel.metadata.tables[table].c:
                continue  # keyed by the rows it links, no sequence
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}
            ).scalar()
            if sequence:
                connection.execute(
                    text(f'SELECT setval(:s, (SELECT coalesce(max(id), 1) FROM "{table}"))'),
                    {"s": sequence},
                )


def main() -> None:
    factor = float(sys.argv[1]) if len(sys.argv) > 1 else 0.05
    with tempfile.TemporaryDirectory() as folder:
        url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{Path(folder) / 'seed.db'}"
        engine = make_engine(url)
        upgrade(engine)
        start = time.perf_counter()
        written = seed(engine, Scale.national(factor))
        took = time.perf_counter() - start
        total = sum(written.values())
        rate = total / took
        print(f"seeded {total:,} rows at scale {factor} in {took:.1f} s ({rate:,.0f} rows/s)")
        for table, count in written.items():
            print(f"  {table:<18} {count:>10,}")
        engine.dispose()


if __name__ == "__main__":
    main()
