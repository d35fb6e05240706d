"""The composition root: the one place that builds Gotong's collaborators from Settings.

Order: settings -> logging -> engine -> core -> delivery -> adapters -> scheduler jobs. The CLI,
`gotong run`, `gotong chat` and the tests all build here, with overrides (clock, engine,
settings), so nothing else constructs a collaborator. A platform adapter package is imported
only when its credentials are configured: `gotong --help` and the console never pay for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, TextIO

from pydantic import SecretStr
from sqlalchemy import Engine

from adapters.console import ConsoleSession
from bot import logs
from bot.database import is_current, upgrade
from bot.jobs import CoreJobs
from bot.leader import Leadership, outbox_key
from bot.settings import Settings
from core.app import Gotong
from core.clock import Clock, SystemClock
from core.db import make_engine
from core.delivery.claims import OutboxDelivery
from core.delivery.firing import ReminderSweep
from core.digests.sweep import DigestSweep
from core.language.i18n import Catalog, language_or_default
from core.work.nudges import NudgeSweep

if TYPE_CHECKING:
    from adapters.slack import SlackAdapter
    from adapters.telegram import TelegramAdapter, TelegramConfig
    from adapters.whatsapp import WhatsAppAdapter, WhatsAppConfig
    from bot.runner import Platform
    from core.delivery.pacing import SharedPacing

# The adapters' PLATFORM names, spelt here so that naming one does not import its package.
TELEGRAM = "telegram"
SLACK = "slack"
WHATSAPP = "whatsapp"


class Schema(StrEnum):
    """What building does about a database whose schema is behind the code."""

    UPGRADE = "upgrade"  # `gotong db upgrade`: migrate, whatever the database
    START = "start"  # run, chat and writing commands: migrate SQLite, refuse a shared database
    CHECK = "check"  # read-only commands: never migrate, refuse
    ANY = "any"  # backup and restore: take the database as it is (they check what they need)


class OutdatedSchema(Exception):
    """The database is behind the code (or empty); the message is one line for the operator."""


@dataclass
class Runtime:
    """Gotong's core and what every command needs with it, built once."""

    settings: Settings
    engine: Engine
    clock: Clock
    gotong: Gotong

    @property
    def catalog(self) -> Catalog:
        """The messages the core renders, for what is told outside a conversation."""
        return self.gotong.catalog


def build(
    settings: Settings,
    *,
    schema: Schema = Schema.START,
    clock: Clock | None = None,
    engine: Engine | None = None,
) -> Runtime:
    """Build Gotong from settings; raises OutdatedSchema when `schema` says not to migrate."""
    logs.configure(settings)
    engine = engine or make_engine(settings.database_url)
    clock = clock or SystemClock()
    gotong = Gotong(
        engine,
        clock,
        catalog=Catalog(),
        default_language=settings.language,
        default_timezone=settings.timezone,
    )
    runtime = Runtime(settings=settings, engine=engine, clock=clock, gotong=gotong)
    _prepare_schema(runtime, schema)
    return runtime


def _prepare_schema(runtime: Runtime, schema: Schema) -> None:
    engine = runtime.engine
    if schema == Schema.UPGRADE:
        upgrade(engine)
        return
    if schema == Schema.ANY:
        return
    if is_current(engine):
        return
    # SQLite is one process's file (the quick start's `gotong run` just works); a PostgreSQL
    # database is shared by instances that must not run one schema change side by side.
    if schema == Schema.START and engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    settings = runtime.settings
    text = runtime.catalog.render(
        "cli.schema_outdated",
        lang=language_or_default(settings.language),
        tz=settings.timezone,
        now=runtime.clock.now(),
    )
    engine.dispose()
    raise OutdatedSchema(text)


def outbox_delivery(runtime: Runtime) -> OutboxDelivery:
    """The outbox as a platform worker sees it: claims leased for the configured time."""
    lease = timedelta(seconds=runtime.settings.outbox_lease_seconds)
    return OutboxDelivery(runtime.engine, runtime.clock, lease=lease)


def build_jobs(runtime: Runtime) -> CoreJobs:
    """The scheduler's jobs: the reminder, digest and nudge sweeps (every instance) and the
    leader's housekeeping."""
    reminders = ReminderSweep(
        runtime.engine,
        runtime.clock,
        runtime.catalog,
        too_late=timedelta(hours=runtime.settings.reminder_too_late_hours),
    )
    return CoreJobs(
        engine=runtime.engine,
        clock=runtime.clock,
        reminders=reminders,
        digests=digest_sweep(runtime),
        leadership=Leadership(runtime.engine),
        sweep_seconds=runtime.settings.outbox_sweep_seconds,
        nudges=NudgeSweep(runtime.engine, runtime.clock, runtime.catalog),
        outbox_retention=timedelta(days=runtime.settings.outbox_retention_days),
    )


def digest_sweep(runtime: Runtime) -> DigestSweep:
    """Digests planned per person and fired with the reminders."""
    return DigestSweep(runtime.engine, runtime.clock, runtime.catalog)


def build_console(runtime: Runtime, who: str, out: TextIO, *, styled: bool) -> ConsoleSession:
    """A terminal conversation as the person with handle `who`."""
    return ConsoleSession(
        runtime.gotong,
        outbox=outbox_delivery(runtime),
        who=who,
        out=out,
        styled=styled,
        files_dir=runtime.settings.files_dir,
    )


def telegram_config(settings: Settings) -> TelegramConfig:
    """The Telegram adapter's configuration (the settings must hold a bot token)."""
    from adapters.telegram import TelegramConfig

    assert settings.telegram_bot_token is not None
    return TelegramConfig(
        token=settings.telegram_bot_token.get_secret_value(),
        api_base_url=settings.telegram_api_base_url,
        file_base_url=settings.telegram_file_base_url,
        webhook_url=settings.telegram_webhook_url or None,
        webhook_listen=settings.telegram_webhook_listen,
        webhook_secret=_secret(settings.telegram_webhook_secret),
        private_per_second=settings.telegram_private_per_second,
        group_per_minute=settings.telegram_group_per_minute,
        overall_per_second=settings.telegram_per_second,
    )


def telegram_adapter(runtime: Runtime) -> TelegramAdapter:
    """The Telegram adapter wired to the runtime's core and outbox."""
    from adapters.telegram import TelegramAdapter

    config = telegram_config(runtime.settings)
    return TelegramAdapter(
        config,
        gotong=runtime.gotong,
        outbox=outbox_delivery(runtime),
        shared_pacing=shared_pacing(runtime, "telegram", limit=config.overall_per_second),
    )


def shared_pacing(runtime: Runtime, platform: str, *, limit: int) -> SharedPacing | None:
    """On PostgreSQL, the bot-wide send window every instance shares (several `gotong run`
    may serve one database); on SQLite one instance runs, and its window lives in memory."""
    if runtime.engine.dialect.name != "postgresql":
        return None
    from adapters.pacing import SAFETY
    from core.delivery.pacing import SharedPacing

    return SharedPacing(runtime.engine, platform, limit=limit, period=1.0 + SAFETY)


async def telegram_bot_username(settings: Settings) -> str | None:
    """The bot's @username for t.me deep links, or None without a token or a connection."""
    if settings.telegram_bot_token is None:
        return None
    from adapters.telegram import fetch_bot_username

    return await fetch_bot_username(telegram_config(settings))


def slack_adapter(runtime: Runtime) -> SlackAdapter:
    """The Slack adapter wired to the runtime's core and outbox (the settings hold a token)."""
    from adapters.slack import SlackAdapter, SlackConfig

    settings = runtime.settings
    assert settings.slack_bot_token is not None
    config = SlackConfig(
        bot_token=settings.slack_bot_token.get_secret_value(),
        app_token=_secret(settings.slack_app_token),
        signing_secret=_secret(settings.slack_signing_secret),
        api_base_url=settings.slack_api_base_url,
        http_listen=settings.slack_http_listen,
        http_path=settings.slack_http_path,
        channel_per_second=settings.slack_channel_per_second,
    )
    return SlackAdapter(config, gotong=runtime.gotong, outbox=outbox_delivery(runtime))


def whatsapp_config(settings: Settings) -> WhatsAppConfig:
    """The WhatsApp adapter's configuration (the settings must hold a token)."""
    from adapters.whatsapp import WhatsAppConfig

    assert settings.whatsapp_token is not None
    return WhatsAppConfig(
        token=settings.whatsapp_token.get_secret_value(),
        phone_number_id=settings.whatsapp_phone_number_id or "",
        app_secret=_secret(settings.whatsapp_app_secret) or "",
        verify_token=_secret(settings.whatsapp_verify_token) or "",
        api_base_url=settings.whatsapp_api_base_url,
        webhook_listen=settings.whatsapp_webhook_listen,
        webhook_path=settings.whatsapp_webhook_path,
        per_second=settings.whatsapp_per_second,
        recipient_per_second=settings.whatsapp_recipient_per_second,
        waiting_template=settings.whatsapp_waiting_template,
    )


def whatsapp_adapter(runtime: Runtime) -> WhatsAppAdapter:
    """The WhatsApp adapter wired to the runtime's core and outbox."""
    from adapters.whatsapp import WhatsAppAdapter

    return WhatsAppAdapter(
        whatsapp_config(runtime.settings), gotong=runtime.gotong, outbox=outbox_delivery(runtime)
    )


async def whatsapp_number(settings: Settings) -> str | None:
    """The business number's digits for wa.me links, or None without a token or a connection."""
    if settings.whatsapp_token is None or not settings.whatsapp_phone_number_id:
        return None
    from adapters.whatsapp import business_number

    return await business_number(whatsapp_config(settings))


def configured_platforms(runtime: Runtime) -> dict[str, Platform]:
    """Every platform the settings give credentials for, by name."""
    platforms: dict[str, Platform] = {}
    if runtime.settings.telegram_bot_token is not None:
        platforms[TELEGRAM] = telegram_adapter(runtime)
    if runtime.settings.slack_bot_token is not None:
        platforms[SLACK] = slack_adapter(runtime)
    if runtime.settings.whatsapp_token is not None:
        platforms[WHATSAPP] = whatsapp_adapter(runtime)
    return platforms


def outbox_senders(runtime: Runtime, platforms: Mapping[str, Platform]) -> dict[str, Leadership]:
    """Who sends each platform's outbox: one instance at a time on a shared PostgreSQL
    database (SQLite has one instance, which always sends)."""
    return {name: Leadership(runtime.engine, key=outbox_key(name)) for name in platforms}


def start_errors(platforms: Mapping[str, Platform]) -> tuple[type[Exception], ...]:
    """The errors by which these platforms refuse to start (told to the operator in one line)."""
    errors: list[type[Exception]] = []
    if TELEGRAM in platforms:
        from adapters.telegram import TelegramStartError

        errors.append(TelegramStartError)
    if SLACK in platforms:
        from adapters.slack import SlackStartError

        errors.append(SlackStartError)
    if WHATSAPP in platforms:
        from adapters.whatsapp import WhatsAppStartError

        errors.append(WhatsAppStartError)
    return tuple(errors)


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value else None
