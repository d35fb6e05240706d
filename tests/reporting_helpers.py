"""Shared steps for the reporting-window tests: a third field worker, rows as stored."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import col, select

from core.db import unit_of_work
from core.models import OutboxMessage, ReportingRhythm
from core.people import accounts
from core.people.directory import join_program, person_by_handle, program_by_code
from tests.chat import Chat


def add_siti(chat: Chat) -> None:
    """Siti, a second field worker on #pkh (WIB, Indonesian), linked like the others."""
    with unit_of_work(chat.engine) as s:
        siti = accounts.add_person(
            s, now=chat.clock.now(), actor=None, handle="siti", name="Siti Aminah", role="field"
        )
        accounts.link_identity(s, person=siti, platform="test", external_id="siti")
        join_program(s, program_by_code(s, "pkh"), siti)


def nudge_rows(engine: Engine, handle: str | None = None) -> list[OutboxMessage]:
    """Every nudge in the outbox (any status), oldest first; for one person when named."""
    with unit_of_work(engine) as s:
        query = select(OutboxMessage).where(
            col(OutboxMessage.dedupe_key).startswith("report-nudge:")
        )
        if handle is not None:
            person = person_by_handle(s, handle)
            assert person is not None
            query = query.where(OutboxMessage.person_id == person.id)
        return list(s.exec(query.order_by(col(OutboxMessage.id))))


def rhythm_row(engine: Engine, code: str) -> ReportingRhythm | None:
    """The program's stored rhythm, if any."""
    with unit_of_work(engine) as s:
        return s.get(ReportingRhythm, program_by_code(s, code).id)
