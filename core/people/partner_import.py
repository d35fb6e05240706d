"""Importing partner organisations and their contacts from a CSV file, one row per contact.

Every row is checked in full before anything of it is written, so a row is either imported
whole or rejected whole; the caller keeps or drops the whole file by whether any row was
rejected (the `gotong partners import` command drops it: all or nothing).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from core.errors import UserError
from core.models import Person
from core.people import partners
from core.people.accounts import checked_handle, partner_kind
from core.people.directory import person_by_handle

COLUMNS = ("handle", "name", "kind", "region", "contact_name", "contact_phone", "contact_email")
# More rows than a district's partner list ever has: a bigger file is a mistake, not a list.
MAX_ROWS = 5000


@dataclass(frozen=True)
class Row:
    """One data row of the file, with the line it starts on."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class Accepted:
    """A row imported: what happened to its organisation and to its contact."""

    line: int
    handle: str
    organisation: str  # "added", "updated" or "unchanged"
    contact: str  # the contact's name, "" for a row without one
    contact_added: bool


@dataclass(frozen=True)
class Rejected:
    """A row refused, with the reason as a UserError (rendered in the reader's language)."""

    line: int
    error: UserError


@dataclass
class ImportResult:
    """Every row's fate, in file order."""

    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def read_rows(text: str) -> list[Row]:
    """The data rows of a CSV text whose header names the expected columns (in any order)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in next(reader, [])]
    if sorted(header) != sorted(COLUMNS):
        raise UserError("partners.import_header", expected=list(COLUMNS))
    rows: list[Row] = []
    for fields in reader:
        values = dict(zip(header, (value.strip() for value in fields), strict=False))
        if not any(values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise UserError("partners.import_too_long", limit=MAX_ROWS)
        # The reader counts lines up to the row's end; a quoted field may hold line breaks.
        start = reader.line_num - sum(value.count("\n") for value in fields)
        rows.append(Row(start, {column: values.get(column, "") for column in COLUMNS}))
    return rows


def import_rows(
    session: Session, *, now: datetime, actor: Person | None, rows: list[Row]
) -> ImportResult:
    """Upsert each row's organisation by handle and add its contact; refuse a row whole."""
    result = ImportResult()
    first_seen: dict[str, tuple[int, tuple[str, str, str]]] = {}
    for row in rows:
        try:
            handle, columns = _checked(session, row, first_seen)
        except UserError as error:
            result.rejected.append(Rejected(row.line, error))
            continue
        name, kind, region = columns
        org, outcome = partners.upsert_partner(
            session, now=now, actor=actor, handle=handle, name=name, kind=kind, region=region
        )
        first_seen.setdefault(handle, (row.line, columns))
        contact_name = row.values["contact_name"]
        added = False
        if contact_name:
            _, added = partners.add_contact(
                session,
                now=now,
                actor=actor,
                org=org,
                name=contact_name,
                phone=row.values["contact_phone"],
                email=row.values["contact_email"],
            )
        result.accepted.append(Accepted(row.line, handle, outcome, contact_name, added))
    return result


def _checked(
    session: Session, row: Row, first_seen: dict[str, tuple[int, tuple[str, str, str]]]
) -> tuple[str, tuple[str, str, str]]:
    """The row's handle and organisation columns, once every column of it is known good."""
    values = row.values
    for column in ("handle", "name", "kind"):
        if not values[column]:
            raise UserError("partners.import_missing", column=column)
    handle = checked_handle(values["handle"])
    if person_by_handle(session, handle) is not None:
        raise UserError("partners.not_an_org", handle=handle)
    columns = (" ".join(values["name"].split()), partner_kind(values["kind"]), values["region"])
    earlier = first_seen.get(handle)
    if earlier is not None and earlier[1] != columns:
        raise UserError("partners.import_org_differs", handle=handle, line=earlier[0])
    if values["contact_name"]:
        partners.checked_contact_name(values["contact_name"])
        phone = partners.checked_phone(values["contact_phone"])
        email = partners.checked_email(values["contact_email"])
        if not phone and not email:
            raise UserError("partners.import_no_reach")
    elif values["contact_phone"] or values["contact_email"]:
        raise UserError("partners.import_missing", column="contact_name")
    return handle, columns
