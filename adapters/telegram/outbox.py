"""Delivering the outbox on Telegram: paced per private chat, refusals mapped to what they mean.

A message with a file sends the file first, with the text as its caption when it fits
(1,024 characters) and is not a document's text with buttons, else followed by the text; a
file Telegram refuses (too big) leaves the text to go alone with a note saying so. Flood
control (RetryAfter) and our own pacing put a message back without spending an attempt;
network trouble backs off with jitter; a person who blocked the bot is marked unreachable
and their messages stop. Anything but a TelegramError is a bug: the shared sweep gives that
message up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram import InputFile
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot

from adapters.failures import error_kind
from adapters.gate import BotGate
from adapters.pacing import OUTBOX, TURN_TAKEN, ChatPacer, ChatWindows, backoff
from adapters.sweep import PlatformOutbox, Sweep
from adapters.telegram.limiter import is_group
from adapters.telegram.render import TelegramMessage, render
from adapters.telegram.translate import PLATFORM
from core.delivery.claims import Delivery, OutboxDelivery
from core.eventlog import event
from core.messages import PHOTO, Reply

log = logging.getLogger("gotong.telegram")

BAD_REQUEST_DELAY = timedelta(minutes=30)
CAPTION_LIMIT = 1024  # visible characters, as for a message's text


class TelegramOutbox(PlatformOutbox):
    """Sends the outbox messages due for Telegram."""

    platform = PLATFORM

    def __init__(
        self,
        bot: ExtBot[Any],
        outbox: OutboxDelivery,
        clock: Callable[[], float],
        *,
        private_per_second: float = 1.0,
        groups: ChatWindows | None = None,
        gate: BotGate | None = None,
    ) -> None:
        super().__init__(outbox, clock=clock)
        self._bot = bot
        # Every chat, and groups once more, are paced here (a message that must wait goes
        # back to the outbox); the bot's rate limiter (adapters.telegram.limiter) and its
        # gate pace the whole bot.
        self._pacer = ChatPacer(clock, per_second=private_per_second, burst=3)
        self._groups = groups or ChatWindows(clock, limit=20, period=60.0)
        self._gate = gate or BotGate(clock, limit=30)

    async def deliver(self, delivery: Delivery, sweep: Sweep) -> bool:
        pieces = render(Reply(delivery.text, delivery.buttons))
        if not pieces:
            await self.failed(delivery, "empty message")
            return False
        caption = _caption(delivery)
        file_steps = 0 if delivery.attachment is None else 1
        steps = 1 if caption else file_steps + len(pieces)
        # The bot-wide turn first: the chat's pacing then counts the moment the message
        # really leaves, not one before a wait for the turn (which would let a chat's
        # messages arrive closer together than counted).
        await self._gate.wait_turn(OUTBOX)
        count = steps - delivery.pieces_sent
        wait = self._pacer.take(delivery.chat_id, count)  # 1 a second in any chat
        if wait <= 0 and is_group(delivery.chat_id):  # and 20 a minute in a group
            wait = self._groups.take(delivery.chat_id, count)
        if wait > 0:  # the turn goes unused: rare, as claims interleave chats
            self._gate.unused()
            await self.paced(delivery, sweep, timedelta(seconds=wait))
            return False
        turn = [TURN_TAKEN]  # the first call uses it; later pieces wait for their own
        try:
            message_id = None
            if delivery.attachment is not None and delivery.pieces_sent == 0:
                try:
                    message_id = await self._send_file(delivery, caption, turn.pop())
                except (BadRequest, NetworkError) as error:
                    refusal = file_refusal(error)
                    if refusal is None:
                        raise
                    delivery = await self.refuse_file(delivery, refusal)
                    pieces, file_steps = render(Reply(delivery.text, delivery.buttons)), 0
                else:
                    if caption:
                        await self.finished(delivery, str(message_id))
                        return True
                    await self.progress(delivery, 1)
            for number, piece in enumerate(pieces, start=file_steps):
                if number < delivery.pieces_sent:
                    continue  # taken by an earlier attempt
                message = await self._bot.send_message(
                    _chat(delivery.chat_id),
                    piece.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=piece.keyboard,
                    rate_limit_args=turn.pop() if turn else OUTBOX,
                )
                message_id = message.message_id
                if number + 1 < file_steps + len(pieces):
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
        await self.finished(delivery, str(message_id or ""))
        return True

    async def _send_file(
        self, delivery: Delivery, caption: TelegramMessage | None, lane: str
    ) -> int:
        """Send the message's file, with the whole text as its caption when it fits there."""
        attachment = delivery.attachment
        assert attachment is not None
        upload = InputFile(attachment.data, filename=attachment.name)
        send = self._bot.send_photo if attachment.kind == PHOTO else self._bot.send_document
        message = await send(
            _chat(delivery.chat_id),
            upload,
            caption=caption.html if caption else None,
            parse_mode=ParseMode.HTML if caption else None,
            reply_markup=caption.keyboard if caption else None,
            rate_limit_args=lane,
        )
        return message.message_id


def _caption(delivery: Delivery) -> TelegramMessage | None:
    """The text as one caption under the file, if there is a file and the text fits in one.

    Not under a document when the text has buttons (a meeting's invitation with its .ics):
    a press replaces the pressed message's text with the answer, and a document's caption
    is not text Telegram lets a bot edit that way, so the text goes as its own message.
    """
    if delivery.attachment is None:
        return None
    if delivery.attachment.kind != PHOTO and delivery.buttons:
        return None
    pieces = render(Reply(delivery.text, delivery.buttons), limit=CAPTION_LIMIT)
    return pieces[0] if len(pieces) == 1 else None


def file_refusal(error: TelegramError) -> str | None:
    """What Telegram's refusal of a file says, if it is about the file; None otherwise.

    A file over the Bot API's limits (10 MB for a photo, 50 MB for a document) is answered
    413, which python-telegram-bot raises as a NetworkError; a file Telegram cannot read
    as a photo is a Bad Request naming it. A self-hosted Bot API server allows more, so
    the limits are the server's to enforce, not ours to guess.
    """
    words = error.message.lower()
    if "too large" in words or "too big" in words:
        return "file_too_large"
    if isinstance(error, BadRequest) and any(w in words for w in _FILE_WORDS):
        return "file_refused"
    return None


_FILE_WORDS = ("photo", "image", "file", "document", "dimensions")


def _chat(chat_id: str) -> int | str:
    try:
        return int(chat_id)
    except ValueError:  # a channel's @username
        return chat_id


def _as_timedelta(value: int | timedelta) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=value)
