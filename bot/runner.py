"""`gotong run`: one asyncio process with the adapters and the scheduler side by side."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from pydantic import SecretStr

from adapters.console import ConsoleSession
from adapters.slack import PLATFORM as SLACK
from adapters.slack import SlackAdapter, SlackConfig
from adapters.telegram import PLATFORM as TELEGRAM
from adapters.telegram import TelegramAdapter, TelegramConfig, fetch_bot_username
from bot.bootstrap import Runtime
from bot.jobs import CoreJobs
from bot.settings import Settings
from core.delivery.claims import OutboxDelivery

log = logging.getLogger("gotong.runner")


class Platform(Protocol):
    """A chat platform adapter as the runner drives it."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver_once(self, limit: int = 50) -> int: ...


async def run_console(runtime: Runtime, who: str) -> None:
    """Serve one person on the terminal until end of input, delivering queued messages."""
    console = ConsoleSession(
        runtime.gotong,
        outbox=outbox_delivery(runtime),
        who=who,
        out=sys.stdout,
        styled=sys.stdout.isatty(),
    )
    scheduler = AsyncIOScheduler(timezone=UTC)
    jobs = CoreJobs(runtime)
    jobs.schedule(scheduler)
    scheduler.add_job(
        console.deliver,
        "interval",
        seconds=runtime.settings.outbox_sweep_seconds,
        id="outbox-sweep",
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    try:
        await asyncio.to_thread(console.deliver)
        while True:
            if sys.stdin.isatty():
                sys.stdout.write(f"{who}> ")
                sys.stdout.flush()
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            if line.strip():
                await asyncio.to_thread(console.send, line.strip())
    finally:
        # Let a job in progress finish (a cancelled one could leave its work half done).
        scheduler.pause()
        await asyncio.sleep(0)
        await jobs.finished()
        scheduler.shutdown(wait=False)
        jobs.close()


def outbox_delivery(runtime: Runtime) -> OutboxDelivery:
    """The outbox as the runtime's platform workers see it."""
    lease = timedelta(seconds=runtime.settings.outbox_lease_seconds)
    return OutboxDelivery(runtime.engine, runtime.clock, lease=lease)


def telegram_config(settings: Settings) -> TelegramConfig:
    """The Telegram adapter's configuration (the settings must hold a bot token)."""
    assert settings.telegram_bot_token is not None
    secret = settings.telegram_webhook_secret
    return TelegramConfig(
        token=settings.telegram_bot_token.get_secret_value(),
        api_base_url=settings.telegram_api_base_url,
        file_base_url=settings.telegram_file_base_url,
        webhook_url=settings.telegram_webhook_url or None,
        webhook_listen=settings.telegram_webhook_listen,
        webhook_secret=secret.get_secret_value() if secret else None,
        private_per_second=settings.telegram_private_per_second,
        group_per_minute=settings.telegram_group_per_minute,
        overall_per_second=settings.telegram_per_second,
    )


def telegram_adapter(runtime: Runtime) -> TelegramAdapter:
    """The Telegram adapter wired to the runtime's core and outbox."""
    return TelegramAdapter(
        telegram_config(runtime.settings),
        gotong=runtime.gotong,
        outbox=outbox_delivery(runtime),
    )


async def telegram_bot_username(settings: Settings) -> str | None:
    """The bot's @username for t.me deep links, or None without a token or a connection."""
    if settings.telegram_bot_token is None:
        return None
    return await fetch_bot_username(telegram_config(settings))


def slack_adapter(runtime: Runtime) -> SlackAdapter:
    """The Slack adapter wired to the runtime's core and outbox (the settings hold a token)."""
    settings = runtime.settings
    assert settings.slack_bot_token is not None

    def secret(value: SecretStr | None) -> str | None:
        return value.get_secret_value() if value else None

    config = SlackConfig(
        bot_token=settings.slack_bot_token.get_secret_value(),
        app_token=secret(settings.slack_app_token),
        signing_secret=secret(settings.slack_signing_secret),
        api_base_url=settings.slack_api_base_url,
        http_listen=settings.slack_http_listen,
        http_path=settings.slack_http_path,
        channel_per_second=settings.slack_channel_per_second,
    )
    return SlackAdapter(config, gotong=runtime.gotong, outbox=outbox_delivery(runtime))


def configured_platforms(runtime: Runtime) -> dict[str, Platform]:
    """Every platform the settings give credentials for, by name."""
    platforms: dict[str, Platform] = {}
    if runtime.settings.telegram_bot_token is not None:
        platforms[TELEGRAM] = telegram_adapter(runtime)
    if runtime.settings.slack_bot_token is not None:
        platforms[SLACK] = slack_adapter(runtime)
    return platforms


class OutboxSweep:
    """One platform's outbox delivery as a scheduler job that shutdown can wait for."""

    def __init__(self, name: str, deliver: Callable[[], Awaitable[int]]) -> None:
        self.name = name
        self._deliver = deliver
        self._lock = asyncio.Lock()

    async def run(self) -> None:
        """One sweep; a sweep still running makes the next one wait."""
        async with self._lock:
            try:
                await self._deliver()
            except Exception as error:  # deliver_once should not raise; the loop must not die
                log.error(
                    "outbox sweep failed platform=%s error=%s", self.name, type(error).__name__
                )

    async def finished(self) -> None:
        """Wait until a sweep in progress is done."""
        async with self._lock:
            pass


async def run_platforms(
    runtime: Runtime,
    *,
    platforms: dict[str, Platform] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve the configured platforms and sweep their outboxes until SIGINT/SIGTERM (or `stop`)."""
    platforms = configured_platforms(runtime) if platforms is None else platforms
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    scheduler = AsyncIOScheduler(timezone=UTC)
    jobs = CoreJobs(runtime)
    jobs.schedule(scheduler)
    sweeps: list[OutboxSweep] = []
    started: list[Platform] = []
    try:
        for name, platform in platforms.items():
            await platform.start()
            started.append(platform)
            sweep = OutboxSweep(name, platform.deliver_once)
            sweeps.append(sweep)
            scheduler.add_job(
                sweep.run,  # a bound coroutine function: APScheduler awaits it in the loop
                "interval",
                seconds=runtime.settings.outbox_sweep_seconds,
                id=f"outbox-{name}",
                max_instances=1,
                coalesce=True,
                next_run_time=datetime.now(UTC),  # what waited while we were down goes first
            )
            log.info("serving %s", name)
        scheduler.start()
        await stop.wait()
    finally:
        if scheduler.running:
            scheduler.pause()
            # A sweep the scheduler launched this very moment gets to start (and take its
            # lock); then every sweep in progress reports its sends, so nothing is sent twice
            # after a restart and shutdown has nothing left to cancel.
            await asyncio.sleep(0)
            for sweep in sweeps:
                await sweep.finished()
            await jobs.finished()
            scheduler.shutdown(wait=False)
        jobs.close()
        for platform in reversed(started):
            try:
                await platform.stop()
            except Exception as error:
                log.error("stopping a platform failed error=%s", type(error).__name__)
        for signum in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
