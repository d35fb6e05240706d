"""Did you mean…? The closest command or @handle to a mistyped one."""

from __future__ import annotations

import difflib
import re

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.language.grammar import ALIASES, COMMANDS
from core.models import PartnerOrg, Person

# Telegram's callback data holds 64 bytes; a longer corrected command is suggested in text only.
BUTTON_LIMIT = 64
# "budy" is 0.75 like "budi"; lower cut-offs start pairing unrelated short words.
CUTOFF = 0.75


def closest(word: str, candidates: list[str]) -> str | None:
    """The candidate most like `word`, when one is near enough."""
    found = difflib.get_close_matches(word.lower(), candidates, n=1, cutoff=CUTOFF)
    return found[0] if found else None


def closest_command(word: str, language: str) -> str | None:
    """The command most like a mistyped one, named in the reader's language."""
    canonical = ALIASES.get(closest(word.lstrip("/"), sorted(ALIASES)) or "")
    if canonical is None:
        return None
    names = COMMANDS[canonical]
    return names[0] if language == "id" else names[1]


def closest_handle(session: Session, handle: str) -> str | None:
    """The person's or partner organisation's handle most like an unknown one."""
    handle = handle.lower()
    if not handle:
        return None
    # A national deployment has tens of thousands of people: compare only handles that begin
    # like this one and are about as long, which is where typos land.
    candidates: list[str] = []
    for table in (Person, PartnerOrg):
        length = func.length(col(table.handle))
        candidates += session.exec(
            select(table.handle).where(
                col(table.handle).startswith(handle[0]),
                length.between(len(handle) - 2, len(handle) + 2),
            )
        ).all()
    return closest(handle, candidates)


def corrected(text: str, corrections: tuple[tuple[str, str], ...]) -> str | None:
    """`text` with each mistyped word replaced, if it still fits in a button."""
    for wrong, right in corrections:
        pattern = re.compile(r"(?<![\w@#/])" + re.escape(wrong) + r"(?![\w.\-])", re.IGNORECASE)
        # A replacement string reads backslashes as escapes; the suggestion is literal text.
        text, count = pattern.subn(right.replace("\\", "\\\\"), text, count=1)
        if count == 0:
            return None
    text = text.strip()
    return text if len(text.encode()) <= BUTTON_LIMIT else None
