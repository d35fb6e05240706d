"""One person's digest as it would be at a moment, without planning or sending anything."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from core.digests.compose import Composed, compose
from core.digests.gather import Ask, build
from core.language.i18n import Catalog
from core.models import Person


def digest_now(
    session: Session,
    catalog: Catalog,
    person: Person,
    *,
    now: datetime,
    kind: str,
    program_id: int | None = None,
) -> Composed:
    """The digest `person` would read at `now` (for /ringkasan and `gotong digest`)."""
    ask = Ask(person, kind, program_id=program_id)
    content = build(session, [ask], now=now, charts=True)[person.id or 0]
    return compose(catalog, content, now=now)
