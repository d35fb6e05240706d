"""The Telegram adapter: drives python-telegram-bot inside Gotong's own event loop.

Updates come in by long polling (the default) or by webhook; each is translated, handed to
the core in a worker thread, and the replies are sent back. Messages the core queued for
other people are sent by `deliver_once`, which the runner calls every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import secrets
import time
import traceback
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, BotCommand, CallbackQuery, Message, Update
from telegram.constants import ParseMode, UpdateType
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseUpdateProcessor,
    ContextTypes,
    ExtBot,
    TypeHandler,
)
from telegram.request import HTTPXRequest

from adapters.inbox import Inbox, recover, report
from adapters.telegram.outbox import TelegramOutbox
from adapters.telegram.render import TelegramMessage, render
from adapters.telegram.translate import PLATFORM, incoming_from_update
from core.delivery.claims import OutboxDelivery
from core.language.i18n import Catalog
from core.language.menu import command_menu
from core.messages import Incoming, Reply

log = logging.getLogger("gotong.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = [UpdateType.MESSAGE, UpdateType.CALLBACK_QUERY]
# Flood refusals a reply to the sender waits out (the rate limiter sleeps retry_after).
REPLY_FLOOD_RETRIES = 2
# Outbox messages are not waited for: a refusal puts them back in the outbox.


class Core(Inbox, Protocol):
    """What the adapter needs of the core (core.app.Gotong)."""

    catalog: Catalog

    def receive(self, incoming: Incoming) -> bool: ...


class TelegramStartError(RuntimeError):
    """Telegram could not be reached or refused the bot at start-up."""


@dataclass(frozen=True)
class TelegramConfig:
    """What the adapter needs to know; the runner fills it from Settings."""

    token: str = field(repr=False)
    api_base_url: str = "https://api.telegram.org/bot"
    file_base_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0:8443"
    webhook_secret: str | None = field(default=None, repr=False)
    poll_timeout: float = 30.0
    # Real seconds to wait before asking again when getUpdates failed (doubling up to 60).
    poll_retry_delay: float = 1.0
    concurrent_updates: int = 16
    # Real seconds between tries of a reply the network lost (a weak signal drops many).
    reply_retry_delays: tuple[float, ...] = (1.0, 4.0)
    # Telegram's limits: messages a second to one private chat, a minute to one group, and a
    # second for the whole bot.
    private_per_second: float = 1.0
    group_per_minute: int = 20
    overall_per_second: int = 30


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Updates from different chats run concurrently; one chat's updates run in arrival order."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def _chat_key(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return 0


class TelegramAdapter:
    """One Telegram bot serving Gotong: receives updates, sends replies and the outbox."""

    def __init__(
        self,
        config: TelegramConfig,
        *,
        gotong: Core,
        outbox: OutboxDelivery,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        # PTB 22 gives RetryAfter.retry_after as a timedelta only when asked to (and warns if not).
        os.environ.setdefault("PTB_TIMEDELTA", "1")
        self.config = config
        self._gotong = gotong
        # Our own HTTP clients, so a start that fails halfway can still close them.
        self._requests = (HTTPXRequest(connection_pool_size=256), HTTPXRequest())
        builder = (
            Application.builder()
            .token(config.token)
            .base_url(config.api_base_url)
            .base_file_url(config.file_base_url)
            .request(self._requests[0])
            .get_updates_request(self._requests[1])
            # Paces groups (20 a minute) and the whole bot (30 a second); never retries by
            # default, so the outbox decides what a refusal means.
            .rate_limiter(
                AIORateLimiter(
                    overall_max_rate=config.overall_per_second,
                    group_max_rate=config.group_per_minute,
                    max_retries=0,
                )
            )
            .concurrent_updates(ChatOrderedProcessor(config.concurrent_updates))
            # Gotong polls itself: PTB's updater confirms updates before they are stored.
            .updater(None)
        )
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self._outbox = outbox
        self._delivery = TelegramOutbox(
            self.application.bot, outbox, monotonic, private_per_second=config.private_per_second
        )
        self._polling: asyncio.Task[None] | None = None
        self._webhook_secret = config.webhook_secret or secrets.token_urlsafe(32)
        self._webhook: web.AppRunner | None = None
        self.handled = 0  # updates fully handled (replies sent); tests wait on it
        self.errors: deque[BaseException] = deque(maxlen=100)

    @property
    def bot(self) -> ExtBot[int]:
        """The python-telegram-bot client."""
        return self.application.bot

    @property
    def bot_username(self) -> str:
        """The bot's @username (known after start), for t.me deep links."""
        return self.bot.username

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Say hello to Telegram, set the command menu and start receiving updates."""
        try:
            await self.application.initialize()
        except BaseException as error:
            await self._close_clients()
            if isinstance(error, InvalidToken):  # PTB's message repeats the token; ours must not
                raise TelegramStartError("Telegram refused TELEGRAM_BOT_TOKEN") from None
            if isinstance(error, NetworkError):
                raise TelegramStartError(f"Telegram is not reachable: {_name(error)}") from None
            raise
        try:
            await self._set_command_menu()
            await self.application.start()
            await recover(self._gotong, PLATFORM)
            if self.config.webhook_url:
                await self._start_webhook(self.config.webhook_url)
            else:
                await self._start_polling()
        except BaseException:
            await self.stop()
            raise

    async def _close_clients(self) -> None:
        """Close the HTTP clients of a start that failed before the application was up."""
        for request in self._requests:
            await request.shutdown()

    async def _start_polling(self) -> None:
        # A webhook left by an earlier run makes getUpdates refuse (409 Conflict).
        await self.bot.delete_webhook()
        self._polling = asyncio.create_task(self._poll(), name="telegram-polling")

    async def _poll(self) -> None:
        """Long-poll getUpdates; the offset confirms only updates already in the inbox.

        Telegram drops an update once a later getUpdates names an offset past it, so each
        update is stored before the next request; one that cannot be stored stops the batch
        and is fetched again.
        """
        offset: int | None = None
        delay = self.config.poll_retry_delay
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset,
                    timeout=timedelta(seconds=self.config.poll_timeout),
                    allowed_updates=ALLOWED_UPDATES,
                )
                for update in updates:
                    await self._keep(update)
                    offset = update.update_id + 1
                    await self.application.update_queue.put(update)
                delay = self.config.poll_retry_delay
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Telegram, the network or the database: try again
                log.warning("telegram polling failed error=%s", _name(error))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)

    async def _keep(self, update: Update) -> None:
        """Store an update in the inbox (raises if the database cannot take it)."""
        incoming = incoming_from_update(update, bot_username=self.bot.username, bot_id=self.bot.id)
        if incoming is not None:
            await asyncio.to_thread(self._gotong.receive, incoming)

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, and close the client."""
        if self._polling is not None:
            # Updates stored but not confirmed come again at the next start; the inbox
            # knows them, so nothing is handled twice.
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
        if self._webhook is not None:
            await self._webhook.cleanup()
            self._webhook = None
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def _set_command_menu(self) -> None:
        catalog = self._gotong.catalog
        for language_code, lang in (("", "id"), ("en", "en")):
            commands = [BotCommand(name, text[:256]) for name, text in command_menu(catalog, lang)]
            try:
                await self.bot.set_my_commands(commands, language_code=language_code or None)
            except TelegramError as error:
                # A missing menu is a nuisance, not a reason to stay offline.
                log.warning("could not set the %s command menu: %s", lang, type(error).__name__)

    # -- webhook ---------------------------------------------------------------------------

    async def _start_webhook(self, url: str) -> None:
        host, _, port = self.config.webhook_listen.rpartition(":")
        host = host.strip("[]")  # "[::]:8443" listens on every IPv6 address
        server = web.Application(client_max_size=1024 * 1024)
        server.router.add_post(urlsplit(url).path or "/", self._receive)
        self._webhook = web.AppRunner(server, access_log=None)
        await self._webhook.setup()
        await web.TCPSite(self._webhook, host or "0.0.0.0", int(port)).start()
        # Every instance behind one URL must share the secret: set it in the settings then.
        await self.bot.set_webhook(
            url, secret_token=self._webhook_secret, allowed_updates=ALLOWED_UPDATES
        )

    async def _receive(self, request: web.Request) -> web.Response:
        """One update POSTed by Telegram: stored, then handled, then answered 200.

        Until the 200 Telegram keeps the update; if the process dies meanwhile it is delivered
        again, and the inbox makes that harmless. One that cannot be stored gets 500.
        """
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._webhook_secret.encode()):
            log.warning("webhook request without the right secret refused")
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), self.bot)
        except Exception:
            log.warning("webhook request that is not an update refused")
            return web.Response(status=400)
        try:
            await self._keep(update)
        except Exception as error:
            log.error(
                "webhook update not stored update=%s error=%s", update.update_id, _name(error)
            )
            return web.Response(status=500)
        application = self.application
        await application.update_processor.process_update(
            update, application.process_update(update)
        )
        return web.Response()

    # -- incoming --------------------------------------------------------------------------

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            incoming = incoming_from_update(
                update, bot_username=self.bot.username, bot_id=self.bot.id
            )
            query = update.callback_query
            if incoming is None:
                if query is not None:
                    await self._answer(query)
                return
            replies = await asyncio.to_thread(self._gotong.process, PLATFORM, incoming.event_id)
            if query is not None:
                await self._answer(query)
                await self._show_outcome(query, incoming, replies)
            else:
                await self._send_replies(incoming, replies)
        finally:
            self.handled += 1

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        if error is None:
            return
        self.errors.append(error)
        log.error(
            "telegram update failed update=%s error=%s\n%s",
            update_id,
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )

    async def _answer(self, query: CallbackQuery) -> None:
        """Stop the button's spinner."""
        try:
            await query.answer()
        except TelegramError as error:  # too old, or answered by an earlier delivery
            log.info("callback query not answered query=%s error=%s", query.id, _name(error))

    async def _show_outcome(
        self, query: CallbackQuery, incoming: Incoming, replies: list[Reply]
    ) -> None:
        """Edit the message whose button was pressed to show the first reply; send the rest."""
        if not replies:
            return
        first, rest = replies[0], replies[1:]
        message = query.message
        editable = (
            isinstance(message, Message)
            and message.text is not None
            and _destination(incoming, first) == incoming.chat_id
        )
        pieces = render(first)
        if not editable or not pieces or not await self._edit(query, pieces[0]):
            await self._send_replies(incoming, replies)
            return
        sent = 1 + await self._send_pieces(incoming.chat_id, pieces[1:])
        await report(self._outbox, first, sent, len(pieces))
        await self._send_replies(incoming, rest)

    async def _edit(self, query: CallbackQuery, piece: TelegramMessage) -> bool:
        """Whether the pressed message now shows `piece` (its keyboard replaced or removed)."""
        try:
            await query.edit_message_text(
                piece.html, parse_mode=ParseMode.HTML, reply_markup=piece.keyboard
            )
        except BadRequest as error:
            if "not modified" in error.message.lower():
                return True
            log.info("edit refused query=%s error=%s", query.id, error.message)
            return False
        except TelegramError as error:
            log.info("edit failed query=%s error=%s", query.id, _name(error))
            return False
        return True

    async def _send_replies(self, incoming: Incoming, replies: list[Reply]) -> None:
        for reply in replies:
            chat_id = _destination(incoming, reply)
            pieces = render(reply)
            sent = await self._send_pieces(chat_id, pieces)
            if sent == 0 and chat_id != incoming.chat_id:
                # They never opened a private chat with the bot: answer where they asked.
                sent = await self._send_pieces(incoming.chat_id, pieces)
            await report(self._outbox, reply, sent, len(pieces))

    async def _send_pieces(self, chat_id: str, pieces: list[TelegramMessage]) -> int:
        """Send the pieces of a reply in order; how many went before one did not."""
        for number, piece in enumerate(pieces):
            if not await self._send_reply(chat_id, piece):
                return number
        return len(pieces)

    async def _send_reply(self, chat_id: str, piece: TelegramMessage) -> bool:
        """Send one reply message, trying again when the network drops it; whether it went."""
        delays = self.config.reply_retry_delays
        for attempt in range(len(delays) + 1):
            try:
                await self.bot.send_message(
                    _chat(chat_id),
                    piece.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=piece.keyboard,
                    rate_limit_args=REPLY_FLOOD_RETRIES,
                )
                return True
            except (BadRequest, Forbidden, RetryAfter) as error:
                # Refused for good: a group member who never opened a private chat with the
                # bot, or flood control still refusing after the rate limiter waited.
                log.warning("reply not sent chat=%s error=%s", chat_id, _name(error))
                return False
            except NetworkError as error:
                if attempt == len(delays):
                    log.warning("reply lost chat=%s error=%s", chat_id, _name(error))
                    return False
                await asyncio.sleep(delays[attempt])
        return False

    # -- the outbox ------------------------------------------------------------------------

    async def deliver_once(self, limit: int = 50) -> int:
        """Send the outbox messages due for Telegram; returns how many were sent."""
        return await self._delivery.deliver_once(limit)


async def fetch_bot_username(config: TelegramConfig) -> str | None:
    """The bot's username from Telegram (getMe), for t.me deep links; None if unreachable."""
    request = HTTPXRequest()
    client = Bot(
        config.token,
        base_url=config.api_base_url,
        base_file_url=config.file_base_url,
        request=request,
    )
    try:
        async with client:
            return client.username
    except TelegramError as error:  # InvalidToken's message repeats the token: name it only
        log.warning("could not ask Telegram for the bot's name: %s", _name(error))
        return None
    finally:
        await request.shutdown()  # a refused getMe leaves it open


def _destination(incoming: Incoming, reply: Reply) -> str:
    """A reply that concerns only the sender goes to their private chat when asked in a group."""
    return incoming.external_user_id if reply.private and not incoming.private else incoming.chat_id


def _chat(chat_id: str) -> int | str:
    try:
        return int(chat_id)
    except ValueError:  # a channel's @username
        return chat_id


def _name(error: BaseException) -> str:
    return type(error).__name__
