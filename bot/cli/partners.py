"""`gotong partners import|contacts`: the partner directory from a CSV file, and its contacts.

The import is all or nothing: when any row is rejected, every rejected row is printed with its
line number and reason, nothing at all is written, and the command exits with status 1, so
fixing the file and running it again never leaves half of an earlier run behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.bootstrap import Runtime, Schema
from bot.cli.common import err, explained, open_runtime, print_table, refusal_text, refuse
from core.db import unit_of_work
from core.errors import UserError
from core.people import partner_import, partners

# Bigger than any partner list; a file this size is the wrong file.
MAX_FILE_BYTES = 5_000_000


def partners_import(
    file: Annotated[
        Path,
        typer.Argument(help="CSV: " + ",".join(partner_import.COLUMNS) + " (one per contact)."),
    ],
) -> None:
    """Import partner organisations and their contacts, upserting by handle (all or nothing)."""
    runtime = open_runtime(Schema.START)
    text = read_file(runtime, file)
    with explained(runtime), unit_of_work(runtime.engine) as session:
        rows = partner_import.read_rows(text)
        result = partner_import.import_rows(session, now=runtime.clock.now(), actor=None, rows=rows)
        if result.rejected:
            session.rollback()
    if result.rejected:
        for rejected in result.rejected:
            err.print(
                f"line {rejected.line}: {refusal_text(runtime, rejected.error)}",
                highlight=False,
                markup=False,
            )
        err.print(
            f"Nothing was imported: {len(result.rejected)} of {len(rows)} rows rejected. "
            "Fix them and run the import again.",
            highlight=False,
        )
        raise typer.Exit(1)
    for accepted in result.accepted:
        typer.echo(_accepted_line(accepted))
    typer.echo(f"Imported {len(result.accepted)} rows.")


def _accepted_line(accepted: partner_import.Accepted) -> str:
    org = {"added": "added", "updated": "updated", "unchanged": "already there"}
    line = f"line {accepted.line}: @{accepted.handle} {org[accepted.organisation]}"
    if accepted.contact:
        line += f"; contact {accepted.contact} " + (
            "added" if accepted.contact_added else "already there"
        )
    return line


def read_file(runtime: Runtime, file: Path) -> str:
    """The text of a small UTF-8 file, or a refusal (exit status 2) that says why not."""
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise refuse(runtime, UserError("cli.file_too_big", limit=MAX_FILE_BYTES), 2)
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise refuse(runtime, UserError("cli.unreadable_file", path=str(file)), 2) from None


def partners_contacts(handle: str) -> None:
    """List a partner organisation's contacts: its people on Gotong and its plain contacts."""
    runtime = open_runtime(Schema.CHECK)
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
