"""A real `gotong run` killed with SIGKILL at seeded random moments during a mixed burst.

The burst creates tasks (a notice to the field worker), commitments (a notice to the
partner's contact), expenses and field updates; the fake Bot API keeps every update until
an offset confirms it, as Telegram does. Each kill is followed by a restart. In the end
every message's effect is in the database once, every reply and notice arrived at least
once, and the duplicates (a send the kill cut off before it was recorded) are counted.

The default run sends a few hundred messages; with GOTONG_SLOW_TESTS, 2,000 and more kills.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from adapters.sweep import CONCURRENCY
from core.clock import FakeClock
from core.db import unit_of_work
from core.measures.budgets import add_line
from core.models import Commitment, Expense, FieldUpdate, InboxEvent, Task
from core.people import programs
from core.people.accounts import add_partner, add_person, link_identity
from core.people.directory import join_program, link_partner, partner_by_handle, person_by_handle
from tests.fakes.telegram_server import FakeTelegram
from tests.test_crash import Gotong, telegram_env, url_of, wait_for

SLOW = bool(os.environ.get("GOTONG_SLOW_TESTS"))
MESSAGES = 2000 if SLOW else 240
KILLS = 5 if SLOW else 2
SEED = 16
IN_HAND = 16  # TelegramConfig.concurrent_updates: replies being sent at once
KINDS = ("task", "commitment", "expense", "update")
MANAGERS, FIELD, PARTNERS = MESSAGES // 16, MESSAGES // 20, MESSAGES // 40
# What names message n in the replies and notices, by kind.
MARKS = {
    "task": re.compile(r"Cek gudang nomor (\d+)\b"),
    "commitment": re.compile(r"hygiene kit nomor (\d+)\b"),
    "expense": re.compile(r"transport nomor (\d+)\b"),
    "update": re.compile(r"• ([\d.]+) paket sembako"),  # figures as stored: 1.234
}


@pytest.fixture(autouse=True)
def _retry_after_as_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(clock=time.time) as fake:
        yield fake


def kind_of(n: int) -> str:
    return KINDS[n % len(KINDS)]


def message(n: int) -> tuple[int, str]:
    """Who sends message n (a Telegram user id) and its text; n is in every effect it has."""
    turn = n // len(KINDS)
    manager, field, partner = 5000 + turn % MANAGERS, turn % FIELD, turn % PARTNERS
    kind = kind_of(n)
    if kind == "task":
        return manager, f"/tugas Cek gudang nomor {n} @f{field} besok 10:00 #pkh"
    if kind == "commitment":
        return manager, f"/komitmen @org{partner} 200 hygiene kit nomor {n} sebelum 10 Des #pkh"
    if kind == "expense":
        return manager, f"/belanja #pkh Rp 1.000 transport nomor {n}"
    return 7000 + field, f"/lapor #pkh {n} paket sembako disalurkan"


def add_workspace(engine: Engine, clock: FakeClock) -> None:
    """Managers m0…, field workers f0…, partner orgs org0… (contact c0…), all in #pkh."""
    now = clock.now()
    people = [(f"m{i}", "manager", 5000 + i, None) for i in range(MANAGERS)]
    people += [(f"f{i}", "field", 7000 + i, None) for i in range(FIELD)]
    people += [(f"c{i}", "partner", 9000 + i, f"org{i}") for i in range(PARTNERS)]
    with unit_of_work(engine) as s:
        for i in range(PARTNERS):
            add_partner(s, now=now, actor=None, handle=f"org{i}", name=f"Org {i}", kind="ngo")
        for handle, role, account, partner in people:
            person = add_person(
                s,
                now=now,
                actor=None,
                handle=handle,
                name=handle,
                role=role,
                language="id",
                partner=partner,
            )
            link_identity(
                s,
                person=person,
                platform="telegram",
                external_id=str(account),
                chat_id=str(account),
            )
        program = programs.add_program(
            s, now=now, actor=None, code="pkh", name="Program Keluarga Harapan", owner="m0"
        )
        for handle, role, _, _ in people:
            found = person_by_handle(s, handle)
            assert found is not None
            if role != "partner":
                join_program(s, program, found)
        for i in range(PARTNERS):
            org = partner_by_handle(s, f"org{i}")
            assert org is not None
            link_partner(s, program, org)
        owner = person_by_handle(s, "m0")
        assert owner is not None
        add_line(
            s,
            now=now,
            actor=owner,
            program=program,
            name="transport",
            planned=Decimal(MESSAGES * 100_000),
        )


class Tally:
    """What reached people, by (kind, n): replies to senders and notices to the others.

    Reads only what the fake recorded since the last look: the test shares its event loop
    with the fake server, which must not wait while thousands of messages are scanned again.
    """

    def __init__(self, tg: FakeTelegram) -> None:
        self._tg = tg
        self._read = 0
        self.replies: Counter[tuple[str, int]] = Counter()
        self.notices: Counter[tuple[str, int]] = Counter()

    def look(self) -> Tally:
        for sent in self._tg.sent[self._read :]:
            manager = 5000 <= int(sent.chat_id) < 7000
            for kind, mark in MARKS.items():
                for n in set(mark.findall(sent.visible_text)):
                    mine = manager or kind == "update"  # field workers' own updates
                    key = (kind, int(n.replace(".", "")))
                    (self.replies if mine else self.notices)[key] += 1
        self._read = len(self._tg.sent)
        return self


def effects(engine: Engine) -> Counter[tuple[str, int]]:
    """Each message's row, by the number its text carries."""
    found: Counter[tuple[str, int]] = Counter()
    with Session(engine) as session:
        for kind, model, column in [
            ("task", Task, Task.title),
            ("commitment", Commitment, Commitment.what),
            ("expense", Expense, Expense.text),
            ("update", FieldUpdate, FieldUpdate.text),
        ]:
            mark = MARKS[kind] if kind != "update" else re.compile(r"(\d+) paket sembako")
            for text in session.exec(select(column)):
                found.update((kind, int(n)) for n in mark.findall(str(text))[:1])
            assert model is not None
    return found


async def test_sigkill_at_random_moments_during_a_mixed_burst(
    tg: FakeTelegram, engine: Engine, clock: FakeClock, tmp_path: Path
) -> None:
    """Kills at seeded moments: every effect once, every reply and notice at least once."""
    add_workspace(engine, clock)
    expected_replies = {(kind_of(n), n) for n in range(MESSAGES)}
    expected_notices = {(kind_of(n), n) for n in range(MESSAGES) if kind_of(n) in KINDS[:2]}
    rng = random.Random(SEED)
    kill_after = sorted(rng.sample(range(MESSAGES // 10, MESSAGES * 8 // 10), KILLS))
    log = tmp_path / "gotong.log"
    gotong = Gotong(url_of(engine), log, telegram_env(tg))

    tally = Tally(tg)

    started = time.monotonic()
    try:
        for n in range(MESSAGES):
            tg.push_message(*message(n))
        for threshold in kill_after:
            await gotong.start()
            await wait_for(
                lambda t=threshold: len(tally.look().replies) >= t,  # type: ignore[misc]
                f"{threshold} replies",
                timeout=60 + threshold * 0.15,
            )
            await gotong.kill()
        await gotong.start()
        await wait_for(
            lambda: (
                tally.look().replies.keys() >= expected_replies
                and tally.notices.keys() >= expected_notices
            ),
            "every reply and notice",
            timeout=60 + MESSAGES * 0.15,
        )
        assert await gotong.stop() == 0
    except BaseException:
        print(log.read_text(errors="replace")[-5000:])
        missing = sorted(expected_replies - tally.replies.keys())
        unsent = sorted(expected_notices - tally.notices.keys())
        print(f"missing replies {len(missing)} {missing[:10]}; notices {len(unsent)} {unsent[:10]}")
        raise
    finally:
        if gotong.process is not None and gotong.process.returncode is None:
            await gotong.kill()
    elapsed = time.monotonic() - started

    done = effects(engine)
    with Session(engine) as session:
        unhandled = session.exec(
            select(func.count()).select_from(InboxEvent).where(col(InboxEvent.handled_at).is_(None))
        ).one()
    every_reply, notices = tally.look().replies, tally.notices
    sends = sum(every_reply.values()) + sum(notices.values())
    doubled_replies = sum(c - 1 for c in every_reply.values())
    doubled = doubled_replies + sum(c - 1 for c in notices.values())
    print(
        f"crash burst ({engine.dialect.name}): {MESSAGES} messages, {KILLS} kills "
        f"after {kill_after} replies, {elapsed:.1f} s: effects {len(done)}/{MESSAGES} "
        f"({sum(done.values()) - len(done)} twice), replies {len(every_reply)}/{MESSAGES}, "
        f"notices {len(notices)}/{len(expected_notices)}, "
        f"{doubled} of {sends} sends doubled ({doubled / sends:.3%}; {doubled_replies} replies)"
    )
    assert set(done) == {(kind_of(n), n) for n in range(MESSAGES)}
    assert max(done.values()) == 1, done.most_common(3)
    assert unhandled == 0 and tg.pending_updates == []
    # A duplicate needs a kill between a send and its record: at most the replies in hand
    # (one per update slot) and the notices on their way (one per chat the outbox sends to at
    # once), per kill. The goal is 0.1 %; what this run measured is printed above.
    assert doubled <= KILLS * (IN_HAND + CONCURRENCY)
    assert "Traceback" not in log.read_text(errors="replace")
