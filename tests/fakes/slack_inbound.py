"""Slack -> app traffic for tests that drive an app served over HTTP: signing and payloads.

Slack signs each request with the app's signing secret: ``X-Slack-Request-Timestamp``
(Unix seconds) and ``X-Slack-Signature`` = ``v0=`` + hex HMAC-SHA256 of
``v0:{timestamp}:{raw body}``. slack_sdk's ``SignatureVerifier`` (used by bolt) also
refuses a timestamp more than 5 minutes away from its own wall clock (``time.time``),
so the default timestamp here is the real time.

Events arrive as JSON (``event_callback``), slash commands as a form, interactions
(``block_actions``, ``view_submission``) as a form with one field ``payload=<json>``.
"""

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.fakes.slack_workspace import Workspace

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
DEFAULT_TEAM_ID = Workspace.team_id
DEFAULT_APP_ID = Workspace.app_id
DEFAULT_BOT_USER_ID = Workspace.bot_user_id
VERIFICATION_TOKEN = "fake-verification-token"  # Slack's deprecated per-app token


def signed_request_headers(
    body: bytes, signing_secret: str, timestamp: int | str | None = None
) -> dict[str, str]:
    """The X-Slack-Signature and X-Slack-Request-Timestamp headers Slack sends with body."""
    ts = int(time.time()) if timestamp is None else timestamp
    base = b"v0:" + str(ts).encode() + b":" + body
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}


async def post_to_app(
    url: str,
    body: bytes | str,
    content_type: str,
    signing_secret: str,
    *,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
    timestamp: int | str | None = None,
    timeout: float = 5.0,
) -> tuple[int, str]:
    """POST body to the app as Slack would (signed, retry headers if retry_num); (status, text)."""
    raw = body.encode() if isinstance(body, str) else body
    headers = {
        "Content-Type": content_type,
        **signed_request_headers(raw, signing_secret, timestamp),
    }
    if retry_num is not None:
        headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason})
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
        session.post(url, data=raw, headers=headers) as response,
    ):
        return response.status, await response.text()


def event_callback(
    event_id: str,
    event: dict[str, Any],
    *,
    team_id: str = DEFAULT_TEAM_ID,
    api_app_id: str = DEFAULT_APP_ID,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    event_time: int | None = None,
) -> dict[str, Any]:
    """The Events API envelope around event, as Slack POSTs it (JSON)."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{event_id}",
    }


def message_im_event(
    user_id: str, text: str, channel: str, ts: str, *, team_id: str = DEFAULT_TEAM_ID
) -> dict[str, Any]:
    """A message.im event: a person wrote to the app in their DM with it."""
    return {
        "type": "message",
        "channel": channel,
        "user": user_id,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "team": team_id,
        "channel_type": "im",
        "client_msg_id": f"msg-{ts}",
    }


def app_mention_event(
    user_id: str,
    text: str,
    channel: str,
    ts: str,
    *,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    team_id: str = DEFAULT_TEAM_ID,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """An app_mention event; text gets the "<@bot>" mention in front, as Slack writes it."""
    event: dict[str, Any] = {
        "type": "app_mention",
        "channel": channel,
        "user": user_id,
        "text": f"<@{bot_user_id}> {text}",
        "ts": ts,
        "event_ts": ts,
        "team": team_id,
        "client_msg_id": f"msg-{ts}",
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def url_verification(challenge: str) -> dict[str, Any]:
    """The handshake Slack sends when the Events API request URL is set."""
    return {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}


def slash_command_fields(
    *,
    command: str = "/gotong",
    text: str = "",
    user_id: str,
    channel_id: str,
    response_url: str,
    trigger_id: str,
    team_id: str = DEFAULT_TEAM_ID,
    api_app_id: str = DEFAULT_APP_ID,
    user_name: str | None = None,
    channel_name: str = "directmessage",
) -> dict[str, str]:
    """A slash command's fields (Socket Mode sends them as the envelope payload)."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": "gotong-test",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def slash_command_form(**fields: Any) -> bytes:
    """A slash command as Slack POSTs it: form-encoded (arguments of slash_command_fields)."""
    return urlencode(slash_command_fields(**fields)).encode()


def interaction_form(payload: dict[str, Any]) -> bytes:
    """An interaction as Slack POSTs it: a form with the single field payload=<json>."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def _team_and_user(team_id: str, user_id: str) -> dict[str, Any]:
    return {
        "team": {"id": team_id, "domain": "gotong-test"},
        "user": {
            "id": user_id,
            "username": user_id.lower(),
            "name": user_id.lower(),
            "team_id": team_id,
        },
    }


def block_actions_payload(
    *,
    user_id: str,
    action_id: str,
    value: str,
    channel: str,
    message_ts: str,
    response_url: str,
    trigger_id: str,
    block_id: str = "actions",
    message: dict[str, Any] | None = None,
    team_id: str = DEFAULT_TEAM_ID,
    api_app_id: str = DEFAULT_APP_ID,
) -> dict[str, Any]:
    """A button click on a message (block_actions), as the JSON inside payload=."""
    return {
        "type": "block_actions",
        **_team_and_user(team_id, user_id),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": trigger_id,
        "channel": {"id": channel, "name": "directmessage"},
        "message": message or {"type": "message", "ts": message_ts, "text": ""},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": value, "emoji": True},
                "value": value,
                "action_ts": f"{int(time.time())}.000100",
            }
        ],
    }


def view_submission_payload(
    *,
    user_id: str,
    callback_id: str,
    state_values: dict[str, Any],
    private_metadata: str = "",
    view_id: str = "V0VIEW00001",
    trigger_id: str | None = None,
    team_id: str = DEFAULT_TEAM_ID,
    api_app_id: str = DEFAULT_APP_ID,
) -> dict[str, Any]:
    """A modal submitted (view_submission), as the JSON inside payload=.

    state_values is Slack's view.state.values: {block_id: {action_id: {"type": ..., "value": ...}}}.
    """
    return {
        "type": "view_submission",
        **_team_and_user(team_id, user_id),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or f"0.{int(time.time())}.fake",
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": state_values},
            "hash": "fakehash",
            "title": {"type": "plain_text", "text": "Gotong"},
            "blocks": [],
            "app_id": api_app_id,
        },
        "response_urls": [],
        "is_enterprise_install": False,
    }
