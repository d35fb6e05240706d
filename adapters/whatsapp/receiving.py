"""The webhook WhatsApp calls: the verification handshake, and signed notifications.

GET answers Meta's handshake (hub.mode=subscribe, the verify token, echoing hub.challenge).
POST carries messages; its X-Hub-Signature-256 must be the app secret's HMAC of the body, or
it is refused with 403 and nothing is stored. Each message is stored in the inbox before the
200 (WhatsApp delivers a notification again until it gets one, for days), then answered.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiohttp import web
from pywa.utils import webhook_updates_validator

from adapters.failures import error_kind
from adapters.whatsapp.config import SIGNATURE_HEADER, WhatsAppConfig
from adapters.whatsapp.translate import incoming_messages
from core.eventlog import event
from core.messages import Incoming

log = logging.getLogger("gotong.whatsapp")

# Stores a message in the inbox (raises if the database cannot take it) and returns the
# handling to do once WhatsApp may be told it arrived.
Handling = Callable[[], Coroutine[Any, Any, None]]
Keep = Callable[[Incoming], Awaitable[Handling]]
MAX_BODY = 1024 * 1024


class WebhookServer:
    """The aiohttp server on GOTONG_WHATSAPP_WEBHOOK_LISTEN, at the webhook path."""

    def __init__(self, config: WhatsAppConfig, keep: Keep) -> None:
        self._config = config
        self._keep = keep
        self._runner: web.AppRunner | None = None
        self.port: int | None = None  # the port bound (the tests listen on port 0)

    async def start(self) -> None:
        """Listen for WhatsApp's calls."""
        host, _, port = self._config.webhook_listen.rpartition(":")
        server = web.Application(client_max_size=MAX_BODY)
        server.router.add_get(self._config.webhook_path, self._verify)
        server.router.add_post(self._config.webhook_path, self._receive)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host.strip("[]") or "0.0.0.0", int(port))
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop listening; WhatsApp delivers what it could not hand over again later."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _verify(self, request: web.Request) -> web.Response:
        """Meta's handshake when the webhook URL is set in the app's settings."""
        query = request.query
        given = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
            given.encode(), self._config.verify_token.encode()
        ):
            return web.Response(text=query.get("hub.challenge", ""))
        event(log, "whatsapp.verification_refused", level=logging.WARNING)
        return web.Response(status=403)

    async def _receive(self, request: web.Request) -> web.Response:
        """One notification: checked, each message stored, then answered, then 200."""
        body = await request.read()
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature or not webhook_updates_validator(self._config.app_secret, body, signature):
            event(log, "whatsapp.webhook_refused", level=logging.WARNING, reason="signature")
            return web.Response(status=403)
        try:
            notification = json.loads(body)
            if not isinstance(notification, dict):
                raise ValueError("not an object")
        except ValueError:
            event(log, "whatsapp.webhook_refused", level=logging.WARNING, reason="not_json")
            return web.Response(status=400)
        messages = incoming_messages(notification, phone_number_id=self._config.phone_number_id)
        handlings = []
        for incoming in messages:
            try:
                handlings.append(await self._keep(incoming))
            except Exception as error:  # the database: WhatsApp sends it all again later
                event(
                    log,
                    "whatsapp.message_not_stored",
                    level=logging.ERROR,
                    event_id=incoming.origin,
                    error=error_kind(error),
                )
                return web.Response(status=500)
        for handle in handlings:
            await handle()
        return web.Response()
