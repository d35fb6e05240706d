"""The Slack adapter: slack-bolt's AsyncApp inside Gotong's own event loop.

Slack reaches Gotong by Socket Mode (an app-level token; no public URL) or by HTTP (a signing
secret; events, the slash command and interactivity POSTed to one path that Gotong serves).
Every listener acknowledges first and then works in a background task, so Slack gets its
answer within 3 seconds however slow the database is; one person's messages are still
handled in the order they arrived. The outbox is sent by `deliver_once`, which the runner
calls every few seconds.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import traceback
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.inbox import recover, report
from adapters.slack import translate
from adapters.slack.outbox import SlackOutbox, error_code, error_name
from adapters.slack.render import ACTION_PREFIX, TASK_FORM, SlackMessage, render, task_form
from adapters.slack.translate import PLATFORM, Inbound, Profile
from core.app import Gotong
from core.delivery.claims import OutboxDelivery
from core.language.grammar import parse_command
from core.language.i18n import language_or_default
from core.language.menu import task_form_labels
from core.messages import Reply

log = logging.getLogger("gotong.slack")
BOLT_LOG = "gotong.slack.bolt"

PROFILE_TTL = 3600.0  # seconds a users.info answer is trusted
PROFILE_CACHE = 5000
# Seconds users.info may take before a message is stored without the profile: Slack wants
# its acknowledgement within 3 seconds, and the message is stored before that.
PROFILE_WAIT = 1.5
STOP_GRACE = 10.0  # seconds stop() lets work in hand finish
TIMESTAMP = re.compile(r"[0-9]{1,12}")  # X-Slack-Request-Timestamp: Unix seconds


class SlackStartError(RuntimeError):
    """Slack could not be reached, refused the token, or the settings name no way to listen."""


@dataclass(frozen=True)
class SlackConfig:
    """What the adapter needs to know; the runner fills it from Settings."""

    bot_token: str = field(repr=False)
    app_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    api_base_url: str = "https://slack.com/api/"
    http_listen: str = "0.0.0.0:3000"
    http_path: str = "/slack/events"
    command: str = "/gotong"
    # 429s a reply waits out (Retry-After, in real time) before it is given up.
    reply_rate_limit_retries: int = 2
    # Slack's pace for posting to one channel.
    channel_per_second: float = 1.0

    @property
    def socket_mode(self) -> bool:
        """Socket Mode whenever an app-level token is given; HTTP otherwise."""
        return bool(self.app_token)


class SlackAdapter:
    """One Slack app serving Gotong: receives events, commands and clicks; sends the outbox."""

    def __init__(
        self,
        config: SlackConfig,
        *,
        gotong: Gotong,
        outbox: OutboxDelivery,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._gotong = gotong
        bolt_log = _bolt_logger()
        # slack_sdk appends method names to the base URL as it is: it must end with "/".
        base_url = config.api_base_url.rstrip("/") + "/"
        # Replies wait out a 429 (Retry-After) and retry a dropped connection once.
        self.client = AsyncWebClient(token=config.bot_token, base_url=base_url, logger=bolt_log)
        self.client.retry_handlers.append(
            AsyncRateLimitErrorRetryHandler(max_retry_count=config.reply_rate_limit_retries)
        )
        # The outbox never waits inside a sweep: a refusal puts the message back in the outbox.
        self._outbox_client = AsyncWebClient(
            token=config.bot_token, base_url=base_url, logger=bolt_log, retry_handlers=[]
        )
        self.app = AsyncApp(
            client=self.client,
            signing_secret=config.signing_secret or "",
            process_before_response=True,
            raise_error_for_unhandled_request=True,
            logger=bolt_log,
            name="gotong",
        )
        self._register_listeners()
        self._outbox = outbox
        self._delivery = SlackOutbox(
            self._outbox_client, outbox, monotonic, per_second=config.channel_per_second
        )
        self._socket: AsyncSocketModeHandler | None = None
        self._http: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}
        self._profiles: dict[str, tuple[float, Profile]] = {}
        self.bot_user_id: str | None = None
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
            log.info("slack socket mode connected bot=%s", self.bot_user_id)
            return
        await self._start_http()
        log.info("slack http mode listening on %s", self.http_url)

    async def stop(self) -> None:
        """Stop receiving, let the work in hand finish (briefly), and close connections."""
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._http is not None:
            await self._http.cleanup()
            self._http = None
        try:
            await asyncio.wait_for(self.idle(), STOP_GRACE)
        except TimeoutError:
            log.warning("slack stopped with %d pieces of work unfinished", len(self._tasks))
            for task in list(self._tasks):
                task.cancel()

    async def idle(self) -> None:
        """Wait until every event, command and click received so far has been answered."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    @property
    def http_url(self) -> str | None:
        """Where Slack should POST in HTTP mode (the bound port when the setting says 0)."""
        if self._http is None or not self._http.addresses:
            return None
        host, port = self._http.addresses[0][:2]
        return f"http://{host}:{port}{self.config.http_path}"

    # -- HTTP mode -------------------------------------------------------------------------

    async def _start_http(self) -> None:
        host, _, port = self.config.http_listen.rpartition(":")
        server = web.Application(client_max_size=1024 * 1024)
        server.router.add_post(self.config.http_path, self._receive)
        self._http = web.AppRunner(server, access_log=None)
        await self._http.setup()
        try:
            await web.TCPSite(self._http, host or "0.0.0.0", int(port)).start()
        except OSError as error:
            await self._http.cleanup()
            self._http = None
            raise SlackStartError(
                f"cannot listen on {self.config.http_listen}: {type(error).__name__}"
            ) from None

    async def _receive(self, request: web.Request) -> web.Response:
        """One request from Slack: bolt checks the signature (401 if bad) and dispatches it."""
        # slack_sdk's verifier raises on a timestamp that is not a number (a 500 and a traceback).
        if not TIMESTAMP.fullmatch(request.headers.get("X-Slack-Request-Timestamp", "")):
            log.warning("slack request without a readable timestamp refused")
            return web.Response(status=401)
        try:
            bolt_request = await to_bolt_request(request)
        except ValueError:  # not JSON although it says so: not from Slack
            log.warning("slack request that cannot be read refused")
            return web.Response(status=400)
        _repair_form_body(bolt_request)
        response = await self.app.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)

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
            log.info("slack request not for gotong type=%s", body.get("type"))
            return
        self.errors.append(error)
        log.error(
            "slack request failed type=%s error=%s\n%s",
            body.get("type"),
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )

    def _spawn(self, inbound: Inbound, work: Callable[[Inbound], Awaitable[None]]) -> None:
        task = asyncio.create_task(self._in_order(inbound, work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _in_order(self, inbound: Inbound, work: Callable[[Inbound], Awaitable[None]]) -> None:
        """Run `work` after the same person's earlier messages (asyncio locks are fair)."""
        key = inbound.user_id
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await work(inbound)
        except Exception as error:
            self.errors.append(error)
            log.error(
                "slack %s failed event=%s user=%s error=%s\n%s",
                inbound.via,
                inbound.event_id,
                inbound.user_id,
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    # -- the core --------------------------------------------------------------------------

    async def _keep(self, inbound: Inbound) -> None:
        """Translate a message (mentions as @handles, the sender's profile) into the inbox."""
        try:
            profile = await asyncio.wait_for(self._profile(inbound.user_id), PROFILE_WAIT)
        except TimeoutError:  # an enrichment never holds a message up
            log.info("users.info too slow user=%s", inbound.user_id)
            profile = Profile()
        mentioned = translate.mentioned_users(inbound.text)
        handles = (
            await asyncio.to_thread(self._gotong.handles_for, PLATFORM, mentioned)
            if mentioned
            else {}
        )
        incoming = translate.incoming(
            inbound, handles=handles, profile=profile, bot_user_id=self.bot_user_id
        )
        await asyncio.to_thread(self._gotong.receive, incoming)

    async def _handle(self, inbound: Inbound) -> None:
        log.info("slack %s event=%s user=%s", inbound.via, inbound.event_id, inbound.user_id)
        replies = await asyncio.to_thread(
            self._gotong.process, PLATFORM, translate.event_id(inbound)
        )
        await self._answer(inbound, replies)

    async def _open_task_form(self, inbound: Inbound) -> None:
        """`/gotong tugas` alone: the task form; if Slack will not open it, the core answers."""
        profile = await self._profile(inbound.user_id)
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
            log.info("task form not opened event=%s error=%s", inbound.event_id, error_name(error))
            await self._keep(inbound)
            await self._handle(inbound)

    async def _profile(self, user_id: str) -> Profile:
        """Name, username and locale from users.info (cached; empty if Slack will not say)."""
        cached = self._profiles.get(user_id)
        now = time.monotonic()
        if cached is not None and now - cached[0] < PROFILE_TTL:
            return cached[1]
        try:
            response = await self.client.users_info(user=user_id, include_locale=True)
        except SlackApiError as error:  # e.g. missing_scope: asking again will not help
            log.info("users.info refused user=%s error=%s", user_id, error_name(error))
            self._remember(user_id, now, Profile())
            return Profile()
        except Exception as error:
            log.info("users.info failed user=%s error=%s", user_id, error_name(error))
            return Profile()
        profile = translate.profile_of(response.get("user"))
        self._remember(user_id, now, profile)
        return profile

    def _remember(self, user_id: str, at: float, profile: Profile) -> None:
        self._profiles.pop(user_id, None)
        if len(self._profiles) >= PROFILE_CACHE:
            self._profiles.pop(next(iter(self._profiles)))  # the oldest
        self._profiles[user_id] = (at, profile)

    # -- answering -------------------------------------------------------------------------

    async def _answer(self, inbound: Inbound, replies: list[Reply]) -> None:
        """Send the core's replies where they belong; a click's first reply replaces the message."""
        if inbound.via == "click" and replies:
            first = replies[0]
            messages = render(first)
            if (
                not _to_sender_only(inbound, first)
                and messages
                and await self._replace_clicked(inbound, messages[0])
            ):
                sent = 1 + await self._send(inbound, first, messages[1:])
                await report(self._outbox, first, sent, len(messages))
                replies = replies[1:]
        for reply in replies:
            messages = render(reply)
            sent = await self._send(inbound, reply, messages)
            await report(self._outbox, reply, sent, len(messages))

    async def _send(self, inbound: Inbound, reply: Reply, messages: list[SlackMessage]) -> int:
        """Send the messages of a reply in order; how many went before one did not."""
        for number, message in enumerate(messages):
            if not await self._send_one(inbound, reply, message):
                return number
        return len(messages)

    async def _send_one(self, inbound: Inbound, reply: Reply, message: SlackMessage) -> bool:
        """Send one message of a reply; whether it was delivered somewhere."""
        private = reply.private or inbound.private
        use_response_url = inbound.response_url and (
            inbound.via == "command" or (inbound.via == "click" and inbound.ephemeral)
        )
        if use_response_url:
            # A slash command may come from any conversation, even one the app is not in.
            if await self._respond(
                inbound, message, response_type="ephemeral" if private else "in_channel"
            ):
                return True
            return await self._post(inbound, inbound.user_id, message)
        if inbound.via == "form":
            return await self._post(inbound, inbound.user_id, message)
        if _to_sender_only(inbound, reply):
            if await self._post_ephemeral(inbound, message):
                return True
            return await self._post(inbound, inbound.user_id, message)
        return await self._post(inbound, inbound.channel, message, thread_ts=inbound.thread_ts)

    async def _post(
        self,
        inbound: Inbound,
        channel: str,
        message: SlackMessage,
        *,
        thread_ts: str | None = None,
    ) -> bool:
        try:
            await self.client.chat_postMessage(
                channel=channel, text=message.text, blocks=message.blocks, thread_ts=thread_ts
            )
        except Exception as error:
            log.warning(
                "reply not sent event=%s channel=%s error=%s",
                inbound.event_id,
                channel,
                error_name(error),
            )
            return False
        return True

    async def _post_ephemeral(self, inbound: Inbound, message: SlackMessage) -> bool:
        try:
            await self.client.chat_postEphemeral(
                channel=inbound.channel,
                user=inbound.user_id,
                text=message.text,
                blocks=message.blocks,
                thread_ts=inbound.thread_ts,
            )
        except Exception as error:
            log.info(
                "ephemeral reply not shown event=%s error=%s", inbound.event_id, error_name(error)
            )
            return False
        return True

    async def _respond(self, inbound: Inbound, message: SlackMessage, **options: Any) -> bool:
        """Post to the response URL Slack gave with a command or a click; whether it took it."""
        assert inbound.response_url is not None
        webhook = AsyncWebhookClient(
            inbound.response_url,
            logger=logging.getLogger(BOLT_LOG),
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(),
                AsyncRateLimitErrorRetryHandler(
                    max_retry_count=self.config.reply_rate_limit_retries
                ),
            ],
        )
        try:
            response = await webhook.send_dict(
                {"text": message.text, "blocks": message.blocks, **options}
            )
        except Exception as error:
            log.info("response url failed event=%s error=%s", inbound.event_id, error_name(error))
            return False
        if response.status_code != 200:
            log.info(
                "response url refused event=%s status=%s", inbound.event_id, response.status_code
            )
            return False
        return True

    async def _replace_clicked(self, inbound: Inbound, message: SlackMessage) -> bool:
        """Show the outcome in place of the message whose button was clicked."""
        if inbound.response_url and await self._respond(inbound, message, replace_original=True):
            return True
        if inbound.ephemeral or not inbound.message_ts:
            return False
        try:
            await self.client.chat_update(
                channel=inbound.channel,
                ts=inbound.message_ts,
                text=message.text,
                blocks=message.blocks,
            )
        except Exception as error:
            log.info("update refused event=%s error=%s", inbound.event_id, error_name(error))
            return False
        return True

    # -- the outbox ------------------------------------------------------------------------

    async def deliver_once(self, limit: int = 50) -> int:
        """Send the outbox messages due for Slack; returns how many were sent (never raises)."""
        return await self._delivery.deliver_once(limit)


def _to_sender_only(inbound: Inbound, reply: Reply) -> bool:
    """A reply that concerns only the sender, to something said in a channel."""
    return reply.private and not inbound.private


def _repair_form_body(request: AsyncBoltRequest) -> None:
    """Parse a slash command bolt dropped because its text contains the word "payload".

    bolt reads any form body containing "payload" as an interaction (`payload=<json>`) and
    finds nothing; the signature is checked on the raw body, which stays as it came.
    """
    raw = request.raw_body
    if request.body or not raw or raw.startswith("{"):
        return
    if (request.content_type or "").startswith("application/json"):
        return
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    if "payload" in fields:
        return
    request.body = fields
    request.context = build_async_context(AsyncBoltContext({}), fields)


class _WithoutTokenNotice(logging.Filter):
    """bolt warns at every start that SLACK_BOT_TOKEN (read from the environment) is unused."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger(BOLT_LOG)
    if not any(isinstance(f, _WithoutTokenNotice) for f in logger.filters):
        logger.addFilter(_WithoutTokenNotice())
    return logger


__all__ = [
    "SlackAdapter",
    "SlackConfig",
    "SlackStartError",
]
