"""Telegram end to end: a partner confirms a commitment by pressing its button."""

from __future__ import annotations

from sqlmodel import Session

from core.models import Commitment, CommitmentStatus
from tests import telegram_harness as harness
from tests.telegram_harness import ANI, HARJO, Chats

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
