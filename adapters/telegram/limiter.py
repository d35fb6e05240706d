"""Telegram's bot-wide and per-group limits, for every send the bot makes.

python-telegram-bot hands each API call to the bot's rate limiter; this one waits for the
shared `BotGate` (30 a second for the whole bot, replies and the outbox taking turns) and,
for a reply in a group, for that group's window (20 a minute). The outbox paces its own
group messages with the same windows and puts a message back rather than wait, so it says
so with `rate_limit_args=OUTBOX`. A 429 holds the whole bot back for as long as Telegram
said: Telegram does not say which limit was hit, and waiting is the safe reading.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from adapters.gate import BotGate
from adapters.pacing import OUTBOX, REPLIES, TURN_TAKEN, ChatWindows

Result = bool | dict[str, Any] | list[dict[str, Any]]


class TelegramLimiter(BaseRateLimiter[int | str]):
    """Paces every call that names a chat. `rate_limit_args` is OUTBOX for the outbox (a
    refusal goes back to it), or for a reply how many 429s to wait out before giving up."""

    def __init__(self, gate: BotGate, groups: ChatWindows) -> None:
        self.gate = gate
        self.groups = groups

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | str | None,
    ) -> Result:
        """Run one API call once its group and the whole bot may send."""
        chat_id = data.get("chat_id")
        if chat_id is None:  # getUpdates, answerCallbackQuery, setMyCommands...
            return await callback(*args, **kwargs)
        if rate_limit_args == TURN_TAKEN:
            return await self._send(callback, args, kwargs)
        lane = OUTBOX if rate_limit_args == OUTBOX else REPLIES
        retries = rate_limit_args if isinstance(rate_limit_args, int) else 0
        if lane == REPLIES and is_group(chat_id):
            wait = self.groups.reserve(str(chat_id))
            if wait > 0:
                await self.gate.sleep(wait)
        for attempt in range(retries + 1):
            await self.gate.wait_turn(lane)  # after a 429, this waits it out
            try:
                return await self._send(callback, args, kwargs)
            except RetryAfter:
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _send(
        self, callback: Callable[..., Coroutine[Any, Any, Result]], args: Any, kwargs: Any
    ) -> Result:
        self.gate.started()
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            self.gate.pause(_seconds(error.retry_after))
            raise


def _seconds(retry_after: int | timedelta) -> float:
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


def is_group(chat_id: object) -> bool:
    """A group, supergroup or channel: a negative id, or a channel's @username."""
    if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
        return True
    try:
        return int(str(chat_id)) < 0
    except ValueError:
        return False
