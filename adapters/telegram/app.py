"""The Telegram adapter: drives python-telegram-bot inside Gotong's own event loop.

Updates come in by long polling (the default) or by webhook (`receiving`); each is
translated once and stored in the inbox, then handled after its chat's earlier updates
(`adapters.ordering`) in a worker thread, and the replies are sent back (`replies`).
python-telegram-bot is the client (its bot, rate limiter and lifecycle); Gotong receives
and dispatches updates itself. Messages the core queued for other people are sent by
`deliver_once`, which the runner calls every few seconds.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from collections.abc import Awaitable, Callable
from functools import partial

from telegram import CallbackQuery, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, ExtBot
from telegram.request import HTTPXRequest

from adapters.failures import error_kind
from adapters.front_door import FrontDoor
from adapters.gate import BotGate, WindowStore
from adapters.inbox import Keeping, recover
from adapters.ordering import ChatOrder
from adapters.pacing import ChatWindows
from adapters.telegram.config import TelegramConfig, TelegramStartError
from adapters.telegram.limiter import TelegramLimiter
from adapters.telegram.outbox import TelegramOutbox
from adapters.telegram.receiving import Handling, TelegramReceiver
from adapters.telegram.replies import TelegramReplies
from adapters.telegram.startup import fetch_bot_username, set_command_menu
from adapters.telegram.translate import PLATFORM, incoming_from_update, update_origin
from core.delivery.claims import OutboxDelivery
from core.eventlog import event
from core.messages import Incoming, Reply

log = logging.getLogger("gotong.telegram")


class TelegramAdapter:
    """One Telegram bot serving Gotong: receives updates, sends replies and the outbox."""

    def __init__(
        self,
        config: TelegramConfig,
        *,
        gotong: FrontDoor,
        outbox: OutboxDelivery,
        monotonic: Callable[[], float] = time.monotonic,
        shared_pacing: WindowStore | None = None,
        shared_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        # PTB 22 gives RetryAfter.retry_after as a timedelta only when asked to (and warns if not).
        os.environ.setdefault("PTB_TIMEDELTA", "1")
        self.config = config
        self._gotong = gotong
        # Our own HTTP clients, so a start that fails halfway can still close them.
        timeout = config.request_timeout
        sending = HTTPXRequest(
            connection_pool_size=256,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
        )
        self._requests = (sending, HTTPXRequest())
        # With several instances on one PostgreSQL (`shared_pacing`) the bot-wide window is
        # theirs together, kept in wall-clock time that every instance reads alike.
        self.gate = BotGate(
            shared_clock if shared_pacing is not None else monotonic,
            limit=config.overall_per_second,
            shared=shared_pacing,
            sleep=sleep,
        )
        self.groups = ChatWindows(
            monotonic, limit=config.group_per_minute, period=config.group_window_seconds
        )
        builder = (
            Application.builder()
            .token(config.token)
            .base_url(config.api_base_url)
            .base_file_url(config.file_base_url)
            .request(self._requests[0])
            .get_updates_request(self._requests[1])
            # Paces the whole bot (30 a second, replies and the outbox taking turns) and
            # replies in groups (20 a minute); never retries, so the outbox decides what a
            # refusal means.
            .rate_limiter(TelegramLimiter(self.gate, self.groups))
            # Gotong receives and dispatches updates itself: PTB's updater would confirm them
            # before they are stored, and its queue is one more hop than needed.
            .updater(None)
        )
        self.application = builder.build()
        self._order = ChatOrder()
        self._slots = asyncio.Semaphore(config.concurrent_updates)
        self._tasks: set[asyncio.Task[None]] = set()
        self._delivery = TelegramOutbox(
            self.application.bot,
            outbox,
            monotonic,
            private_per_second=config.private_per_second,
            groups=self.groups,
            gate=self.gate,
        )
        self._receiver = TelegramReceiver(
            self.application, config, self._keep, self._spawn, self._not_kept
        )
        self._inbox = Keeping(gotong)
        self._replies = TelegramReplies(self.application.bot, outbox, config.reply_retry_delays)
        self.handled = 0  # updates fully handled (replies sent); tests wait on it
        self.errors: deque[BaseException] = deque(maxlen=100)

    @property
    def bot(self) -> ExtBot[int | str]:
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
                raise TelegramStartError(
                    f"Telegram is not reachable: {error_kind(error)}"
                ) from None
            raise
        try:
            await set_command_menu(self.bot, self._gotong.catalog)
            await self.application.start()
            await recover(self._gotong, PLATFORM)
            await self._receiver.start()
        except BaseException:
            await self.stop()
            raise

    async def _close_clients(self) -> None:
        """Close the HTTP clients of a start that failed before the application was up."""
        for request in self._requests:
            await request.shutdown()

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, and close the client."""
        await self._receiver.stop()
        while self._tasks:  # what was kept is answered now (or, if we die, after the restart)
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    # -- incoming --------------------------------------------------------------------------

    async def _keep(self, update: Update) -> Handling:
        """Store an update in the inbox (raises if the database cannot take it); returns its
        handling, to run once Telegram may be told the update arrived."""
        incoming = incoming_from_update(update, bot_username=self.bot.username, bot_id=self.bot.id)
        if incoming is not None:
            await asyncio.to_thread(self._gotong.receive, incoming)
        return lambda: self._handle(update, incoming)

    async def _not_kept(self, updates: list[Update]) -> None:
        """Tell each sender once to try again later (Telegram brings the update again)."""
        for update in updates:
            incoming = incoming_from_update(
                update, bot_username=self.bot.username, bot_id=self.bot.id
            )
            if incoming is not None:
                await self._inbox.tell(incoming, partial(self._refuse, update, incoming))

    async def _refuse(self, update: Update, incoming: Incoming, replies: list[Reply]) -> None:
        """Try again later, as an answer; a pressed button keeps its message, to press again."""
        if update.callback_query is not None:
            await self._replies.stop_spinner(update.callback_query)
        await self._replies.answer(incoming, replies, None)

    def _spawn(self, handle: Handling) -> None:
        task = asyncio.create_task(handle())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, update: Update, incoming: Incoming | None) -> None:
        """Answer one kept update after its chat's earlier ones; a failure is logged, and the
        inbox keeps the update for the next start."""
        try:
            async with self._slots:
                query = update.callback_query
                if incoming is None:
                    if query is not None:
                        await self._replies.stop_spinner(query)
                    return
                key = incoming.chat_id
                await self._order.run(key, lambda: self._answer(incoming, query))
        except Exception as error:
            self.errors.append(error)
            event(
                log,
                "telegram.update_failed",
                level=logging.ERROR,
                exc_info=error,
                event_id=update_origin(update.update_id),
                error=error_kind(error),
            )
        finally:
            self.handled += 1

    async def _answer(self, incoming: Incoming, query: CallbackQuery | None) -> None:
        replies = await asyncio.to_thread(self._gotong.process, PLATFORM, incoming.event_id)
        await self._replies.answer(incoming, replies, query)

    # -- the outbox ------------------------------------------------------------------------

    async def deliver_once(self, limit: int = 50) -> int:
        """Send the outbox messages due for Telegram; returns how many were sent."""
        return await self._delivery.deliver_once(limit)

    async def next_due_in(self) -> float | None:
        """Seconds until the next outbox message for Telegram is due (None: nothing waits)."""
        return await self._delivery.next_due_in()


__all__ = [
    "TelegramAdapter",
    "TelegramConfig",
    "TelegramStartError",
    "fetch_bot_username",
]
