"""Importing partner organisations and their contacts from a CSV file, one row per contact.

Every row is checked in full before anything of it is written, so a row is either imported
whole or rejected whole; the caller keeps or drops the whole file by whether any row was
rejected (the `gotong partners import` command drops it: all or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from core import imports
from core.errors import UserError
from core.imports import Rejected, Row
from core.models import Person
from core.people import partners
from core.people.accounts import checked_handle, partner_kind
from core.people.directory import person_by_handle

COLUMNS = ("handle", "name", "kind", "region", "contact_name", "contact_phone", "contact_email")
# More rows than a district's partner list ever has: a bigger file is a mistake, not a list.
MAX_ROWS = 5000


@dataclass(frozen=True)
class Accepted:
    """A row imported: what happened to its organisation and to its contact."""

    line: int
    handle: str
    organisation: str  # "added", "updated" or "unchanged"
    contact: str  # the contact's name, "" for a row without one
    contact_added: bool


ImportResult = imports.ImportResult[Accepted]
__all__ = ["COLUMNS", "Accepted", "ImportResult", "Rejected", "Row", "import_rows", "read_rows"]


def read_rows(text: str) -> list[Row]:
    """The data rows of the file, its header checked (see core.imports.read_rows)."""
    return imports.read_rows(text, COLUMNS, area="partners", max_rows=MAX_ROWS)


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
