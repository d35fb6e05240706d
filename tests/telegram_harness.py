"""The Telegram end-to-end harness: the real adapter against the fake server, and helpers.

Each test talks to Gotong the way people do on Telegram: messages and button presses are
pushed into the fake server, the adapter long-polls them (or receives them by webhook), the
real core handles them, and the test reads what the fake server recorded. Time is the core's
FakeClock, shared with the fake's flood control, so nothing sleeps for rate limits.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from adapters.telegram import TelegramAdapter, TelegramConfig
from core.app import Gotong
from core.clock import FakeClock
from core.delivery.claims import OutboxDelivery
from tests.fakes.telegram_records import SentMessage
from tests.fakes.telegram_server import FakeTelegram
from tests.workspace import add_workspace as shared_workspace

USERS = {"ani": 1001, "sarah": 1002, "budi": 2001, "kevin": 2002, "harjo": 3001, "tom": 3002}
ANI, SARAH, BUDI, KEVIN, HARJO, TOM = USERS.values()
STRANGER = 9001
GROUP = -1001234567
BOT = "GotongTestBot"


@pytest.fixture(autouse=True)
def _retry_after_as_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without it PTB 22 warns (PTBDeprecationWarning) while building RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


async def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)


def add_workspace(engine: Engine, clock: FakeClock) -> None:
    """The shared workspace, everyone on Telegram."""
    shared_workspace(
        engine, clock, platform="telegram", accounts={h: str(u) for h, u in USERS.items()}
    )


def config_for(tg: FakeTelegram, **overrides: Any) -> TelegramConfig:
    settings: dict[str, Any] = {
        "token": tg.token,
        "api_base_url": tg.base_url,
        "file_base_url": tg.base_file_url,
        "reply_retry_delays": (0.01,),
    }
    return TelegramConfig(**(settings | overrides))


def count(engine: Engine, model: type[Any]) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


@dataclass
class Chats:
    """People on Telegram talking to the running adapter, and what the fake server saw."""

    tg: FakeTelegram
    adapter: TelegramAdapter
    clock: FakeClock
    engine: Engine

    def user(self, who: str | int) -> int:
        return USERS[who] if isinstance(who, str) else who

    async def say(
        self, who: str | int, text: str | None = None, **kwargs: Any
    ) -> list[SentMessage]:
        """Send a message as a person (a few seconds after the last one); what the bot sent."""
        self.clock.advance(timedelta(seconds=2))
        return await self.until_handled(
            lambda: self.tg.push_message(self.user(who), text, **kwargs)
        )

    async def press(self, who: str | int, message: SentMessage, data: str) -> list[SentMessage]:
        """Tap a button of a message the bot sent; what the bot sent in answer."""
        assert data in message.callback_data, message.callback_data
        self.clock.advance(timedelta(seconds=2))
        return await self.until_handled(
            lambda: self.tg.push_callback(
                self.user(who), data, message.message_id, chat_id=int(message.chat_id)
            )
        )

    async def until_handled(
        self, push: Callable[[], object], updates: int = 1
    ) -> list[SentMessage]:
        before, handled = len(self.tg.sent), self.adapter.handled
        push()
        await wait_until(lambda: self.adapter.handled >= handled + updates)
        return self.tg.sent[before:]

    async def deliver(self) -> list[SentMessage]:
        """One outbox sweep, a few seconds after the last thing happened; what it sent."""
        self.clock.advance(timedelta(seconds=2))
        before = len(self.tg.sent)
        sent = await self.adapter.deliver_once()
        # A row is one message, or two when it carries a file it cannot caption (a meeting's
        # calendar file before the invitation's text and buttons).
        assert sent <= len(self.tg.sent) - before <= 2 * sent
        return self.tg.sent[before:]

    def texts(self, who: str | int) -> list[str]:
        return [m.visible_text for m in self.tg.messages_to(self.user(who))]


@pytest.fixture
async def tg(clock: FakeClock) -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username=BOT, clock=lambda: clock.now().timestamp()) as fake:
        yield fake


async def running(
    tg: FakeTelegram, gotong: Gotong, engine: Engine, clock: FakeClock, **config: Any
) -> TelegramAdapter:
    adapter = TelegramAdapter(
        config_for(tg, **config),
        gotong=gotong,
        outbox=OutboxDelivery(engine, clock),
        monotonic=lambda: clock.now().timestamp(),  # one clock for the core, the fake, our pacing
    )
    await adapter.start()
    return adapter


@pytest.fixture
async def chats(
    tg: FakeTelegram, gotong: Gotong, engine: Engine, clock: FakeClock
) -> AsyncIterator[Chats]:
    """The adapter long-polling the fake server, with the workspace on Telegram."""
    add_workspace(engine, clock)
    adapter = await running(tg, gotong, engine, clock)
    try:
        yield Chats(tg, adapter, clock, engine)
    finally:
        await adapter.stop()
    assert list(adapter.errors) == []
    assert tg.violations == []
    assert tg.sends_inside_retry_window == []


async def polling_started(tg: FakeTelegram) -> None:
    """Wait until the adapter has polled (a stranger's message was fetched and answered)."""
    tg.push_message(STRANGER, "halo")
    await wait_until(lambda: tg.pending_updates == [] and bool(tg.messages_to(STRANGER)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
