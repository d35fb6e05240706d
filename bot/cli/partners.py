"""`gotong partners import|contacts`: the partner directory from a CSV file, and its contacts.

The import is all or nothing (bot.cli.common.import_file).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import explained, import_file, open_runtime, print_table

if TYPE_CHECKING:
    from sqlmodel import Session

    from core.people import partner_import

# core.people.partner_import.COLUMNS, spelled out so that --help imports no database code
# (tests/test_startup.py checks they agree).
COLUMNS_HELP = "handle,name,kind,region,contact_name,contact_phone,contact_email"


def partners_import(
    file: Annotated[Path, typer.Argument(help=f"CSV: {COLUMNS_HELP} (one per contact).")],
) -> None:
    """Import partner organisations and their contacts, upserting by handle (all or nothing)."""
    from core.people import partner_import

    runtime = open_runtime("start")

    def load(session: Session, text: str) -> tuple[int, partner_import.ImportResult]:
        rows = partner_import.read_rows(text)
        now = runtime.clock.now()
        return len(rows), partner_import.import_rows(session, now=now, actor=None, rows=rows)

    import_file(runtime, file, load, _accepted_line)


def _accepted_line(accepted: partner_import.Accepted) -> str:
    org = {"added": "added", "updated": "updated", "unchanged": "already there"}
    line = f"line {accepted.line}: @{accepted.handle} {org[accepted.organisation]}"
    if accepted.contact:
        line += f"; contact {accepted.contact} " + (
            "added" if accepted.contact_added else "already there"
        )
    return line


def partners_contacts(handle: str) -> None:
    """List a partner organisation's contacts: its people on Gotong and its plain contacts."""
    from core.db import unit_of_work
    from core.people import partners

    runtime = open_runtime("check")
    with explained(runtime), unit_of_work(runtime.engine) as session:
        org = partners.organisation_for(session, handle)
        entry = partners.entry(session, org, now=runtime.clock.now(), reader=None)
        rows = [
            [f"@{c.person.handle}", c.person.name, ", ".join(c.platforms) or "not linked", ""]
            for c in entry.people
        ] + [["", c.name, c.phone, c.email] for c in entry.contacts]
    print_table(
        f"Contacts of @{org.handle}", ["on Gotong", "name", "phone / platforms", "e-mail"], rows
    )
