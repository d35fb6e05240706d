"""Telegram end to end: a message's file goes as a photo or document, its text as the caption
or after it, and a file Telegram refuses still leaves the text with the person."""

from __future__ import annotations

from datetime import timedelta

from core.messages import DOCUMENT, Button
from core.models import OutboxStatus
from tests import telegram_harness as harness
from tests.fakes.telegram_records import SentMessage
from tests.files import NOTE, PICTURE, chart, notifications, queue_with_file
from tests.telegram_harness import BUDI, Chats

tg = harness.tg
chats = harness.chats
_retry_after_as_timedelta = harness._retry_after_as_timedelta

DIGEST = "**Ringkasan #pkh**\n2 tugas terlambat"


async def sweep(chats: Chats) -> list[SentMessage]:
    """One outbox sweep, a few seconds on; every message Telegram took in it."""
    chats.clock.advance(timedelta(seconds=2))
    before = len(chats.tg.sent)
    await chats.adapter.deliver_once()
    return chats.tg.sent[before:]


class TestPhotos:
    """A photo is sent with send_photo; the text rides along or follows it, in order."""

    async def test_a_short_text_is_the_photo_caption_with_its_buttons(self, chats: Chats) -> None:
        """One message: the picture, the text under it, and the buttons under that."""
        queue_with_file(
            chats.engine,
            chats.clock,
            to="budi",
            platform="telegram",
            text=DIGEST,
            attachment=chart(),
            buttons=((Button("Tandai selesai", "done 1"),),),
        )

        (photo,) = await chats.deliver()

        assert (photo.method, photo.chat_id) == ("sendPhoto", BUDI)
        assert photo.file is not None and photo.file.data == PICTURE
        assert photo.file.filename == "grafik.png"
        assert photo.visible_text == "Ringkasan #pkh\n2 tugas terlambat"
        assert photo.text is not None and "<b>Ringkasan #pkh</b>" in photo.text
        assert photo.callback_data == ["done 1"]
        (row,) = notifications(chats.engine)
        assert (row.status, row.platform_message_id) == (OutboxStatus.SENT, str(photo.message_id))

    async def test_a_text_too_long_for_a_caption_follows_the_photo(self, chats: Chats) -> None:
        """Over 1,024 characters: the photo alone first, then the text (in pieces if long)."""
        text = "\n".join(f"Tugas {n}: kirim data penerima desa ke-{n}" for n in range(150))
        assert len(text) > 4096
        queue_with_file(
            chats.engine,
            chats.clock,
            to="budi",
            platform="telegram",
            text=text,
            attachment=chart(),
            buttons=((Button("Tandai selesai", "done 1"),),),
        )

        sent = await sweep(chats)  # our own pacing lets three go at once

        assert [m.method for m in sent] == ["sendPhoto", "sendMessage", "sendMessage"]
        assert sent[0].text is None and sent[0].reply_markup is None
        assert "".join(m.visible_text + "\n" for m in sent[1:]).strip() == text
        assert sent[-1].callback_data == ["done 1"]
        assert [c.status for c in chats.tg.calls_to("sendPhoto")] == [200]  # never sent twice
        assert notifications(chats.engine)[0].status == OutboxStatus.SENT

    async def test_a_document_goes_with_send_document(self, chats: Chats) -> None:
        """A document keeps its file name; the text is its caption."""
        queue_with_file(
            chats.engine,
            chats.clock,
            to="budi",
            platform="telegram",
            text="Laporan bulanan",
            attachment=chart(kind=DOCUMENT, name="laporan.csv", data=b"a,b\n1,2\n"),
        )

        (document,) = await chats.deliver()

        assert document.method == "sendDocument"
        assert document.file is not None and document.file.filename == "laporan.csv"
        assert document.visible_text == "Laporan bulanan"

    async def test_flood_control_on_the_photo_waits_and_sends_once(self, chats: Chats) -> None:
        """429 on sendPhoto: put back untried for retry_after, then the photo goes, once."""
        queue_with_file(
            chats.engine,
            chats.clock,
            to="budi",
            platform="telegram",
            text=DIGEST,
            attachment=chart(),
        )
        chats.tg.fail("sendPhoto", status=429, retry_after=3)

        assert await chats.deliver() == []
        (row,) = notifications(chats.engine)
        assert (row.status, row.attempts, row.last_error) == (
            OutboxStatus.PENDING,
            0,
            "rate limited",
        )
        chats.clock.advance(timedelta(seconds=2))
        (photo,) = await chats.deliver()

        assert photo.method == "sendPhoto" and photo.file is not None
        assert [c.status for c in chats.tg.calls_to("sendPhoto")] == [429, 200]
        # the fixture checks that nothing was sent inside the retry_after window


class TestRefusedFiles:
    """Telegram will not take the file: the text still arrives, with a note, and the row
    says why it failed."""

    async def test_a_photo_over_10_mb_leaves_the_text_and_the_note(self, chats: Chats) -> None:
        """Telegram's 413 for a photo over 10 MB: no retry of the file, the text goes at once."""
        too_big = PICTURE + bytes(10 * 1024 * 1024)
        queue_with_file(
            chats.engine,
            chats.clock,
            to="budi",
            platform="telegram",
            text=DIGEST,
            attachment=chart(data=too_big),
            buttons=((Button("Tandai selesai", "done 1"),),),
        )

        (text,) = await chats.deliver()
        for _ in range(3):
            assert await chats.deliver() == []  # and nothing more, ever

        assert [c.status for c in chats.tg.calls_to("sendPhoto")] == [413]
        assert text.method == "sendMessage"
        assert text.visible_text == f"Ringkasan #pkh\n2 tugas terlambat\n\n{NOTE}"
        assert text.callback_data == ["done 1"]
        (row,) = notifications(chats.engine)
        assert (row.status, row.last_error) == (OutboxStatus.FAILED, "file_too_large")
        assert (row.attachment_error, row.attachment_data) == ("file_too_large", None)

    async def test_the_text_after_a_refused_file_keeps_its_note_across_a_retry(
        self, chats: Chats
    ) -> None:
        """The text fails once after the refusal: the retry sends it with the note, not the file."""
        queue_with_file(
            chats.engine,
            chats.clock,
            to="budi",
            platform="telegram",
            text=DIGEST,
            attachment=chart(),
        )
        chats.tg.fail("sendPhoto", status=400, description="Bad Request: PHOTO_INVALID_DIMENSIONS")
        chats.tg.fail("sendMessage", status=500)

        assert await chats.deliver() == []
        chats.clock.advance(timedelta(seconds=10))
        (text,) = await chats.deliver()

        assert text.visible_text.endswith(NOTE)
        assert [c.status for c in chats.tg.calls_to("sendPhoto")] == [400]
        (row,) = notifications(chats.engine)
        assert (row.status, row.last_error) == (OutboxStatus.FAILED, "file_refused")
