"""Slack's HTTP mode: events, the slash command and interactivity POSTed to one path.

Socket Mode needs no server of ours; HTTP mode does, and bolt checks each request's
signature before dispatching it to the adapter's listeners.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.config import SlackConfig, SlackStartError
from core.eventlog import event

log = logging.getLogger("gotong.slack")

TIMESTAMP = re.compile(r"[0-9]{1,12}")  # X-Slack-Request-Timestamp: Unix seconds


class SlackHttpServer:
    """The one path Slack POSTs to, served on the address the settings name."""

    def __init__(self, app: AsyncApp, config: SlackConfig) -> None:
        self._app = app
        self._config = config
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str | None:
        """Where Slack should POST (the bound port when the setting says 0); None if not up."""
        if self._runner is None or not self._runner.addresses:
            return None
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}{self._config.http_path}"

    async def start(self) -> None:
        """Listen, or raise SlackStartError if the address is taken."""
        host, _, port = self._config.http_listen.rpartition(":")
        server = web.Application(client_max_size=1024 * 1024)
        server.router.add_post(self._config.http_path, self._receive)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, host or "0.0.0.0", int(port)).start()
        except OSError as error:
            await self._runner.cleanup()
            self._runner = None
            raise SlackStartError(
                f"cannot listen on {self._config.http_listen}: {type(error).__name__}"
            ) from None

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        """One request from Slack: bolt checks the signature (401 if bad) and dispatches it."""
        # slack_sdk's verifier raises on a timestamp that is not a number (a 500 and a traceback).
        if not TIMESTAMP.fullmatch(request.headers.get("X-Slack-Request-Timestamp", "")):
            event(log, "slack.request_refused", level=logging.WARNING, reason="no_timestamp")
            return web.Response(status=401)
        try:
            bolt_request = await to_bolt_request(request)
        except ValueError:  # not JSON although it says so: not from Slack
            event(log, "slack.request_refused", level=logging.WARNING, reason="unreadable_body")
            return web.Response(status=400)
        _repair_form_body(bolt_request)
        response = await self._app.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)


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
