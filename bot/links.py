"""Links people can follow to reach the bot, e.g. Telegram deep links for invitations."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.settings import Settings

log = logging.getLogger("gotong.links")


async def telegram_username(settings: Settings) -> str | None:
    """The bot's @username from Telegram (for deep links), or None when it cannot be asked."""
    if settings.telegram_bot_token is None:
        return None
    bot = Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_file_base_url,
    )
    try:
        async with bot:
            return bot.username
    except TelegramError:
        log.warning("could not ask Telegram for the bot's username")
        return None


def telegram_deep_link(username: str, code: str) -> str:
    """The t.me link that opens the bot and sends /start CODE."""
    return f"https://t.me/{username}?start={code}"
