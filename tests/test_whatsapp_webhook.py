"""The WhatsApp webhook: Meta's handshake, signatures, and redelivery across a restart."""

from __future__ import annotations

import aiohttp
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from core.app import Gotong
from core.clock import FakeClock
from core.models import InboxEvent, OutboxMessage, Task
from tests import whatsapp_harness as harness
from tests.fakes import whatsapp_webhooks as hooks
from tests.fakes.whatsapp_cloud import FakeWhatsApp
from tests.whatsapp_harness import USERS, VERIFY_TOKEN, Chats, new_id, running

wa = harness.wa
chats = harness.chats


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


async def get(url: str, **params: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url, params=params) as response:
        return response.status, await response.text()


class TestVerification:
    async def test_the_handshake_echoes_the_challenge(self, chats: Chats) -> None:
        """GET with hub.mode=subscribe and the verify token answers hub.challenge."""
        status, body = await get(
            chats.wa.webhook_url,
            **{"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"},
        )
        assert (status, body) == (200, "42")

    async def test_a_wrong_verify_token_is_refused(self, chats: Chats) -> None:
        """Anyone else setting our URL as their webhook gets 403 and no challenge back."""
        status, body = await get(
            chats.wa.webhook_url,
            **{"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "42"},
        )
        assert status == 403 and "42" not in body


class TestSignatures:
    async def test_unsigned_and_wrongly_signed_posts_change_nothing(self, chats: Chats) -> None:
        """Without X-Hub-Signature-256, or with another secret's, a POST gets 403: nothing
        is stored, handled or sent."""
        body = chats.wa.notification(USERS["ani"], hooks.text(new_id(), "/tugas X @budi #pkh"))
        forged = hooks.sign("not-the-app-secret", b"{}")
        assert await chats.wa.post(body, signature=None) == 403
        assert await chats.wa.post(body, signature=forged) == 403
        assert await chats.wa.post(body, signature="sha256=") == 403
        assert count(chats.engine, InboxEvent) == 0
        assert count(chats.engine, Task) == 0
        assert chats.wa.sent == []

    async def test_a_signed_body_that_is_not_json_is_refused(self, chats: Chats) -> None:
        """A signed POST that is not a JSON object gets 400."""
        assert chats.wa._session is not None
        raw = b"not json"
        headers = {hooks.SIGNATURE_HEADER: hooks.sign(chats.wa.app_secret, raw)}
        async with chats.wa._session.post(chats.wa.webhook_url, data=raw, headers=headers) as r:
            assert r.status == 400

    async def test_delivery_statuses_are_not_messages(self, chats: Chats) -> None:
        """A notification with only a delivery status is acknowledged and not answered."""
        body = chats.wa.notification(USERS["ani"], {})
        value = body["entry"][0]["changes"][0]["value"]
        value["statuses"] = [hooks.status("wamid.X", USERS["ani"])]
        del value["messages"]
        assert await chats.wa.post(body) == 200
        assert chats.wa.sent == [] and count(chats.engine, InboxEvent) == 0


class TestRedelivery:
    async def test_a_redelivered_message_is_handled_once_across_a_restart(
        self, wa: FakeWhatsApp, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """WhatsApp retries for days: the same message id, before and after a restart, makes
        one task and one reply."""
        harness.shared_workspace(engine, clock, platform="whatsapp", accounts=USERS)
        message = hooks.text(new_id(), "/tugas Kirim data @budi besok 17:00 #pkh")
        adapter = await running(wa, gotong, engine, clock)
        try:
            assert await wa.write(USERS["ani"], message) == 200
            assert await wa.write(USERS["ani"], message) == 200
        finally:
            await adapter.stop()
        adapter = await running(wa, gotong, engine, clock)
        try:
            assert await wa.write(USERS["ani"], message) == 200
            await adapter.deliver_once()
        finally:
            await adapter.stop()
        assert count(engine, Task) == 1
        assert len(wa.messages_to(USERS["ani"])) == 1
        assert len(wa.messages_to(USERS["budi"])) == 1

    async def test_a_message_stored_before_a_crash_is_answered_after_the_restart(
        self, wa: FakeWhatsApp, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Stored but not handled when the process died: the next start handles it, and the
        outbox sends its reply."""
        harness.shared_workspace(engine, clock, platform="whatsapp", accounts=USERS)
        wa.last_inbound[USERS["ani"]] = clock.now().timestamp()
        [incoming] = harness.incoming_messages(
            wa.notification(USERS["ani"], hooks.text(new_id(), "/tugasku")),
            phone_number_id=wa.phone_number_id,
        )
        assert gotong.receive(incoming)
        adapter = await running(wa, gotong, engine, clock)
        try:
            await adapter.deliver_once()
        finally:
            await adapter.stop()
        assert len(wa.messages_to(USERS["ani"])) == 1
        with Session(engine) as session:
            assert session.exec(select(OutboxMessage)).one().status == "sent"
