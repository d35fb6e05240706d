"""Delivering the outbox on Telegram: paced per private chat, refusals mapped to what they mean.

Flood control (RetryAfter) and our own pacing put a message back without spending an
attempt; network trouble backs off with jitter; a person who blocked the bot is marked
unreachable and their messages stop.
"""

from __future__ import annotations

import asyncio
import logging
import math
import traceback
from collections.abc import Callable
from datetime import timedelta

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from adapters.pacing import ChatPacer, backoff
from adapters.telegram.render import render
from adapters.telegram.translate import PLATFORM
from core.delivery import Delivery, OutboxDelivery
from core.messages import Reply

log = logging.getLogger("gotong.telegram")

NETWORK_BACKOFF = timedelta(seconds=5)
MAX_BACKOFF = timedelta(minutes=10)
BAD_REQUEST_DELAY = timedelta(minutes=30)


class TelegramOutbox:
    """Claims the outbox messages due for Telegram and sends them."""

    def __init__(
        self,
        bot: Bot,
        outbox: OutboxDelivery,
        clock: Callable[[], float],
        *,
        private_per_second: float = 1.0,
    ) -> None:
        self._bot = bot
        self._outbox = outbox
        # PTB's AIORateLimiter paces groups and the whole bot; private chats are ours to pace.
        self._pacer = ChatPacer(clock, per_second=private_per_second, burst=3)

    async def deliver_once(self, limit: int = 50) -> int:
        """Send the outbox messages due for Telegram; returns how many were sent."""
        try:
            deliveries = await asyncio.to_thread(self._outbox.claim, PLATFORM, limit)
        except Exception as error:
            log.error("outbox claim failed error=%s", type(error).__name__)
            return 0
        sent = 0
        flood: dict[str, timedelta] = {}  # chats Telegram told to wait, for this sweep
        for delivery in deliveries:
            try:
                if delivery.chat_id in flood:
                    await self._postpone(delivery, flood[delivery.chat_id], "flood control")
                elif await self._deliver(delivery, flood):
                    sent += 1
            except Exception as error:  # a bug or the database: keep the sweep going
                log.error(
                    "outbox delivery failed delivery=%s error=%s\n%s",
                    delivery.id,
                    type(error).__name__,
                    "".join(traceback.format_tb(error.__traceback__)),
                )
        return sent

    async def _deliver(self, delivery: Delivery, flood: dict[str, timedelta]) -> bool:
        message_id = None
        pieces = render(Reply(delivery.text, delivery.buttons))
        # AIORateLimiter paces groups and the bot's overall rate, not private chats: we do.
        if not delivery.chat_id.startswith("-"):
            wait = self._pacer.take(delivery.chat_id, len(pieces))
            if wait > 0:
                await self._postpone(delivery, timedelta(seconds=math.ceil(wait)), "paced")
                return False
        try:
            for piece in pieces:
                message = await self._bot.send_message(
                    _chat(delivery.chat_id),
                    piece.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=piece.keyboard,
                )
                message_id = message.message_id
        except RetryAfter as error:
            delay = _as_timedelta(error.retry_after)
            flood[delivery.chat_id] = delay
            await self._postpone(delivery, delay, "retry after")
            return False
        except Forbidden:
            log.info("person unreachable on telegram person=%s", delivery.person_id)
            await asyncio.to_thread(self._outbox.unreachable, delivery.person_id, PLATFORM)
            return False
        except BadRequest as error:  # Telegram will refuse it again soon: wait long
            await self._put_back(delivery, BAD_REQUEST_DELAY, f"bad request: {error.message}")
            return False
        except NetworkError as error:  # TimedOut included
            delay = backoff(delivery.attempts, base=NETWORK_BACKOFF, cap=MAX_BACKOFF)
            await self._put_back(delivery, delay, _name(error))
            return False
        await asyncio.to_thread(self._outbox.sent, delivery.id, str(message_id or ""))
        return True

    async def _postpone(self, delivery: Delivery, delay: timedelta, reason: str) -> None:
        log.info("outbox delivery postponed delivery=%s reason=%s", delivery.id, reason)
        await asyncio.to_thread(self._outbox.postpone, delivery.id, delay, reason)

    async def _put_back(self, delivery: Delivery, delay: timedelta, error: str) -> None:
        log.info("outbox delivery postponed delivery=%s error=%s", delivery.id, error)
        await asyncio.to_thread(self._outbox.retry_later, delivery.id, delay, error)


def _chat(chat_id: str) -> int | str:
    try:
        return int(chat_id)
    except ValueError:  # a channel's @username
        return chat_id


def _as_timedelta(value: int | timedelta) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def _name(error: BaseException) -> str:
    return type(error).__name__
