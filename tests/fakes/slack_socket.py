"""A minimal Socket Mode endpoint for the fake Slack platform.

apps.connections.open hands out ``ws://127.0.0.1:<port>/link/?ticket=...`` (a ticket
is good for one connection, like Slack's). On connect the fake sends Slack's
``hello``; tests push envelopes (``events_api``, ``slash_commands``, ``interactive``)
and the app acknowledges each with ``{"envelope_id": ..., "payload": ...}``, which the
fake records as a ``SocketAck`` with its latency. Slack expects an ack within 3
seconds and redelivers otherwise; the fake only records lateness (``late_acks``):
a test redelivers with ``retry_attempt`` when it wants to.
"""

import asyncio
import contextlib
import json
import secrets
import uuid
from collections.abc import Callable
from typing import Any, Literal

from aiohttp import WSMsgType, web

from tests.fakes.slack_limits import SlackLimits
from tests.fakes.slack_records import SocketAck

EnvelopeType = Literal["events_api", "slash_commands", "interactive"]
_ANSWERABLE_INTERACTIONS = frozenset({"view_submission", "block_suggestion"})


class SocketModeHub:
    """The Socket Mode side of the fake: tickets, open connections, envelopes and acks."""

    def __init__(
        self,
        *,
        app_id: str,
        limits: SlackLimits,
        clock: Callable[[], float],
        acks: list[SocketAck],
    ) -> None:
        self._app_id = app_id
        self._limits = limits
        self._clock = clock
        self.acks = acks
        self.url = ""  # ws://host:port, set when the server starts
        self._tickets: set[str] = set()
        self._connections: list[web.WebSocketResponse] = []
        self._connected = asyncio.Event()
        self._pending: dict[str, tuple[dict[str, Any], float]] = {}
        self._acked: dict[str, asyncio.Event] = {}
        self.connection_count = 0
        self.unexpected_messages: list[str] = []

    # -- for tests -------------------------------------------------------------------------

    @property
    def unacked(self) -> list[dict[str, Any]]:
        """Envelopes pushed and not acknowledged yet, oldest first."""
        return [envelope for envelope, _ in self._pending.values()]

    @property
    def late_acks(self) -> list[SocketAck]:
        """Acks that came later than Slack waits before redelivering."""
        return [ack for ack in self.acks if ack.latency > self._limits.socket_ack_seconds]

    @property
    def open_connections(self) -> int:
        """How many Socket Mode connections are open now."""
        return sum(not ws.closed for ws in self._connections)

    async def wait_connected(self, timeout: float = 2.0) -> None:
        """Wait until an app has a Socket Mode connection open."""
        await asyncio.wait_for(self._connected.wait(), timeout)

    async def push(
        self,
        type_: EnvelopeType,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        envelope_id: str | None = None,
        timeout: float = 2.0,
    ) -> dict[str, Any]:
        """Send an envelope to the newest connection (waiting for one) and return it."""
        if accepts_response_payload is None:
            accepts_response_payload = type_ == "slash_commands" or (
                type_ == "interactive" and payload.get("type") in _ANSWERABLE_INTERACTIONS
            )
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id or str(uuid.uuid4()),
            "payload": payload,
            "type": type_,
            "accepts_response_payload": accepts_response_payload,
        }
        if type_ == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        await self.wait_connected(timeout)
        ws = next(ws for ws in reversed(self._connections) if not ws.closed)
        self._pending[envelope["envelope_id"]] = (envelope, self._clock())
        self._acked[envelope["envelope_id"]] = asyncio.Event()
        await ws.send_str(json.dumps(envelope))
        return envelope

    async def wait_for_ack(self, envelope_id: str, timeout: float = 2.0) -> SocketAck:
        """Wait until the app acknowledged envelope_id, and return the ack."""
        await asyncio.wait_for(self._acked[envelope_id].wait(), timeout)
        return next(ack for ack in self.acks if ack.envelope_id == envelope_id)

    async def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Tell every connected app to reconnect, as Slack does before it drops a connection."""
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake"}}
        for ws in list(self._connections):
            if not ws.closed:
                await ws.send_str(json.dumps(message))

    async def close_all(self) -> None:
        """Close every connection (the server is stopping)."""
        for ws in list(self._connections):
            await ws.close(code=1001, message=b"server stopping")

    # -- for the server --------------------------------------------------------------------

    def issue_url(self) -> str:
        """A one-time Socket Mode URL, as apps.connections.open answers."""
        ticket = secrets.token_hex(16)
        self._tickets.add(ticket)
        return f"{self.url}/link/?ticket={ticket}&app_id={self._app_id}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve one Socket Mode connection."""
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid or used ticket")
        self._tickets.discard(ticket)
        # autoping: the fake answers the SDK's pings, as Slack does.
        ws = web.WebSocketResponse(autoping=True, timeout=1.0)
        await ws.prepare(request)
        self._connections.append(ws)
        self.connection_count += 1
        try:
            await ws.send_str(json.dumps(self._hello()))
            self._connected.set()
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._receive(message.data)
        finally:
            with contextlib.suppress(ValueError):
                self._connections.remove(ws)
            if not any(not c.closed for c in self._connections):
                self._connected.clear()
        return ws

    def _hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": self.open_connections,
            "debug_info": {
                "host": "applink-fake",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self._app_id},
        }

    def _receive(self, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            self.unexpected_messages.append(data)
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        if envelope_id not in self._pending:  # unknown or repeated ack
            self.unexpected_messages.append(data)
            return
        _, pushed_at = self._pending.pop(envelope_id)
        now = self._clock()
        self.acks.append(SocketAck(envelope_id, message.get("payload"), now, now - pushed_at))
        self._acked[envelope_id].set()
