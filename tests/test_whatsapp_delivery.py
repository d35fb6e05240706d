"""The WhatsApp outbox: the 24-hour window, throughput refusals, and what logs never say."""

from __future__ import annotations

import base64
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.settings import Settings
from core.db import unit_of_work
from core.delivery.queue import queue
from core.messages import DOCUMENT, PHOTO, Attachment, Button
from core.models import OutboxMessage, Person
from tests import whatsapp_harness as harness
from tests.fakes import whatsapp_webhooks as hooks
from tests.fakes.whatsapp_limits import CloudApiError, CloudLimits
from tests.logs import DebugLogs
from tests.whatsapp_harness import USERS, Chats, wrote_at

wa = harness.wa
chats = harness.chats


def statuses(engine: Engine, who: str) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.chat_id).is_(None))
            .order_by(col(OutboxMessage.id))
        ).all()
    return [row.status for row in rows]


class TestTheWindow:
    async def test_outside_the_window_messages_wait_and_one_template_says_so(
        self, chats: Chats
    ) -> None:
        """Budi last wrote 25 hours ago: two tasks wait, one template tells him (once);
        his "ya" opens the window and both arrive in the order they were made."""
        wrote_at(chats.engine, chats.wa, chats.clock, "budi", timedelta(hours=25))
        await chats.say("ani", "/tugas Pertama @budi besok 17:00 #pkh")
        [notice] = await chats.deliver()
        assert (notice.kind, notice.template, notice.language) == (
            "template",
            "gotong_pesan_menunggu",
            "id",
        )
        assert notice.to == USERS["budi"] and notice.parameters == ["1"]
        await chats.say("ani", "/tugas Kedua @budi besok 17:00 #pkh")
        assert await chats.deliver() == []  # no second template in the same closed window
        assert statuses(chats.engine, "budi") == ["waiting", "waiting"]
        assert 131047 not in chats.wa.refusals  # nothing free-form was tried outside it

        [answer] = await chats.say("budi", "ya")
        assert "2 pesan" in answer.text
        delivered = await chats.deliver()
        assert [m.to for m in delivered] == [USERS["budi"]] * 2
        assert "Pertama" in delivered[0].text and "Kedua" in delivered[1].text

    async def test_the_template_speaks_the_persons_language(self, chats: Chats) -> None:
        """Kevin reads English: his template is the English one, and "yes" opens it."""
        wrote_at(chats.engine, chats.wa, chats.clock, "kevin", timedelta(days=3))
        await chats.say("sarah", "/task Send the list @kevin tomorrow 5pm #pkh")
        [notice] = await chats.deliver()
        assert (notice.template, notice.language) == ("gotong_pesan_menunggu", "en")
        [answer] = await chats.say("kevin", "yes")
        assert "1 waiting message" in answer.text
        [task] = await chats.deliver()
        assert "Send the list" in task.text

    async def test_after_the_reply_a_later_closed_window_gets_a_new_template(
        self, chats: Chats
    ) -> None:
        """At most one template per closed window, not one for ever."""
        wrote_at(chats.engine, chats.wa, chats.clock, "budi", timedelta(hours=30))
        await chats.say("ani", "/tugas Satu @budi besok 17:00 #pkh")
        assert [m.kind for m in await chats.deliver()] == ["template"]
        await chats.say("budi", "ya")
        await chats.deliver()
        chats.clock.advance(timedelta(hours=25))
        chats.wa.last_inbound[USERS["ani"]] = chats.clock.now().timestamp()
        await chats.say("ani", "/tugas Dua @budi lusa 17:00 #pkh")
        assert [m.kind for m in await chats.deliver()] == ["template"]

    async def test_a_refusal_for_the_window_holds_the_message(self, chats: Chats) -> None:
        """Should WhatsApp say 131047 where Gotong thought the window open, the message waits
        and the template goes instead."""
        del chats.wa.last_inbound[USERS["budi"]]  # WhatsApp knows better than we do
        await chats.say("ani", "/tugas Tiga @budi besok 17:00 #pkh")
        [notice] = await chats.deliver()
        assert notice.kind == "template" and 131047 in chats.wa.refusals
        assert statuses(chats.engine, "budi") == ["waiting"]


class TestFilesAndLength:
    def queue_for(
        self,
        chats: Chats,
        who: str,
        text: str,
        *,
        buttons: tuple[tuple[Button, ...], ...] = (),
        attachment: Attachment | None = None,
    ) -> None:
        with unit_of_work(chats.engine) as session:
            person = session.exec(select(Person).where(Person.handle == who)).one()
            assert person.id is not None
            queue(
                session,
                person_id=person.id,
                platform="whatsapp",
                dedupe_key=f"test:{who}:{len(text)}",
                text=text,
                buttons=buttons,
                due_at=chats.clock.now(),
                now=chats.clock.now(),
                attachment=attachment,
            )

    async def test_a_chart_goes_as_a_photo_with_its_text_as_caption(self, chats: Chats) -> None:
        """A digest's chart is uploaded, then sent with the digest's short text under it."""
        chart = Attachment(PHOTO, "grafik.png", b"\x89PNG chart", "(grafik tidak terkirim)")
        self.queue_for(chats, "budi", "**Ringkasan** hari ini", attachment=chart)
        [photo] = await chats.deliver()
        assert photo.kind == "image" and photo.text == "*Ringkasan* hari ini"
        assert chats.wa.uploads[photo.media_id].data == b"\x89PNG chart"

    async def test_a_document_with_buttons_is_followed_by_its_text(self, chats: Chats) -> None:
        """An invitation's .ics goes first; the text with its buttons follows."""
        ics = Attachment(DOCUMENT, "rapat.ics", b"BEGIN:VCALENDAR", "(berkas tidak terkirim)")
        buttons = ((Button("👍 Hadir", "attend 3"), Button("👎 Tidak hadir", "decline 3")),)
        self.queue_for(chats, "budi", "Undangan rapat", attachment=ics, buttons=buttons)
        document, text = await chats.deliver()
        assert document.kind == "document" and document.filename == "rapat.ics"
        assert text.kind == "button" and text.choices == ["attend 3", "decline 3"]

    async def test_a_long_notification_is_split_under_the_limit(self, chats: Chats) -> None:
        """9,000 characters arrive as three messages, lines whole, none over 4,096."""
        lines = [f"{n:04d} " + "z" * 85 for n in range(100)]
        self.queue_for(chats, "budi", "\n".join(lines))
        pieces = await chats.deliver()
        assert len(pieces) == 3 and all(len(p.text) <= 4096 for p in pieces)
        assert "\n".join(p.text for p in pieces).split("\n") == lines


class TestThroughput:
    async def test_a_throughput_refusal_pauses_sending_and_then_it_goes(self, chats: Chats) -> None:
        """A 429 with code 130429 puts the message back without spending its attempt; what
        was not already on its way waits too (chats are sent side by side), and after the
        backoff everything goes, each once."""
        await chats.say("ani", "/tugas Satu @budi besok 17:00 #pkh")
        await chats.say("ani", "/tugas Dua @kevin besok 17:00 #pkh")
        chats.wa.fail_next.append(CloudApiError(429, 130429, "Rate limit hit"))
        first = await chats.deliver()
        assert chats.wa.refusals == [130429] and len(first) <= 1
        assert await chats.deliver() == []  # inside the backoff nothing goes
        chats.clock.advance(timedelta(seconds=30))
        rest = await chats.deliver()
        assert sorted(m.to for m in first + rest) == sorted([USERS["budi"], USERS["kevin"]])

    async def test_sending_stays_under_the_numbers_throughput(self, chats: Chats) -> None:
        """Paced to the configured throughput, the fake's own limit is never hit."""
        chats.wa.limits = CloudLimits(per_second=2)
        chats.adapter._delivery._number._rate = 2.0  # as GOTONG_WHATSAPP_PER_SECOND=2
        chats.adapter._delivery._number._burst = 2.0
        for who in ("budi", "kevin", "harjo", "tom"):
            await chats.say("ani", f"/tugas Untuk @{who} besok 17:00 #pkh")
        first = await chats.deliver()
        assert len(first) == 2
        second = await chats.deliver()
        assert len(first) + len(second) == 4
        assert 130429 not in chats.wa.refusals


class TestLogs:
    async def test_no_phone_number_or_token_in_the_logs(
        self, chats: Chats, debug_logs: DebugLogs
    ) -> None:
        """At DEBUG, through a conversation, a refusal and a held message, the log names no
        phone number, no token and no secret."""
        settings = Settings(
            WHATSAPP_TOKEN=chats.wa.token,
            WHATSAPP_APP_SECRET=chats.wa.app_secret,
            WHATSAPP_VERIFY_TOKEN=harness.VERIFY_TOKEN,
        )
        debug_logs.configure(settings)
        wrote_at(chats.engine, chats.wa, chats.clock, "kevin", timedelta(hours=30))
        # A real message id is the sender's number in base64.
        wamid = "wamid." + base64.b64encode(f"\x15{USERS['ani']}\x15\x02".encode()).decode()
        await chats.send("ani", hooks.text(wamid, "/tugas Kirim data @budi besok 17:00 #pkh"))
        await chats.say("ani", "/tugas Kirim data @kevin besok 17:00 #pkh")
        chats.wa.fail_next.append(CloudApiError(400, 131026, "Message undeliverable"))
        await chats.deliver()
        await chats.post_unsigned()
        text = debug_logs.text()
        assert "outbox." in text and "whatsapp.webhook_refused" in text
        for number in USERS.values():
            assert number not in text
        assert chats.wa.token not in text and chats.wa.app_secret not in text
        assert harness.VERIFY_TOKEN not in text
        assert wamid not in text and wamid[6:] not in text
