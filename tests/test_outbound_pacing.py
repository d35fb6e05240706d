"""The outbox at the platform's full rate: chats side by side, never over a limit, a bot-wide
429 holding everyone, replies and notifications taking turns, and instances sharing pacing."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, insert
from sqlmodel import Session, select

from adapters.gate import BotGate
from adapters.pacing import OUTBOX, REPLIES
from adapters.sweep import PlatformOutbox, Sweep
from adapters.telegram import TelegramAdapter
from core.app import Gotong
from core.clock import FakeClock
from core.db import make_engine
from core.delivery.claims import Delivery, OutboxDelivery
from core.delivery.pacing import SendWindow, SharedPacing
from core.models import OutboxMessage, OutboxStatus
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram_harness import BOT, config_for


def moved_by_waiting(clock: FakeClock):  # type: ignore[no-untyped-def]
    """A sleep that moves the test's clock instead of waiting (after a real moment, so the
    sends already on their way over loopback reach the fake server first, as they would)."""

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(0.02)
        clock.advance(timedelta(seconds=seconds))

    return sleep


def seconds(clock: FakeClock) -> float:
    return clock.now().timestamp()


def tightest_span(moments: list[float], limit: int) -> float:
    """The shortest time any `limit` + 1 consecutive sends took (inf if there are fewer)."""
    ordered = sorted(moments)
    spans = [ordered[k + limit] - ordered[k] for k in range(len(ordered) - limit)]
    return min(spans, default=float("inf"))


def queue_to_chats(engine: Engine, clock: FakeClock, chats: list[int], per_chat: int) -> None:
    """`per_chat` messages to each chat, interleaved as notifications come in."""
    now = clock.now()
    rows = [
        {
            "dedupe_key": f"n{n}:{chat}",
            "text": f"Pesan {n} untuk {chat}",
            "buttons": [],
            "status": OutboxStatus.PENDING,
            "due_at": now,
            "created_at": now,
            "platform": "telegram",
            "chat_id": str(chat),
        }
        for n in range(per_chat)
        for chat in chats
    ]
    with Session(engine) as session:
        session.execute(insert(OutboxMessage), rows)
        session.commit()


@pytest.fixture
async def tg(clock: FakeClock) -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username=BOT, clock=lambda: seconds(clock)) as fake:
        yield fake


async def paced_adapter(tg: FakeTelegram, engine: Engine, clock: FakeClock) -> TelegramAdapter:
    """The adapter on the fake server, its waits moving the shared clock; not polling."""
    adapter = TelegramAdapter(
        config_for(tg),
        gotong=Gotong(engine, clock),
        outbox=OutboxDelivery(engine, clock),
        monotonic=lambda: seconds(clock),
        sleep=moved_by_waiting(clock),
    )
    await adapter.application.initialize()
    return adapter


class TestPacingUnderConcurrency:
    async def test_many_chats_go_at_the_bot_wide_rate_and_never_over(
        self, tg: FakeTelegram, engine: Engine, clock: FakeClock
    ) -> None:
        """90 messages to 45 chats in one sweep: all go, 30 a second at most, no 429."""
        chats = [5000 + n for n in range(45)]
        queue_to_chats(engine, clock, chats, per_chat=2)
        adapter = await paced_adapter(tg, engine, clock)
        try:
            assert await adapter.deliver_once(200) == 90
        finally:
            await adapter.application.shutdown()

        assert tg.violations == [] and tg.sends_inside_retry_window == []
        moments = [m.timestamp for m in tg.sent]
        assert tightest_span(moments, 30) >= 1.0
        assert max(moments) - min(moments) < 3.5  # about the 2 s the platform needs, not 5 s
        for chat in chats:  # each chat's messages in the order they were queued
            assert [m.text for m in tg.messages_to(chat)] == [
                f"Pesan {n} untuk {chat}" for n in range(2)
            ]

    async def test_one_chat_is_paced_and_keeps_its_order(
        self, tg: FakeTelegram, engine: Engine, clock: FakeClock
    ) -> None:
        """Six messages to one person: three go (Telegram's burst), the rest wait, in order."""
        queue_to_chats(engine, clock, [6000], per_chat=6)
        adapter = await paced_adapter(tg, engine, clock)
        try:
            assert await adapter.deliver_once(200) == 3
            assert 0 < (await adapter.next_due_in() or 0) <= 1.0
            for _ in range(10):
                clock.advance(timedelta(seconds=1))
                await adapter.deliver_once(200)
        finally:
            await adapter.application.shutdown()

        assert [m.text for m in tg.messages_to(6000)] == [f"Pesan {n} untuk 6000" for n in range(6)]
        assert tg.violations == []


class Recording(PlatformOutbox):
    """A platform whose first send answers 429 (retry after 5 s); the rest are taken."""

    platform = "telegram"

    def __init__(self, outbox: OutboxDelivery, clock: FakeClock) -> None:
        super().__init__(outbox, clock=lambda: seconds(clock))
        self.tried: list[str] = []

    async def deliver(self, delivery: Delivery, sweep: Sweep) -> bool:
        self.tried.append(delivery.chat_id)
        if len(self.tried) == 1:
            await self.rate_limited(delivery, sweep, timedelta(seconds=5))
            return False
        await self.sent(delivery, "1")
        return True


class TestBotWide429:
    async def test_a_429_holds_every_chat_for_retry_after(
        self, engine: Engine, clock: FakeClock
    ) -> None:
        """Telegram does not say which limit a 429 is about: every chat waits it out."""
        queue_to_chats(engine, clock, [7000, 7001, 7002, 7003], per_chat=1)
        outbox = Recording(OutboxDelivery(engine, clock), clock)

        assert await outbox.deliver_once() == 0
        assert outbox.tried == ["7000"]
        with Session(engine) as session:
            rows = session.exec(select(OutboxMessage)).all()
        assert {row.status for row in rows} == {OutboxStatus.PENDING}
        assert min(row.due_at for row in rows) >= clock.now() + timedelta(seconds=4.9)

        clock.advance(timedelta(seconds=5))
        assert await outbox.deliver_once() == 4

    async def test_the_gate_holds_every_lane_after_a_pause(self, clock: FakeClock) -> None:
        """After a bot-wide refusal neither replies nor the outbox send before it ends."""
        gate = BotGate(lambda: seconds(clock), limit=30, sleep=moved_by_waiting(clock))
        start = seconds(clock)
        gate.pause(5)

        await asyncio.gather(gate.wait_turn(REPLIES), gate.wait_turn(OUTBOX))
        gate.started()
        gate.started()

        assert seconds(clock) - start >= 5


class TestFairness:
    async def test_notifications_take_turns_with_a_flood_of_replies(self, clock: FakeClock) -> None:
        """60 replies wait before 10 notifications: the notifications are not left to last."""
        gate = BotGate(lambda: seconds(clock), limit=30, sleep=moved_by_waiting(clock))
        order: list[str] = []

        async def send(lane: str) -> None:
            await gate.wait_turn(lane)
            gate.started()
            order.append(lane)

        await asyncio.gather(
            *[send(REPLIES) for _ in range(60)], *[send(OUTBOX) for _ in range(10)]
        )

        assert order[:20].count(OUTBOX) == 10
        assert len(order) == 70

    def test_the_window_never_lets_more_than_the_limit_through(self) -> None:
        """A burst of 30, then one as each leaves the window: never 31 in one second."""
        window = SendWindow(limit=30, period=1.0)
        moments = window.take(100.0, 95)
        assert moments[:30] == [100.0] * 30 and moments[30] == 101.0
        assert tightest_span(moments, 30) >= 1.0


@pytest.mark.postgres
class TestSharedPacing:
    def test_two_instances_together_stay_under_the_bot_wide_rate(
        self, postgres_database: str
    ) -> None:
        """Two instances taking moments at once from one PostgreSQL row never exceed 30/s."""
        engines = [make_engine(postgres_database) for _ in range(2)]
        taken: list[list[float]] = [[], []]

        def instance(number: int) -> None:
            pacing = SharedPacing(engines[number], "telegram-test", limit=30, period=1.0)
            for _ in range(40):
                taken[number].extend(pacing.take(1000.0, 3))

        try:
            threads = [threading.Thread(target=instance, args=(n,)) for n in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            SharedPacing(engines[0], "telegram-test", limit=30, period=1.0).pause(2000.0)
            (after_pause,) = SharedPacing(engines[1], "telegram-test", limit=30, period=1.0).take(
                1000.0
            )
        finally:
            for engine in engines:
                engine.dispose()

        everyone = taken[0] + taken[1]
        assert len(everyone) == 240
        assert tightest_span(everyone, 30) >= 1.0
        assert max(everyone) - min(everyone) >= (240 // 30 - 1) * 1.0
        assert after_pause >= 2000.0  # one instance's 429 holds the other back too
