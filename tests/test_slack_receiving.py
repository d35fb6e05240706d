"""Slack end to end: how requests arrive (signed, once, or over Socket Mode)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine

from core.app import Gotong
from core.clock import FakeClock
from core.models import FieldUpdate, InboxEvent
from tests import slack_harness as harness
from tests.fakes.slack_server import (
    FORM,
    JSON,
    FakeSlack,
    interaction_form,
    post_to_app,
    view_submission_payload,
)
from tests.slack_harness import ANI, BUDI, SECRET, Desk, add_workspace, count, read, running

# The harness's fixtures, used here as they are.
slack = harness.slack
desk = harness.desk


class TestSignatures:
    """Requests Slack did not sign, or signed long ago, are refused and change nothing."""

    @pytest.mark.parametrize("kind", ["event", "command", "click"])
    async def test_wrong_secret_is_401(self, desk: Desk, kind: str) -> None:
        """Signed with another secret: 401 and nothing processed or sent."""
        body, content_type = self.request(desk, kind)

        status, _ = await post_to_app(
            desk.adapter.http_url or "", body, content_type, "not-the-secret"
        )

        assert status == 401
        assert count(desk.engine, InboxEvent) == 0
        assert desk.slack.posted == [] and desk.slack.responses == []

    async def test_stale_timestamp_is_401(self, desk: Desk) -> None:
        """A request signed 6 minutes ago (a replay) is refused."""
        body, content_type = self.request(desk, "event")

        status, _ = await post_to_app(
            desk.adapter.http_url or "",
            body,
            content_type,
            SECRET,
            timestamp=int(time.time()) - 360,
        )

        assert status == 401
        assert count(desk.engine, InboxEvent) == 0 and desk.slack.posted == []

    @pytest.mark.parametrize("timestamp", ["soon", "", "1e9", "١٧٠٠٠٠٠٠٠٠"])
    async def test_unreadable_timestamp_is_401_without_an_error(
        self, desk: Desk, timestamp: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A timestamp that is not a number is a bad signature: 401, no 500, no traceback."""
        body, content_type = self.request(desk, "event")

        status, _ = await post_to_app(
            desk.adapter.http_url or "", body, content_type, SECRET, timestamp=timestamp
        )

        assert status == 401
        assert count(desk.engine, InboxEvent) == 0 and desk.slack.posted == []
        assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []

    def request(self, desk: Desk, kind: str) -> tuple[str, str]:
        if kind == "event":
            return json.dumps(desk.slack.dm_event(BUDI, "/lapor #pkh 5 paket")), JSON
        if kind == "command":
            return urlencode(desk.slack.slash_command(BUDI, "tugasku")), FORM
        payload = view_submission_payload(
            user_id=ANI, callback_id="gotong_task_form", state_values={}
        )
        return interaction_form(payload).decode(), FORM


class TestDuplicates:
    """An event Slack delivers again (same event_id, X-Slack-Retry-Num) is processed once."""

    async def test_redelivered_event_is_answered_once(self, desk: Desk) -> None:
        """The retry gets 200 (so Slack stops) and no second answer."""
        event = json.dumps(desk.slack.dm_event(BUDI, "/lapor #pkh 5 paket sembako"))

        first = await desk.post(event, JSON)
        again = await desk.post(event, JSON, retry_num=1, retry_reason="http_timeout")

        assert first[0] == again[0] == 200
        assert len(desk.slack.messages_to(desk.dm_of("budi"))) == 1
        assert count(desk.engine, FieldUpdate) == 1

    async def test_slash_command_with_payload_in_its_text(self, desk: Desk) -> None:
        """bolt drops a form whose body says "payload"; the adapter still handles it."""
        (answer,) = await desk.command("budi", "lapor #pkh 20 payload kit disalurkan")

        assert "Laporan dicatat untuk #pkh" in read(answer)
        assert count(desk.engine, FieldUpdate) == 1

    async def test_slow_core_does_not_delay_the_ack(
        self, desk: Desk, gotong: Gotong, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The slash command is acknowledged while the core is still working."""
        gate = threading.Event()
        process = gotong.process

        def slow(platform: str, event_id: str, **options: Any) -> Any:
            assert gate.wait(5)
            return process(platform, event_id, **options)

        monkeypatch.setattr(gotong, "process", slow)
        fields = desk.slack.slash_command(BUDI, "tugasku")

        status, body = await post_to_app(
            desk.adapter.http_url or "", urlencode(fields), FORM, SECRET
        )

        assert (status, body) == (200, "")
        assert desk.slack.responses_to(fields["response_url"]) == []
        gate.set()
        await desk.adapter.idle()
        (answer,) = desk.slack.responses_to(fields["response_url"])
        assert "Tidak ada tugas terbuka" in read(answer)


@pytest.fixture
async def socket_desk(
    slack: FakeSlack, gotong: Gotong, engine: Engine, clock: FakeClock
) -> AsyncIterator[Desk]:
    """The adapter in Socket Mode, connected to the fake's WebSocket."""
    add_workspace(engine, clock)
    adapter = await running(
        slack, gotong, engine, clock, app_token=slack.app_token, signing_secret=None
    )
    try:
        await slack.socket.wait_connected()
        yield Desk(slack, adapter, clock, engine)
    finally:
        await adapter.stop()
    assert list(adapter.errors) == []
    assert slack.violations == [] and slack.socket.late_acks == []
    assert slack.socket.unexpected_messages == []


class TestSocketMode:
    """Socket Mode: no public URL; envelopes over the WebSocket, acked at once."""

    async def push(self, desk: Desk, kind: Any, payload: dict[str, Any], **options: Any) -> Any:
        desk.step()
        envelope = await desk.slack.socket.push(kind, payload, **options)
        ack = await desk.slack.socket.wait_for_ack(envelope["envelope_id"])
        await desk.adapter.idle()
        return ack

    async def test_slash_command_round_trip(self, socket_desk: Desk) -> None:
        """`/gotong tugasku` over the socket: an empty ack, then the answer on the response URL."""
        fields = socket_desk.slack.slash_command(BUDI, "tugasku")

        ack = await self.push(socket_desk, "slash_commands", fields)

        assert ack.payload is None and ack.latency < 3
        (answer,) = socket_desk.slack.responses_to(fields["response_url"])
        assert "Tidak ada tugas terbuka" in read(answer)
        assert socket_desk.slack.calls_to("apps.connections.open")[0].status == 200

    async def test_dm_and_click_over_the_socket(self, socket_desk: Desk) -> None:
        """A DM creates a task; its notice's button is clicked; the notice shows the outcome."""
        desk = socket_desk
        await self.push(
            desk, "events_api", desk.slack.dm_event(ANI, "tugas Foto gudang <@U0BUDI> besok")
        )
        (created,) = desk.slack.messages_to(desk.dm_of("ani"))
        assert "Tugas 1 dibuat: Foto gudang" in read(created)
        (notice,) = await desk.deliver()

        click = desk.slack.button_click(BUDI, notice.channel, notice.ts, "gotong_0")
        await self.push(desk, "interactive", click)

        (update,) = desk.slack.updates_of(notice.channel, notice.ts)
        assert "Tugas 1 selesai: Foto gudang" in read(update)

    async def test_redelivered_envelope_is_processed_once(self, socket_desk: Desk) -> None:
        """Slack resending an event (retry_attempt 1, same event_id) changes nothing."""
        event = socket_desk.slack.dm_event(BUDI, "/lapor #pkh 5 paket sembako")

        await self.push(socket_desk, "events_api", event)
        await self.push(socket_desk, "events_api", event, retry_attempt=1, retry_reason="timeout")

        assert len(socket_desk.slack.messages_to(socket_desk.dm_of("budi"))) == 1
        assert count(socket_desk.engine, FieldUpdate) == 1

    async def test_stop_closes_the_connection(self, socket_desk: Desk) -> None:
        """After stop() no Socket Mode connection is left open."""
        await socket_desk.adapter.stop()

        assert socket_desk.slack.socket.open_connections == 0
