"""Sending the outbox to Slack: paced per chat, and every refusal turned into what to do next.

A sweep never waits: a message Slack (or our own pacing) says must wait goes back into the
outbox with the delay, a person Slack cannot reach is marked unreachable, and anything else
is retried later. Nothing here raises into the runner's loop.
"""

from __future__ import annotations

import asyncio
import logging
import math
import traceback
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.pacing import ChatPacer, backoff
from adapters.slack.render import render
from adapters.slack.translate import PLATFORM
from core.delivery import Delivery, OutboxDelivery
from core.messages import Reply

log = logging.getLogger("gotong.slack")

# Slack errors that mean this person cannot get messages from the app on Slack any more.
UNREACHABLE = frozenset(
    {
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
    }
)
# Errors that mean Gotong's own credentials are wrong: the admin must act; retry much later.
# Slack answers account_inactive when the app's own user or workspace is deactivated, so it
# says nothing about the recipient and must not mark everyone unreachable.
CREDENTIALS = frozenset(
    {"invalid_auth", "not_authed", "token_revoked", "token_expired", "missing_scope"}
    | {"account_inactive"}
)
NETWORK_BACKOFF = timedelta(seconds=5)
MAX_BACKOFF = timedelta(minutes=10)
BAD_REQUEST_DELAY = timedelta(minutes=30)


class SlackOutbox:
    """Claims the outbox messages due for Slack and posts them to each person's DM."""

    def __init__(
        self,
        client: AsyncWebClient,
        outbox: OutboxDelivery,
        clock: Callable[[], float],
        *,
        per_second: float = 1.0,
    ) -> None:
        self._client = client  # without retry handlers: a refusal goes back to the outbox
        self._outbox = outbox
        self._pacer = ChatPacer(clock, per_second=per_second)

    async def deliver_once(self, limit: int = 50) -> int:
        """Send the outbox messages due for Slack; returns how many were sent."""
        try:
            deliveries = await asyncio.to_thread(self._outbox.claim, PLATFORM, limit)
        except Exception as error:
            log.error("outbox claim failed error=%s", type(error).__name__)
            return 0
        sent = 0
        refused: dict[str, timedelta] = {}  # chats Slack told to wait, for this sweep
        gone: set[int] = set()  # people Slack cannot reach
        for delivery in deliveries:
            try:
                if delivery.person_id in gone:
                    continue  # `unreachable` already failed their messages
                if delivery.chat_id in refused:
                    await self._postpone(delivery, refused[delivery.chat_id], "ratelimited")
                elif await self._deliver(delivery, refused, gone):
                    sent += 1
            except Exception as error:  # a bug or the database: keep the sweep going
                log.error(
                    "outbox delivery failed delivery=%s error=%s\n%s",
                    delivery.id,
                    type(error).__name__,
                    "".join(traceback.format_tb(error.__traceback__)),
                )
        return sent

    async def _deliver(
        self, delivery: Delivery, refused: dict[str, timedelta], gone: set[int]
    ) -> bool:
        messages = render(Reply(delivery.text, delivery.buttons))
        if not messages:
            await asyncio.to_thread(self._outbox.sent, delivery.id, "")
            return False
        wait = self._pacer.take(delivery.chat_id, len(messages))
        if wait > 0:
            await self._postpone(delivery, timedelta(seconds=math.ceil(wait)), "paced")
            return False
        posted = ""
        try:
            for message in messages:
                response = await self._client.chat_postMessage(
                    channel=delivery.chat_id, text=message.text, blocks=message.blocks
                )
                posted = f"{response.get('channel', '')}:{response.get('ts', '')}"
        except SlackApiError as error:
            await self._refused(delivery, error, refused, gone)
            return False
        except Exception as error:  # network trouble: try again soon
            await self._put_back(delivery, _backoff(delivery), error_name(error))
            return False
        await asyncio.to_thread(self._outbox.sent, delivery.id, posted)
        return True

    async def _refused(
        self,
        delivery: Delivery,
        error: SlackApiError,
        refused: dict[str, timedelta],
        gone: set[int],
    ) -> None:
        status = error.response.status_code
        code = str(error.response.get("error") or "")
        if status == 429:
            delay = timedelta(seconds=_retry_after(error.response.headers))
            refused[delivery.chat_id] = delay
            await self._postpone(delivery, delay, "ratelimited")
        elif code in UNREACHABLE:
            log.info("person unreachable on slack person=%s error=%s", delivery.person_id, code)
            gone.add(delivery.person_id)
            await asyncio.to_thread(self._outbox.unreachable, delivery.person_id, PLATFORM)
        elif status >= 500:
            await self._put_back(delivery, _backoff(delivery), f"http {status}")
        elif code in CREDENTIALS:
            log.error("slack refused gotong's token error=%s", code)
            await self._put_back(delivery, BAD_REQUEST_DELAY, code)
        else:  # Slack will refuse it again soon: wait long
            await self._put_back(delivery, BAD_REQUEST_DELAY, code or f"http {status}")

    async def _postpone(self, delivery: Delivery, delay: timedelta, reason: str) -> None:
        log.info("outbox delivery postponed delivery=%s reason=%s", delivery.id, reason)
        await asyncio.to_thread(self._outbox.postpone, delivery.id, delay, reason)

    async def _put_back(self, delivery: Delivery, delay: timedelta, error: str) -> None:
        log.info("outbox delivery postponed delivery=%s error=%s", delivery.id, error)
        await asyncio.to_thread(self._outbox.retry_later, delivery.id, delay, error)


def error_name(error: BaseException) -> str:
    """What went wrong, for a log line: Slack's error code or the exception's type."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error.response.status_code)
    return type(error).__name__


def _retry_after(headers: Mapping[str, Any]) -> int:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            first = value[0] if isinstance(value, list | tuple) else value
            try:
                return max(1, int(first))
            except (TypeError, ValueError):
                break
    return 1


def _backoff(delivery: Delivery) -> timedelta:
    return backoff(delivery.attempts, base=NETWORK_BACKOFF, cap=MAX_BACKOFF)
