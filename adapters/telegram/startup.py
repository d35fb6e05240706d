"""What Telegram is asked before the bot serves: who the bot is, and its command menu."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from adapters.failures import error_kind
from adapters.telegram.config import TelegramConfig
from core.eventlog import event
from core.language.i18n import Catalog
from core.language.menu import command_menu

log = logging.getLogger("gotong.telegram")


async def set_command_menu(bot: Bot, catalog: Catalog) -> None:
    """The "/" menu in both languages; a missing menu is a nuisance, not a reason to stay off."""
    for language_code, lang in (("", "id"), ("en", "en")):
        commands = [BotCommand(name, text[:256]) for name, text in command_menu(catalog, lang)]
        try:
            await bot.set_my_commands(commands, language_code=language_code or None)
        except TelegramError as error:
            event(
                log,
                "telegram.menu_not_set",
                level=logging.WARNING,
                language=lang,
                error=error_kind(error),
            )


async def fetch_bot_username(config: TelegramConfig) -> str | None:
    """The bot's username from Telegram (getMe), for t.me deep links; None if unreachable."""
    request = HTTPXRequest()
    client = Bot(
        config.token,
        base_url=config.api_base_url,
        base_file_url=config.file_base_url,
        request=request,
    )
    try:
        async with client:
            return client.username
    except TelegramError as error:  # InvalidToken's message repeats the token: name it only
        event(log, "telegram.bot_name_unknown", level=logging.WARNING, error=error_kind(error))
        return None
    finally:
        await request.shutdown()  # a refused getMe leaves it open
