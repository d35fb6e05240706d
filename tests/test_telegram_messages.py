"""Telegram end to end: what arrives besides plain text (photos, locations, group chatter,
duplicates) and replies too long for one message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from core.app import Gotong
from core.clock import FakeClock
from core.messages import Incoming
from core.models import FieldUpdate, InboxEvent
from tests import telegram_harness as harness
from tests.telegram_harness import ANI, BOT, BUDI, GROUP, Chats, count, running, wait_until

# The harness's fixtures, used here as they are.
_retry_after_as_timedelta = harness._retry_after_as_timedelta
tg = harness.tg
chats = harness.chats


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
        self, chats: Chats, gotong: Gotong, clock: FakeClock
    ) -> None:
        """A long list of late work arrives as several messages of whole lines."""
        title = ("Survei harga beras, minyak goreng, gula dan telur di pasar kecamatan " * 3)[:185]
        for n in range(24):
            (created,) = gotong.handle(
                Incoming(
                    platform="telegram",
                    external_user_id=str(ANI),
                    chat_id=str(ANI),
                    text=f"/tugas {title.strip()} {n} @budi @ani besok #pkh",
                    event_id=f"seed-{n}",
                )
            )
            assert f"Tugas {n + 1} dibuat" in created.text
        clock.advance(timedelta(days=3))

        # Ani's own late tasks and her program's: two parts of 15 lines of about 250 characters.
        sent = await chats.say("ani", "/terlambat")

        assert len(sent) == 2 and all(m.chat_id == ANI for m in sent)
        assert all(len(m.visible_text) <= 4096 for m in sent)
        lines = "\n".join(m.visible_text for m in sent).splitlines()
        assert lines[0] == "Terlambat — milik Anda:"
        late = [line for line in lines if line.startswith("⚠️")]
        assert len(late) == 30 and all(title.strip() in line for line in late)  # none cut
