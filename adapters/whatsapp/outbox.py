"""Delivering the outbox on WhatsApp: within the 24-hour window, paced, refusals mapped.

Outside a person's window WhatsApp takes only approved templates, so their messages are held
(core.delivery.windows) and one template says how many wait, at most once until they write
again; their reply makes the held messages due, and they go in the order they were made.
The business number's throughput and the pace to one person are ours to keep; a throughput
refusal (130429) pauses every send for a while, a pair-rate refusal (131056) only that chat.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from datetime import timedelta

import httpx
from pywa_async.errors import (
    AuthorizationError,
    MessageUndeliverable,
    ReEngagementMessage,
    WhatsAppError,
)

from adapters.failures import error_kind
from adapters.pacing import ChatPacer, backoff
from adapters.sweep import PlatformOutbox, Sweep
from adapters.whatsapp.config import WhatsAppConfig
from adapters.whatsapp.render import BODY_LIMIT, WhatsAppMessage, render
from adapters.whatsapp.sending import CloudApi
from adapters.whatsapp.translate import PLATFORM
from core.delivery.claims import Delivery, OutboxDelivery
from core.delivery.windows import ReplyWindows, Window
from core.eventlog import event
from core.messages import Reply

log = logging.getLogger("gotong.whatsapp")

REFUSED_DELAY = timedelta(minutes=30)
# The Cloud API's codes for "too many messages": from the whole number, and to one person.
THROUGHPUT_CODES = frozenset({4, 80007, 130429})
PAIR_RATE_CODES = frozenset({131056})
NUMBER = "number"  # the throughput bucket's key


class WhatsAppOutbox(PlatformOutbox):
    """Sends the outbox messages due for WhatsApp."""

    platform = PLATFORM

    def __init__(
        self,
        api: CloudApi,
        outbox: OutboxDelivery,
        windows: ReplyWindows,
        config: WhatsAppConfig,
        clock: Callable[[], float],
    ) -> None:
        super().__init__(outbox)
        self._api = api
        self._windows = windows
        self._config = config
        self._clock = clock
        self._number = ChatPacer(
            clock, per_second=config.per_second, burst=max(1, int(config.per_second))
        )
        self._recipients = ChatPacer(clock, per_second=config.recipient_per_second, burst=3)
        self._paused_until = 0.0

    async def deliver(self, delivery: Delivery, sweep: Sweep) -> bool:
        paused = self._paused_until - self._clock()
        if paused > 0:
            await self.postpone(delivery, timedelta(seconds=math.ceil(paused)), "throughput")
            return False
        if delivery.person_id is not None:
            window = await asyncio.to_thread(self._windows.of, delivery.person_id, PLATFORM)
            now = self._windows.clock.now()
            if window is not None and not window.is_open(now, self._config.window):
                await self._hold(delivery, window)
                return False
        pieces = render(Reply(delivery.text, delivery.buttons))
        if not pieces and delivery.attachment is None:
            await self.failed(delivery, "empty message")
            return False
        caption = _caption(delivery, pieces)
        steps = (1 if delivery.attachment is not None else 0) + (0 if caption else len(pieces))
        wait = max(
            self._recipients.take(delivery.chat_id, steps - delivery.pieces_sent),
            self._number.take(NUMBER, steps - delivery.pieces_sent),
        )
        if wait > 0:
            await self.postpone(delivery, timedelta(seconds=math.ceil(wait)), "paced")
            return False
        try:
            return await self._send(delivery, pieces, caption)
        except ReEngagementMessage:  # our idea of the window was wrong: it is closed
            window = await asyncio.to_thread(self._windows.of, delivery.person_id or 0, PLATFORM)
            await self._hold(delivery, window)
            return False
        except MessageUndeliverable:  # not on WhatsApp (any more), or blocked the business
            await self.unreachable(delivery, sweep, "undeliverable")
            return False
        except AuthorizationError:  # the admin must act: keep the message, try much later
            event(log, "whatsapp.token_refused", level=logging.ERROR, delivery=delivery.id)
            await self.put_back(delivery, REFUSED_DELAY, "token refused")
            return False
        except WhatsAppError as error:
            if error.code in THROUGHPUT_CODES:
                delay = backoff(delivery.attempts)
                self._paused_until = self._clock() + delay.total_seconds()
                await self.rate_limited(delivery, sweep, delay)
            elif error.code in PAIR_RATE_CODES:
                await self.rate_limited(delivery, sweep, backoff(delivery.attempts))
            else:  # refused as sent: it would be refused again soon
                await self.put_back(delivery, REFUSED_DELAY, f"refused: {error.code}")
            return False
        except httpx.TransportError as error:  # timeouts included
            await self.put_back(delivery, backoff(delivery.attempts), error_kind(error))
            return False

    async def _send(
        self, delivery: Delivery, pieces: list[WhatsAppMessage], caption: str | None
    ) -> bool:
        message_id = ""
        file_steps = 0
        if delivery.attachment is not None:
            file_steps = 1
            if delivery.pieces_sent == 0:
                message_id = await self._api.send_file(
                    delivery.chat_id, delivery.attachment, caption
                )
                if caption is not None:
                    await self.finished(delivery, message_id)
                    return True
                await self.progress(delivery, 1)
        for number, piece in enumerate(pieces, start=file_steps):
            if number < delivery.pieces_sent:
                continue  # taken by an earlier attempt
            message_id = await self._api.send(delivery.chat_id, piece)
            if number + 1 < file_steps + len(pieces):
                await self.progress(delivery, number + 1)
        await self.finished(delivery, message_id)
        return True

    async def _hold(self, delivery: Delivery, window: Window | None) -> None:
        """Keep the message until the person writes; tell them once that messages wait."""
        await asyncio.to_thread(self._windows.hold, delivery.id)
        self._log(delivery, "outbox.held", outcome="held", reason="window closed")
        if window is None or window.noticed or delivery.person_id is None:
            return
        person = delivery.person_id
        count = await asyncio.to_thread(self._windows.waiting, person, PLATFORM)
        try:
            await self._api.send_waiting_notice(
                delivery.chat_id, self._config.waiting_template, window.language, count
            )
        except (WhatsAppError, httpx.TransportError) as error:
            # Told next time a message is held; what waits is delivered when they write.
            event(log, "whatsapp.notice_not_sent", person=person, error=error_kind(error))
            return
        await asyncio.to_thread(self._windows.noticed, person, PLATFORM)
        event(log, "whatsapp.notice_sent", person=person, waiting=count)


def _caption(delivery: Delivery, pieces: list[WhatsAppMessage]) -> str | None:
    """The text as the file's caption, when there is a file and the text alone fits one."""
    if delivery.attachment is None or len(pieces) != 1:
        return None
    piece = pieces[0]
    if piece.buttons or piece.rows or len(piece.text) > BODY_LIMIT:
        return None
    return piece.text
