"""What the database keeps: migrations that match the models, audit entries, exact numbers."""

from __future__ import annotations

from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, select

from core.models import AuditEntry, Program, UpdateFigure
from tests.chat import Chat


def test_migrations_match_the_models(engine: Engine) -> None:
    """The migrated schema is exactly what the models describe."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_every_change_is_audited_with_before_and_after(chat: Chat, engine: Engine) -> None:
    """Creating and closing a task leaves who-did-what entries with both states."""
    chat.send("ani", "/tugas Kirim data @budi besok")
    chat.send("budi", "/selesai 1")
    with Session(engine) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "task")).all()
    create, done = entries
    assert create.action == "task.create" and create.before is None
    assert done.action == "task.done"
    assert done.before is not None and done.before["status"] == "open"
    assert done.after is not None and done.after["status"] == "done"


def test_money_and_quantities_stay_exact(chat: Chat, engine: Engine) -> None:
    """Decimals round-trip without float error on both databases."""
    chat.send("budi", "/lapor #pkh Rp 2,5 juta untuk transport dan 0,1 ton beras")
    with Session(engine) as session:
        figures = {f.unit: f.quantity for f in session.exec(select(UpdateFigure))}
        program = session.exec(select(Program)).first()
        assert program is not None
        program.budget = Decimal("1234567890.12")
        session.add(program)
        session.commit()
        session.refresh(program)
        assert program.budget == Decimal("1234567890.12")
    assert figures["IDR"] == Decimal(2500000)
    assert figures["ton beras"] == Decimal("0.1")
