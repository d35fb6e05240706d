"""Telegram end to end: what the logs hold (ids) and never hold (tokens, secrets, texts)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot.settings import Settings
from core.app import Gotong
from core.clock import FakeClock
from tests import telegram_harness as harness
from tests.debug_capture import client_floors
from tests.fakes.telegram_server import FakeTelegram
from tests.logs import DebugLogs
from tests.telegram_harness import BUDI, Chats, add_workspace, free_port, running

# The harness's fixtures, used here as they are.
_retry_after_as_timedelta = harness._retry_after_as_timedelta
tg = harness.tg


class TestLogs:
    async def test_logs_hold_ids_never_tokens_or_message_texts(
        self,
        tg: FakeTelegram,
        gotong: Gotong,
        engine: Engine,
        clock: FakeClock,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """Even at DEBUG, with failures logged, neither the token nor what people wrote appears."""
        client_floors()  # as Gotong starts (the suite opens them up)
        caplog.set_level(logging.DEBUG)
        add_workspace(engine, clock)
        adapter = await running(tg, gotong, engine, clock)
        chats = Chats(tg, adapter, clock, engine)
        try:
            await chats.say("ani", "/tugas Rahasia-judul-XYZ @budi besok")
            tg.fail("sendMessage", status=500)
            await chats.deliver()
            tg.fail("sendMessage", status=429, retry_after=1)
            clock.advance(timedelta(minutes=1))
            await chats.deliver()
            tg.block_bot(BUDI)
            clock.advance(timedelta(minutes=1))
            await chats.deliver()
            await chats.say("budi", "Rahasia-laporan-XYZ 5 paket")
        finally:
            await adapter.stop()

        assert "unreachable" in caplog.text  # the failures were logged...
        assert "Rahasia" not in caplog.text  # ...without what people wrote
        assert tg.token.split(":")[1] not in caplog.text


class TestLogsAtDebug:
    """Every logger at DEBUG (none quietened), through Gotong's handler: no secret, no text."""

    async def test_no_token_secret_or_text_reaches_the_log(
        self,
        debug_logs: DebugLogs,
        tg: FakeTelegram,
        gotong: Gotong,
        engine: Engine,
        clock: FakeClock,
    ) -> None:
        """Polling, replies, a failing outbox, a button, then webhook mode with its secret."""
        secret = "Webhook_Secret-" + "x" * 24
        debug_logs.configure(
            Settings(TELEGRAM_BOT_TOKEN=tg.token, GOTONG_TELEGRAM_WEBHOOK_SECRET=secret)
        )
        add_workspace(engine, clock)
        adapter = await running(tg, gotong, engine, clock)
        chats = Chats(tg, adapter, clock, engine)
        try:
            await chats.say("ani", "/tugas Rahasia-judul-XYZ @budi besok")
            tg.fail("sendMessage", status=500)
            await chats.deliver()
            clock.advance(timedelta(minutes=1))
            (notice,) = await chats.deliver()
            await chats.press("budi", notice, "done 1")
            await chats.say("budi", "Rahasia-laporan-XYZ 5 paket")
        finally:
            await adapter.stop()
        port = free_port()
        hooked = await running(
            tg,
            gotong,
            engine,
            clock,
            webhook_url=f"http://127.0.0.1:{port}/hook",
            webhook_listen=f"127.0.0.1:{port}",
            webhook_secret=secret,
        )
        try:
            update = tg.push_message(BUDI, "/lapor #pkh 5 Rahasia-webhook-XYZ")
            assert await tg.deliver_webhook(update, secret_token="salah") == 403
            assert await tg.deliver_webhook(update) == 200
        finally:
            await hooked.stop()

        written = debug_logs.text()
        assert "telegram" in written and "refused" in written  # the run was logged...
        for leak in (tg.token, tg.token.split(":")[1], secret, "Rahasia"):
            assert leak not in written  # ...without a secret or what people wrote
