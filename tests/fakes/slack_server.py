"""A fake Slack platform for end-to-end tests of the Slack adapter.

It speaks the real protocols on 127.0.0.1, so the real slack_sdk and slack-bolt
clients can be pointed at it:

* the Web API under ``/api/<method>`` (``AsyncWebClient(token, base_url=fake.api_url)``):
  bearer token or ``token`` form field; query, form or JSON arguments; HTTP 200 with
  ``{"ok": ...}`` except 429 (with ``Retry-After``), like Slack;
* response URLs under ``/response/<id>`` (what bolt's ``respond()`` posts to);
* a Socket Mode WebSocket under ``/link/`` (apps.connections.open hands it out).

It records what the app did, enforces Slack's limits (``slack_limits``, ``slack_blocks``)
and injects faults. Payloads Slack sends *to* the app are built by ``slack_inbound``.

    async with FakeSlack(clock=ManualClock()) as slack:
        slack.add_user("U0ANI", "Ani", "Ani Lestari")
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        await client.chat_postMessage(channel=slack.dm_channel("U0ANI"), text="Halo")
        await post_to_app(app_url, json.dumps(slack.dm_event("U0ANI", "halo")), JSON, secret)
"""

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes.chaos import HTML_PAGE, Chaos
from tests.fakes.slack_api import BOT_SCOPES, WebApi
from tests.fakes.slack_inbound import (
    FORM,
    JSON,
    app_mention_event,
    block_actions_payload,
    event_callback,
    interaction_form,
    message_im_event,
    post_to_app,
    signed_request_headers,
    slash_command_fields,
    slash_command_form,
    url_verification,
    view_submission_payload,
)
from tests.fakes.slack_limits import ManualClock, SlackLimits
from tests.fakes.slack_records import FaultRule
from tests.fakes.slack_requests import Params, SlackError
from tests.fakes.slack_responses import ResponseUrls
from tests.fakes.slack_socket import SocketModeHub
from tests.fakes.slack_workspace import SlackUser, Workspace

__all__ = [
    "DEFAULT_APP_TOKEN",
    "DEFAULT_BOT_TOKEN",
    "FORM",
    "JSON",
    "FakeSlack",
    "ManualClock",
    "SlackLimits",
    "SlackUser",
    "Workspace",
    "app_mention_event",
    "block_actions_payload",
    "event_callback",
    "interaction_form",
    "message_im_event",
    "post_to_app",
    "signed_request_headers",
    "slash_command_fields",
    "slash_command_form",
    "url_verification",
    "view_submission_payload",
]

DEFAULT_BOT_TOKEN = "xoxb-0000000001-0000000002-GotongFakeBotToken"
DEFAULT_APP_TOKEN = "xapp-1-A0GOTONG-0000000003-gotongfakeapptoken"


class FakeSlack(WebApi):
    """Slack as seen by one app in one workspace, served over loopback HTTP, plus test helpers."""

    def __init__(
        self,
        *,
        bot_token: str = DEFAULT_BOT_TOKEN,
        app_token: str = DEFAULT_APP_TOKEN,
        workspace: Workspace | None = None,
        limits: SlackLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
    ) -> None:
        super().__init__(
            bot_token=bot_token,
            app_token=app_token,
            workspace=workspace or Workspace(),
            limits=limits or SlackLimits(),
            clock=clock,
            wall_clock=wall_clock,
        )
        self._host = host
        self._runner: web.AppRunner | None = None
        self._faults: list[FaultRule] = []
        # Set it to fail a seeded share of every Web API call (tests.fakes.chaos).
        self.chaos: Chaos | None = None
        self.socket = SocketModeHub(
            app_id=self.workspace.app_id, limits=self.limits, clock=clock, acks=self.socket_acks
        )
        self.response_urls = ResponseUrls(
            self.limits, clock, self.responses, self._replace_original
        )
        self.url = ""

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> str:
        """Listen on a free port and return the server's root URL."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_method)
        app.router.add_post("/response/{response_id}", self._handle_response)
        app.router.add_post("/upload/{file_id}", self.files.receive)
        app.router.add_get("/link/", self.socket.handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, 0).start()
        port = self._runner.addresses[0][1]
        self.url = f"http://{self._host}:{port}"
        self.socket.url = f"ws://{self._host}:{port}"
        self.response_urls.base_url = self.url
        self.files.base_url = self.url
        return self.url

    async def stop(self) -> None:
        """Close Socket Mode connections and stop listening."""
        await self.socket.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "FakeSlack":
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        """What to pass as AsyncWebClient's base_url (the trailing slash matters)."""
        return f"{self.url}/api/"

    def socket_url(self) -> str:
        """A one-time Socket Mode URL (what apps.connections.open answers)."""
        return self.socket.issue_url()

    # -- Slack -> app traffic, with ids the fake issued ------------------------------------

    def issue_response_url(
        self, *, channel: str | None = None, message_ts: str | None = None
    ) -> str:
        """A response URL; with channel and message_ts, replace_original replaces that message."""
        return self.response_urls.issue(channel=channel, message_ts=message_ts)

    def dm_event(self, user_id: str, text: str, *, event_id: str | None = None) -> dict[str, Any]:
        """An event_callback carrying a message.im from user_id in their DM with the app."""
        ts = self._next_ts()
        event = message_im_event(
            user_id, text, self.dm_channel(user_id), ts, team_id=self.workspace.team_id
        )
        return self._event_callback(event, event_id)

    def event(self, event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
        """An event_callback around event, with this workspace's ids."""
        return self._event_callback(event, event_id)

    def slash_command(
        self,
        user_id: str,
        text: str = "",
        *,
        command: str = "/gotong",
        channel_id: str | None = None,
    ) -> dict[str, str]:
        """A slash command's fields with a fresh response URL and trigger_id (default: in the DM)."""
        return slash_command_fields(
            command=command,
            text=text,
            user_id=user_id,
            channel_id=channel_id or self.dm_channel(user_id),
            response_url=self.issue_response_url(),
            trigger_id=self.issue_trigger_id(),
            team_id=self.workspace.team_id,
            api_app_id=self.workspace.app_id,
        )

    def button_click(
        self, user_id: str, channel: str, message_ts: str, action_id: str, value: str | None = None
    ) -> dict[str, Any]:
        """A block_actions payload for a click on a button of a message the app posted."""
        message = self.message(channel, message_ts)
        found = _find_element(message.get("blocks", []), action_id)
        if found is None and value is None:
            raise KeyError(f"no element {action_id!r} on message {message_ts}")
        block_id, element = found or ("", {})
        return block_actions_payload(
            user_id=user_id,
            action_id=action_id,
            value=value if value is not None else str(element.get("value", "")),
            channel=channel,
            message_ts=message_ts,
            response_url=self.issue_response_url(channel=channel, message_ts=message_ts),
            trigger_id=self.issue_trigger_id(),
            block_id=block_id,
            message=message,
            team_id=self.workspace.team_id,
            api_app_id=self.workspace.app_id,
        )

    def _event_callback(self, event: dict[str, Any], event_id: str | None) -> dict[str, Any]:
        self._serial += 1
        return event_callback(
            event_id or f"Ev{self._serial:08d}",
            event,
            team_id=self.workspace.team_id,
            api_app_id=self.workspace.app_id,
            bot_user_id=self.workspace.bot_user_id,
            event_time=int(self._wall_clock()),
        )

    # -- faults ----------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        status: int = 500,
        times: int | None = 1,
        fraction: float | None = None,
        seed: int = 0,
        retry_after: int | None = None,
        error: str | None = None,
    ) -> FaultRule:
        """Answer the next `times` calls of method ("*": any; "response_url") with an error.

        status 200 answers ``{"ok": false, "error": error}`` (e.g. "channel_not_found"); 429
        answers ratelimited with Retry-After and opens a retry window for the call's channel.
        With fraction, each call is hit with that probability (seeded); times=None: forever.
        """
        return self._add_fault(
            FaultRule(
                method,
                "error",
                status=status,
                error=error,
                retry_after=retry_after,
                times=times,
                fraction=fraction,
                seed=seed,
            )
        )

    def drop_connection(
        self,
        method: str,
        *,
        times: int | None = 1,
        fraction: float | None = None,
        seed: int = 0,
        after_processing: bool = False,
    ) -> FaultRule:
        """Close the connection without an answer; after_processing: the call took effect."""
        rule = FaultRule(
            method,
            "disconnect",
            times=times,
            fraction=fraction,
            seed=seed,
            after_processing=after_processing,
        )
        return self._add_fault(rule)

    def answer_garbage(
        self,
        method: str,
        *,
        body: str = "<html><body>502 Bad Gateway</body></html>",
        status: int = 200,
        content_type: str = "application/json",
        times: int | None = 1,
    ) -> FaultRule:
        """Answer with a body that is not Slack's JSON (a proxy's error page), as a broken
        gateway does; the content type still claims JSON unless told otherwise."""
        rule = FaultRule(
            method, "garbage", status=status, body=body, content_type=content_type, times=times
        )
        return self._add_fault(rule)

    def delay(self, method: str, seconds: float, *, times: int | None = 1) -> FaultRule:
        """Wait `seconds` of real time before answering (to provoke client timeouts)."""
        return self._add_fault(FaultRule(method, "delay", seconds=seconds, times=times))

    def clear_faults(self) -> None:
        """Forget every fault rule."""
        self._faults.clear()

    def _add_fault(self, rule: FaultRule) -> FaultRule:
        self._faults.append(rule)
        return rule

    def _strike(self, method: str) -> FaultRule | None:
        rule = next((rule for rule in self._faults if rule.strikes(method)), None)
        return rule or self._chaos_fault(method)

    def _chaos_fault(self, method: str) -> FaultRule | None:
        kind = self.chaos.strike(method) if self.chaos is not None else None
        if kind is None or self.chaos is None:
            return None
        if kind == "rate_limit":
            return FaultRule(method, "error", status=429, retry_after=self.chaos.retry_after)
        if kind == "server_error":
            return FaultRule(method, "error", status=500)
        if kind == "html_page":
            return FaultRule(
                method, "garbage", status=502, body=HTML_PAGE, content_type="text/html"
            )
        seconds = self.chaos.hang if kind == "timeout" else 0.0
        return FaultRule(method, "disconnect", seconds=seconds)

    # -- HTTP ------------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        try:
            params, form_token = await _read_params(request)
        except SlackError as error:
            return _error_response(error)
        if not self.knows(method):
            return _error_response(SlackError("unknown_method", extra={"req_method": method}))
        try:
            self.check_token(method, _bearer(request) or form_token)
        except SlackError as error:
            self.record_call(method, params, error.status, error.error)
            return _error_response(error)
        fault = self._strike(method)
        if fault is None:
            return await self._answer(method, params)
        if fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
            return await self._answer(method, params)
        if fault.kind == "error":
            return self._injected_error(method, params, fault)
        if fault.kind == "garbage":
            self.record_call(method, params, fault.status, None)
            return web.Response(
                status=fault.status,
                body=fault.body.encode(),
                headers={"Content-Type": fault.content_type},
            )
        if fault.seconds:  # no answer until the client gave up (a timeout)
            await asyncio.sleep(fault.seconds)
        if fault.after_processing:
            with contextlib.suppress(SlackError):
                await self.call(method, params)
        self.record_call(method, params, 0, None)
        if request.transport is not None:
            request.transport.close()
        return web.Response()  # never reaches the client: the connection is closed

    def _injected_error(self, method: str, params: Params, fault: FaultRule) -> web.Response:
        if fault.status == 429 and fault.retry_after:
            self.open_retry_window(params, fault.retry_after)
        refusal = SlackError(fault.error or "", status=fault.status, retry_after=fault.retry_after)
        self.record_call(method, params, fault.status, refusal.error)
        return _error_response(refusal)

    async def _answer(self, method: str, params: Params) -> web.Response:
        try:
            result = await self.call(method, params)
        except SlackError as error:
            self.record_call(method, params, error.status, error.error)
            return _error_response(error)
        self.record_call(method, params, 200, None)
        return web.json_response({"ok": True, **result}, headers={"X-OAuth-Scopes": BOT_SCOPES})

    async def _handle_response(self, request: web.Request) -> web.Response:
        fault = self._strike("response_url")
        if fault is not None and fault.kind == "error":
            return _error_response(SlackError(fault.error or "", status=fault.status))
        try:
            body = json.loads(await request.text())
        except ValueError:
            return _error_response(SlackError("invalid_payload", status=400))
        try:
            self.response_urls.accept(request.match_info["response_id"], body)
        except SlackError as error:
            return _error_response(error)
        return web.json_response({"ok": True})

    def _replace_original(
        self, channel: str, ts: str, text: str | None, blocks: list[dict[str, Any]] | None
    ) -> None:
        if (channel, ts) in self._messages:
            self.replace_message(channel, ts, text, blocks, {"via": "response_url"})


def _find_element(
    blocks: list[dict[str, Any]], action_id: str
) -> tuple[str, dict[str, Any]] | None:
    for block in blocks:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return block.get("block_id", ""), element
    return None


async def _read_params(request: web.Request) -> tuple[Params, str | None]:
    values: dict[str, Any] = dict(request.query)
    values.pop("token", None)  # Slack no longer takes tokens in the query string
    form_token: str | None = None
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise SlackError("invalid_json") from None
            if not isinstance(body, dict):
                raise SlackError("invalid_json")
            values.update(body)
            values.pop("token", None)  # JSON calls must use the Authorization header
        else:
            form = await request.post()
            values.update({k: v for k, v in form.items() if isinstance(v, str)})
            token = values.pop("token", None)
            form_token = token if isinstance(token, str) else None
    return Params(values), form_token


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _error_response(error: SlackError) -> web.Response:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    return web.json_response(error.body(), status=error.status, headers=headers)
