"""The WhatsApp adapter: the Cloud API through pywa, the webhook served in Gotong's own loop.

Messages come in by webhook (`receiving`); each is translated, stored in the inbox, then
handled after the same person's earlier messages (`adapters.ordering`) in a worker thread,
and the replies sent back (`replies`). Messages the core queued for people are sent by
`deliver_once` (`outbox`), which holds them outside the 24-hour window.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable

from adapters.failures import error_kind
from adapters.front_door import FrontDoor
from adapters.inbox import recover
from adapters.ordering import ChatOrder
from adapters.whatsapp.config import WhatsAppConfig, WhatsAppStartError
from adapters.whatsapp.outbox import WhatsAppOutbox
from adapters.whatsapp.receiving import Handling, WebhookServer
from adapters.whatsapp.replies import WhatsAppReplies
from adapters.whatsapp.sending import CloudApi
from adapters.whatsapp.translate import PLATFORM
from core.delivery.claims import OutboxDelivery
from core.delivery.windows import ReplyWindows
from core.eventlog import event
from core.messages import Incoming

log = logging.getLogger("gotong.whatsapp")


class WhatsAppAdapter:
    """One WhatsApp business number serving Gotong."""

    def __init__(
        self,
        config: WhatsAppConfig,
        *,
        gotong: FrontDoor,
        outbox: OutboxDelivery,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._gotong = gotong
        self.api = CloudApi(config)
        windows = ReplyWindows(outbox.engine, outbox.clock)
        self._delivery = WhatsAppOutbox(self.api, outbox, windows, config, monotonic)
        self._replies = WhatsAppReplies(self.api, outbox, config.reply_retry_delays)
        self.webhook = WebhookServer(config, self._keep)
        self._order = ChatOrder()
        self._slots = asyncio.Semaphore(config.concurrent_updates)
        self.handled = 0  # messages fully handled (replies sent); tests wait on it
        self.errors: deque[BaseException] = deque(maxlen=100)

    async def start(self) -> None:
        """Handle what was stored before the last stop, then listen for the webhook."""
        try:
            self.config.check()
            await recover(self._gotong, PLATFORM)
            await self.webhook.start()
        except OSError as error:  # the port is taken, or the address is not ours
            await self.api.close()
            raise WhatsAppStartError(
                f"cannot listen on {self.config.webhook_listen}: {error_kind(error)}"
            ) from None
        except BaseException:
            await self.api.close()
            raise

    async def stop(self) -> None:
        """Stop listening and close the client (a POST in hand finishes first)."""
        await self.webhook.stop()
        await self.api.close()

    async def _keep(self, incoming: Incoming) -> Handling:
        await asyncio.to_thread(self._gotong.receive, incoming)
        return lambda: self._handle(incoming)

    async def _handle(self, incoming: Incoming) -> None:
        """Answer one stored message after the person's earlier ones; a failure is logged,
        and the inbox keeps the message for the next start."""
        try:
            async with self._slots:
                await self._order.run(incoming.chat_id, lambda: self._answer(incoming))
        except Exception as error:
            self.errors.append(error)
            event(
                log,
                "whatsapp.message_failed",
                level=logging.ERROR,
                exc_info=error,
                event_id=incoming.origin,
                error=error_kind(error),
            )
        finally:
            self.handled += 1

    async def _answer(self, incoming: Incoming) -> None:
        replies = await asyncio.to_thread(self._gotong.process, PLATFORM, incoming.event_id)
        await self._replies.answer(incoming, replies)

    async def deliver_once(self, limit: int = 50) -> int:
        """Send the outbox messages due for WhatsApp; returns how many were sent."""
        return await self._delivery.deliver_once(limit)

    async def next_due_in(self) -> float | None:
        """Seconds until the next outbox message for WhatsApp is due (None: nothing waits)."""
        return await self._delivery.next_due_in()


async def business_number(config: WhatsAppConfig) -> str | None:
    """The business number's digits (for wa.me links), or None if the API cannot say."""
    api = CloudApi(config)
    try:
        return await api.display_number() or None
    except Exception as error:  # an optional link: never a reason to fail the invitation
        event(log, "whatsapp.number_unknown", level=logging.WARNING, error=error_kind(error))
        return None
    finally:
        await api.close()
