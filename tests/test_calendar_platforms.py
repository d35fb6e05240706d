"""A meeting's calendar file end to end: the real outbox sweep sends it through the Telegram
and Slack adapters to the fake platforms, and it reads back as the meeting."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from tests import slack_harness, telegram_harness
from tests.slack_harness import Desk, read
from tests.telegram_harness import BUDI, SARAH, Chats

tg = telegram_harness.tg
chats = telegram_harness.chats
_retry_after_as_timedelta = telegram_harness._retry_after_as_timedelta
slack = slack_harness.slack
desk = slack_harness.desk


def summary_and_sequence(data: bytes) -> tuple[str, int, str]:
    parsed = Calendar.from_ical(data)
    (event,) = parsed.events
    return str(event["SUMMARY"]), int(event["SEQUENCE"]), str(parsed["METHOD"])


async def sweep(chats: Chats) -> int:
    """One outbox sweep a few seconds on; the rows it delivered (each file and text is two)."""
    chats.clock.advance(timedelta(seconds=2))
    return await chats.adapter.deliver_once()


class TestTelegram:
    """The .ics goes as a document, then the invitation with its buttons, which a press edits."""

    async def test_invitation_and_move_arrive_with_documents(self, chats: Chats) -> None:
        """sendDocument rapat-1.ics then the text to Budi, meeting-1.ics to Sarah; pressing
        Hadir edits the text; a move sends the file again with SEQUENCE 1."""
        await chats.say("ani", "/rapat Koordinasi penyaluran senin 10:00 @budi @sarah #pkh")
        await sweep(chats)

        document, invitation = chats.tg.messages_to(BUDI)
        assert document.method == "sendDocument" and document.text is None
        assert document.file is not None and document.file.filename == "rapat-1.ics"
        assert summary_and_sequence(document.file.data) == ("Koordinasi penyaluran", 0, "REQUEST")
        assert invitation.method == "sendMessage"
        assert "Undangan rapat" in invitation.visible_text
        assert invitation.callback_data == ["rsvp 1 yes", "rsvp 1 no"]
        sarahs, _ = chats.tg.messages_to(SARAH)
        assert sarahs.file is not None and sarahs.file.filename == "meeting-1.ics"

        await chats.press("budi", invitation, "rsvp 1 yes")
        (edit,) = chats.tg.edits_of(BUDI, invitation.message_id)
        assert "Tercatat: Anda hadir di rapat 1" in (edit.text or "")

        await chats.say("ani", "/ubah rapat 1 selasa 14:00")
        await sweep(chats)
        moved_file, moved = chats.tg.messages_to(BUDI)[-2:]
        assert moved_file.method == "sendDocument" and moved_file.file is not None
        assert summary_and_sequence(moved_file.file.data) == (
            "Koordinasi penyaluran",
            1,
            "REQUEST",
        )
        assert "memindah rapat 1" in moved.visible_text


class TestSlack:
    """The file is shared into the DM first, then the invitation with its buttons."""

    async def test_cancellation_shares_a_cancel_file_then_the_text(self, desk: Desk) -> None:
        """files_upload_v2 of rapat-1.ics (METHOD:CANCEL) into Budi's DM, then the notice."""
        await desk.dm("ani", "rapat Koordinasi penyaluran senin 10:00 <@U0BUDI> #pkh")
        await desk.deliver()
        (invited,) = desk.slack.files.shared_in(desk.dm_of("budi"))
        assert invited.filename == "rapat-1.ics"
        assert summary_and_sequence(invited.data) == ("Koordinasi penyaluran", 0, "REQUEST")

        await desk.dm("ani", "batal rapat 1")
        posted = [m for m in await desk.deliver() if m.channel == desk.dm_of("budi")]

        _, cancelled = desk.slack.files.shared_in(desk.dm_of("budi"))
        assert cancelled.filename == "rapat-1.ics"
        assert summary_and_sequence(cancelled.data) == ("Koordinasi penyaluran", 1, "CANCEL")
        (notice,) = posted
        assert "membatalkan rapat 1" in read(notice)
