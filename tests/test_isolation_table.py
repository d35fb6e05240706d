"""Who may do what to which number: every command that takes one, as a role x action table.

The things, all on #pkh and made by Ani (its manager): task 1 (assigned to Budi), meeting 1
(Budi and Dinas Sosial invited), deadline 1 (Ani's own), commitment 1 (asked of Dinas
Sosial, still requested), commitment 2 (Dinas Sosial proposed another date) and reminder 1
(Ani's own; reminders are personal), expense 1 (Ani's, on #pkh's budget line "transport"). Each cell sends one command as one person, typed or as
the button press that carries the same command, and checks the reply and the database.

Roles (column: person):
  admin     Adi, admin                          manager   Ani, manager of #pkh
  manager2  Sarah, manager of #gizi only        field     Budi, field worker on #pkh
  field2    Kevin, field worker on #gizi only   partner   Pak Harjo, contact of Dinas Sosial
  partner2  Tom, contact of UNICEF (on #gizi)   stranger  an account nobody linked

Outcomes: `ok` the thing changes; `seen` it is shown and nothing changes; `missing` the very
reply a number that does not exist gets; `stranger` the reply every unknown account gets;
any other word is the refusal's message key within the thing's area (`managers_only` is
error.commitment_managers_only for a commitment). Every refusal changes nothing.

The model does not tie a manager to their own programs: Sarah, a manager, may act on #pkh's
numbers as Ani can, except its budget: expense 1 (Ani's, on #pkh's transport line) is seen
only by the admin and the program's own managers (and people they allow), so to everyone
else it does not exist. Partner isolation is what the table guards: Tom never learns that
anything of #pkh exists.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlmodel import Session, SQLModel

from core.app import Gotong
from core.clock import FakeClock
from core.db import make_engine, unit_of_work
from core.language.i18n import Catalog
from core.models import (
    AuditEntry,
    Commitment,
    CommitmentReceipt,
    Deadline,
    Expense,
    Meeting,
    MeetingAttendee,
    OutboxMessage,
    Person,
    Reminder,
    Task,
    TaskAssignment,
)
from core.people import accounts
from core.people.directory import person_by_handle
from tests.chat import Chat, unmarked
from tests.conftest import NOW
from tests.workspace import NOTIFICATION

# Compiled once for all the cells: compiling the templates is most of a new Gotong's cost.
CATALOG = Catalog()

ROLES = {
    "admin": "adi",
    "manager": "ani",
    "manager2": "sarah",
    "field": "budi",
    "field2": "kevin",
    "partner": "harjo",
    "partner2": "tom",
    "stranger": "rina",
}

# kind | command as sent ("button:" = pressed) | admin manager manager2 field field2 partner
# partner2 stranger
TABLE = """
task       | /tugas 1                  | seen     seen     seen     seen          missing  missing          missing  stranger
task       | /selesai 1                | ok       ok       ok       ok            missing  missing          missing  stranger
task       | button:done 1             | ok       ok       ok       ok            missing  missing          missing  stranger
task       | /batal 1                  | ok       ok       ok       not_yours_to_cancel missing missing    missing  stranger
task       | button:cancel 1           | ok       ok       ok       not_yours_to_cancel missing missing    missing  stranger
task       | /ubah 1 lusa 17:00        | ok       ok       ok       not_yours_to_move missing missing        missing  stranger
meeting    | /rapat 1                  | seen     seen     seen     seen          missing  seen             missing  stranger
meeting    | /hadir 1                  | not_invited not_invited not_invited ok   missing  ok               missing  stranger
meeting    | /tidakhadir 1 ada acara   | not_invited not_invited not_invited ok   missing  ok               missing  stranger
meeting    | button:rsvp 1 yes         | not_invited not_invited not_invited ok   missing  ok               missing  stranger
meeting    | button:rsvp 1 no          | not_invited not_invited not_invited ok   missing  ok               missing  stranger
meeting    | /batal rapat 1            | ok       ok       ok       not_yours     missing  not_yours        missing  stranger
meeting    | /ubah rapat 1 lusa 10:00  | ok       ok       ok       not_yours     missing  not_yours        missing  stranger
deadline   | /tenggat 1                | seen     seen     seen     seen          missing  seen             missing  stranger
deadline   | /selesai tenggat 1        | ok       ok       ok       not_yours     missing  not_yours        missing  stranger
deadline   | button:done deadline 1    | ok       ok       ok       not_yours     missing  not_yours        missing  stranger
deadline   | /batal tenggat 1          | ok       ok       ok       not_yours     missing  not_yours        missing  stranger
reminder   | /pengingat batal 1        | missing  ok       missing  missing       missing  missing          missing  stranger
reminder   | button:cancel reminder 1  | missing  ok       missing  missing       missing  missing          missing  stranger
reminder   | /tunda 1 1j               | missing  ok       missing  missing       missing  missing          missing  stranger
reminder   | button:snooze 1 morning   | missing  ok       missing  missing       missing  missing          missing  stranger
commitment | /komitmen 1               | seen     seen     seen     seen          missing  seen             missing  stranger
commitment | /konfirmasi 1             | partners_only partners_only partners_only partners_only missing ok  missing  stranger
commitment | button:confirm 1          | partners_only partners_only partners_only partners_only missing ok  missing  stranger
commitment | /usul 1 12 Des            | partners_only partners_only partners_only partners_only missing ok  missing  stranger
commitment | button:propose 1          | type_proposal type_proposal type_proposal type_proposal missing type_proposal missing stranger
commitment | /tolak 1 stok habis       | partners_only partners_only partners_only partners_only missing ok  missing  stranger
commitment | button:reject 1           | partners_only partners_only partners_only partners_only missing type_reason missing stranger
commitment | /terima 1 50              | ok       ok       ok       ok            missing  ok               missing  stranger
commitment | /batal komitmen 1         | ok       ok       ok       managers_only missing  managers_only    missing  stranger
commitment | /ubah komitmen 1 20 Des   | ok       ok       ok       managers_only missing  managers_only    missing  stranger
commitment | /konfirmasi 2             | ok       ok       ok       managers_only missing  already_answered missing  stranger
commitment | button:confirm 2          | ok       ok       ok       managers_only missing  already_answered missing  stranger
commitment | /tolak 2                  | ok       ok       ok       managers_only missing  already_answered missing  stranger
commitment | button:reject 2           | ok       ok       ok       managers_only missing  already_answered missing  stranger
commitment | /perpanjang 1             | ok       ok       ok       managers_only missing  managers_only    missing  stranger
expense    | /batal belanja 1          | ok       ok       missing  missing       missing  missing          missing  stranger
"""

TITLES = {
    "task": "Kirim data penerima",
    "meeting": "Koordinasi mitra",
    "deadline": "Laporan bulanan",
    "commitment": "paket sembako",
    "expense": "transport relawan",
}


def cells() -> list[Any]:
    """Every (role, kind, command, outcome) of the table, named for reading a failure."""
    found = []
    for line in TABLE.strip().splitlines():
        kind, command, outcomes = (part.strip() for part in line.split("|"))
        expected = outcomes.split()
        assert len(expected) == len(ROLES), line
        for role, outcome in zip(ROLES, expected, strict=True):
            found.append(pytest.param(role, kind, command, outcome, id=f"{role}-{command}"))
    return found


def add_admin_and_things(chat: Chat) -> None:
    """Adi the admin, then the numbered things of the table (see the module's docstring)."""
    with unit_of_work(chat.engine) as s:
        adi = accounts.add_person(
            s,
            now=chat.clock.now(),
            actor=None,
            handle="adi",
            name="Adi",
            role="admin",
            language="en",
        )
        accounts.link_identity(s, person=adi, platform="test", external_id="adi")
    for command in [
        "/ingatkan besok jam 9 telepon kepala desa",  # reminder 1: before any follow-up
        "/tugas Kirim data penerima @budi besok 17:00 #pkh",
        "/rapat Koordinasi mitra besok 10:00 @budi @dinsos #pkh",
        "/tenggat Laporan bulanan 30 Des #pkh",
        "/komitmen @dinsos 200 paket sembako sebelum 10 Des #pkh",
        "/komitmen @dinsos 5 ton beras sebelum 11 Des #pkh",
        "/anggaran #pkh tambah transport 15.000.000",
        "/belanja #pkh Rp 2.500.000 transport relawan",
    ]:
        assert "tidak" not in chat.send("ani", command).text.split("\n")[0], command
    chat.send("harjo", "/usul 2 14 Des")


@dataclass(frozen=True)
class World:
    """The rows of the table's world, and the kind of database they were read from."""

    database: str
    rows: dict[str, list[dict[str, Any]]]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    """The table's world, built once per database by talking to Gotong, kept as its rows: each
    cell starts from them (building it by chat for every one of the cells took minutes)."""
    engine = _empty_engine(request, request.param, tmp_path_factory.mktemp("world"), fresh=True)
    clock = FakeClock(NOW)
    chat = Chat(Gotong(engine, clock, catalog=CATALOG), engine, clock)
    chat.setup_workspace()
    add_admin_and_things(chat)
    with engine.connect() as connection:
        rows = {
            t.name: [dict(r._mapping) for r in connection.execute(select(t))]
            for t in SQLModel.metadata.sorted_tables
        }
    engine.dispose()
    return World(request.param, rows)


def _empty_engine(
    request: pytest.FixtureRequest, database: str, folder: Path, *, fresh: bool = False
) -> Engine:
    """A migrated database with no rows, of the kind named; `fresh`: its ids start at 1 again
    (the table names things by number, whatever ran on this PostgreSQL database before)."""
    if database == "sqlite":
        path = folder / "gotong.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return make_engine(f"sqlite:///{path}")
    engine = make_engine(request.getfixturevalue("postgres_database"))
    if fresh:
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        return engine
    with engine.begin() as connection:
        # DELETE, not TRUNCATE: on tables this small it takes milliseconds, not a second.
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    return engine


@pytest.fixture
def chat(world: World, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Chat]:
    """A driver over a fresh copy of the world, its clock where the world was built."""
    engine = _empty_engine(request, world.database, tmp_path)
    with engine.begin() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if world.rows[table.name]:
                connection.execute(table.insert(), world.rows[table.name])
                if engine.dialect.name == "postgresql" and "id" in table.c:
                    # Rows came with their ids: the next new row's id follows them.
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'),"
                            f' (SELECT max(id) FROM "{table.name}"))'
                        )
                    )
    clock = FakeClock(NOW)
    driver = Chat(Gotong(engine, clock, catalog=CATALOG), engine, clock)
    driver._events = itertools.count(1000)  # the world's messages were numbered from 1
    yield driver
    engine.dispose()


# What a command on a numbered thing could change, and the trail every change leaves.
WATCHED = [
    Task,
    TaskAssignment,
    Meeting,
    MeetingAttendee,
    Deadline,
    Reminder,
    Commitment,
    CommitmentReceipt,
    Expense,
    AuditEntry,
]


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """The watched rows, and of the outbox only notifications (a refusal is kept as a reply to
    its message, which tells nobody else anything)."""
    with Session(engine) as session:
        rows = {model.__name__: _rows(session, select(model)) for model in WATCHED}
        rows["notifications"] = _rows(session, select(OutboxMessage).where(NOTIFICATION))
        return rows


def _rows(session: Session, query: Any) -> list[tuple[Any, ...]]:
    return sorted((tuple(row[0].model_dump().items()) for row in session.execute(query)), key=repr)


def refusal(chat: Chat, handle: str, kind: str, key: str, number: int) -> str:
    """The refusal `key` as the person reads it, in their language and zone."""
    with Session(chat.engine) as session:
        person = person_by_handle(session, handle)
        assert person is not None
        params: dict[str, Any] = {"number": number}
        if key == "already_answered":
            params |= {"status": "proposed", "by": person_by_handle(session, "harjo")}
        return _render(chat, person, f"error.{kind}_{key}", **params)


def _render(chat: Chat, person: Person, key: str, **params: Any) -> str:
    return unmarked(
        chat.gotong.catalog.render(
            key, lang=person.language, tz=person.timezone, now=chat.clock.now(), **params
        )
    )


def stranger_reply(chat: Chat) -> str:
    gotong = chat.gotong
    return unmarked(
        gotong.catalog.render(
            "onboarding.stranger",
            lang=gotong.default_language,
            tz=gotong.default_timezone,
            now=chat.clock.now(),
        )
    )


@pytest.mark.parametrize(("role", "kind", "command", "outcome"), cells())
def test_role_action_table(chat: Chat, role: str, kind: str, command: str, outcome: str) -> None:
    """One cell: the reply the table names, and no change to anything unless it says `ok`."""
    handle = ROLES[role]
    button = command.startswith("button:")
    text = command.removeprefix("button:")
    number = int(next(w for w in text.split() if w.isdigit()))
    before = snapshot(chat.engine)

    said = chat.send(handle, text, button=button, stored=button).text

    after = snapshot(chat.engine)
    if outcome == "ok":
        assert after != before
        assert said != refusal(chat, handle, kind, "not_found", number)
        return
    assert after == before
    if outcome == "seen":
        assert TITLES[kind] in said
    elif outcome == "stranger":
        assert said == stranger_reply(chat)
    elif outcome == "missing":
        assert said == refusal(chat, handle, kind, "not_found", number)
        missing = chat.send(handle, text.replace(f" {number}", " 99", 1), button=button).text
        assert said == missing.replace("99", str(number))
    else:
        assert said == refusal(chat, handle, kind, outcome, number)
