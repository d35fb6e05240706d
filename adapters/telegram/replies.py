"""The core's replies sent back to Telegram: to the chat asked in, or privately, or in place
of the message whose button was pressed. Where a reply goes is `adapters.answering`'s rule."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from adapters import answering
from adapters.failures import error_kind
from adapters.pacing import REPLY_RATE_LIMIT_RETRIES
from adapters.telegram.render import TelegramMessage, render
from core.delivery.claims import OutboxDelivery
from core.eventlog import event
from core.messages import Incoming, Reply

log = logging.getLogger("gotong.telegram")


class TelegramReplies:
    """Sends one update's replies and reports each to the outbox."""

    def __init__(
        self, bot: ExtBot[Any], outbox: OutboxDelivery, retry_delays: tuple[float, ...]
    ) -> None:
        self._bot = bot
        self._outbox = outbox
        # Real seconds between tries of a reply the network lost.
        self._retry_delays = retry_delays

    async def answer(
        self, incoming: Incoming, replies: list[Reply], query: CallbackQuery | None
    ) -> None:
        """Send the replies; after a press, the first one shows in the pressed message."""
        if query is not None:
            await self.stop_spinner(query)
        message = query.message if query is not None else None
        # A message about one thing (a task with its Done button) shows the answer in place; a
        # list of many (a digest, the reminders) stays, losing only the button that was pressed.
        many = isinstance(message, Message) and len(_subjects(message)) > 1
        editable = isinstance(message, Message) and message.text is not None and not many
        if query is not None and many:
            await self._drop_pressed(query, incoming.origin)

        async def replace_clicked(piece: TelegramMessage) -> bool:
            assert query is not None
            return await self._edit(query, piece, incoming.origin)

        async def send(reply: Reply, pieces: list[TelegramMessage]) -> int:
            chat_id = answering.destination(incoming, reply)
            ways = [lambda: self._send_pieces(chat_id, pieces, incoming.origin)]
            if chat_id != incoming.chat_id:
                # They never opened a private chat with the bot: answer where they asked.
                ways.append(lambda: self._send_pieces(incoming.chat_id, pieces, incoming.origin))
            return await answering.first_way_that_sends(*ways)

        await answering.answer(
            replies,
            asked_in_private=incoming.private,
            render=render,
            send=send,
            outbox=self._outbox,
            replace_clicked=replace_clicked if query is not None and editable else None,
        )

    async def stop_spinner(self, query: CallbackQuery) -> None:
        """Answer the callback query, so the pressed button stops spinning."""
        try:
            await query.answer()
        except TelegramError as error:  # too old, or answered by an earlier delivery
            event(log, "telegram.callback_not_answered", query=query.id, error=error_kind(error))

    async def _drop_pressed(self, query: CallbackQuery, origin: str) -> None:
        """Take the pressed button out of its message's keyboard; the rest stay to be pressed."""
        message = query.message
        assert isinstance(message, Message) and message.reply_markup is not None
        rows = [
            [button for button in row if button.callback_data != query.data]
            for row in message.reply_markup.inline_keyboard
        ]
        kept = [row for row in rows if row]
        try:
            await query.edit_message_reply_markup(InlineKeyboardMarkup(kept) if kept else None)
        except TelegramError as error:  # not modified, too old: the answer still goes out
            event(log, "telegram.keyboard_not_edited", event_id=origin, error=error_kind(error))

    async def _edit(self, query: CallbackQuery, piece: TelegramMessage, origin: str) -> bool:
        """Whether the pressed message now shows `piece` (its keyboard replaced or removed)."""
        try:
            await query.edit_message_text(
                piece.html, parse_mode=ParseMode.HTML, reply_markup=piece.keyboard
            )
        except BadRequest as error:
            if "not modified" in error.message.lower():
                return True
            event(
                log,
                "telegram.edit_refused",
                event_id=origin,
                query=query.id,
                error=error.message,
            )
            return False
        except TelegramError as error:
            event(
                log,
                "telegram.edit_failed",
                event_id=origin,
                query=query.id,
                error=error_kind(error),
            )
            return False
        return True

    async def _send_pieces(self, chat_id: str, pieces: list[TelegramMessage], origin: str) -> int:
        """Send the pieces of a reply in order; how many went before one did not."""
        return await answering.send_in_order(
            pieces, lambda piece: self._send_reply(chat_id, piece, origin)
        )

    async def _send_reply(self, chat_id: str, piece: TelegramMessage, origin: str) -> bool:
        """Send one reply message, trying again when the network drops it; whether it went."""
        delays = self._retry_delays
        for attempt in range(len(delays) + 1):
            try:
                await self._bot.send_message(
                    _chat(chat_id),
                    piece.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=piece.keyboard,
                    # Flood refusals a reply waits out (the rate limiter sleeps retry_after).
                    rate_limit_args=REPLY_RATE_LIMIT_RETRIES,
                )
                return True
            except (BadRequest, Forbidden, RetryAfter) as error:
                # Refused for good: a group member who never opened a private chat with the
                # bot, or flood control still refusing after the rate limiter waited.
                self._log_unsent("telegram.reply_not_sent", origin, chat_id, error)
                return False
            except NetworkError as error:
                if attempt == len(delays):
                    self._log_unsent("telegram.reply_lost", origin, chat_id, error)
                    return False
                await asyncio.sleep(delays[attempt])
        return False

    def _log_unsent(self, name: str, origin: str, chat_id: str, error: BaseException) -> None:
        """One line per reply that did not go: the message it answered, where, and why."""
        event(
            log,
            name,
            level=logging.WARNING,
            event_id=origin,
            chat=chat_id,
            error=error_kind(error),
        )


def _chat(chat_id: str) -> int | str:
    try:
        return int(chat_id)
    except ValueError:  # a channel's @username
        return chat_id


def _subjects(message: Message) -> set[str]:
    """The numbered things a message's buttons act on."""
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    return answering.subjects(str(b.callback_data or "") for row in rows for b in row)
