"""Platform faults: a burst of conversation and the notifications it makes, through the real
python-telegram-bot and slack_sdk clients, while the fake platform fails a seeded 30% of
its calls (429 with retry_after, 500, an HTML error page, a dropped connection, a timeout).

Everything must arrive once, nothing inside a retry window, and no reply may be lost: a
reply that cannot go at once is left to the outbox. Clients that honour a retry_after wait
in real time, so the fake's clock is the core's FakeClock plus the real time gone by (the
fake sees time pass at least as fast as the adapters do, never slower).
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from adapters.telegram import TelegramAdapter
from core.app import Gotong
from core.clock import FakeClock
from core.models import OutboxMessage, OutboxStatus
from tests import slack_harness, telegram_harness
from tests.fakes.chaos import KINDS, Chaos
from tests.fakes.slack_server import FakeSlack
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram_harness import USERS, wait_until

# Waves of four people writing at once (a manager's task for a field worker each, a field
# worker's update each); more with GOTONG_SLOW_TESTS.
WAVES = 24 if os.environ.get("GOTONG_SLOW_TESTS") else 8
TASK = re.compile(r"T[0-9]{3}[AB]")
CLIENT_TIMEOUT = 0.2  # seconds; the fake hangs twice as long on a "timeout"
_retry_after_as_timedelta = telegram_harness._retry_after_as_timedelta


def moving(clock: FakeClock) -> Callable[[], float]:
    """The FakeClock's time plus the real seconds since now, for the fake's flood control."""
    started = time.monotonic()
    return lambda: clock.now().timestamp() + (time.monotonic() - started)


def burst(wave: int) -> list[tuple[str, str]]:
    """Four people writing at once; every text carries a code to find its answers by."""
    return [
        ("ani", f"/tugas Survei T{wave:03d}A @budi besok"),
        ("sarah", f"/tugas Data T{wave:03d}B @kevin besok"),
        ("budi", f"/lapor U{wave:03d}C sudah dikunjungi"),
        ("kevin", f"/lapor U{wave:03d}D visited"),
    ]


def has_handled(adapter: TelegramAdapter, count: int) -> bool:
    return adapter.handled >= count


def outbox(engine: Engine) -> Counter[str]:
    with Session(engine) as session:
        return Counter(session.exec(select(col(OutboxMessage.status))).all())


def once_each(texts: list[str], codes: list[str]) -> None:
    """Each code shows in exactly one of the texts."""
    seen = {code: sum(code in text for text in texts) for code in codes}
    assert seen == dict.fromkeys(codes, 1), {c: n for c, n in seen.items() if n != 1}


@pytest.fixture
async def chaotic_telegram(clock: FakeClock) -> AsyncIterator[FakeTelegram]:
    bot = telegram_harness.BOT
    async with FakeTelegram(bot_username=bot, clock=moving(clock)) as fake:
        yield fake


@pytest.fixture
async def chaotic_slack(clock: FakeClock) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(clock=moving(clock)) as fake:
        slack_harness.add_slack_users(fake)
        yield fake


class TestTelegramUnderFaults:
    """The Telegram adapter against a Bot API failing 30% of its calls."""

    async def test_a_burst_and_its_notifications_arrive_once_and_never_too_early(
        self, chaotic_telegram: FakeTelegram, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Every reply and notification of a burst arrives exactly once; none inside a window."""
        tg = chaotic_telegram
        telegram_harness.add_workspace(engine, clock)
        adapter = await telegram_harness.running(
            tg,
            gotong,
            engine,
            clock,
            request_timeout=CLIENT_TIMEOUT,
            poll_retry_delay=0.01,
        )
        chaos = tg.chaos = Chaos(fraction=0.3, seed=16, hang=2 * CLIENT_TIMEOUT)
        try:
            for wave in range(WAVES):
                clock.advance(timedelta(seconds=3))
                handled = adapter.handled + 4
                for who, text in burst(wave):
                    tg.push_message(USERS[who], text)
                await wait_until(partial(has_handled, adapter, handled), timeout=60)
            for _ in range(200):  # the outbox takes what could not go at once
                if set(outbox(engine)) == {OutboxStatus.SENT}:
                    break
                clock.advance(timedelta(seconds=15))
                await adapter.deliver_once()
            tg.chaos = None
        finally:
            await adapter.stop()

        assert list(adapter.errors) == []
        assert set(outbox(engine)) == {OutboxStatus.SENT}, outbox(engine)
        texts = {who: [m.visible_text for m in tg.messages_to(USERS[who])] for who in USERS}
        waves = range(WAVES)
        once_each(texts["ani"], [f"T{w:03d}A" for w in waves])  # the manager's confirmation
        once_each(texts["budi"], [f"T{w:03d}A" for w in waves])  # the field worker's task
        once_each(texts["sarah"], [f"T{w:03d}B" for w in waves])
        once_each(texts["kevin"], [f"T{w:03d}B" for w in waves])
        for who in ("budi", "kevin"):  # each update's receipt, once
            assert len([t for t in texts[who] if not TASK.search(t)]) == WAVES, texts[who]
        assert tg.sends_inside_retry_window == []
        assert tg.violations == []
        assert set(chaos.struck) == set(KINDS), chaos.struck


class TestSlackUnderFaults:
    """The Slack adapter against a Web API failing 30% of its calls."""

    async def test_a_burst_and_its_notifications_arrive_once_and_never_too_early(
        self, chaotic_slack: FakeSlack, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Every reply and notification of a burst arrives exactly once; none inside a window."""
        slack = chaotic_slack
        slack_harness.add_workspace(engine, clock)
        adapter = await slack_harness.running(
            slack, gotong, engine, clock, request_timeout=CLIENT_TIMEOUT
        )
        desk = slack_harness.Desk(slack, adapter, clock, engine)
        chaos = slack.chaos = Chaos(fraction=0.3, seed=16, hang=2 * CLIENT_TIMEOUT)
        try:
            for wave in range(WAVES):
                clock.advance(timedelta(seconds=3))
                await asyncio.gather(*(desk.dm(who, text) for who, text in burst(wave)))
            for _ in range(200):  # the outbox takes what could not go at once
                if set(outbox(engine)) == {OutboxStatus.SENT}:
                    break
                clock.advance(timedelta(seconds=15))
                await adapter.deliver_once()
            slack.chaos = None
        finally:
            await adapter.stop()

        assert list(adapter.errors) == []
        assert set(outbox(engine)) == {OutboxStatus.SENT}, outbox(engine)
        texts = {who: desk.texts(who) for who in slack_harness.USERS}
        waves = range(WAVES)
        once_each(texts["ani"], [f"T{w:03d}A" for w in waves])
        once_each(texts["budi"], [f"T{w:03d}A" for w in waves])
        once_each(texts["sarah"], [f"T{w:03d}B" for w in waves])
        once_each(texts["kevin"], [f"T{w:03d}B" for w in waves])
        for who in ("budi", "kevin"):
            assert len([t for t in texts[who] if not TASK.search(t)]) == WAVES, texts[who]
        assert slack.sends_inside_retry_window == []
        assert slack.violations == []
        assert set(chaos.struck) == set(KINDS), chaos.struck
