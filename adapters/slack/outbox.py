"""Sending the outbox to Slack: paced per channel, and what each of Slack's refusals means.

A message with a file shares the file first (files_upload_v2), then posts the text; a file
Slack refuses leaves the text to go alone with a note saying so. The sweep itself
(claiming, never waiting, never raising) is adapters.sweep's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.failures import error_kind
from adapters.pacing import ChatPacer, backoff
from adapters.slack.render import render
from adapters.slack.translate import PLATFORM
from adapters.sweep import PlatformOutbox, Sweep
from core.delivery.claims import Delivery, OutboxDelivery
from core.eventlog import event
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
# Network trouble, as aiohttp (under slack_sdk's AsyncWebClient) raises it.
NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, ConnectionError)
EMPTY = "empty message"
BAD_REQUEST_DELAY = timedelta(minutes=30)


class UploadUnavailable(ConnectionError):
    """Slack's upload URL answered 5xx: trouble on the way, retried like the network's."""


class SlackOutbox(PlatformOutbox):
    """Posts the outbox messages due for Slack to each person's DM."""

    platform = PLATFORM

    def __init__(
        self,
        client: AsyncWebClient,
        outbox: OutboxDelivery,
        clock: Callable[[], float],
        *,
        per_second: float = 1.0,
    ) -> None:
        # One message at a time, as before: sent side by side, a Slack burst killed mid-way
        # showed more notifications sent twice than tests/test_crash.py allows (to look into).
        super().__init__(outbox, clock=clock, concurrency=1)
        self._client = client  # without retry handlers: a refusal goes back to the outbox
        self._pacer = ChatPacer(clock, per_second=per_second)

    async def deliver(self, delivery: Delivery, sweep: Sweep) -> bool:
        messages = render(Reply(delivery.text, delivery.buttons))
        if not messages:
            await self.failed(delivery, EMPTY)
            return False
        file_steps = 0 if delivery.attachment is None else 1
        wait = self._pacer.take(delivery.chat_id, file_steps + len(messages) - delivery.pieces_sent)
        if wait > 0:
            await self.paced(delivery, sweep, timedelta(seconds=wait))
            return False
        posted = ""
        try:
            if delivery.attachment is not None and delivery.pieces_sent == 0:
                refusal = await self._upload(delivery)
                if refusal is None:
                    await self.progress(delivery, 1)
                else:
                    delivery = await self.refuse_file(delivery, refusal)
                    messages, file_steps = render(Reply(delivery.text, delivery.buttons)), 0
            for number, message in enumerate(messages, start=file_steps):
                if number < delivery.pieces_sent:
                    continue  # posted by an earlier attempt
                response = await self._client.chat_postMessage(
                    channel=delivery.chat_id, text=message.text, blocks=message.blocks
                )
                posted = f"{response.get('channel', '')}:{response.get('ts', '')}"
                if number + 1 < file_steps + len(messages):
                    await self.progress(delivery, number + 1)
        except SlackApiError as error:
            await self._refused(delivery, error, sweep)
            return False
        except NETWORK_ERRORS as error:  # anything else is a bug: the sweep gives it up
            await self.put_back(delivery, backoff(delivery.attempts), error_name(error))
            return False
        await self.finished(delivery, posted)
        return True

    async def _conversation(self, chat_id: str) -> str:
        """A channel id files can be shared in: a person's user id (U…, W…) becomes the id of
        the bot's DM with them, which chat.postMessage finds by itself and files do not."""
        if chat_id[:1] not in ("U", "W"):
            return chat_id
        opened = await self._client.conversations_open(users=chat_id)
        return str(opened["channel"]["id"])

    async def _upload(self, delivery: Delivery) -> str | None:
        """Share the message's file in its chat (files_upload_v2: ask for an upload URL, upload,
        complete); None once shared, else why Slack will not take this file.

        Refusals that are not about the file (rate limits, credentials, a closed DM) raise,
        to be handled as for any message.
        """
        attachment = delivery.attachment
        assert attachment is not None
        try:
            await self._client.files_upload_v2(
                channel=await self._conversation(delivery.chat_id),
                file=attachment.data,
                filename=attachment.name,
                title=attachment.name,
            )
        except SlackApiError as error:
            code = error_code(error)
            status = http_status(error)
            if status == 429 or status >= 500 or code in UNREACHABLE | CREDENTIALS:
                raise
            return code or f"http {status}"
        except SlackRequestError as error:  # the upload URL's own answer (not Slack's JSON)
            status = _upload_status(error)
            if status >= 500:
                raise UploadUnavailable(f"http {status}") from None
            return "file_too_large" if status == 413 else "file_refused"
        return None

    async def _refused(self, delivery: Delivery, error: SlackApiError, sweep: Sweep) -> None:
        status = http_status(error)
        code = error_code(error)
        if status == 429:
            delay = timedelta(seconds=_retry_after(_headers(error)))
            await self.rate_limited(delivery, sweep, delay)
        elif code in UNREACHABLE:
            await self.unreachable(delivery, sweep, code)
        elif status >= 500:
            await self.put_back(delivery, backoff(delivery.attempts), f"http {status}")
        elif code in CREDENTIALS:
            event(
                log,
                "slack.token_refused",
                level=logging.ERROR,
                delivery=delivery.id,
                error=code,
            )
            await self.put_back(delivery, BAD_REQUEST_DELAY, code)
        else:  # Slack will refuse it again soon: wait long
            await self.put_back(delivery, BAD_REQUEST_DELAY, code or f"http {status}")


def error_name(error: BaseException) -> str:
    """What went wrong, for a log line: Slack's error code, the HTTP status or the type."""
    if isinstance(error, SlackApiError):
        return error_code(error) or f"http {http_status(error)}"
    return error_kind(error)


# slack_sdk puts a SlackResponse in SlackApiError.response, except when the body is not JSON:
# then it is aiohttp's ClientResponse. These read either and never raise.


def error_code(error: SlackApiError) -> str:
    """Slack's error code ("channel_not_found"), or "" when the answer did not say."""
    data = getattr(error.response, "data", None)
    code = data.get("error") if isinstance(data, dict) else None
    return code if isinstance(code, str) else ""


def http_status(error: SlackApiError) -> int:
    """The HTTP status of Slack's answer (0 if unknown)."""
    response = error.response
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return status if isinstance(status, int) else 0


def _upload_status(error: SlackRequestError) -> int:
    """The HTTP status slack_sdk names when the upload URL refused a file (0 if it did not)."""
    found = re.search(r"status: (\d+)", str(error))
    return int(found.group(1)) if found else 0


def _headers(error: SlackApiError) -> Mapping[str, Any]:
    headers = getattr(error.response, "headers", None)
    return headers if isinstance(headers, Mapping) else {}


def _retry_after(headers: Mapping[str, Any]) -> int:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            first = value[0] if isinstance(value, list | tuple) else value
            try:
                return max(1, int(first))
            except (TypeError, ValueError):
                break
    return 1
