"""Telegram end to end: a partner confirms a commitment by pressing its button."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from core.models import Commitment, CommitmentReceipt, CommitmentStatus
from tests import telegram_harness as harness
from tests.telegram_harness import ANI, BUDI, HARJO, Chats

# The harness's fixtures, used here as they are.
_retry_after_as_timedelta = harness._retry_after_as_timedelta
tg = harness.tg
chats = harness.chats


class TestCommitmentButtons:
    """The request arrives with Konfirmasi / Usul tanggal lain / Tolak; a press answers it."""

    async def test_partner_confirms_with_the_button(self, chats: Chats) -> None:
        """Request → "✅ Konfirmasi" (confirm 1) pressed → the manager hears who confirmed."""
        await chats.say("ani", "/komitmen @dinsos 200 paket sembako sebelum 10 Des #pkh")
        (request,) = await chats.deliver()

        assert request.chat_id == HARJO
        assert "Permintaan komitmen 1 dari Ani Wijaya" in request.visible_text
        assert request.button_texts == ["✅ Konfirmasi", "📆 Usul tanggal lain", "👎 Tolak"]
        assert request.callback_data == ["confirm 1", "propose 1", "reject 1"]

        await chats.press("harjo", request, "confirm 1")

        (edit,) = chats.tg.edits_of(HARJO, request.message_id)
        assert "Komitmen 1 dikonfirmasi: 200 paket sembako" in (edit.text or "")
        (notice,) = await chats.deliver()
        assert notice.chat_id == ANI
        assert "Pak Harjo (Dinas Sosial Demak) mengonfirmasi komitmen 1" in notice.visible_text
        with Session(chats.engine) as session:
            found = session.get(Commitment, 1)
            assert found is not None and found.status == CommitmentStatus.CONFIRMED


class TestReceiptPhotos:
    """A photo sent with /terima, or alone just after it, shows that delivery."""

    async def test_photo_with_terima_then_photo_alone(self, chats: Chats) -> None:
        """The caption /terima 1 150 keeps its photo; a second photo alone joins the receipt."""
        await chats.say("ani", "/komitmen @dinsos 200 paket sembako sebelum 10 Des #pkh")
        chats.clock.advance(timedelta(seconds=2))
        (answer,) = await chats.until_handled(
            lambda: chats.tg.push_photo(BUDI, caption="/terima 1 150")
        )
        assert "Tercatat diterima untuk komitmen 1: 150 paket. 📷 Foto dilampirkan." in (
            answer.visible_text
        )
        chats.clock.advance(timedelta(minutes=5))
        pushed: list[dict[str, Any]] = []
        (answer,) = await chats.until_handled(lambda: pushed.append(chats.tg.push_photo(BUDI)))
        assert "Foto dilampirkan ke penerimaan komitmen 1 (150 paket)" in answer.visible_text
        with Session(chats.engine) as session:
            receipt = session.exec(select(CommitmentReceipt)).one()
        assert receipt.photo_file_id == pushed[0]["message"]["photo"][-1]["file_id"]
