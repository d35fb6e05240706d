"""The Telegram adapter: python-telegram-bot updates in, core replies and outbox messages out."""

from adapters.telegram.app import (
    TelegramAdapter,
    TelegramConfig,
    TelegramStartError,
    fetch_bot_username,
)
from adapters.telegram.translate import PLATFORM

__all__ = [
    "PLATFORM",
    "TelegramAdapter",
    "TelegramConfig",
    "TelegramStartError",
    "fetch_bot_username",
]
