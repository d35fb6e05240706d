"""Telegram end to end: nothing received or kept is lost, whatever the Bot API refuses."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from adapters.telegram import outbox as telegram_outbox
from adapters.telegram.render import render
from core.app import Gotong
from core.clock import FakeClock
from core.db import unit_of_work
from core.delivery.queue import queue
from core.messages import Incoming, Reply
from core.models import Identity, OutboxMessage, OutboxStatus, Person
from tests import telegram_harness as harness
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram_harness import ANI, BUDI, HARJO, Chats, add_workspace, polling_started, running
from tests.workspace import NOTIFICATION, queue_raw

# The harness's fixtures, used here as they are.
_retry_after_as_timedelta = harness._retry_after_as_timedelta
tg = harness.tg
chats = harness.chats


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
        """Two notices for Budi and one for Pak Harjo, one Telegram message each (a meeting's
        invitation would be two: its calendar file, then the text)."""
        await chats.say("ani", "/tugas Kirim data @budi besok")
        await chats.say("ani", "/tugas Rekap data @budi besok")
        await chats.say("ani", "/komitmen @dinsos 200 paket sembako sebelum 10 Des #pkh")

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
