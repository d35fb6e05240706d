"""The real Telegram adapter (python-telegram-bot over loopback HTTP) against the fake Bot API.

Each test talks to Gotong the way people do on Telegram: messages and button presses are
pushed into the fake server, the adapter long-polls them (or receives them by webhook), the
real core handles them, and the test reads what the fake server recorded. Time is the core's
FakeClock, shared with the fake's flood control, so nothing sleeps for rate limits.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from adapters.telegram import TelegramAdapter, TelegramConfig, TelegramStartError
from adapters.telegram import outbox as telegram_outbox
from adapters.telegram.render import render
from bot.settings import Settings
from core.app import Gotong
from core.clock import FakeClock
from core.db import unit_of_work
from core.delivery.claims import OutboxDelivery
from core.delivery.queue import queue
from core.language.menu import command_menu
from core.messages import Incoming, Reply
from core.models import FieldUpdate, Identity, InboxEvent, OutboxMessage, OutboxStatus, Person
from core.people import invites
from tests.fakes.telegram_records import SentMessage
from tests.fakes.telegram_server import FakeTelegram
from tests.logs import DebugLogs
from tests.workspace import NOTIFICATION, queue_raw
from tests.workspace import add_workspace as shared_workspace

USERS = {"ani": 1001, "sarah": 1002, "budi": 2001, "kevin": 2002, "harjo": 3001, "tom": 3002}
ANI, SARAH, BUDI, KEVIN, HARJO, TOM = USERS.values()
STRANGER = 9001
GROUP = -1001234567
BOT = "GotongTestBot"


@pytest.fixture(autouse=True)
def _retry_after_as_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without it PTB 22 warns (PTBDeprecationWarning) while building RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


async def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)


def add_workspace(engine: Engine, clock: FakeClock) -> None:
    """The shared workspace, everyone on Telegram."""
    shared_workspace(
        engine, clock, platform="telegram", accounts={h: str(u) for h, u in USERS.items()}
    )


def config_for(tg: FakeTelegram, **overrides: Any) -> TelegramConfig:
    settings: dict[str, Any] = {
        "token": tg.token,
        "api_base_url": tg.base_url,
        "file_base_url": tg.base_file_url,
        "reply_retry_delays": (0.01,),
    }
    return TelegramConfig(**(settings | overrides))


def count(engine: Engine, model: type[Any]) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


@dataclass
class Chats:
    """People on Telegram talking to the running adapter, and what the fake server saw."""

    tg: FakeTelegram
    adapter: TelegramAdapter
    clock: FakeClock
    engine: Engine

    def user(self, who: str | int) -> int:
        return USERS[who] if isinstance(who, str) else who

    async def say(
        self, who: str | int, text: str | None = None, **kwargs: Any
    ) -> list[SentMessage]:
        """Send a message as a person (a few seconds after the last one); what the bot sent."""
        self.clock.advance(timedelta(seconds=2))
        return await self.until_handled(
            lambda: self.tg.push_message(self.user(who), text, **kwargs)
        )

    async def press(self, who: str | int, message: SentMessage, data: str) -> list[SentMessage]:
        """Tap a button of a message the bot sent; what the bot sent in answer."""
        assert data in message.callback_data, message.callback_data
        self.clock.advance(timedelta(seconds=2))
        return await self.until_handled(
            lambda: self.tg.push_callback(
                self.user(who), data, message.message_id, chat_id=int(message.chat_id)
            )
        )

    async def until_handled(
        self, push: Callable[[], object], updates: int = 1
    ) -> list[SentMessage]:
        before, handled = len(self.tg.sent), self.adapter.handled
        push()
        await wait_until(lambda: self.adapter.handled >= handled + updates)
        return self.tg.sent[before:]

    async def deliver(self) -> list[SentMessage]:
        """One outbox sweep, a few seconds after the last thing happened; what it sent."""
        self.clock.advance(timedelta(seconds=2))
        before = len(self.tg.sent)
        sent = await self.adapter.deliver_once()
        assert sent == len(self.tg.sent) - before
        return self.tg.sent[before:]

    def texts(self, who: str | int) -> list[str]:
        return [m.visible_text for m in self.tg.messages_to(self.user(who))]


@pytest.fixture
async def tg(clock: FakeClock) -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username=BOT, clock=lambda: clock.now().timestamp()) as fake:
        yield fake


async def running(
    tg: FakeTelegram, gotong: Gotong, engine: Engine, clock: FakeClock, **config: Any
) -> TelegramAdapter:
    adapter = TelegramAdapter(
        config_for(tg, **config),
        gotong=gotong,
        outbox=OutboxDelivery(engine, clock),
        monotonic=lambda: clock.now().timestamp(),  # one clock for the core, the fake, our pacing
    )
    await adapter.start()
    return adapter


@pytest.fixture
async def chats(
    tg: FakeTelegram, gotong: Gotong, engine: Engine, clock: FakeClock
) -> AsyncIterator[Chats]:
    """The adapter long-polling the fake server, with the workspace on Telegram."""
    add_workspace(engine, clock)
    adapter = await running(tg, gotong, engine, clock)
    try:
        yield Chats(tg, adapter, clock, engine)
    finally:
        await adapter.stop()
    assert list(adapter.errors) == []
    assert tg.violations == []
    assert tg.sends_inside_retry_window == []


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
        invitations = await chats.deliver()

        assert sorted(m.chat_id for m in invitations) == [BUDI, HARJO]
        harjo = chats.tg.last_to(HARJO)
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


class TestMedia:
    """Photos and locations are attached to updates by their Telegram file_id."""

    async def test_photo_with_caption_is_an_update_with_the_photo(self, chats: Chats) -> None:
        """The caption is parsed like text; the largest size's file_id is stored."""
        chats.clock.advance(timedelta(seconds=2))
        pushed: list[dict[str, Any]] = []
        (answer,) = await chats.until_handled(
            lambda: pushed.append(
                chats.tg.push_photo(BUDI, caption="45 paket sembako disalurkan di Sukamaju")
            )
        )

        assert "Laporan dicatat untuk #pkh" in answer.visible_text
        assert "• 45 paket sembako" in answer.visible_text
        with Session(chats.engine) as session:
            update = session.exec(select(FieldUpdate)).one()
        assert update.photo_file_id == pushed[0]["message"]["photo"][-1]["file_id"]

    async def test_location_right_after_an_update_is_attached(self, chats: Chats) -> None:
        """A location shared alone belongs to the update just before it."""
        await chats.say("budi", "Sudah 12 KK terdata di RT 03")
        chats.clock.advance(timedelta(seconds=2))
        (answer,) = await chats.until_handled(lambda: chats.tg.push_location(BUDI, -6.89, 110.63))

        assert answer.chat_id == BUDI
        with Session(chats.engine) as session:
            update = session.exec(select(FieldUpdate)).one()
        assert (update.latitude, update.longitude) == (-6.89, 110.63)


class TestGroups:
    """In a program's group the bot answers commands meant for it and ignores chatter."""

    def in_group(self, **kwargs: Any) -> dict[str, Any]:
        return {"chat_id": GROUP, "chat_type": "supergroup", "chat_title": "PKH Demak"} | kwargs

    async def test_command_with_the_bot_name_is_answered_in_the_group(self, chats: Chats) -> None:
        """/lapor@GotongTestBot in the group: the answer goes to the group."""
        (answer,) = await chats.say(
            "budi", f"/lapor@{BOT} #pkh 20 paket sembako", **self.in_group()
        )

        assert answer.chat_id == GROUP
        assert "Laporan dicatat untuk #pkh" in answer.visible_text

    async def test_personal_answer_goes_to_the_private_chat(self, chats: Chats) -> None:
        """/tugasku asked in the group is answered to the asker privately."""
        await chats.say("ani", "/tugas Foto gudang @budi besok")

        (answer,) = await chats.say("budi", f"/tugasku@{BOT}", **self.in_group())

        assert answer.chat_id == BUDI
        assert "Tugas 1: Foto gudang" in answer.visible_text
        assert chats.tg.messages_to(GROUP) == []

    async def test_personal_answer_stays_in_the_group_when_no_private_chat(
        self, chats: Chats
    ) -> None:
        """Someone who never opened a private chat with the bot gets the answer in the group."""
        chats.tg.block_bot(BUDI)  # Telegram refuses a first private message the same way

        sent = await chats.say("budi", f"/tugasku@{BOT}", **self.in_group())

        assert [m.chat_id for m in sent] == [GROUP]
        assert "Tidak ada tugas terbuka." in sent[0].visible_text

    async def test_a_mention_is_a_message_to_the_bot(self, chats: Chats) -> None:
        """ "@GotongTestBot lapor ..." is handled like the command without the mention."""
        (answer,) = await chats.say("budi", f"@{BOT} lapor #pkh 7 paket sembako", **self.in_group())

        assert answer.chat_id == GROUP and "• 7 paket sembako" in answer.visible_text

    async def test_chatter_and_other_bots_commands_are_ignored(self, chats: Chats) -> None:
        """Talk between people, and commands for another bot, reach neither the core nor anyone."""
        assert await chats.say("budi", "Siapa yang bawa beras besok?", **self.in_group()) == []
        assert await chats.say("ani", "/start@OtherBot", **self.in_group()) == []

        assert count(chats.engine, InboxEvent) == 0


class TestDuplicates:
    """An update delivered twice (same update_id) is processed once, even across restarts."""

    async def test_same_update_twice_in_one_batch(self, chats: Chats) -> None:
        """The second copy is recognised and gets no answer."""
        chats.clock.advance(timedelta(seconds=2))

        def push_twice() -> None:
            original = chats.tg.push_message(BUDI, "/lapor #pkh 5 paket sembako")
            chats.tg.push_raw(original)

        sent = await chats.until_handled(push_twice, updates=2)

        assert len(sent) == 1
        assert count(chats.engine, FieldUpdate) == 1

    async def test_redelivery_after_a_restart(
        self, chats: Chats, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """A new process given an update the old one handled does nothing with it."""
        pushed: list[dict[str, Any]] = []
        await chats.until_handled(
            lambda: pushed.append(chats.tg.push_message(BUDI, "/lapor #pkh 5 paket sembako"))
        )
        await chats.adapter.stop()

        restarted = await running(chats.tg, gotong, engine, clock)
        try:
            before = len(chats.tg.sent)
            chats.tg.push_raw(pushed[0])
            await wait_until(lambda: restarted.handled == 1)
        finally:
            await restarted.stop()

        assert len(chats.tg.sent) == before
        assert count(engine, FieldUpdate) == 1
        assert list(restarted.errors) == []


class TestLongReplies:
    async def test_reply_over_4096_characters_is_split_at_lines(
        self, chats: Chats, gotong: Gotong
    ) -> None:
        """A long task list arrives as several messages of whole lines; buttons on the last."""
        title = ("Survei harga beras, minyak goreng, gula dan telur di pasar kecamatan " * 3)[:185]
        for n in range(24):
            (created,) = gotong.handle(
                Incoming(
                    platform="telegram",
                    external_user_id=str(ANI),
                    chat_id=str(ANI),
                    text=f"/tugas {title.strip()} {n} @budi besok",
                    event_id=f"seed-{n}",
                )
            )
            assert f"Tugas {n + 1} dibuat" in created.text

        sent = await chats.say("budi", "/tugasku")

        assert len(sent) == 2 and all(m.chat_id == BUDI for m in sent)
        assert all(len(m.visible_text) <= 4096 for m in sent)
        lines = "\n".join(m.visible_text for m in sent).splitlines()
        assert lines[0] == "Tugas Anda (24):" and lines[-1] == "Tutup dengan /selesai NOMOR"
        assert len(lines) == 26  # no line was cut in two
        assert [m.callback_data for m in sent] == [
            [],
            ["done 1", "done 2", "done 3", "done 4", "done 5"],
        ]


async def polling_started(tg: FakeTelegram) -> None:
    """Wait until the adapter has polled (a stranger's message was fetched and answered)."""
    tg.push_message(STRANGER, "halo")
    await wait_until(lambda: tg.pending_updates == [] and bool(tg.messages_to(STRANGER)))


class TestNothingLost:
    """Received means stored; every reply is kept until Telegram took it, piece by piece."""

    async def test_a_message_stored_before_a_crash_is_answered_after_the_restart(
        self, tg: FakeTelegram, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Stored (and so confirmed to Telegram) but never handled: the next start handles it."""
        add_workspace(engine, clock)
        lost = Incoming(
            platform="telegram",
            external_user_id=str(ANI),
            chat_id=str(ANI),
            text="/tugas Kirim data @budi besok 17:00 #pkh",
            event_id="777",
        )
        assert gotong.receive(lost)  # ...and the process died

        adapter = await running(tg, gotong, engine, clock)
        try:
            clock.advance(timedelta(seconds=2))
            await adapter.deliver_once()
        finally:
            await adapter.stop()

        assert "Kirim data" in tg.last_to(ANI).visible_text
        assert "Kirim data" in tg.last_to(BUDI).visible_text
        assert gotong.pending("telegram") == []

    async def test_a_reply_telegram_refused_is_delivered_by_the_outbox(self, chats: Chats) -> None:
        """The reply's sends all fail: it is not given up, the next sweep delivers it."""
        chats.tg.fail("sendMessage", status=500, times=2)

        assert await chats.say("budi", "/tugasku") == []
        (late,) = await chats.deliver()

        assert late.chat_id == BUDI and "tugas" in late.visible_text.lower()
        assert await chats.deliver() == []

    async def test_a_long_message_resumes_after_the_pieces_already_sent(self, chats: Chats) -> None:
        """The second of several pieces fails: the retry starts at the second, not the first."""
        lines = [f"{n:03d}. Desa Sukamaju: 45 paket sembako disalurkan.\n" for n in range(250)]
        with unit_of_work(chats.engine) as session:
            budi = session.exec(select(Person).where(Person.handle == "budi")).one()
            queue(
                session,
                person_id=budi.id or 0,
                platform="telegram",
                dedupe_key="long",
                text="".join(lines),
                buttons=(),
                due_at=chats.clock.now(),
                now=chats.clock.now(),
            )
        chats.tg.fail("sendMessage", status=500, skip=1)

        assert await chats.adapter.deliver_once() == 0  # one piece went, then a 500
        assert len(chats.tg.messages_to(BUDI)) == 1
        chats.clock.advance(timedelta(seconds=30))
        assert await chats.adapter.deliver_once() == 1

        received = "".join(m.visible_text for m in chats.tg.messages_to(BUDI))
        assert len(chats.tg.messages_to(BUDI)) == len(render(Reply("".join(lines)))) >= 3
        assert [received.count(f"{n:03d}. Desa") for n in range(250)] == [1] * 250

    async def test_a_clean_stop_logs_no_error(
        self,
        tg: FakeTelegram,
        gotong: Gotong,
        engine: Engine,
        clock: FakeClock,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """SIGTERM while long-polling: no ERROR, no traceback."""
        add_workspace(engine, clock)
        adapter = await running(tg, gotong, engine, clock)
        await polling_started(tg)

        await adapter.stop()

        assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


class TestOutboxFaults:
    """Flood refusals, network errors and blocked people never lose or duplicate a message."""

    async def queue_three(self, chats: Chats) -> None:
        await chats.say("ani", "/tugas Kirim data @budi besok")
        await chats.say("ani", "/rapat Koordinasi senin 10:00 @budi @dinsos #pkh")

    def statuses(self, chats: Chats) -> list[str]:
        with Session(chats.engine) as session:
            return [row.status for row in session.exec(select(OutboxMessage).where(NOTIFICATION))]

    async def test_429_storm_postpones_and_loses_nothing(self, chats: Chats) -> None:
        """Three 429s in a row: the refused chats wait retry_after, then everything arrives once."""
        await self.queue_three(chats)
        chats.tg.fail("sendMessage", status=429, times=3, retry_after=1)

        rounds = 0
        while len(chats.texts("budi")) + len(chats.texts("harjo")) < 3:
            rounds += 1
            assert rounds <= 5, "the outbox did not catch up"
            await chats.deliver()

        assert [c.status for c in chats.tg.calls_to("sendMessage")].count(429) == 3
        assert len(chats.texts("budi")) == 2 and len(chats.texts("harjo")) == 1
        assert self.statuses(chats) == [OutboxStatus.SENT] * 3
        # the fixture checks that nothing was sent inside a retry_after window

    async def test_thirty_percent_faults_every_message_arrives_once(self, chats: Chats) -> None:
        """429s, 500s and dropped connections on 30% of calls: all arrive, once, when allowed."""
        for n in range(12):
            await chats.say("ani", f"/tugas Survei harga ke-{n} @budi besok")
            await chats.say("ani", f"/tugas Data kelompok ke-{n} @kevin besok")
        chats.tg.fail("sendMessage", status=429, times=None, fraction=0.1, seed=1, retry_after=2)
        chats.tg.fail("sendMessage", status=500, times=None, fraction=0.1, seed=2)
        chats.tg.drop_connection("sendMessage", times=None, fraction=0.1, seed=3)

        rounds = 0
        while OutboxStatus.PENDING in self.statuses(chats) or rounds == 0:
            rounds += 1
            assert rounds <= 200, "the outbox did not catch up"
            await chats.deliver()
            chats.clock.advance(timedelta(seconds=10))

        for who in ("budi", "kevin"):
            titles = [t.splitlines()[0] for t in chats.texts(who)]
            assert len(titles) == 12 and len(set(titles)) == 12, titles  # every one, once
        assert set(self.statuses(chats)) == {OutboxStatus.SENT}
        refusals = [c.status for c in chats.tg.calls_to("sendMessage") if c.status != 200]
        assert refusals.count(429) > 0 and refusals.count(500) > 0 and 0 in refusals
        assert chats.tg.sends_inside_retry_window == []

    async def test_network_errors_are_retried_later(self, chats: Chats) -> None:
        """A 500 and a dropped connection put the message back; the next due sweep sends it."""
        await chats.say("ani", "/tugas Kirim data @budi besok")
        chats.tg.fail("sendMessage", status=500)

        assert await chats.deliver() == []
        with Session(chats.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.status, row.last_error) == (OutboxStatus.PENDING, "NetworkError")

        chats.clock.advance(timedelta(seconds=5))
        chats.tg.drop_connection("sendMessage")
        assert await chats.deliver() == []
        chats.clock.advance(timedelta(seconds=10))
        (notice,) = await chats.deliver()

        assert notice.chat_id == BUDI and notice.callback_data == ["done 1"]
        assert self.statuses(chats) == [OutboxStatus.SENT]

    async def test_refused_token_keeps_the_message_for_later(self, chats: Chats) -> None:
        """401 (the token was revoked): not the message's fault, so it waits for the admin."""
        await chats.say("ani", "/tugas Kirim data @budi besok")
        chats.tg.fail("sendMessage", status=401)

        assert await chats.deliver() == []

        with Session(chats.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.status, row.last_error) == (OutboxStatus.PENDING, "invalid token")

    async def test_a_bug_fails_the_message_at_once_and_logs_no_text(
        self, chats: Chats, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A programming error is not network trouble: failed, never tried again, no text logged."""
        await chats.say("ani", "/tugas Kirim data @budi besok")
        calls: list[object] = []

        def broken(reply: Reply) -> list[object]:
            calls.append(reply)
            raise TypeError(reply.text)  # a bug whose message carries what someone wrote

        monkeypatch.setattr(telegram_outbox, "render", broken)

        assert await chats.deliver() == []
        chats.clock.advance(timedelta(hours=1))  # past every lease and backoff
        assert await chats.deliver() == []

        assert len(calls) == 1
        with Session(chats.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.status, row.last_error) == (OutboxStatus.FAILED, "bug: TypeError")
        logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("gotong"))
        assert f"delivery={row.id}" in logged and "Kirim data" not in logged

    async def test_an_empty_message_is_failed_not_reported_sent(self, chats: Chats) -> None:
        """Nothing to send: failed with its reason, not marked sent and counted."""
        queue_raw(chats.engine, chats.clock, to="budi", platform="telegram", text="")

        assert await chats.deliver() == []

        assert self.statuses(chats) == [OutboxStatus.FAILED]
        assert chats.tg.calls_to("sendMessage") == []

    async def test_person_who_blocked_the_bot_is_marked_unreachable(self, chats: Chats) -> None:
        """Forbidden: the identity is marked unreachable and their messages stop."""
        chats.tg.block_bot(BUDI)
        await self.queue_three(chats)

        delivered = await chats.deliver()

        assert [m.chat_id for m in delivered] == [HARJO]
        with Session(chats.engine) as session:
            identity = session.exec(select(Identity).where(Identity.external_id == str(BUDI))).one()
            rows = session.exec(
                select(OutboxMessage).join(Person).where(Person.handle == "budi", NOTIFICATION)
            ).all()
        assert identity.unreachable_at is not None
        assert [(r.status, r.last_error) for r in rows] == [
            (OutboxStatus.FAILED, "unreachable")
        ] * 2
        refused = [c for c in chats.tg.calls_to("sendMessage") if c.status == 403]
        assert len(refused) == 1  # once refused, the rest of Budi's batch is not tried

    async def test_reply_survives_a_dropped_connection(self, chats: Chats) -> None:
        """A reply the network lost is sent again, once."""
        chats.tg.drop_connection("sendMessage")

        (answer,) = await chats.say("budi", "/tugasku")

        assert "Tidak ada tugas terbuka" in answer.visible_text
        assert [c.status for c in chats.tg.calls_to("sendMessage")] == [0, 200]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def webhook(
    tg: FakeTelegram, gotong: Gotong, engine: Engine, clock: FakeClock
) -> AsyncIterator[Chats]:
    """The adapter in webhook mode, listening on loopback."""
    add_workspace(engine, clock)
    port = free_port()
    adapter = await running(
        tg,
        gotong,
        engine,
        clock,
        webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        webhook_listen=f"127.0.0.1:{port}",
    )
    try:
        yield Chats(tg, adapter, clock, engine)
    finally:
        await adapter.stop()
    assert list(adapter.errors) == []
    assert tg.violations == []
    assert tg.sends_inside_retry_window == []


class TestWebhook:
    """Webhook mode: Telegram POSTs updates with the secret it was given."""

    async def test_update_with_the_right_secret_is_handled(self, webhook: Chats) -> None:
        """setWebhook got a random secret; an update carrying it is answered before the 200."""
        hook = webhook.tg.webhook
        assert hook is not None and hook.url.endswith("/telegram/hook")
        assert hook.secret_token and len(hook.secret_token) >= 32
        assert hook.allowed_updates == ["message", "callback_query"]

        status = await webhook.tg.deliver_webhook(webhook.tg.push_message(BUDI, "/tugasku"))

        assert status == 200
        assert "Tidak ada tugas terbuka" in webhook.tg.last_to(BUDI).visible_text
        assert webhook.tg.pending_updates == []
        assert webhook.tg.calls_to("getUpdates") == []

    @pytest.mark.parametrize("secret", ["salah", None], ids=["wrong", "missing"])
    async def test_wrong_or_missing_secret_is_refused(
        self, webhook: Chats, secret: str | None
    ) -> None:
        """403, and nothing is processed: the update stays with Telegram for the real server."""
        update = webhook.tg.push_message(BUDI, "/lapor #pkh 5 paket sembako")

        status = await webhook.tg.deliver_webhook(update, secret_token=secret)

        assert status == 403
        assert webhook.tg.sent == [] and webhook.adapter.handled == 0
        assert count(webhook.engine, InboxEvent) == 0
        assert await webhook.tg.deliver_webhook(update) == 200
        assert count(webhook.engine, FieldUpdate) == 1

    async def test_redelivered_update_is_handled_once(self, webhook: Chats) -> None:
        """Telegram retrying a delivery (same update_id) gets 200 and no second answer."""
        update = webhook.tg.push_message(BUDI, "/lapor #pkh 5 paket sembako")

        statuses = [await webhook.tg.deliver_webhook(update) for _ in range(2)]

        assert statuses == [200, 200]
        assert len(webhook.tg.messages_to(BUDI)) == 1
        assert count(webhook.engine, FieldUpdate) == 1

    async def test_button_press_by_webhook(self, webhook: Chats) -> None:
        """A button press arrives by webhook: answered, and the message edited."""
        webhook.tg.push_message(ANI, "/tugas Kirim data @budi besok")
        for update in webhook.tg.pending_updates:
            await webhook.tg.deliver_webhook(update)
        (notice,) = await webhook.deliver()

        press = webhook.tg.push_callback(BUDI, "done 1", notice.message_id)
        assert await webhook.tg.deliver_webhook(press) == 200

        assert len(webhook.tg.callback_answers) == 1
        (edit,) = webhook.tg.edits_of(BUDI, notice.message_id)
        assert "Tugas 1 selesai" in (edit.text or "")

    async def test_configured_secret_is_used(
        self, tg: FakeTelegram, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Several instances behind one URL share the secret from the settings."""
        port = free_port()
        adapter = await running(
            tg,
            gotong,
            engine,
            clock,
            webhook_url=f"http://127.0.0.1:{port}/hook",
            webhook_listen=f"127.0.0.1:{port}",
            webhook_secret="rahasia-bersama-123",
        )
        await adapter.stop()

        assert tg.webhook is not None and tg.webhook.secret_token == "rahasia-bersama-123"


class TestLogs:
    async def test_logs_hold_ids_never_tokens_or_message_texts(
        self,
        tg: FakeTelegram,
        gotong: Gotong,
        engine: Engine,
        clock: FakeClock,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """Even at DEBUG, with failures logged, neither the token nor what people wrote appears."""
        caplog.set_level(logging.DEBUG)
        add_workspace(engine, clock)
        adapter = await running(tg, gotong, engine, clock)
        chats = Chats(tg, adapter, clock, engine)
        try:
            await chats.say("ani", "/tugas Rahasia-judul-XYZ @budi besok")
            tg.fail("sendMessage", status=500)
            await chats.deliver()
            tg.fail("sendMessage", status=429, retry_after=1)
            clock.advance(timedelta(minutes=1))
            await chats.deliver()
            tg.block_bot(BUDI)
            clock.advance(timedelta(minutes=1))
            await chats.deliver()
            await chats.say("budi", "Rahasia-laporan-XYZ 5 paket")
        finally:
            await adapter.stop()

        assert "unreachable" in caplog.text  # the failures were logged...
        assert "Rahasia" not in caplog.text  # ...without what people wrote
        assert tg.token.split(":")[1] not in caplog.text


class TestLogsAtDebug:
    """Every logger at DEBUG (none quietened), through Gotong's handler: no secret, no text."""

    async def test_no_token_secret_or_text_reaches_the_log(
        self,
        debug_logs: DebugLogs,
        tg: FakeTelegram,
        gotong: Gotong,
        engine: Engine,
        clock: FakeClock,
    ) -> None:
        """Polling, replies, a failing outbox, a button, then webhook mode with its secret."""
        secret = "Webhook_Secret-" + "x" * 24
        debug_logs.configure(
            Settings(TELEGRAM_BOT_TOKEN=tg.token, GOTONG_TELEGRAM_WEBHOOK_SECRET=secret)
        )
        add_workspace(engine, clock)
        adapter = await running(tg, gotong, engine, clock)
        chats = Chats(tg, adapter, clock, engine)
        try:
            await chats.say("ani", "/tugas Rahasia-judul-XYZ @budi besok")
            tg.fail("sendMessage", status=500)
            await chats.deliver()
            clock.advance(timedelta(minutes=1))
            (notice,) = await chats.deliver()
            await chats.press("budi", notice, "done 1")
            await chats.say("budi", "Rahasia-laporan-XYZ 5 paket")
        finally:
            await adapter.stop()
        port = free_port()
        hooked = await running(
            tg,
            gotong,
            engine,
            clock,
            webhook_url=f"http://127.0.0.1:{port}/hook",
            webhook_listen=f"127.0.0.1:{port}",
            webhook_secret=secret,
        )
        try:
            update = tg.push_message(BUDI, "/lapor #pkh 5 Rahasia-webhook-XYZ")
            assert await tg.deliver_webhook(update, secret_token="salah") == 403
            assert await tg.deliver_webhook(update) == 200
        finally:
            await hooked.stop()

        written = debug_logs.text()
        assert "telegram" in written and "refused" in written  # the run was logged...
        for leak in (tg.token, tg.token.split(":")[1], secret, "Rahasia"):
            assert leak not in written  # ...without a secret or what people wrote
