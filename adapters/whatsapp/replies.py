"""The core's replies sent back to the person on WhatsApp, each reported to the outbox.

Every WhatsApp chat with Gotong is private, and a message cannot be edited after a button is
pressed, so a reply simply follows in the same chat; what could not go now, the outbox sweep
sends (and holds, should the window have closed meanwhile).
"""

from __future__ import annotations

import asyncio
import logging

import httpx
from pywa_async.errors import WhatsAppError

from adapters import answering
from adapters.failures import error_kind
from adapters.whatsapp.render import WhatsAppMessage, render
from adapters.whatsapp.sending import CloudApi
from core.delivery.claims import OutboxDelivery
from core.eventlog import event
from core.messages import Incoming, Reply

log = logging.getLogger("gotong.whatsapp")


class WhatsAppReplies:
    """Sends one message's replies and reports each to the outbox."""

    def __init__(
        self, api: CloudApi, outbox: OutboxDelivery, retry_delays: tuple[float, ...]
    ) -> None:
        self._api = api
        self._outbox = outbox
        self._retry_delays = retry_delays

    async def answer(self, incoming: Incoming, replies: list[Reply]) -> None:
        """Send the replies in order to the chat the message came from."""

        async def send(reply: Reply, pieces: list[WhatsAppMessage]) -> int:
            return await answering.send_in_order(
                pieces, lambda piece: self._send_reply(incoming, piece)
            )

        await answering.answer(
            replies, asked_in_private=True, render=render, send=send, outbox=self._outbox
        )

    async def _send_reply(self, incoming: Incoming, piece: WhatsAppMessage) -> bool:
        """Send one message, trying again when the network drops it; whether it went."""
        delays = self._retry_delays
        for attempt in range(len(delays) + 1):
            try:
                await self._api.send(incoming.chat_id, piece)
                return True
            except WhatsAppError as error:  # refused (a limit, the window): the outbox decides
                self._log_unsent("whatsapp.reply_not_sent", incoming, error)
                return False
            except httpx.TransportError as error:
                if attempt == len(delays):
                    self._log_unsent("whatsapp.reply_lost", incoming, error)
                    return False
                await asyncio.sleep(delays[attempt])
        return False

    def _log_unsent(self, name: str, incoming: Incoming, error: BaseException) -> None:
        """One line per reply that did not go: the message it answered, and why (never the
        chat: on WhatsApp that is a phone number)."""
        code = error.code if isinstance(error, WhatsAppError) else None
        event(
            log,
            name,
            level=logging.WARNING,
            event_id=incoming.origin,
            error=error_kind(error),
            code=code,
        )
