"""Delivering the outbox on Telegram: paced per private chat, refusals mapped to what they mean.

Flood control (RetryAfter) and our own pacing put a message back without spending an
attempt; network trouble backs off with jitter; a person who blocked the bot is marked
unreachable and their messages stop. Anything but a TelegramError is a bug: the shared sweep
gives that message up.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import timedelta

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from adapters.failures import error_kind
from adapters.pacing import ChatPacer, backoff
from adapters.sweep import PlatformOutbox, Sweep
from adapters.telegram.render import render
from adapters.telegram.translate import PLATFORM
from core.delivery.claims import Delivery, OutboxDelivery
from core.eventlog import event
from core.messages import Reply

log = logging.getLogger("gotong.telegram")

BAD_REQUEST_DELAY = timedelta(minutes=30)


class TelegramOutbox(PlatformOutbox):
    """Sends the outbox messages due for Telegram."""

    platform = PLATFORM

    def __init__(
        self,
        bot: Bot,
        outbox: OutboxDelivery,
        clock: Callable[[], float],
        *,
        private_per_second: float = 1.0,
    ) -> None:
        super().__init__(outbox)
        self._bot = bot
        # PTB's AIORateLimiter paces groups and the whole bot; private chats are ours to pace.
        self._pacer = ChatPacer(clock, per_second=private_per_second, burst=3)

    async def deliver(self, delivery: Delivery, sweep: Sweep) -> bool:
        message_id = None
        pieces = render(Reply(delivery.text, delivery.buttons))
        if not pieces:
            await self.failed(delivery, "empty message")
            return False
        if not delivery.chat_id.startswith("-"):  # a private chat
            wait = self._pacer.take(delivery.chat_id, len(pieces) - delivery.pieces_sent)
            if wait > 0:
                await self.postpone(delivery, timedelta(seconds=math.ceil(wait)), "paced")
                return False
        try:
            for number, piece in enumerate(pieces):
                if number < delivery.pieces_sent:
                    continue  # taken by an earlier attempt
                message = await self._bot.send_message(
                    _chat(delivery.chat_id),
                    piece.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=piece.keyboard,
                )
                message_id = message.message_id
                if number + 1 < len(pieces):
                    await self.progress(delivery, number + 1)
        except RetryAfter as error:
            await self.rate_limited(delivery, sweep, _as_timedelta(error.retry_after))
            return False
        except Forbidden:
            await self.unreachable(delivery, sweep, "forbidden")
            return False
        except BadRequest as error:  # Telegram will refuse it again soon: wait long
            await self.put_back(delivery, BAD_REQUEST_DELAY, f"bad request: {error.message}")
            return False
        except NetworkError as error:  # TimedOut included
            delay = backoff(delivery.attempts)
            await self.put_back(delivery, delay, error_kind(error))
            return False
        except InvalidToken:  # the admin must act: keep the message, try much later
            event(log, "telegram.token_refused", level=logging.ERROR, delivery=delivery.id)
            await self.put_back(delivery, BAD_REQUEST_DELAY, "invalid token")
            return False
        except TelegramError as error:  # another refusal from Telegram: not a bug of ours
            await self.put_back(delivery, BAD_REQUEST_DELAY, error_kind(error))
            return False
        await self.sent(delivery, str(message_id or ""))
        return True


def _chat(chat_id: str) -> int | str:
    try:
        return int(chat_id)
    except ValueError:  # a channel's @username
        return chat_id


def _as_timedelta(value: int | timedelta) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=value)
