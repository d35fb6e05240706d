"""`gotong run` with WHATSAPP_TOKEN: the webhook served beside the other platforms."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Connection, Engine
from sqlmodel import Session, select

from adapters.whatsapp import WhatsAppStartError
from bot import bootstrap
from bot.bootstrap import Runtime, Schema, configured_platforms, whatsapp_number
from bot.runner import run_platforms
from bot.settings import Settings
from core.clock import FakeClock
from core.models import PartnerOrg
from core.reports.exports.query import Scope
from core.reports.exports.records import people
from tests.fakes import whatsapp_webhooks as hooks
from tests.fakes.whatsapp_cloud import FakeWhatsApp
from tests.telegram_harness import free_port, wait_until
from tests.whatsapp_harness import (
    USERS,
    VERIFY_TOKEN,
    incoming_messages,
    new_id,
    shared_workspace,
)


@pytest.fixture
async def wa(clock: FakeClock) -> AsyncIterator[FakeWhatsApp]:
    async with FakeWhatsApp(clock=lambda: clock.now().timestamp()) as fake:
        yield fake


def runtime_for(wa: FakeWhatsApp, engine: Engine, clock: FakeClock, **settings: object) -> Runtime:
    """Gotong built by the composition root against the fake Cloud API."""
    port = free_port()
    values: dict[str, object] = {
        "whatsapp_token": wa.token,
        "whatsapp_phone_number_id": wa.phone_number_id,
        "whatsapp_app_secret": wa.app_secret,
        "whatsapp_verify_token": VERIFY_TOKEN,
        "whatsapp_api_base_url": wa.base_url,
        "whatsapp_webhook_listen": f"127.0.0.1:{port}",
        "outbox_sweep_seconds": 0.05,
    }
    wa.webhook_url = f"http://127.0.0.1:{port}/whatsapp"
    return bootstrap.build(
        Settings(**(values | settings)), schema=Schema.CHECK, engine=engine, clock=clock
    )


async def serve(runtime: Runtime, stop: asyncio.Event) -> None:
    await run_platforms(
        configured_platforms(runtime),
        bootstrap.build_jobs(runtime),
        sweep_seconds=runtime.settings.outbox_sweep_seconds,
        stop=stop,
    )


class TestRunWhatsApp:
    async def test_serves_the_webhook_and_sweeps_the_outbox(
        self, wa: FakeWhatsApp, engine: Engine, clock: FakeClock
    ) -> None:
        """A task assigned on WhatsApp reaches the assignee by the scheduled sweep."""
        shared_workspace(engine, clock, platform="whatsapp", accounts=USERS)
        wa.last_inbound[USERS["budi"]] = clock.now().timestamp()
        runtime = runtime_for(wa, engine, clock)
        for who in ("ani", "budi"):  # they wrote a moment ago: their windows are open
            body = wa.notification(USERS[who], hooks.text(new_id(), "/bantuan"))
            [said] = incoming_messages(body, phone_number_id=wa.phone_number_id)
            runtime.gotong.handle(said)
        stop = asyncio.Event()
        serving = asyncio.create_task(serve(runtime, stop))
        await wait_until(lambda: listening(serving, wa.webhook_url))
        message = hooks.text(new_id(), "/tugas Kirim data penerima @budi besok 17:00 #pkh")
        status = await wa.write(USERS["ani"], message)
        await wait_until(lambda: bool(wa.messages_to(USERS["budi"])))
        stop.set()
        await asyncio.wait_for(serving, timeout=5)
        assert status == 200 and wa.messages_to(USERS["ani"])
        assert wa.messages_to(USERS["budi"])[0].choices[0] == "done 1"

    async def test_without_an_app_secret_it_refuses_to_start(
        self, wa: FakeWhatsApp, engine: Engine, clock: FakeClock
    ) -> None:
        """Unsigned notifications are never taken: no app secret, no WhatsApp."""
        runtime = runtime_for(wa, engine, clock, whatsapp_app_secret=None)
        with pytest.raises(WhatsAppStartError, match="WHATSAPP_APP_SECRET"):
            await serve(runtime, asyncio.Event())

    async def test_the_business_number_for_wa_me_links(
        self, wa: FakeWhatsApp, engine: Engine, clock: FakeClock
    ) -> None:
        """`gotong invite` builds https://wa.me/<number>?text=mulai%20CODE from the API."""
        runtime = runtime_for(wa, engine, clock)
        assert await whatsapp_number(runtime.settings) == "6281100001234"
        assert await whatsapp_number(Settings(whatsapp_token=None)) is None


def listening(serving: asyncio.Task[None], url: str) -> bool:
    """Whether the webhook's port takes connections (a run that failed raises here)."""
    if serving.done():
        serving.result()
    parts = urlsplit(url)
    with socket.socket() as probe:
        return probe.connect_ex((parts.hostname or "", parts.port or 0)) == 0


class TestExportedNumbers:
    def test_a_managers_people_export_has_the_number_a_partners_does_not(
        self, engine: Engine, clock: FakeClock
    ) -> None:
        """Phone numbers are personal data: in a manager's export, never in a partner's."""
        shared_workspace(engine, clock, platform="whatsapp", accounts=USERS)
        with Session(engine) as session:
            dinsos = session.exec(select(PartnerOrg).where(PartnerOrg.handle == "dinsos")).one()
        with engine.connect() as connection:
            everyone = exported_people(connection, None)
            theirs = exported_people(connection, dinsos.id)
        assert everyone["budi"][:2] == ("whatsapp", "+" + USERS["budi"])
        assert theirs["harjo"] == ("whatsapp", "")


def exported_people(connection: Connection, org: int | None) -> dict[str, tuple[str, str]]:
    """handle -> (platforms, whatsapp) from the people export, as a manager (org None) or a
    partner contact of `org` would get it."""
    table = people(connection, Scope(programs=None, org=org, start=None, end=None))
    names = [column.name for column in table.columns]
    at, number = names.index("platforms"), names.index("whatsapp")
    return {row[0]: (row[at], row[number]) for batch in table.batches for row in batch}
