"""Console conversations replayed from transcripts in tests/transcripts/, compared line by line.

A transcript reads like a chat log:

    @ani> /tugas Kirim data @budi besok 17:00 #pkh      <- ani types this in her console
    ✅ Tugas 8 dibuat: Kirim data                         <- what her console shows
    ~ +2h                                                 <- two hours pass
    @budi> /tugasku                                       <- budi's console: queued messages first

Lines starting with "# " are comments. The workspace is the demo one, at Friday 27 November
2026, 10:00 WIB. After a change to what Gotong says, rewrite the transcripts with
GOTONG_WRITE_TRANSCRIPTS=1 and read the diff before committing it.
"""

from __future__ import annotations

import io
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from adapters.console import ConsoleSession
from core import demo
from core.app import Gotong
from core.clock import FakeClock
from core.db import unit_of_work
from core.delivery.claims import OutboxDelivery
from core.people.accounts import link_identity
from core.people.directory import person_by_handle

FOLDER = Path(__file__).parent / "transcripts"
INPUT = re.compile(r"^@([a-z0-9_.\-]+)> (.*)$")
WAIT = re.compile(r"^~ \+(\d+)([mhd])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def replay(script: str, gotong: Gotong, engine: Engine, clock: FakeClock) -> str:
    """Run the input lines of a transcript and write the transcript Gotong produces."""
    with unit_of_work(engine) as session:
        demo.load(session, now=clock.now())
        for person in {m.group(1) for m in map(INPUT.match, script.splitlines()) if m}:
            found = person_by_handle(session, person)
            assert found is not None, person
            link_identity(session, person=found, platform="console", external_id=person)
    out = io.StringIO()
    consoles: dict[str, ConsoleSession] = {}
    for line in script.splitlines():
        if line.startswith("# "):
            out.write(line + "\n")
            continue
        if wait := WAIT.match(line):
            clock.advance(timedelta(**{UNITS[wait.group(2)]: int(wait.group(1))}))
            out.write(line + "\n")
            continue
        if said := INPUT.match(line):
            who, text = said.groups()
            console = consoles.setdefault(
                who, ConsoleSession(gotong, outbox=OutboxDelivery(engine, clock), who=who, out=out)
            )
            out.write(line + "\n")
            console.deliver()
            console.send(text)
    # Files (a digest's chart) are written under a temporary folder with a fresh name each run.
    return re.sub(r"📎 \S*/(?:[0-9a-f]+-)?", "📎 <files>/", out.getvalue())


def script_of(transcript: str) -> str:
    """Only what people typed, the waits and the comments."""
    keep = (INPUT.match, WAIT.match, lambda line: line.startswith("# "))
    return "\n".join(line for line in transcript.splitlines() if any(k(line) for k in keep))


@pytest.mark.parametrize("name", sorted(p.name for p in FOLDER.glob("*.txt")))
def test_console_transcript(name: str, gotong: Gotong, engine: Engine, clock: FakeClock) -> None:
    """Replaying a transcript's input through the console adapter gives exactly its output."""
    path = FOLDER / name
    expected = path.read_text(encoding="utf-8")
    actual = replay(script_of(expected), gotong, engine, clock)
    if os.environ.get("GOTONG_WRITE_TRANSCRIPTS") and engine.dialect.name == "sqlite":
        path.write_text(actual, encoding="utf-8")
    assert actual.splitlines() == expected.splitlines()
