"""Field updates: what happened, with the numbers kept as numbers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, func, select

from core import audit
from core.errors import UserError
from core.language.figures import Doubt, read_figures
from core.models import FieldUpdate, Person, Program, UpdateDraft, UpdateFigure
from core.people.permissions import require_program_access
from core.work import reporting

MAX_TEXT = 2000
DRAFT_LIFETIME = timedelta(days=1)
# A photo or location sent within this long after an update belongs to it.
MEDIA_WINDOW = timedelta(minutes=15)


def log(
    session: Session, *, now: datetime, actor: Person, program: Program, text: str
) -> tuple[FieldUpdate, list[UpdateFigure], tuple[Doubt, ...]]:
    """Log an update to a program the actor works on, with its figures and the guesses made."""
    text = text.strip()
    if not text:
        raise UserError("update.empty")
    if len(text) > MAX_TEXT:
        raise UserError("common.too_long", limit=MAX_TEXT, length=len(text))
    require_program_access(session, actor, program)
    assert actor.id is not None and program.id is not None
    update = FieldUpdate(program_id=program.id, author_id=actor.id, text=text, created_at=now)
    audit.record(session, at=now, actor=actor, action="update.log", entity=update)
    assert update.id is not None
    reporting.withdraw_nudges(session, program_id=program.id, person_id=actor.id)
    reading = read_figures(text, lang=actor.language)
    figures = []
    for found in reading.figures:
        figure = UpdateFigure(update_id=update.id, quantity=found.value, unit=found.unit)
        session.add(figure)
        figures.append(figure)
    return update, figures, reading.doubts


def attach(
    session: Session,
    update: FieldUpdate,
    *,
    photo_file_id: str | None,
    latitude: float | None,
    longitude: float | None,
) -> None:
    """Attach a photo (the platform's file id, not the bytes) and/or a location to an update."""
    if photo_file_id:
        update.photo_file_id = photo_file_id[:256]
    if latitude is not None and longitude is not None:
        update.latitude, update.longitude = latitude, longitude
    session.add(update)


def latest(session: Session, *, author: Person, since: datetime) -> FieldUpdate | None:
    """The author's most recent update since a moment."""
    return session.exec(
        select(FieldUpdate)
        .where(FieldUpdate.author_id == author.id, col(FieldUpdate.created_at) >= since)
        .order_by(col(FieldUpdate.created_at).desc(), col(FieldUpdate.id).desc())
    ).first()


def save_draft(session: Session, *, now: datetime, actor: Person, text: str) -> None:
    """Keep a plain-text update until its author says which program it belongs to."""
    if len(text) > MAX_TEXT:
        raise UserError("common.too_long", limit=MAX_TEXT, length=len(text))
    assert actor.id is not None
    draft = session.get(UpdateDraft, actor.id) or UpdateDraft(person_id=actor.id, text=text)
    draft.text = text
    draft.created_at = now
    session.add(draft)


def waiting_draft(session: Session, *, now: datetime, actor: Person) -> UpdateDraft | None:
    """The actor's update still waiting for its program, if one is fresh."""
    draft = session.get(UpdateDraft, actor.id)
    return draft if draft is not None and now - draft.created_at <= DRAFT_LIFETIME else None


def drop_stale_draft(session: Session, *, now: datetime, actor: Person) -> str | None:
    """Remove a waiting update older than a day and return its text, so its author can be told."""
    draft = session.get(UpdateDraft, actor.id)
    if draft is None or now - draft.created_at <= DRAFT_LIFETIME:
        return None
    session.delete(draft)
    return draft.text


def add_to_draft(session: Session, draft: UpdateDraft, text: str) -> None:
    """A further plain message while an update waits belongs to that update: nothing is lost."""
    combined = f"{draft.text}\n{text}"
    if len(combined) > MAX_TEXT:
        raise UserError("update.waiting_too_long", limit=MAX_TEXT)
    draft.text = combined
    session.add(draft)


def take_draft(session: Session, *, now: datetime, actor: Person) -> str | None:
    """The actor's waiting update text (removing it), if one is still fresh."""
    draft = waiting_draft(session, now=now, actor=actor)
    if draft is None:
        return None
    session.delete(draft)
    return draft.text


def totals(session: Session, program: Program, since: datetime) -> list[tuple[str, Decimal]]:
    """The sum of each unit reported for a program since a moment."""
    # Summed in Python: SQLite keeps the exact decimals as text.
    figures = session.exec(
        select(UpdateFigure)
        .join(FieldUpdate, col(FieldUpdate.id) == UpdateFigure.update_id)
        .where(FieldUpdate.program_id == program.id, col(FieldUpdate.created_at) >= since)
        .where(col(FieldUpdate.withdrawn_at).is_(None))
    )
    return sum_by_unit((figure.unit, figure.quantity) for figure in figures)


def sum_by_unit(figures: Iterable[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """Each unit's total, in the order of the alphabet; "KK" and "kk" are one unit, shown as
    first written (people type units as they please: one family count, not two)."""
    spelling: dict[str, str] = {}
    sums: dict[str, Decimal] = {}
    for unit, quantity in figures:
        key = spelling.setdefault(unit.casefold(), unit)
        sums[key] = sums.get(key, Decimal(0)) + quantity
    return sorted(sums.items(), key=lambda item: (item[0].casefold(), item[0]))


def count_since(session: Session, program: Program, since: datetime) -> int:
    """How many updates a program received since a moment."""
    return session.exec(
        select(func.count())
        .select_from(FieldUpdate)
        .where(FieldUpdate.program_id == program.id, col(FieldUpdate.created_at) >= since)
        .where(col(FieldUpdate.withdrawn_at).is_(None))
    ).one()
