"""Slack end to end: what the logs hold (ids) and never hold (tokens, secrets, texts)."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import Engine

from bot.settings import Settings
from core.app import Gotong
from core.clock import FakeClock
from tests import slack_harness as harness
from tests.debug_capture import client_floors
from tests.fakes.slack_server import JSON, FakeSlack, post_to_app
from tests.logs import DebugLogs
from tests.slack_harness import BUDI, SECRET, Desk, add_workspace, running

# The harness's fixtures, used here as they are.
slack = harness.slack
desk = harness.desk


class TestLogs:
    """Logs carry ids: never what people wrote, never a token or the signing secret."""

    async def test_nothing_secret_or_personal_is_logged(
        self, desk: Desk, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A DM, a slash command, a click and a delivery at DEBUG level leave no text behind."""
        client_floors()  # as Gotong starts (the suite opens them up)
        caplog.set_level(logging.DEBUG)
        await desk.dm("ani", "tugas Rahasia-dm-7731 <@U0BUDI> besok")
        await desk.command("budi", "lapor #pkh 3 paket Rahasia-cmd-5512")
        (notice,) = await desk.deliver()
        await desk.click("budi", notice, "done 1")

        logged = "\n".join(record.getMessage() for record in caplog.records)
        assert "slack.handling via=event event_id=slack:ev:" in logged  # ids are there
        for secret in ("Rahasia", desk.slack.bot_token, desk.slack.app_token, SECRET):
            assert secret not in logged


class TestLogsAtDebug:
    """Every logger at DEBUG (none quietened), through Gotong's handler: no secret, no text."""

    async def test_no_token_secret_or_text_reaches_the_log(
        self,
        debug_logs: DebugLogs,
        slack: FakeSlack,
        gotong: Gotong,
        engine: Engine,
        clock: FakeClock,
    ) -> None:
        """HTTP mode (a forged request too, whose body bolt dumps) and then Socket Mode."""
        debug_logs.configure(
            Settings(
                SLACK_BOT_TOKEN=slack.bot_token,
                SLACK_APP_TOKEN=slack.app_token,
                SLACK_SIGNING_SECRET=SECRET,
            )
        )
        add_workspace(engine, clock)
        adapter = await running(slack, gotong, engine, clock)
        desk = Desk(slack, adapter, clock, engine)
        try:
            await desk.dm("ani", "tugas Rahasia-dm-7731 <@U0BUDI> besok")
            forged = json.dumps(slack.dm_event(BUDI, "lapor #pkh Rahasia-forged-4410"))
            assert (await post_to_app(adapter.http_url or "", forged, JSON, "wrong"))[0] == 401
            slack.answer_garbage("users.info", body="Rahasia-garbage-2231")
            await desk.command("budi", "lapor #pkh 3 paket Rahasia-cmd-5512")
            (notice,) = await desk.deliver()
            await desk.click("budi", notice, "done 1")
        finally:
            await adapter.stop()
        socket = await running(
            slack, gotong, engine, clock, app_token=slack.app_token, signing_secret=None
        )
        try:
            await slack.socket.wait_connected()
            envelope = await slack.socket.push(
                "events_api", slack.dm_event(BUDI, "lapor #pkh 2 paket Rahasia-socket-9902")
            )
            await slack.socket.wait_for_ack(envelope["envelope_id"])
            await socket.idle()
        finally:
            await socket.stop()

        written = debug_logs.text()
        assert "event=slack.handling via=event event_id=slack:" in written  # the run was logged...
        for leak in ("Rahasia", slack.bot_token, slack.app_token, SECRET):
            assert leak not in written  # ...without a secret or what people wrote


class TestGotongsOwnLoggers:
    """Starting the Slack adapter leaves Gotong's own loggers as they were."""

    async def test_bolt_does_not_raise_the_gotong_logger(self, desk: Desk) -> None:
        """bolt gives its app-named logger its own INFO level: named "gotong", that silenced
        every gotong.* DEBUG line once Slack had started."""
        await desk.dm("budi", "halo")
        assert logging.getLogger("gotong").level == logging.NOTSET
        assert logging.getLogger("gotong.outbox").getEffectiveLevel() == logging.getLogger().level
