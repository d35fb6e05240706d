"""Telegram end to end in webhook mode: updates POSTed with the secret Gotong gave Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine

from core.app import Gotong
from core.clock import FakeClock
from core.models import FieldUpdate, InboxEvent
from tests import telegram_harness as harness
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram_harness import ANI, BUDI, Chats, add_workspace, count, free_port, running

# The harness's fixtures, used here as they are.
_retry_after_as_timedelta = harness._retry_after_as_timedelta
tg = harness.tg


@pytest.fixture
async def webhook(
    tg: FakeTelegram, gotong: Gotong, engine: Engine, clock: FakeClock
) -> AsyncIterator[Chats]:
    """The adapter in webhook mode, listening on loopback."""
    add_workspace(engine, clock)
    port = free_port()
    adapter = await running(
        tg,
        gotong,
        engine,
        clock,
        webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        webhook_listen=f"127.0.0.1:{port}",
    )
    try:
        yield Chats(tg, adapter, clock, engine)
    finally:
        await adapter.stop()
    assert list(adapter.errors) == []
    assert tg.violations == []
    assert tg.sends_inside_retry_window == []


class TestWebhook:
    """Webhook mode: Telegram POSTs updates with the secret it was given."""

    async def test_update_with_the_right_secret_is_handled(self, webhook: Chats) -> None:
        """setWebhook got a random secret; an update carrying it is answered before the 200."""
        hook = webhook.tg.webhook
        assert hook is not None and hook.url.endswith("/telegram/hook")
        assert hook.secret_token and len(hook.secret_token) >= 32
        assert hook.allowed_updates == ["message", "callback_query"]

        status = await webhook.tg.deliver_webhook(webhook.tg.push_message(BUDI, "/tugasku"))

        assert status == 200
        assert "Tidak ada tugas terbuka" in webhook.tg.last_to(BUDI).visible_text
        assert webhook.tg.pending_updates == []
        assert webhook.tg.calls_to("getUpdates") == []

    @pytest.mark.parametrize("secret", ["salah", None], ids=["wrong", "missing"])
    async def test_wrong_or_missing_secret_is_refused(
        self, webhook: Chats, secret: str | None
    ) -> None:
        """403, and nothing is processed: the update stays with Telegram for the real server."""
        update = webhook.tg.push_message(BUDI, "/lapor #pkh 5 paket sembako")

        status = await webhook.tg.deliver_webhook(update, secret_token=secret)

        assert status == 403
        assert webhook.tg.sent == [] and webhook.adapter.handled == 0
        assert count(webhook.engine, InboxEvent) == 0
        assert await webhook.tg.deliver_webhook(update) == 200
        assert count(webhook.engine, FieldUpdate) == 1

    async def test_redelivered_update_is_handled_once(self, webhook: Chats) -> None:
        """Telegram retrying a delivery (same update_id) gets 200 and no second answer."""
        update = webhook.tg.push_message(BUDI, "/lapor #pkh 5 paket sembako")

        statuses = [await webhook.tg.deliver_webhook(update) for _ in range(2)]

        assert statuses == [200, 200]
        assert len(webhook.tg.messages_to(BUDI)) == 1
        assert count(webhook.engine, FieldUpdate) == 1

    async def test_button_press_by_webhook(self, webhook: Chats) -> None:
        """A button press arrives by webhook: answered, and the message edited."""
        webhook.tg.push_message(ANI, "/tugas Kirim data @budi besok")
        for update in webhook.tg.pending_updates:
            await webhook.tg.deliver_webhook(update)
        (notice,) = await webhook.deliver()

        press = webhook.tg.push_callback(BUDI, "done 1", notice.message_id)
        assert await webhook.tg.deliver_webhook(press) == 200

        assert len(webhook.tg.callback_answers) == 1
        (edit,) = webhook.tg.edits_of(BUDI, notice.message_id)
        assert "Tugas 1 selesai" in (edit.text or "")

    async def test_configured_secret_is_used(
        self, tg: FakeTelegram, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Several instances behind one URL share the secret from the settings."""
        port = free_port()
        adapter = await running(
            tg,
            gotong,
            engine,
            clock,
            webhook_url=f"http://127.0.0.1:{port}/hook",
            webhook_listen=f"127.0.0.1:{port}",
            webhook_secret="rahasia-bersama-123",
        )
        await adapter.stop()

        assert tg.webhook is not None and tg.webhook.secret_token == "rahasia-bersama-123"
