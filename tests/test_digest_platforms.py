"""Digests end to end: planned and fired by the DigestSweep at each person's hour, sent by the
real outbox sweep through the Telegram and Slack adapters to the fake platforms."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import select

from core.db import unit_of_work
from core.digests.sweep import DigestSweep
from core.language.i18n import Catalog
from core.models import Status, Task
from tests import slack_harness, telegram_harness
from tests.fakes.telegram_records import SentMessage
from tests.slack_harness import Desk, read
from tests.telegram_harness import ANI, BUDI, Chats

tg = telegram_harness.tg
chats = telegram_harness.chats
_retry_after_as_timedelta = telegram_harness._retry_after_as_timedelta
slack = slack_harness.slack
desk = slack_harness.desk

JAKARTA = ZoneInfo("Asia/Jakarta")
# Tuesday 1 December 2026, local times in Jakarta (the workspace is in WIB).
TUESDAY = datetime(2026, 12, 1, tzinfo=JAKARTA)
PNG = b"\x89PNG\r\n\x1a\n"


def at(hour: int, minute: int = 0) -> datetime:
    return TUESDAY.replace(hour=hour, minute=minute)


async def delivered(chats: Chats, to: int) -> list[SentMessage]:
    """One outbox sweep a few seconds on; what Telegram took for one chat (a row may be more
    than one message: the photo, then the text)."""
    chats.clock.advance(timedelta(seconds=2))
    before = len(chats.tg.sent)
    await chats.adapter.deliver_once()
    return [m for m in chats.tg.sent[before:] if m.chat_id == to]


def task_ids(engine: Engine) -> dict[str, int]:
    with unit_of_work(engine) as s:
        return {t.title: t.id or 0 for t in s.exec(select(Task))}


class TestTelegram:
    """A manager gets the chart with the text as its caption; a field worker gets Done buttons."""

    async def prepare(self, chats: Chats) -> DigestSweep:
        """Two of Budi's tasks, late by Tuesday; the notes about them already delivered; the
        digests planned on Tuesday before dawn."""
        await chats.say("ani", "/tugas Kirim data penerima @budi senin 17:00 #pkh")
        await chats.say("ani", "/tugas Rekap laporan desa @budi senin 17:00 #pkh")
        await chats.deliver()
        sweep = DigestSweep(chats.engine, chats.clock, Catalog())
        chats.clock.set(at(5))
        sweep.run()
        return sweep

    async def test_manager_gets_one_photo_with_the_digest_as_caption_at_seven(
        self, chats: Chats
    ) -> None:
        """07:00: one sendPhoto to Ani, the PNG chart, the digest under it, Done buttons."""
        sweep = await self.prepare(chats)
        ids = task_ids(chats.engine)
        chats.clock.set(at(6, 59))
        sweep.run()
        before = len(chats.tg.messages_to(ANI))
        await chats.deliver()
        assert len(chats.tg.messages_to(ANI)) == before  # not before her hour

        chats.clock.set(at(7))
        assert sweep.run().sent == 1
        sent = await delivered(chats, ANI)

        (photo,) = sent
        assert photo.method == "sendPhoto"
        assert photo.file is not None and photo.file.data.startswith(PNG)
        assert photo.file.filename == "grafik.png"
        assert photo.visible_text.startswith("Ringkasan Anda")
        assert "Kirim data penerima" in photo.visible_text
        assert "Rekap laporan desa" in photo.visible_text
        assert len(photo.visible_text) <= 1024
        assert sorted(photo.callback_data) == sorted(
            [f"done {ids['Kirim data penerima']}", f"done {ids['Rekap laporan desa']}"]
        )

    async def test_a_digest_too_long_for_a_caption_follows_its_photo(self, chats: Chats) -> None:
        """Over 1,024 characters: the chart alone, then the text with the buttons under it."""
        for n in range(30):
            await chats.say(
                "ani", f"/tugas Verifikasi data penerima desa ke-{n} @budi senin 17:00 #pkh"
            )
            await chats.say("ani", f"/tenggat Laporan penyaluran desa ke-{n} kamis 17:00 #pkh")
        await chats.deliver()
        sweep = DigestSweep(chats.engine, chats.clock, Catalog())
        chats.clock.set(at(5))
        sweep.run()
        chats.clock.set(at(7))
        sweep.run()

        sent = await delivered(chats, ANI)

        assert [m.method for m in sent][:2] == ["sendPhoto", "sendMessage"]
        assert sent[0].file is not None and sent[0].text is None
        text = "\n".join(m.visible_text for m in sent[1:])
        assert len(text) > 1024 and "Laporan penyaluran desa ke-29" in text
        # The late ones: the five longest late named, the rest counted (a digest is read on a phone).
        assert "… dan 25 lagi: /terlambat" in text
        assert sent[-1].callback_data[0].startswith("done ")

    async def test_field_worker_gets_theirs_at_half_past_six_and_done_works(
        self, chats: Chats
    ) -> None:
        """06:30: Budi's tasks with a Done button each; pressing one closes that task."""
        sweep = await self.prepare(chats)
        ids = task_ids(chats.engine)
        chats.clock.set(at(6, 30))
        assert sweep.run().sent == 1
        sent = await delivered(chats, BUDI)

        (digest,) = sent
        assert digest.method == "sendMessage" and digest.file is None
        assert "Kirim data penerima" in digest.visible_text
        done = f"done {ids['Kirim data penerima']}"
        assert done in digest.callback_data

        answer = await chats.press("budi", digest, done)

        # The digest stays as it was, without the pressed button; the answer comes after it.
        (edit,) = chats.tg.edits_of(BUDI, digest.message_id)
        assert edit.method == "editMessageReplyMarkup" and edit.text is None
        assert done not in edit.callback_data and edit.callback_data
        assert any("selesai: Kirim data penerima" in m.visible_text for m in answer)
        with unit_of_work(chats.engine) as s:
            task = s.get(Task, ids["Kirim data penerima"])
            other = s.get(Task, ids["Rekap laporan desa"])
            assert task is not None and other is not None
            assert (task.status, other.status) == (Status.DONE, Status.OPEN)


class TestSlack:
    """The chart is shared into the manager's DM first, then the text with its buttons."""

    async def test_manager_gets_the_chart_uploaded_then_the_text(self, desk: Desk) -> None:
        """07:00: files_upload_v2 into Ani's DM, then the digest with a Done button."""
        await desk.dm("ani", "tugas Kirim data penerima <@U0BUDI> senin 17:00 #pkh")
        await desk.deliver()
        ids = task_ids(desk.engine)
        sweep = DigestSweep(desk.engine, desk.clock, Catalog())
        desk.clock.set(at(5))
        sweep.run()
        desk.clock.set(at(7))
        assert sweep.run().sent == 1
        calls = len(desk.slack.calls)

        posted = [m for m in await desk.deliver() if m.channel == desk.dm_of("ani")]

        (shared,) = desk.slack.files.shared_in(desk.dm_of("ani"))
        assert shared.filename == "grafik.png" and shared.data.startswith(PNG)
        order = [c.method for c in desk.slack.calls[calls:] if c.method != "auth.test"]
        assert order[-3:] == [
            "files.getUploadURLExternal",
            "files.completeUploadExternal",
            "chat.postMessage",  # the text comes after the picture, in the same DM
        ]
        (text,) = posted
        assert read(text).startswith("Ringkasan Anda")
        assert "Kirim data penerima" in read(text)
        assert text.button_values == [f"done {ids['Kirim data penerima']}"]

    async def test_clicking_done_in_a_digest_keeps_the_digest_without_that_button(
        self, desk: Desk
    ) -> None:
        """Budi's digest lists two late tasks; Done on one leaves the digest with the other's
        button, and the answer comes as a new message (the list is not replaced)."""
        for title in ("Kirim data penerima", "Rekap laporan desa"):
            await desk.dm("ani", f"tugas {title} <@U0BUDI> senin 17:00 #pkh")
        await desk.deliver()
        ids = task_ids(desk.engine)
        sweep = DigestSweep(desk.engine, desk.clock, Catalog())
        desk.clock.set(at(5))
        sweep.run()
        desk.clock.set(at(6, 30))
        assert sweep.run().sent == 1
        (digest,) = [m for m in await desk.deliver() if m.channel == desk.dm_of("budi")]
        done, other = (f"done {ids[t]}" for t in ("Kirim data penerima", "Rekap laporan desa"))
        assert {done, other} <= set(digest.button_values)
        posted = len(desk.slack.posted)

        status, _ = await desk.click("budi", digest, done)

        assert status == 200
        (kept,) = desk.slack.updates_of(desk.dm_of("budi"), digest.ts)
        values = [
            e.get("value") for b in kept.blocks or [] for e in b.get("elements", []) if "value" in e
        ]
        assert done not in values and other in values
        assert "Rekap laporan desa" in kept.visible_text  # the digest itself is unchanged
        answer = [read(m) for m in desk.slack.posted[posted:]]
        assert any("selesai: Kirim data penerima" in text for text in answer), answer
        with unit_of_work(desk.engine) as s:
            closed, still = (
                s.get(Task, ids[t]) for t in ("Kirim data penerima", "Rekap laporan desa")
            )
            assert closed is not None and still is not None
            assert (closed.status, still.status) == (Status.DONE, Status.OPEN)
