"""The core's replies sent back to Slack: in the channel or thread asked in, by a command's
response URL, ephemerally or in the DM, or in place of the clicked message. Where a reply
goes, and what replaces a click, is `adapters.answering`'s rule; this is Slack's way of it."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters import answering
from adapters.slack.client_logs import BOLT_LOG
from adapters.slack.outbox import error_name
from adapters.slack.render import SlackMessage, render
from adapters.slack.translate import Inbound, origin
from core.delivery.claims import OutboxDelivery
from core.eventlog import event
from core.messages import Reply

log = logging.getLogger("gotong.slack")


class SlackReplies:
    """Sends one message's replies and reports each to the outbox."""

    def __init__(
        self, client: AsyncWebClient, outbox: OutboxDelivery, *, rate_limit_retries: int
    ) -> None:
        self._client = client
        self._outbox = outbox
        self._rate_limit_retries = rate_limit_retries

    async def answer(self, inbound: Inbound, replies: list[Reply]) -> None:
        """Send the core's replies where they belong; a click's first reply replaces the message."""

        async def send(reply: Reply, messages: list[SlackMessage]) -> int:
            return await answering.send_in_order(
                messages, lambda message: self._send_one(inbound, reply, message)
            )

        async def replace_clicked(message: SlackMessage) -> bool:
            return await self._replace_clicked(inbound, message)

        # A message about one thing (a task with its Done button) shows the answer in place; a
        # list of many (a digest, the reminders) stays, losing only the button that was clicked.
        many = len(answering.subjects(_values(_blocks(inbound)))) > 1
        if inbound.via == "click" and many:
            await self._drop_clicked(inbound)
        await answering.answer(
            replies,
            asked_in_private=inbound.private,
            render=render,
            send=send,
            outbox=self._outbox,
            replace_clicked=replace_clicked if inbound.via == "click" and not many else None,
        )

    async def _drop_clicked(self, inbound: Inbound) -> None:
        """The clicked message as it was, without the clicked button; the rest stay to click."""
        clicked = inbound.clicked or {}
        blocks = []
        for block in _blocks(inbound):
            if block.get("type") != "actions":
                blocks.append(block)
                continue
            kept = [e for e in block.get("elements", []) if e.get("value") != inbound.text]
            if kept:
                blocks.append({**block, "elements": kept})
        message = SlackMessage(text=str(clicked.get("text") or ""), blocks=blocks)
        if not await self._replace_clicked(inbound, message):
            event(log, "slack.buttons_not_edited", event_id=origin(inbound))

    async def refuse(self, inbound: Inbound, replies: list[Reply]) -> None:
        """Answer a message that could not be stored; a clicked message keeps its buttons."""
        await self.answer(
            replace(inbound, response_url=None, message_ts=None, clicked=None), replies
        )

    async def _send_one(self, inbound: Inbound, reply: Reply, message: SlackMessage) -> bool:
        """Send one message of a reply; whether it was delivered somewhere."""
        private = reply.private or inbound.private
        use_response_url = inbound.response_url and (
            inbound.via == "command" or (inbound.via == "click" and inbound.ephemeral)
        )

        async def in_dm() -> int:
            return await self._post(inbound, inbound.user_id, message)

        if use_response_url:
            # A slash command may come from any conversation, even one the app is not in.
            response_type = "ephemeral" if private else "in_channel"

            async def by_response_url() -> int:
                return await self._respond(inbound, message, response_type=response_type)

            return bool(await answering.first_way_that_sends(by_response_url, in_dm))
        if inbound.via == "form":
            return await self._post(inbound, inbound.user_id, message)
        if answering.to_sender_only(reply, asked_in_private=inbound.private):

            async def ephemeral() -> int:
                return await self._post_ephemeral(inbound, message)

            return bool(await answering.first_way_that_sends(ephemeral, in_dm))
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
            await self._client.chat_postMessage(
                channel=channel, text=message.text, blocks=message.blocks, thread_ts=thread_ts
            )
        except Exception as error:
            event(
                log,
                "slack.reply_not_sent",
                level=logging.WARNING,
                event_id=origin(inbound),
                channel=channel,
                error=error_name(error),
            )
            return False
        return True

    async def _post_ephemeral(self, inbound: Inbound, message: SlackMessage) -> bool:
        try:
            await self._client.chat_postEphemeral(
                channel=inbound.channel,
                user=inbound.user_id,
                text=message.text,
                blocks=message.blocks,
                thread_ts=inbound.thread_ts,
            )
        except Exception as error:
            event(
                log,
                "slack.ephemeral_not_shown",
                event_id=origin(inbound),
                error=error_name(error),
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
                AsyncRateLimitErrorRetryHandler(max_retry_count=self._rate_limit_retries),
            ],
        )
        try:
            response = await webhook.send_dict(
                {"text": message.text, "blocks": message.blocks, **options}
            )
        except Exception as error:
            event(
                log,
                "slack.response_url_failed",
                event_id=origin(inbound),
                error=error_name(error),
            )
            return False
        if response.status_code != 200:
            event(
                log,
                "slack.response_url_refused",
                event_id=origin(inbound),
                status=response.status_code,
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
            await self._client.chat_update(
                channel=inbound.channel,
                ts=inbound.message_ts,
                text=message.text,
                blocks=message.blocks,
            )
        except Exception as error:
            event(
                log,
                "slack.update_refused",
                event_id=origin(inbound),
                error=error_name(error),
            )
            return False
        return True


def _blocks(inbound: Inbound) -> list[dict[str, Any]]:
    """The clicked message's blocks (none for an ephemeral one: Slack does not send them)."""
    blocks = (inbound.clicked or {}).get("blocks")
    return [b for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else []


def _values(blocks: list[dict[str, Any]]) -> list[str]:
    """The commands of the buttons in blocks."""
    return [
        str(element.get("value") or "")
        for block in blocks
        if block.get("type") == "actions"
        for element in block.get("elements", [])
        if isinstance(element, dict)
    ]
