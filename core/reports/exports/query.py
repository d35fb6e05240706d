"""What an export asks for (kinds, filters, format) and the programs and partner it comes to."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, select, true
from sqlalchemy.engine import Connection

from core.errors import UserError
from core.models import PartnerOrg, Program
from core.reports.exports.sql import fetch, table_of

# The order `gotong export --help` and `/ekspor` list them in.
KINDS: tuple[str, ...] = (
    "tasks",
    "meetings",
    "deadlines",
    "updates",
    "commitments",
    "expenses",
    "budget",
    "indicators",
    "reminders",
    "outbox",
    "people",
    "partners",
    "programs",
    "audit",
)
# Kinds kept from earlier versions: partners with their contacts, in the import's columns.
EXTRA_KINDS: tuple[str, ...] = ("contacts",)
# The dispatch point of formats: the writers in core.reports.exports.writers name the same.
FORMATS: tuple[str, ...] = ("csv", "json", "jsonl", "xlsx", "ics")

# Words a person may use for a kind, in both languages (the canonical names too).
KIND_WORDS: dict[str, str] = {
    **{kind: kind for kind in (*KINDS, *EXTRA_KINDS)},
    "task": "tasks",
    "tugas": "tasks",
    "meeting": "meetings",
    "rapat": "meetings",
    "deadline": "deadlines",
    "tenggat": "deadlines",
    "update": "updates",
    "laporan": "updates",
    "lapor": "updates",
    "commitment": "commitments",
    "komitmen": "commitments",
    "expense": "expenses",
    "belanja": "expenses",
    "pengeluaran": "expenses",
    "anggaran": "budget",
    "indicator": "indicators",
    "indikator": "indicators",
    "reminder": "reminders",
    "pengingat": "reminders",
    "antrean": "outbox",
    "person": "people",
    "orang": "people",
    "partner": "partners",
    "mitra": "partners",
    "contact": "contacts",
    "kontak": "contacts",
    "program": "programs",
    "jejak": "audit",
}

# Rows fetched per query: big enough that a query's cost is spread, small enough for flat memory.
BATCH = 5_000


@dataclass(frozen=True)
class ExportQuery:
    """Which kinds to export, and which rows: programs, a time range, a region, a partner."""

    kinds: tuple[str, ...]
    programs: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    region: str | None = None
    partner: str | None = None


def kind_named(word: str) -> str | None:
    """The canonical kind a word names ("tugas", "Tasks", "komitmen"), or None."""
    return KIND_WORDS.get(word.strip().lower().lstrip("/"))


def checked(query: ExportQuery, fmt: str) -> ExportQuery:
    """The query with canonical kind names, or a UserError saying what cannot be exported."""
    kinds = []
    for word in query.kinds:
        kind = kind_named(word)
        if kind is None:
            raise UserError("export.unknown_kind", kind=word, kinds=list(KINDS))
        if kind not in kinds:
            kinds.append(kind)
    if not kinds:
        raise UserError("export.unknown_kind", kind="", kinds=list(KINDS))
    if fmt not in FORMATS:
        raise UserError("export.unknown_format", format=fmt, formats=list(FORMATS))
    if len(kinds) > 1 and fmt in ("csv", "json"):
        raise UserError("export.one_kind", format=fmt, kinds=kinds)
    for moment in (query.start, query.end):
        if moment is not None and moment.tzinfo is None:
            raise ValueError("export moments must be aware")
    if query.start is not None and query.end is not None and query.start >= query.end:
        raise UserError("export.bad_range", start=query.start, end=query.end)
    return ExportQuery(
        kinds=tuple(kinds),
        programs=tuple(code.lstrip("#").lower() for code in query.programs),
        start=query.start,
        end=query.end,
        region=query.region.strip() if query.region and query.region.strip() else None,
        partner=query.partner.lstrip("@").lower() if query.partner else None,
    )


@dataclass(frozen=True)
class Scope:
    """The query resolved to ids: which programs (None: all), which partner organisation."""

    programs: tuple[int, ...] | None
    org: int | None
    start: datetime | None
    end: datetime | None

    @property
    def by_program(self) -> bool:
        return self.programs is not None

    def in_programs(self, column: Any) -> ColumnElement[bool]:
        """The rows of the chosen programs (every row when no program or region was named)."""
        if self.programs is None:
            return true()
        if not self.programs:
            return false()
        return column.in_(self.programs)

    def in_range(self, column: Any) -> list[ColumnElement[bool]]:
        """The rows whose own moment is in [start, end)."""
        found = []
        if self.start is not None:
            found.append(column >= self.start)
        if self.end is not None:
            found.append(column < self.end)
        return found


def resolve(connection: Connection, query: ExportQuery) -> Scope:
    """Program codes, region and partner as ids, or a UserError naming what is unknown."""
    program, org = table_of(Program), table_of(PartnerOrg)
    programs: tuple[int, ...] | None = None
    if query.programs:
        found: dict[str, int] = {
            code: id_
            for code, id_ in connection.execute(
                select(program.c.code, program.c.id).where(program.c.code.in_(query.programs))
            )
        }
        for code in query.programs:
            if code not in found:
                raise UserError("common.unknown_program", code=code, known=[])
        programs = tuple(found[code] for code in query.programs)
    if query.region is not None:
        # Regions are stored as first written: "Demak" and "demak " are one region.
        chosen = select(program.c.id).where(
            func.lower(func.trim(program.c.region)) == query.region.lower()
        )
        if programs is not None:
            chosen = chosen.where(program.c.id.in_(programs))
        programs = tuple(connection.execute(chosen).scalars())
    org_id = None
    if query.partner is not None:
        org_id = connection.execute(select(org.c.id).where(org.c.handle == query.partner)).scalar()
        if org_id is None:
            raise UserError("common.unknown_handle", handle=query.partner)
    return Scope(programs=programs, org=org_id, start=query.start, end=query.end)


def pages(connection: Connection, statement: Select[Any], key: Any) -> Iterator[Sequence[Any]]:
    """The statement's rows in batches by keyset on `key`, which must be its first column."""
    last = None
    while True:
        page = statement if last is None else statement.where(key > last)
        rows = fetch(connection, page.order_by(key).limit(BATCH))
        if rows:
            yield rows
        if len(rows) < BATCH:
            return
        last = rows[-1][0]
