"""The fake Cloud API refuses what WhatsApp refuses, driven by pywa itself."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pywa_async.errors import ReEngagementMessage, WhatsAppError
from pywa_async.types import Button

from adapters.whatsapp.sending import CloudApi
from core.messages import PHOTO, Attachment
from tests.fakes.whatsapp_cloud import FakeWhatsApp
from tests.whatsapp_harness import config_for

TO = "6281200000001"


@pytest.fixture
async def fake() -> AsyncIterator[FakeWhatsApp]:
    now = [1_800_000_000.0]
    async with FakeWhatsApp(clock=lambda: now[0]) as server:
        server.last_inbound[TO] = now[0]
        yield server


@pytest.fixture
async def api(fake: FakeWhatsApp) -> AsyncIterator[CloudApi]:
    client = CloudApi(config_for(fake))
    yield client
    await client.close()


class TestFakeCloudApi:
    async def test_a_text_within_the_window_is_recorded(
        self, fake: FakeWhatsApp, api: CloudApi
    ) -> None:
        sent = await api.client.send_message(TO, "Halo *Budi*")
        assert fake.sent[0].message_id == sent.id and fake.texts_to(TO) == ["Halo *Budi*"]

    async def test_limits_are_refused_with_code_100(
        self, fake: FakeWhatsApp, api: CloudApi
    ) -> None:
        """4,097 characters, four buttons, a 21-character title: all refused."""
        with pytest.raises(WhatsAppError):
            await api.client.send_message(TO, "x" * 4097)
        four = [Button(title=f"B{n}", callback_data=f"b {n}") for n in range(4)]
        with pytest.raises(WhatsAppError):
            await api.client.send_message(TO, "Pilih", buttons=four)
        with pytest.raises(WhatsAppError):
            await api.client.send_message(TO, "Pilih", buttons=[Button("y" * 21, "b")])
        assert fake.refusals == [100, 100, 100] and fake.sent == []

    async def test_outside_the_window_only_a_known_template_goes(
        self, fake: FakeWhatsApp, api: CloudApi
    ) -> None:
        """131047 for free text to someone who never wrote; the shipped template goes."""
        stranger = "6289900000001"
        with pytest.raises(ReEngagementMessage):
            await api.client.send_message(stranger, "Halo")
        await api.send_waiting_notice(stranger, "gotong_pesan_menunggu", "id", 3)
        with pytest.raises(WhatsAppError):
            await api.send_waiting_notice(stranger, "not_submitted", "id", 3)
        [template] = fake.sent
        assert (template.template, template.parameters) == ("gotong_pesan_menunggu", ["3"])

    async def test_a_file_is_uploaded_then_sent_by_its_media_id(
        self, fake: FakeWhatsApp, api: CloudApi
    ) -> None:
        chart = Attachment(PHOTO, "grafik.png", b"\x89PNG chart", "grafik tidak terkirim")
        await api.send_file(TO, chart, "Ringkasan")
        [sent] = fake.sent
        assert fake.uploads[sent.media_id].data == b"\x89PNG chart" and sent.text == "Ringkasan"

    async def test_the_business_number_is_read_for_wa_me_links(self, api: CloudApi) -> None:
        assert await api.display_number() == "6281100001234"
