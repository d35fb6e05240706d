"""Digests of the demo workspace, for each role in both languages, against reviewed files.

A deliberate change to a digest: rerun with GOTONG_WRITE_GOLDEN=1 and read the diff before
committing it.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from adapters.console import render
from core import demo
from core.clock import FakeClock
from core.db import unit_of_work
from core.digests.preview import digest_now
from core.digests.rhythm import DAILY, WEEKLY
from core.language.i18n import Catalog
from core.messages import Reply
from core.people.directory import person_by_handle

GOLDEN = Path(__file__).parent / "golden" / "digests"
JAKARTA = ZoneInfo("Asia/Jakarta")
# The demo is loaded on Friday 27 November 2026 (conftest's NOW); digests come the week after.
MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=JAKARTA)
TUESDAY = datetime(2026, 12, 1, 7, 0, tzinfo=JAKARTA)

CASES = [
    ("ani_weekly_id", "ani", WEEKLY, MONDAY),
    ("ani_daily_id", "ani", DAILY, TUESDAY),
    ("sarah_weekly_en", "sarah", WEEKLY, MONDAY),
    ("sarah_daily_en", "sarah", DAILY, TUESDAY),
    ("budi_daily_id", "budi", DAILY, MONDAY.replace(hour=6, minute=30)),
    ("dewi_weekly_id", "dewi", WEEKLY, MONDAY.replace(hour=8)),
    ("tom_weekly_en", "tom", WEEKLY, MONDAY.replace(hour=8)),
]


@pytest.mark.parametrize(("name", "handle", "kind", "at"), CASES, ids=[c[0] for c in CASES])
def test_demo_digest_matches_golden_file(
    name: str, handle: str, kind: str, at: datetime, engine: Engine, clock: FakeClock
) -> None:
    """Each role's digest of the demo workspace reads as reviewed, on SQLite and PostgreSQL."""
    with unit_of_work(engine) as session:
        demo.load(session, now=clock.now())
    with unit_of_work(engine) as session:
        person = person_by_handle(session, handle)
        assert person is not None
        composed = digest_now(session, Catalog(), person, now=at, kind=kind)
    text = render(Reply(composed.text, composed.buttons)) + "\n"
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("GOTONG_WRITE_GOLDEN") and engine.dialect.name == "sqlite":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
