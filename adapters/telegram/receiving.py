"""Updates from Telegram, by long polling (the default) or by webhook, stored before confirmed.

Telegram keeps an update until it is confirmed (a later getUpdates offset, or the webhook's
200), so each is put in the inbox first; one that cannot be stored is fetched again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application

from adapters.failures import error_kind
from adapters.telegram.config import ALLOWED_UPDATES, SECRET_HEADER, TelegramConfig
from adapters.telegram.translate import update_origin
from core.eventlog import event

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger("gotong.telegram")

# Stores an update in the inbox (raises if the database cannot take it) and returns the
# handling to do once Telegram may be told it arrived (None for an update not for us).
Handling = Callable[[], Coroutine[Any, Any, None]]
Keep = Callable[[Update], Awaitable[Handling]]
# Runs handling in the background (polling), so the next getUpdates need not wait for it.
Spawn = Callable[[Handling], None]
# Tells the senders of updates that could not be stored to try again later.
NotKept = Callable[[list[Update]], Awaitable[None]]


class TelegramReceiver:
    """Long polling or a webhook server, whichever the settings name: each update is kept,
    then handled (in the background when polling, before the 200 of a webhook)."""

    def __init__(
        self,
        application: Application,
        config: TelegramConfig,
        keep: Keep,
        spawn: Spawn,
        not_kept: NotKept,
    ) -> None:
        self._application = application
        self._config = config
        self._keep = keep
        self._spawn = spawn
        self._not_kept = not_kept
        self._polling: asyncio.Task[None] | None = None
        self._webhook_secret = config.webhook_secret or secrets.token_urlsafe(32)
        self._webhook: web.AppRunner | None = None

    async def start(self) -> None:
        """Start receiving by webhook when a URL is set, by long polling otherwise."""
        if self._config.webhook_url:
            await self._start_webhook(self._config.webhook_url)
        else:
            await self._start_polling()

    async def stop(self) -> None:
        """Stop receiving; updates stored but not confirmed come again at the next start."""
        if self._polling is not None:
            # The inbox knows them, so nothing is handled twice.
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
        if self._webhook is not None:
            await self._webhook.cleanup()
            self._webhook = None

    # -- long polling ----------------------------------------------------------------------

    async def _start_polling(self) -> None:
        # A webhook left by an earlier run makes getUpdates refuse (409 Conflict).
        await self._application.bot.delete_webhook()
        self._polling = asyncio.create_task(self._poll(), name="telegram-polling")

    async def _poll(self) -> None:
        """Long-poll getUpdates; the offset confirms only updates already in the inbox.

        Telegram drops an update once a later getUpdates names an offset past it, so each
        update is stored before the next request; one that cannot be stored stops the batch
        and is fetched again.
        """
        offset: int | None = None
        delay = self._config.poll_retry_delay
        while True:
            try:
                updates = await self._application.bot.get_updates(
                    offset=offset,
                    timeout=timedelta(seconds=self._config.poll_timeout),
                    allowed_updates=ALLOWED_UPDATES,
                )
                for number, update in enumerate(updates):
                    try:
                        handle = await self._keep(update)
                    except Exception:
                        # This one and the rest of the batch come again; say so meanwhile.
                        await self._not_kept(updates[number:])
                        raise
                    offset = update.update_id + 1
                    self._spawn(handle)
                delay = self._config.poll_retry_delay
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Telegram, the network or the database: try again
                event(log, "telegram.poll_failed", level=logging.WARNING, error=error_kind(error))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)

    # -- webhook ---------------------------------------------------------------------------

    async def _start_webhook(self, url: str) -> None:
        from aiohttp import web  # only a webhook needs a server (0.15 s of start-up otherwise)

        host, _, port = self._config.webhook_listen.rpartition(":")
        host = host.strip("[]")  # "[::]:8443" listens on every IPv6 address
        server = web.Application(client_max_size=1024 * 1024)
        server.router.add_post(urlsplit(url).path or "/", self._receive)
        self._webhook = web.AppRunner(server, access_log=None)
        await self._webhook.setup()
        await web.TCPSite(self._webhook, host or "0.0.0.0", int(port)).start()
        # Every instance behind one URL must share the secret: set it in the settings then.
        await self._application.bot.set_webhook(
            url, secret_token=self._webhook_secret, allowed_updates=ALLOWED_UPDATES
        )

    async def _receive(self, request: web.Request) -> web.Response:
        """One update POSTed by Telegram: stored, then handled, then answered 200.

        Until the 200 Telegram keeps the update; if the process dies meanwhile it is delivered
        again, and the inbox makes that harmless. One that cannot be stored gets 500.
        """
        from aiohttp import web

        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._webhook_secret.encode()):
            event(log, "telegram.webhook_refused", level=logging.WARNING, reason="wrong_secret")
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), self._application.bot)
        except Exception:
            event(log, "telegram.webhook_refused", level=logging.WARNING, reason="not_an_update")
            return web.Response(status=400)
        try:
            handle = await self._keep(update)
        except Exception as error:
            event(
                log,
                "telegram.update_not_stored",
                level=logging.ERROR,
                event_id=update_origin(update.update_id),
                error=error_kind(error),
            )
            await self._not_kept([update])
            return web.Response(status=500)
        await handle()
        return web.Response()
