"""The WhatsApp end-to-end harness: the real adapter (pywa inside) against the fake Cloud API.

Each test talks to Gotong the way people do on WhatsApp: the fake signs a notification and
POSTs it to the adapter's webhook, which stores it, has the real core handle it and replies
through pywa before answering 200; the test reads what the fake recorded. Time is the core's
FakeClock, shared with the fake's window and throughput, so nothing sleeps.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col

from adapters.whatsapp import WhatsAppAdapter, WhatsAppConfig
from adapters.whatsapp.translate import incoming_messages
from core.app import Gotong
from core.clock import FakeClock
from core.db import unit_of_work
from core.delivery.claims import OutboxDelivery
from core.models import Identity
from tests.fakes import whatsapp_webhooks as hooks
from tests.fakes.whatsapp_cloud import FakeWhatsApp
from tests.fakes.whatsapp_records import SentMessage
from tests.workspace import add_workspace as shared_workspace

USERS = {
    "ani": "6281100000001",
    "sarah": "6281100000002",
    "budi": "6281200000001",
    "kevin": "6281200000002",
    "harjo": "6281300000001",
    "tom": "6281300000002",
}
STRANGER = "6289900000009"
VERIFY_TOKEN = "verify-me-0123456789"
_message_ids = itertools.count(1)

__all__ = ["incoming_messages", "shared_workspace"]


def new_id() -> str:
    return f"wamid.IN{next(_message_ids):06d}"


def config_for(wa: FakeWhatsApp, **overrides: Any) -> WhatsAppConfig:
    settings: dict[str, Any] = {
        "token": wa.token,
        "phone_number_id": wa.phone_number_id,
        "app_secret": wa.app_secret,
        "verify_token": VERIFY_TOKEN,
        "api_base_url": wa.base_url,
        "webhook_listen": "127.0.0.1:0",
        "reply_retry_delays": (0.01,),
    }
    return WhatsAppConfig(**(settings | overrides))


@pytest.fixture
async def wa(clock: FakeClock) -> AsyncIterator[FakeWhatsApp]:
    async with FakeWhatsApp(clock=lambda: clock.now().timestamp()) as fake:
        yield fake


async def running(
    wa: FakeWhatsApp, gotong: Gotong, engine: Engine, clock: FakeClock, **config: Any
) -> WhatsAppAdapter:
    adapter = WhatsAppAdapter(
        config_for(wa, **config),
        gotong=gotong,
        outbox=OutboxDelivery(engine, clock),
        monotonic=lambda: clock.now().timestamp(),
    )
    await adapter.start()
    wa.webhook_url = f"http://127.0.0.1:{adapter.webhook.port}/whatsapp"
    return adapter


def wrote_at(engine: Engine, wa: FakeWhatsApp, clock: FakeClock, who: str, ago: timedelta) -> None:
    """Say the person last wrote `ago` before now (to Gotong and to the fake's window)."""
    moment = clock.now() - ago
    wa.last_inbound[USERS[who]] = moment.timestamp()
    with unit_of_work(engine) as session:
        session.execute(
            update(Identity)
            .where(col(Identity.external_id) == USERS[who])
            .values(last_message_at=moment)
        )


@dataclass
class Chats:
    """People on WhatsApp talking to the running adapter, and what the fake Cloud API saw."""

    wa: FakeWhatsApp
    adapter: WhatsAppAdapter
    clock: FakeClock
    engine: Engine

    def number(self, who: str) -> str:
        return USERS.get(who, who)

    async def send(self, who: str, message: dict[str, Any]) -> list[SentMessage]:
        """A message from a person (a few seconds after the last one); what the bot sent."""
        self.clock.advance(timedelta(seconds=2))
        before = len(self.wa.sent)
        status = await self.wa.write(self.number(who), message)
        assert status == 200
        return self.wa.sent[before:]

    async def say(self, who: str, text: str) -> list[SentMessage]:
        return await self.send(who, hooks.text(new_id(), text))

    async def press(self, who: str, message: SentMessage, command: str) -> list[SentMessage]:
        """Tap a reply button (or choose a list row) of a message the bot sent."""
        assert command in message.choices, message.choices
        titles = dict(message.buttons) | {i: t for i, t, _ in message.rows}
        reply = hooks.button_reply if message.kind == "button" else hooks.list_reply
        return await self.send(who, reply(new_id(), command, titles[command]))

    async def post_unsigned(self) -> int:
        """A forged notification (no signature): refused."""
        body = self.wa.notification(USERS["ani"], hooks.text(new_id(), "/tugasku"))
        return await self.wa.post(body, signature=None)

    async def deliver(self) -> list[SentMessage]:
        """One outbox sweep, a few seconds after the last thing happened; what it sent."""
        self.clock.advance(timedelta(seconds=2))
        before = len(self.wa.sent)
        await self.adapter.deliver_once()
        return self.wa.sent[before:]


@pytest.fixture
async def chats(
    wa: FakeWhatsApp, gotong: Gotong, engine: Engine, clock: FakeClock
) -> AsyncIterator[Chats]:
    """The adapter serving the fake's webhook; the workspace on WhatsApp, everyone having
    written an hour ago (their windows open)."""
    shared_workspace(engine, clock, platform="whatsapp", accounts=USERS)
    for who in USERS:
        wrote_at(engine, wa, clock, who, timedelta(hours=1))
    adapter = await running(wa, gotong, engine, clock)
    try:
        yield Chats(wa, adapter, clock, engine)
    finally:
        await adapter.stop()
    assert list(adapter.errors) == []
    assert wa.violations == []
