"""What the Telegram adapter is told at start-up, and what it cannot start without."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram.constants import UpdateType

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = [UpdateType.MESSAGE, UpdateType.CALLBACK_QUERY]


class TelegramStartError(RuntimeError):
    """Telegram could not be reached or refused the bot at start-up."""


@dataclass(frozen=True)
class TelegramConfig:
    """What the adapter needs to know; the runner fills it from Settings."""

    token: str = field(repr=False)
    api_base_url: str = "https://api.telegram.org/bot"
    file_base_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0:8443"
    webhook_secret: str | None = field(default=None, repr=False)
    poll_timeout: float = 30.0
    # Real seconds to wait before asking again when getUpdates failed (doubling up to 60).
    poll_retry_delay: float = 1.0
    concurrent_updates: int = 16
    # Seconds a Bot API call (but getUpdates) may take before it counts as lost (PTB's default).
    request_timeout: float = 5.0
    # Real seconds between tries of a reply the network lost (a weak signal drops many).
    reply_retry_delays: tuple[float, ...] = (1.0, 4.0)
    # Telegram's limits: messages a second to one private chat, a minute to one group, and a
    # second for the whole bot.
    private_per_second: float = 1.0
    group_per_minute: int = 20
    overall_per_second: int = 30
    # The span Telegram counts a group's messages over (a minute; benchmarks shrink it).
    group_window_seconds: float = 60.0
