"""`gotong run` with a bot token: Telegram and the outbox sweep in one process until a signal."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine

from bot import bootstrap
from bot.bootstrap import Runtime, Schema, configured_platforms, telegram_bot_username
from bot.runner import run_platforms
from bot.settings import Settings
from core.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram_harness import ANI, BUDI, add_workspace, wait_until


@pytest.fixture(autouse=True)
def _retry_after_as_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def tg(clock: FakeClock) -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(clock=lambda: clock.now().timestamp()) as fake:
        yield fake


def runtime_for(tg: FakeTelegram, engine: Engine, clock: FakeClock, **settings: object) -> Runtime:
    """Gotong built by the composition root against the fake Bot API and the test database."""
    values: dict[str, object] = {
        "telegram_bot_token": tg.token,
        "telegram_api_base_url": tg.base_url,
        "telegram_file_base_url": tg.base_file_url,
        "outbox_sweep_seconds": 0.05,
    }
    return bootstrap.build(
        Settings(**(values | settings)), schema=Schema.CHECK, engine=engine, clock=clock
    )


async def serve(runtime: Runtime, stop: asyncio.Event | None = None) -> None:
    """`gotong run` with platforms: what the root builds, run by the runner."""
    await run_platforms(
        configured_platforms(runtime),
        bootstrap.build_jobs(runtime),
        sweep_seconds=runtime.settings.outbox_sweep_seconds,
        stop=stop,
    )


class TestRunPlatforms:
    async def test_serves_telegram_and_sweeps_the_outbox_until_sigterm(
        self, tg: FakeTelegram, engine: Engine, clock: FakeClock
    ) -> None:
        """A task assigned on Telegram reaches the assignee by the scheduled sweep; SIGTERM stops."""
        add_workspace(engine, clock)
        serving = asyncio.create_task(serve(runtime_for(tg, engine, clock)))
        await wait_until(lambda: bool(tg.calls_to("deleteWebhook")))  # polling starts

        tg.push_message(ANI, "/tugas Kirim data penerima @budi besok 17:00 #pkh")
        await wait_until(lambda: bool(tg.messages_to(ANI)) and bool(tg.messages_to(BUDI)))
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(serving, timeout=5)

        assert tg.last_to(BUDI).callback_data == ["done 1"]
        assert tg.pending_updates == []
        assert tg.violations == []

    async def test_stop_event_ends_the_run(
        self, tg: FakeTelegram, engine: Engine, clock: FakeClock
    ) -> None:
        """The runner can also be stopped from inside the process."""
        stop = asyncio.Event()
        serving = asyncio.create_task(serve(runtime_for(tg, engine, clock), stop=stop))
        await wait_until(lambda: bool(tg.calls_to("deleteWebhook")))  # polling starts

        stop.set()
        await asyncio.wait_for(serving, timeout=5)

        assert serving.exception() is None

    def test_no_token_means_no_platforms(
        self, tg: FakeTelegram, engine: Engine, clock: FakeClock
    ) -> None:
        """Without TELEGRAM_BOT_TOKEN nothing is started for Telegram."""
        runtime = runtime_for(tg, engine, clock, telegram_bot_token=None)

        assert configured_platforms(runtime) == {}


class TestBotUsername:
    async def test_username_for_deep_links(
        self, tg: FakeTelegram, engine: Engine, clock: FakeClock
    ) -> None:
        """`gotong invite` can build https://t.me/<bot>?start=<code> from getMe."""
        runtime = runtime_for(tg, engine, clock)

        assert await telegram_bot_username(runtime.settings) == "GotongTestBot"

    async def test_a_refused_token_gives_none_and_is_not_logged(
        self,
        tg: FakeTelegram,
        engine: Engine,
        clock: FakeClock,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """PTB's InvalidToken message repeats the token; Gotong's log names the error only."""
        wrong = "987654:WrongTokenWrongTokenWrongToken"
        runtime = runtime_for(tg, engine, clock, telegram_bot_token=wrong)

        assert await telegram_bot_username(runtime.settings) is None
        assert "InvalidToken" in caplog.text and "WrongToken" not in caplog.text
