"""Conversations on WhatsApp end to end: the real pywa client against the fake Cloud API."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from core.db import unit_of_work
from core.delivery.firing import ReminderSweep
from core.language.i18n import Catalog
from core.messages import Incoming
from core.models import FieldUpdate, OutboxMessage, Person, Task
from core.people import accounts, invites
from tests import whatsapp_harness as harness
from tests.fakes import whatsapp_webhooks as hooks
from tests.whatsapp_harness import STRANGER, USERS, Chats, new_id

# The harness's fixtures, used here as they are.
wa = harness.wa
chats = harness.chats

DEWI = "6281999999999"


class TestWhatsAppConversations:
    async def test_a_task_arrives_with_a_done_button_that_closes_it(self, chats: Chats) -> None:
        """A task assigned on WhatsApp reaches the field worker with a Done button; pressing
        it closes the task, and the manager hears of it."""
        replies = await chats.say("ani", "/tugas Kirim data penerima @budi besok 17:00 #pkh")
        assert len(replies) == 1 and "28 November 2026 pukul 17.00" in replies[0].text
        [notice] = await chats.deliver()
        assert notice.to == USERS["budi"] and notice.kind == "button"
        done = next(c for c in notice.choices if c.startswith("done"))
        answer = await chats.press("budi", notice, done)
        assert answer and "selesai" in answer[0].text.lower()
        told = await chats.deliver()
        assert [m.to for m in told] == [USERS["ani"]]
        with Session(chats.engine) as session:
            assert session.exec(select(Task)).one().status == "done"

    async def test_commands_work_without_the_slash_in_both_languages(self, chats: Chats) -> None:
        """A manager may type a command without its slash; replies come in their language."""
        [bantuan] = await chats.say("ani", "bantuan")
        [help_] = await chats.say("sarah", "help")
        assert "/tugas" in bantuan.text and "/task" in help_.text
        assert "*" in bantuan.text  # bold as WhatsApp writes it
        [ya] = await chats.say("ani", "/bantuan ya")
        [yes] = await chats.say("sarah", "/help yes")
        assert "24 jam" in ya.text and "24 hours" in yes.text

    async def test_more_than_three_choices_come_as_a_list(self, chats: Chats) -> None:
        """Four tasks give four Done choices: a list message, whose rows are commands."""
        for n in range(4):
            await chats.say("ani", f"/tugas Tugas nomor {n} @budi besok 17:00 #pkh")
        await chats.deliver()
        [listing] = [m for m in await chats.say("budi", "/tugasku") if m.rows or m.buttons]
        assert listing.kind == "list" and len(listing.rows) == 4
        assert all(len(title) <= 24 for _, title, _ in listing.rows)
        answer = await chats.press("budi", listing, listing.rows[2][0])
        assert "selesai" in answer[0].text.lower()

    async def test_a_reminder_comes_with_its_snooze_choices_as_a_list(self, chats: Chats) -> None:
        """A reminder's six choices (done and five snoozes) come as one list; a row snoozes."""
        [set_] = await chats.say("budi", "/ingatkan 1 jam lagi telepon kepala desa")
        assert "Pengingat 1" in set_.text
        chats.clock.advance(timedelta(hours=1, minutes=1))
        assert ReminderSweep(chats.engine, chats.clock, Catalog()).run().sent == 1
        [reminder] = await chats.deliver()
        assert reminder.kind == "list" and "telepon kepala desa" in reminder.text
        snooze = next(c for c in reminder.choices if c.startswith("snooze"))
        [answer] = await chats.press("budi", reminder, snooze)
        assert "tunda" in answer.text.lower() or "ingatkan" in answer.text.lower()

    async def test_a_photo_with_a_caption_is_a_field_update_with_its_photo(
        self, chats: Chats
    ) -> None:
        """A field worker's photo with a caption is their update, the photo kept with it."""
        media = chats.wa.user_photo()
        replies = await chats.send(
            "budi", hooks.image(new_id(), media, "#pkh 45 paket sembako disalurkan")
        )
        assert replies
        with Session(chats.engine) as session:
            update = session.exec(select(FieldUpdate)).one()
        assert update.photo_file_id == media

    async def test_a_location_attaches_to_the_last_update(self, chats: Chats) -> None:
        """A location sent after an update is where it happened, as on Telegram."""
        await chats.say("budi", "#pkh 20 paket disalurkan di Desa Sukamaju")
        replies = await chats.send("budi", hooks.location(new_id(), -6.89, 110.64))
        assert replies
        with Session(chats.engine) as session:
            update = session.exec(select(FieldUpdate)).one()
        assert update.latitude is not None and round(update.latitude, 2) == -6.89

    async def test_a_stranger_onboards_with_a_code_from_a_wa_me_link(self, chats: Chats) -> None:
        """`mulai CODE` (what a wa.me invitation link types) registers a new person."""
        with unit_of_work(chats.engine) as session:
            code = invites.create_invite(
                session, now=chats.clock.now(), actor=None, role="field", program="pkh"
            ).code
        [hello] = await chats.say(STRANGER, "halo")
        assert "kode" in hello.text.lower()
        [welcome] = await chats.say(STRANGER, f"mulai {code}")
        assert "selamat datang" in welcome.text.lower()
        await chats.say(STRANGER, "/atur bahasa en")
        [tasks] = await chats.say(STRANGER, "/mytasks")
        assert "task" in tasks.text.lower()

    async def test_a_voice_note_is_answered_not_ignored(self, chats: Chats) -> None:
        """A message Gotong cannot read (a voice note, a sticker) still gets an answer."""
        for who in ("budi", "ani"):
            voice = {"id": new_id(), "type": "audio", "audio": {"id": "media-9"}}
            [answer] = await chats.send(who, voice)
            assert answer.text.strip()

    async def test_a_number_outside_indonesia_is_answered_in_english(self, chats: Chats) -> None:
        """WhatsApp tells no app language: a +62 number reads Indonesian, others English."""
        [hello] = await chats.say("447700900123", "hello")
        assert "not registered" in hello.text

    async def test_a_telegram_user_links_whatsapp_and_chooses_it(self, chats: Chats) -> None:
        """/tautkan on Telegram, /mulai CODE on WhatsApp, then /atur kanal whatsapp: the
        person's notifications come to WhatsApp."""
        now = chats.clock.now()
        with unit_of_work(chats.engine) as session:
            dewi = accounts.add_person(
                session, now=now, actor=None, handle="dewi", name="Dewi", role="field"
            )
            accounts.link_identity(
                session, person=dewi, platform="telegram", external_id="4001", chat_id="4001"
            )
        link = Incoming("telegram", "4001", "4001", "/tautkan", "tg-1")
        [code_reply] = chats.adapter._gotong.handle(link)
        code = code_reply.text.split("**")[1]
        [linked] = await chats.say(DEWI, f"/mulai {code}")
        assert "@dewi" in linked.text
        [chosen] = await chats.say(DEWI, "/atur kanal whatsapp")
        assert "dikirim ke sini" in chosen.text
        await chats.say("ani", "/tugas Foto posyandu @dewi besok #pkh")
        assert [m.to for m in await chats.deliver()] == [DEWI]
        with Session(chats.engine) as session:
            person = session.exec(select(Person).where(Person.handle == "dewi")).one()
            assert person.channel == "whatsapp"

        # Her WhatsApp window closes; a task waits for it; she goes back to Telegram, and the
        # waiting task goes there instead of waiting for a WhatsApp message she will not send.
        chats.clock.advance(timedelta(hours=25))
        await chats.say("ani", "/tugas Rekap posyandu @dewi lusa #pkh")
        assert [m.kind for m in await chats.deliver()] == ["template"]
        back = Incoming("telegram", "4001", "4001", "/atur kanal telegram", "tg-2")
        [switched] = chats.adapter._gotong.handle(back)
        assert "telegram" in switched.text.lower() or "ke sini" in switched.text
        with Session(chats.engine) as session:
            row = session.exec(
                select(OutboxMessage).where(
                    col(OutboxMessage.text).contains("Rekap posyandu"),
                    col(OutboxMessage.chat_id).is_(None),
                )
            ).one()
            assert (row.platform, row.status) == ("telegram", "pending")
