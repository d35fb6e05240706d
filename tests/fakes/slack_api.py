"""The Web API methods of the fake Slack platform: state, validation and records, no HTTP."""

import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from tests.fakes.slack_blocks import view_errors
from tests.fakes.slack_files import FileUploads
from tests.fakes.slack_limits import ChannelPacing, RetryWindowSend, SlackLimits, Violation
from tests.fakes.slack_records import ApiCall, MessageUpdate, OpenedView, PostedMessage, Recorder
from tests.fakes.slack_requests import Params, SlackError, checked_content, invalid_arguments
from tests.fakes.slack_workspace import SlackUser, Workspace, user_object

# What files.completeUploadExternal accepts as channel_id: channels and DMs, never user ids.
SHAREABLE = re.compile(r"[CGDZ][A-Z0-9]{8,}")
_TEAM_NUMBER = 738474920  # trigger_ids look like "13345224609.738474920.8088930838d88f008e0"
BOT_SCOPES = "chat:write,files:write,im:write,im:history,app_mentions:read,commands,users:read"


class WebApi(Recorder):
    """Slack's side of one app in one workspace: users, channels, messages, views and records."""

    def __init__(
        self,
        *,
        bot_token: str,
        app_token: str,
        workspace: Workspace,
        limits: SlackLimits,
        clock: Callable[[], float],
        wall_clock: Callable[[], float],
    ) -> None:
        super().__init__()
        self.bot_token = bot_token
        self.app_token = app_token
        self.workspace = workspace
        self.limits = limits
        self._clock = clock
        self._wall_clock = wall_clock
        self._pacing = ChannelPacing(limits, clock)
        self.users: dict[str, SlackUser] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self._dm_of: dict[str, str] = {}
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._triggers: dict[str, float] = {}
        self._used_triggers: set[str] = set()
        self._serial = 0
        self.files = FileUploads(max_bytes=limits.file_bytes, clock=clock)
        self._handlers: dict[str, Callable[[Params], Awaitable[dict[str, Any]]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "conversations.open": self._conversations_open,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "users.info": self._users_info,
            "views.open": self._views_open,
            "apps.connections.open": self._apps_connections_open,
        }
        self._app_token_methods = frozenset({"apps.connections.open"})

    # -- setup and queries for tests -------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        display_name: str = "",
        real_name: str = "",
        *,
        tz: str = "Asia/Jakarta",
        tz_offset: int = 7 * 3600,
        locale: str = "id-ID",
        is_bot: bool = False,
    ) -> SlackUser:
        """Make a workspace member known to users.info and conversations.open."""
        user = SlackUser(user_id, display_name, real_name, tz, tz_offset, locale, is_bot)
        self.users[user_id] = user
        return user

    def add_channel(
        self, channel_id: str, name: str, *, is_private: bool = False
    ) -> dict[str, Any]:
        """Make a public (C...) or private (G...) channel the bot can post to."""
        channel = {"id": channel_id, "name": name, "is_channel": True, "is_private": is_private}
        self.channels[channel_id] = channel
        return channel

    def dm_channel(self, user_id: str) -> str:
        """The id of the bot's DM with user_id (opening it, as conversations.open would)."""
        if user_id not in self.users:
            raise KeyError(f"unknown user {user_id}: add_user first")
        if user_id not in self._dm_of:
            channel_id = f"D0DM{len(self._dm_of) + 1:05d}"
            self._dm_of[user_id] = channel_id
            self.channels[channel_id] = {
                "id": channel_id,
                "is_im": True,
                "user": user_id,
                "created": int(self._wall_clock()),
            }
        return self._dm_of[user_id]

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        """The message as Slack holds it now (after updates)."""
        try:
            return dict(self._messages[(channel, ts)])
        except KeyError:
            raise KeyError(f"no message {ts} in {channel}") from None

    def issue_trigger_id(self) -> str:
        """A trigger_id as Slack puts in a slash command or interaction, good once for 3 s."""
        self._serial += 1
        trigger_id = f"{self._serial}.{_TEAM_NUMBER}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = self._clock()
        return trigger_id

    @property
    def violations(self) -> list[Violation]:
        """Every send refused for going over the per-channel pace."""
        return self._pacing.violations

    @property
    def sends_inside_retry_window(self) -> list[RetryWindowSend]:
        """Every send made before a Retry-After the fake gave for that channel had elapsed."""
        return self._pacing.sends_inside_retry_window

    def replace_message(
        self,
        channel: str,
        ts: str,
        text: str | None,
        blocks: list[dict[str, Any]] | None,
        params: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Replace a stored message's content (chat.update, replace_original) and record it."""
        old = self._messages[(channel, ts)]
        message = {**self._bot_message(text, blocks, ts), "edited": {"ts": self._next_ts()}}
        if "thread_ts" in old:
            message["thread_ts"] = old["thread_ts"]
        self._messages[(channel, ts)] = message
        self.updates.append(
            MessageUpdate(channel, ts, text, blocks or None, self._clock(), params or {})
        )
        return message

    # -- plumbing for the HTTP layer -------------------------------------------------------

    def knows(self, method: str) -> bool:
        """Whether the fake implements method."""
        return method in self._handlers

    def check_token(self, method: str, token: str | None) -> None:
        """Refuse a missing, wrong or wrong-kind token the way Slack does."""
        if not token:
            raise SlackError("not_authed")
        if token not in (self.bot_token, self.app_token):
            raise SlackError("invalid_auth")
        wants_app_token = method in self._app_token_methods
        if (token == self.app_token) != wants_app_token:
            raise SlackError("not_allowed_token_type")

    async def call(self, method: str, params: Params) -> dict[str, Any]:
        """Run a method; raises SlackError for an error answer."""
        return await self._handlers[method](params)

    def record_call(self, method: str, params: Params, status: int, error: str | None) -> None:
        """Remember a request, the HTTP status it got (0: dropped) and the error, if any."""
        self.calls.append(ApiCall(method, params.decoded(), status, error, self._clock()))

    def open_retry_window(self, params: Params, retry_after: int) -> None:
        """Remember a Retry-After given outside pacing (an injected 429) for the call's channel."""
        channel = params.text("channel")
        if channel is not None:
            self._pacing.open_window(self._resolved(channel), retry_after)

    def socket_url(self) -> str:
        """The Socket Mode URL apps.connections.open hands out (set by the server)."""
        raise SlackError("internal_error")

    # -- shared checks ---------------------------------------------------------------------

    def _resolved(self, channel: str) -> str:
        if channel in self.users:  # posting to a user id posts to the DM with them
            return self.dm_channel(channel)
        return channel

    def _channel(self, params: Params) -> str:
        channel = self._resolved(params.text("channel") or "")
        if channel not in self.channels:
            raise SlackError("channel_not_found")
        return channel

    def _pace(self, method: str, channel: str) -> None:
        if method not in self.limits.paced_methods:
            return
        retry_after = self._pacing.admit(method, channel)
        if retry_after is not None:
            raise SlackError("ratelimited", status=429, retry_after=retry_after)

    def _next_ts(self) -> str:
        self._serial += 1
        return f"{int(self._wall_clock())}.{self._serial:06d}"

    def _bot_message(
        self, text: str | None, blocks: list[dict[str, Any]] | None, ts: str
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": self.workspace.bot_user_id,
            "bot_id": self.workspace.bot_id,
            "app_id": self.workspace.app_id,
            "team": self.workspace.team_id,
            "text": text or "",
            "ts": ts,
        }
        if blocks:
            message["blocks"] = blocks
        return message

    # -- methods ---------------------------------------------------------------------------

    async def _auth_test(self, params: Params) -> dict[str, Any]:
        ws = self.workspace
        return {
            "url": ws.url,
            "team": ws.team_name,
            "user": ws.bot_name,
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "is_enterprise_install": False,
        }

    async def _post_message(self, params: Params) -> dict[str, Any]:
        channel = self._channel(params)
        text, blocks = checked_content(params, self.limits)
        self._pace("chat.postMessage", channel)
        ts = self._next_ts()
        message = self._bot_message(text, blocks, ts)
        thread_ts = params.text("thread_ts")
        if thread_ts:
            message["thread_ts"] = thread_ts
        self._messages[(channel, ts)] = message
        self.posted.append(
            PostedMessage(
                "chat.postMessage",
                channel,
                ts,
                text,
                blocks,
                thread_ts,
                None,
                self._clock(),
                params.decoded(),
            )
        )
        return {"channel": channel, "ts": ts, "message": message}

    async def _post_ephemeral(self, params: Params) -> dict[str, Any]:
        channel = self._channel(params)
        user_id = params.required("user")
        if user_id not in self.users:
            raise SlackError("user_not_found")
        dm_user = self.channels[channel].get("user")
        if dm_user is not None and dm_user != user_id:
            raise SlackError("user_not_in_channel")
        text, blocks = checked_content(params, self.limits)
        self._pace("chat.postEphemeral", channel)
        ts = self._next_ts()
        self.posted.append(
            PostedMessage(
                "chat.postEphemeral",
                channel,
                ts,
                text,
                blocks,
                params.text("thread_ts"),
                user_id,
                self._clock(),
                params.decoded(),
            )
        )
        return {"message_ts": ts}

    async def _update(self, params: Params) -> dict[str, Any]:
        channel = self._channel(params)
        ts = params.text("ts") or ""
        old = self._messages.get((channel, ts))
        if old is None:
            raise SlackError("message_not_found")
        text, blocks = checked_content(params, self.limits)
        self._pace("chat.update", channel)
        # Slack keeps the previous text or blocks when the update leaves the field out.
        new_text = text if params.has("text") else old.get("text")
        new_blocks = blocks if params.has("blocks") else old.get("blocks")
        message = self.replace_message(channel, ts, new_text, new_blocks, params.decoded())
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    async def _conversations_open(self, params: Params) -> dict[str, Any]:
        existing = params.text("channel")
        if existing is not None:
            if existing not in self.channels:
                raise SlackError("channel_not_found")
            return {"channel": {"id": existing}, "no_op": True, "already_open": True}
        users = [u for u in (params.text("users") or "").split(",") if u]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 1:
            raise invalid_arguments("this fake opens one-to-one DMs only")
        if users[0] not in self.users:
            raise SlackError("user_not_found")
        already_open = users[0] in self._dm_of
        channel = self.channels[self.dm_channel(users[0])]
        body: dict[str, Any] = {
            "channel": dict(channel) if params.flag("return_im") else {"id": channel["id"]}
        }
        if already_open:
            body.update(no_op=True, already_open=True)
        return body

    async def _get_upload_url(self, params: Params) -> dict[str, Any]:
        return self.files.upload_url(params)

    async def _complete_upload(self, params: Params) -> dict[str, Any]:
        channel = None
        if params.has("channel_id"):
            if not SHAREABLE.fullmatch(params.required("channel_id")):
                # Slack refuses user ids here (slackapi/bolt-js#2115): a DM must be opened first.
                raise invalid_arguments(
                    "input must match regex pattern: ^[CGDZ][A-Z0-9]{8,}$ [json-pointer:/channel_id]"
                )
            channel = self._resolved(params.required("channel_id"))
            if channel not in self.channels:
                raise SlackError("channel_not_found")
        return self.files.complete(params, channel)

    async def _users_info(self, params: Params) -> dict[str, Any]:
        user = self.users.get(params.text("user") or "")
        if user is None:
            raise SlackError("user_not_found")
        return {
            "user": user_object(user, self.workspace, include_locale=params.flag("include_locale"))
        }

    async def _views_open(self, params: Params) -> dict[str, Any]:
        trigger_id = params.text("trigger_id")
        if trigger_id is None:
            raise invalid_arguments("missing required field: trigger_id")
        if trigger_id in self._used_triggers:
            raise SlackError("exchanged_trigger_id")
        issued_at = self._triggers.get(trigger_id)
        if issued_at is None:
            raise SlackError("invalid_trigger_id")
        if self._clock() - issued_at > self.limits.trigger_ttl_seconds:
            raise SlackError("expired_trigger_id")
        view = params.json("view")
        errors = view_errors(view, self.limits)
        if errors:
            raise SlackError("invalid_arguments", messages=errors)
        self._used_triggers.add(trigger_id)
        self._serial += 1
        view_id = f"V0VIEW{self._serial:05d}"
        stored = {
            "id": view_id,
            "team_id": self.workspace.team_id,
            "app_id": self.workspace.app_id,
            "bot_id": self.workspace.bot_id,
            "private_metadata": "",
            "callback_id": "",
            "state": {"values": {}},
            "hash": secrets.token_hex(8),
            **view,
        }
        self.views.append(OpenedView(view_id, trigger_id, stored, self._clock()))
        return {"view": stored}

    async def _apps_connections_open(self, params: Params) -> dict[str, Any]:
        return {"url": self.socket_url()}
