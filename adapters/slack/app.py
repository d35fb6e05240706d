"""The Slack adapter: slack-bolt's AsyncApp inside Gotong's own event loop.

Slack reaches Gotong by Socket Mode (an app-level token; no public URL) or by HTTP (a signing
secret; events, the slash command and interactivity POSTed to one path that Gotong serves,
see `receiving`). Every listener acknowledges first and then works in a background task, so
Slack gets its answer within 3 seconds however slow the database is; one person's messages
are handled in order. Replies go back by `replies`, the outbox by `deliver_once` and the runner.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.failures import error_kind
from adapters.front_door import FrontDoor
from adapters.inbox import Keeping, recover
from adapters.ordering import ChatOrder
from adapters.slack import translate
from adapters.slack.client_logs import BOLT_LOG, _bolt_logger
from adapters.slack.config import SlackConfig, SlackStartError
from adapters.slack.outbox import SlackOutbox, error_code, error_name
from adapters.slack.profiles import Profiles
from adapters.slack.receiving import SlackHttpServer
from adapters.slack.render import ACTION_PREFIX, TASK_FORM, task_form
from adapters.slack.replies import SlackReplies
from adapters.slack.translate import PLATFORM, Inbound, Profile
from core.delivery.claims import OutboxDelivery
from core.eventlog import event
from core.language.grammar import parse_command
from core.language.i18n import language_or_default
from core.language.menu import task_form_labels

log = logging.getLogger("gotong.slack")

# Seconds users.info may take before a message is stored without the profile: Slack wants
# its acknowledgement within 3 seconds, and the message is stored before that.
PROFILE_WAIT = 1.5
STOP_GRACE = 10.0  # seconds stop() lets work in hand finish


class SlackAdapter:
    """One Slack app serving Gotong: receives events, commands and clicks; sends the outbox."""

    def __init__(
        self,
        config: SlackConfig,
        *,
        gotong: FrontDoor,
        outbox: OutboxDelivery,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._gotong = gotong
        bolt_log = _bolt_logger()
        # slack_sdk appends method names to the base URL as it is: it must end with "/".
        base_url = config.api_base_url.rstrip("/") + "/"
        # Replies wait out a 429 (Retry-After) and retry a dropped connection once.
        client: dict[str, Any] = {"token": config.bot_token, "base_url": base_url}
        client |= {"logger": bolt_log, "timeout": config.request_timeout}
        self.client = AsyncWebClient(**client)
        self.client.retry_handlers.append(
            AsyncRateLimitErrorRetryHandler(max_retry_count=config.reply_rate_limit_retries)
        )
        # The outbox never waits inside a sweep: a refusal puts the message back in the outbox.
        self._outbox_client = AsyncWebClient(**client, retry_handlers=[])
        self.app = AsyncApp(
            client=self.client,
            signing_secret=config.signing_secret or "",
            process_before_response=True,
            raise_error_for_unhandled_request=True,
            logger=bolt_log,
            name=BOLT_LOG,  # bolt sets its app-named logger's level: never Gotong's own "gotong"
        )
        self._register_listeners()
        self._delivery = SlackOutbox(
            self._outbox_client, outbox, monotonic, per_second=config.channel_per_second
        )
        self.next_due_in = self._delivery.next_due_in  # the runner's: when to sweep again
        self._replies = SlackReplies(
            self.client, outbox, rate_limit_retries=config.reply_rate_limit_retries
        )
        self._profiles = Profiles(self.client)
        self._socket: AsyncSocketModeHandler | None = None
        self._http = SlackHttpServer(self.app, config)
        self._tasks: set[asyncio.Task[None]] = set()
        self._order = ChatOrder()
        self.bot_user_id: str | None = None
        self._inbox = Keeping(gotong)
        self.errors: deque[BaseException] = deque(maxlen=100)  # unexpected ones, for tests

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Check the bot token with Slack, then start receiving by Socket Mode or HTTP."""
        config = self.config
        if not config.socket_mode and not config.signing_secret:
            raise SlackStartError(
                "Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)"
            )
        try:
            identity = await self.client.auth_test()
        except SlackApiError as error:
            if not error_code(error):  # a proxy's error page, not Slack's answer
                raise SlackStartError(
                    f"Slack's answer to auth.test is unreadable: {error_name(error)}"
                ) from None
            raise SlackStartError(
                f"Slack refused the bot token (SLACK_BOT_TOKEN): {error_code(error)}"
            ) from None
        except Exception as error:
            raise SlackStartError(f"Slack is not reachable: {type(error).__name__}") from None
        self.bot_user_id = identity.get("user_id")
        await recover(self._gotong, PLATFORM)
        if config.socket_mode:
            assert config.app_token is not None
            self._socket = AsyncSocketModeHandler(
                self.app, config.app_token, logger=logging.getLogger(BOLT_LOG)
            )
            try:
                await self._socket.connect_async()
            except Exception as error:
                self._socket = None
                raise SlackStartError(
                    f"Slack Socket Mode did not connect (SLACK_APP_TOKEN): {type(error).__name__}"
                ) from None
            event(log, "slack.connected", mode="socket", bot=self.bot_user_id)
            return
        await self._http.start()
        event(log, "slack.listening", mode="http", url=self.http_url)

    async def stop(self) -> None:
        """Stop receiving, let the work in hand finish (briefly), and close connections."""
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        await self._http.stop()
        try:
            await asyncio.wait_for(self.idle(), STOP_GRACE)
        except TimeoutError:
            event(log, "slack.stopped_unfinished", level=logging.WARNING, tasks=len(self._tasks))
            for task in list(self._tasks):
                task.cancel()

    async def idle(self) -> None:
        """Wait until every event, command and click received so far has been answered."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    @property
    def http_url(self) -> str | None:
        """Where Slack should POST in HTTP mode (the bound port when the setting says 0)."""
        return self._http.url

    # -- listeners: acknowledge, then work in the background -------------------------------

    def _register_listeners(self) -> None:
        app = self.app
        app.event("message")(self._on_event)
        app.event("app_mention")(self._on_event)
        app.command(self.config.command)(self._on_command)
        app.action(re.compile(rf"^{ACTION_PREFIX}\d+$"))(self._on_click)
        app.view(TASK_FORM)(self._on_task_form)
        app.error(self._on_bolt_error)

    async def _on_event(
        self, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        inbound = translate.from_event(body, self.bot_user_id or context.bot_user_id)
        await self._keep_then_ack(inbound, ack)

    async def _on_command(self, ack: AsyncAck, command: dict[str, Any]) -> None:
        inbound = translate.from_command(command)
        if inbound.trigger_id and translate.wants_task_form(inbound.text):
            await ack()  # the form is not a message for the core until it is submitted
            self._spawn(inbound, self._open_task_form)
        else:
            await self._keep_then_ack(inbound, ack)

    async def _on_click(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await self._keep_then_ack(translate.from_click(body), ack)

    async def _on_task_form(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        # Acknowledging closes the form; the outcome (or the refusal) arrives in the DM.
        await self._keep_then_ack(translate.from_task_form(body), ack)

    async def _keep_then_ack(self, inbound: Inbound | None, ack: AsyncAck) -> None:
        """Store the message, acknowledge it, then handle it in the background.

        Slack delivers again what was not acknowledged, so nothing is acknowledged before it
        is stored: if storing fails, the error reaches bolt and Slack retries.
        """
        if inbound is not None:
            await self._keep(inbound)
        await ack()
        if inbound is not None:
            self._spawn(inbound, self._handle)

    async def _on_bolt_error(self, error: Exception, body: dict[str, Any]) -> None:
        if isinstance(error, BoltUnhandledRequestError):
            event(log, "slack.request_ignored", type=body.get("type"))
            return
        self.errors.append(error)
        event(
            log,
            "slack.request_failed",
            level=logging.ERROR,
            exc_info=error,
            type=body.get("type"),
            error=error_kind(error),
        )

    def _spawn(self, inbound: Inbound, work: Callable[[Inbound], Awaitable[None]]) -> None:
        task = asyncio.create_task(self._in_order(inbound, work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _in_order(self, inbound: Inbound, work: Callable[[Inbound], Awaitable[None]]) -> None:
        """Run `work` after the same person's earlier messages."""
        try:
            await self._order.run(inbound.user_id, lambda: work(inbound))
        except Exception as error:
            self.errors.append(error)
            event(
                log,
                "slack.work_failed",
                level=logging.ERROR,
                exc_info=error,
                error=error_kind(error),
                **translate.about(inbound),
            )

    # -- the core --------------------------------------------------------------------------

    async def _keep(self, inbound: Inbound) -> None:
        """Translate a message (with the sender's profile) into the inbox."""
        try:
            profile = await asyncio.wait_for(self._profiles.of(inbound.user_id), PROFILE_WAIT)
        except TimeoutError:  # an enrichment never holds a message up
            event(log, "slack.profile_slow", **translate.about(inbound))
            profile = Profile()
        incoming = translate.incoming(inbound, profile=profile, bot_user_id=self.bot_user_id)
        await self._inbox.keep(incoming, lambda said: self._replies.refuse(inbound, said))

    async def _handle(self, inbound: Inbound) -> None:
        event(log, "slack.handling", **translate.about(inbound))
        replies = await asyncio.to_thread(
            self._gotong.process, PLATFORM, translate.event_id(inbound)
        )
        await self._replies.answer(inbound, replies)

    async def _open_task_form(self, inbound: Inbound) -> None:
        """`/gotong tugas` alone: the task form; if Slack will not open it, the core answers."""
        profile = await self._profiles.of(inbound.user_id)
        command = parse_command(inbound.text)
        word = command.word if command else "tugas"
        try:
            await self.client.views_open(
                trigger_id=inbound.trigger_id or "",
                view=task_form(
                    task_form_labels(self._gotong.catalog, language_or_default(profile.locale)),
                    private_metadata=word,
                ),
            )
        except SlackApiError as error:
            event(
                log,
                "slack.task_form_not_opened",
                event_id=translate.origin(inbound),
                error=error_name(error),
            )
            await self._keep(inbound)
            await self._handle(inbound)

    # -- the outbox ------------------------------------------------------------------------

    async def deliver_once(self, limit: int = 50) -> int:
        """Send the outbox messages due for Slack; returns how many were sent (never raises)."""
        return await self._delivery.deliver_once(limit)


__all__ = [
    "BOLT_LOG",
    "SlackAdapter",
    "SlackConfig",
    "SlackStartError",
]
