"""Telegram end to end: start-up, joining, buttons and every command family in both languages.

The harness (tests/telegram_harness.py) runs the real adapter against the fake Bot API.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from adapters.telegram import TelegramAdapter, TelegramStartError
from core.app import Gotong
from core.clock import FakeClock
from core.db import unit_of_work
from core.delivery.claims import OutboxDelivery
from core.language.menu import command_menu
from core.models import Identity, InboxEvent
from core.people import invites
from tests import telegram_harness as harness
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram_harness import (
    ANI,
    BUDI,
    HARJO,
    KEVIN,
    STRANGER,
    USERS,
    Chats,
    config_for,
    count,
)

# The harness's fixtures, used here as they are.
_retry_after_as_timedelta = harness._retry_after_as_timedelta
tg = harness.tg
chats = harness.chats


class TestStartUp:
    """Start-up: the command menu in both languages, long polling, a clean stop."""

    async def test_command_menu_is_set_in_indonesian_and_english(
        self, chats: Chats, gotong: Gotong
    ) -> None:
        """Indonesian is the default menu; English is set for language_code "en"."""
        indonesian = chats.tg.commands()
        english = chats.tg.commands("en")

        assert [c["command"] for c in indonesian][:3] == ["tugas", "tugasku", "selesai"]
        assert [c["command"] for c in english][:3] == ["task", "mytasks", "done"]
        for listed, lang in ((indonesian, "id"), (english, "en")):
            expected = command_menu(gotong.catalog, lang)
            assert [(c["command"], c["description"]) for c in listed] == expected

    async def test_stop_confirms_every_update_fetched(self, chats: Chats) -> None:
        """After a stop, Telegram holds nothing the adapter already handled."""
        await chats.say("budi", "/tugasku")
        await chats.adapter.stop()

        assert chats.tg.pending_updates == []
        assert chats.tg.calls_to("deleteWebhook")  # polling starts by removing any webhook


class TestStartFailure:
    async def test_refused_token_stops_start_without_repeating_it(
        self, tg: FakeTelegram, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """A wrong TELEGRAM_BOT_TOKEN is a clear start-up error that does not print the token."""
        adapter = TelegramAdapter(
            config_for(tg, token="987654:WrongTokenWrongTokenWrongToken"),
            gotong=gotong,
            outbox=OutboxDelivery(engine, clock),
        )

        with pytest.raises(TelegramStartError) as refused:
            await adapter.start()

        assert "TELEGRAM_BOT_TOKEN" in str(refused.value)
        assert "WrongToken" not in str(refused.value)
        assert refused.value.__suppress_context__


class TestOnboarding:
    """Strangers learn how to join; an invitation code links their Telegram account."""

    async def test_stranger_start_gets_only_how_to_join(self, chats: Chats) -> None:
        """/start without a code from a stranger: how to get an invite, in their app language."""
        (answer,) = await chats.say(STRANGER, "/start", language_code="id")
        (english,) = await chats.say(STRANGER + 1, "/tugasku", language_code="en")

        assert "Anda belum terdaftar" in answer.visible_text
        assert "/mulai KODE" in answer.visible_text
        assert "You are not registered yet" in english.visible_text
        assert count(chats.engine, Identity) == len(USERS)

    async def test_deep_link_code_registers_the_telegram_account(self, chats: Chats) -> None:
        """t.me/<bot>?start=CODE makes the app send "/start CODE": the account joins."""
        with unit_of_work(chats.engine) as session:
            code = invites.create_invite(
                session, now=chats.clock.now(), actor=None, role="field", program="pkh"
            ).code

        (welcome,) = await chats.say(
            STRANGER, f"/start {code}", username="Rina_W", first_name="Rina", language_code="en"
        )
        (update,) = await chats.say(STRANGER, "12 families visited today")

        assert "Welcome to Gotong, Rina! You are registered as @rina_w." in welcome.visible_text
        assert "Update logged for #pkh" in update.visible_text
        with Session(chats.engine) as session:
            identity = session.exec(
                select(Identity).where(Identity.external_id == str(STRANGER))
            ).one()
        assert identity.platform == "telegram" and identity.chat_id == str(STRANGER)


class TestButtons:
    """Notifications arrive from the outbox with buttons; a press edits the message it was on."""

    async def test_assigned_task_is_closed_with_the_done_button(self, chats: Chats) -> None:
        """Task to a field worker → "✅ Selesai" (done 1) → pressed: message edited, spinner stopped."""
        (created,) = await chats.say("ani", "/tugas Kirim data penerima @budi besok 17:00 #pkh")
        (notice,) = await chats.deliver()

        assert "Tugas 1 dibuat: Kirim data penerima" in created.visible_text
        assert created.callback_data == ["cancel 1"]
        assert notice.chat_id == BUDI
        assert "Tugas baru dari Ani Wijaya: Kirim data penerima" in notice.visible_text
        assert notice.button_texts == ["✅ Selesai"] and notice.callback_data == ["done 1"]
        assert notice.parse_mode == "HTML" and "<b>Tugas baru dari Ani Wijaya:</b>" in notice.text

        sent = await chats.press("budi", notice, "done 1")

        assert sent == []  # the outcome replaces the notification instead of adding a message
        (edit,) = chats.tg.edits_of(BUDI, notice.message_id)
        assert "Tugas 1 selesai: Kirim data penerima" in (edit.text or "")
        assert edit.reply_markup is None  # the button is gone: it cannot be pressed twice
        (answer,) = chats.tg.callback_answers
        assert answer.callback_query_id.startswith(str(BUDI))
        (closed,) = await chats.deliver()
        assert closed.chat_id == ANI
        assert "Tugas 1 selesai (Budi Santoso menutupnya)" in closed.visible_text

    async def test_english_task_has_a_done_button_too(self, chats: Chats) -> None:
        """The same flow in English: the label follows the reader's language."""
        await chats.say("sarah", "/task Weigh toddlers @kevin tomorrow 9am #gizi")
        (notice,) = await chats.deliver()
        assert notice.button_texts == ["✅ Done"] and notice.callback_data == ["done 1"]

        await chats.press("kevin", notice, "done 1")

        (edit,) = chats.tg.edits_of(KEVIN, notice.message_id)
        assert "Task 1 done: Weigh toddlers" in (edit.text or "")

    async def test_meeting_invitation_is_answered_with_hadir(self, chats: Chats) -> None:
        """Invitation → "👍 Hadir / 👎 Tidak hadir" (rsvp 1 yes/no) → organiser hears the answer."""
        await chats.say("ani", "/rapat Koordinasi mitra senin 10:00 @budi @dinsos #pkh")
        chats.clock.advance(timedelta(seconds=2))
        assert await chats.adapter.deliver_once() == 2  # each: the .ics, then the text

        calendar_file, harjo = chats.tg.messages_to(HARJO)
        assert calendar_file.method == "sendDocument" and len(chats.tg.messages_to(BUDI)) == 2
        assert "Undangan rapat dari Ani Wijaya: Koordinasi mitra" in harjo.visible_text
        assert harjo.button_texts == ["👍 Hadir", "👎 Tidak hadir"]
        assert harjo.callback_data == ["rsvp 1 yes", "rsvp 1 no"]

        await chats.press("harjo", harjo, "rsvp 1 yes")

        (edit,) = chats.tg.edits_of(HARJO, harjo.message_id)
        assert "Tercatat: Anda hadir di rapat 1" in (edit.text or "")
        (notice,) = await chats.deliver()
        assert notice.chat_id == ANI and "Pak Harjo hadir di rapat 1" in notice.visible_text

    async def test_pressing_a_spent_button_again_still_stops_the_spinner(
        self, chats: Chats
    ) -> None:
        """An old copy of the button answers with the current state, never silence."""
        await chats.say("ani", "/tugas Foto gudang @budi besok")
        (notice,) = await chats.deliver()
        await chats.press("budi", notice, "done 1")

        await chats.press("budi", notice, "done 1")  # e.g. from a second device

        assert len(chats.tg.callback_answers) == 2
        assert len(chats.tg.edits_of(BUDI, notice.message_id)) == 2


CHAT_LOGS = {
    "id": [
        ("ani", "/tugas Kirim data penerima @budi besok 17:00 #pkh", "Tugas 1 dibuat"),
        ("budi", "/tugasku", "Tugas Anda (1):"),
        ("budi", "/selesai 1", "Tugas 1 selesai: Kirim data penerima"),
        ("ani", "/rapat Koordinasi mitra senin 10:00 @budi @dinsos #pkh", "Rapat 1 dijadwalkan"),
        ("budi", "/hadir 1", "Tercatat: Anda hadir di rapat 1"),
        ("harjo", "/tidakhadir 1", "Tercatat: Anda tidak hadir di rapat 1"),
        ("ani", "/tenggat Laporan bulanan 30 Des #pkh", "Tenggat 1 dicatat: Laporan bulanan"),
        ("budi", "/lapor #pkh 45 paket sembako disalurkan", "• 45 paket sembako"),
        ("budi", "Sudah 12 KK terdata di RT 03", "Laporan dicatat untuk #pkh"),
        (
            "budi",
            "/ingatkan besok jam 9 telepon kepala desa",
            "Saya akan mengingatkan Anda pada Sabtu",
        ),
        ("budi", "/pengingat", "telepon kepala desa"),
        ("ani", "/agenda", "Agenda 7 hari ke depan:"),
        ("ani", "/terlambat", "Tidak ada yang terlambat."),
        ("ani", "/program #pkh", "#pkh — Program Keluarga Harapan"),
        ("ani", "/mitra", "@dinsos — Dinas Sosial Demak"),
        ("ani", "/bantuan", "Perintah Gotong"),
        ("budi", "/atur zona WITA", "Zona waktu Anda sekarang Asia/Makassar"),
        ("ani", "/batal rapat 1", "Rapat 1 dibatalkan"),
    ],
    "en": [
        ("sarah", "/task Weigh toddlers @kevin tomorrow 9am #gizi", "Task 1 created"),
        ("kevin", "/mytasks", "Your tasks (1):"),
        ("kevin", "/done 1", "Task 1 done: Weigh toddlers"),
        (
            "sarah",
            "/meeting Nutrition review monday 10:00 @kevin @unicef #gizi",
            "Meeting 1 scheduled",
        ),
        ("kevin", "/attend 1", "Noted: you will attend meeting 1"),
        ("tom", "/decline 1", "Noted: you will not attend meeting 1"),
        ("sarah", "/deadline Donor report 30 Dec #gizi", "Deadline 1 set: Donor report"),
        ("kevin", "/report #gizi 30 toddlers weighed", "• 30 toddlers"),
        ("kevin", "/remind tomorrow 9am call the midwife", "I will remind you on Saturday"),
        ("kevin", "/reminders", "call the midwife"),
        ("sarah", "/agenda", "Agenda for the next 7 days:"),
        ("sarah", "/late", "Nothing is overdue."),
        ("sarah", "/program #gizi", "#gizi — Gizi balita NTT"),
        ("sarah", "/partners", "@unicef — UNICEF Indonesia"),
        ("sarah", "/help", "Gotong commands"),
        ("kevin", "/set timezone WITA", "Your time zone is now Asia/Makassar"),
        ("sarah", "/cancel meeting 1", "Meeting 1 cancelled"),
    ],
}


class TestCommandFamilies:
    """Every command family works through Telegram, in Indonesian and in English."""

    @pytest.mark.parametrize("lang", ["id", "en"])
    async def test_a_working_week(self, chats: Chats, lang: str) -> None:
        """Each message gets exactly one answer, in the sender's chat, containing what it should."""
        for who, text, expected in CHAT_LOGS[lang]:
            sent = await chats.say(who, text)
            assert [m.chat_id for m in sent] == [USERS[who]], text
            assert expected in sent[0].visible_text, text
        delivered = await chats.deliver()
        assert delivered  # notices for assignees, organisers and attendees went out
        assert count(chats.engine, InboxEvent) == len(CHAT_LOGS[lang])

    async def test_html_in_a_message_comes_back_escaped(self, chats: Chats) -> None:
        """A title with <, > and & is shown as typed, not as markup."""
        (created,) = await chats.say("ani", "/tugas Cek <stok> & harga @budi besok")

        assert "Tugas 1 dibuat: Cek <stok> & harga" in created.visible_text
        assert "&lt;stok&gt; &amp; harga" in created.text
