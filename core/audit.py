"""The audit trail: who changed what, with the before and after."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, SQLModel

from core.models import AuditEntry, Person


def snapshot(row: SQLModel | None) -> dict[str, Any] | None:
    """A JSON-safe copy of a row's columns."""
    if row is None:
        return None
    values: dict[str, Any] = {}
    for name, value in row.model_dump().items():
        if isinstance(value, datetime | date):
            values[name] = value.isoformat()
        elif isinstance(value, Decimal):
            values[name] = str(value)
        else:
            values[name] = value
    return values


def record(
    session: Session,
    *,
    at: datetime,
    actor: Person | None,
    action: str,
    entity: SQLModel,
    before: dict[str, Any] | None = None,
) -> None:
    """Write an audit entry for a change to `entity` (flushes it so its id is known)."""
    session.add(entity)
    session.flush()
    entity_id = getattr(entity, "id", None)
    if entity_id is None:
        entity_id = "/".join(str(v) for v in entity.model_dump().values() if isinstance(v, int))
    session.add(
        AuditEntry(
            at=at,
            actor_id=actor.id if actor else None,
            action=action,
            entity=type(entity).__name__.lower(),
            entity_id=str(entity_id),
            before=before,
            after=snapshot(entity),
        )
    )
