"""Commitments across platforms: managers on Slack, partner contacts on Telegram, field workers
on the console, all on one database and one core.

The real Slack and Telegram clients talk to the fake servers; the console is the core's own
door (`handle`), as the console adapter uses it. Each test reads like the chat it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from core.app import Gotong
from core.clock import FakeClock
from core.db import unit_of_work
from core.models import AuditEntry, Commitment, CommitmentReceipt, CommitmentStatus
from core.people import accounts
from tests import slack_harness, telegram_harness
from tests.chat import Chat
from tests.fakes.slack_server import FakeSlack
from tests.fakes.telegram_records import SentMessage
from tests.fakes.telegram_server import FakeTelegram
from tests.slack_harness import Desk, read
from tests.telegram_harness import Chats, wait_until
from tests.workspace import add_workspace

# The harnesses' fixtures, used here as they are.
_retry_after_as_timedelta = telegram_harness._retry_after_as_timedelta
tg = telegram_harness.tg
slack = slack_harness.slack

ON = {"ani": "slack", "sarah": "slack", "harjo": "telegram", "tom": "telegram"}
ON |= {"budi": "console", "kevin": "console"}
ACCOUNTS = {
    "ani": slack_harness.ANI,
    "sarah": slack_harness.SARAH,
    "harjo": str(telegram_harness.HARJO),
    "tom": str(telegram_harness.TOM),
    "budi": "budi",
    "kevin": "kevin",
}
WATI = 3003  # a second contact of Dinas Sosial, on Telegram


@dataclass
class Across:
    """Slack, Telegram and the console over one core and one database."""

    desk: Desk
    chats: Chats
    console: Chat
    engine: Engine

    async def telegram_inbox(self, who: str | int) -> list[SentMessage]:
        return [m for m in await self.chats.deliver() if m.chat_id == self.chats.user(who)]

    def on_console(self, who: str, text: str) -> str:
        return self.console.send(who, text, platform="console").text


@pytest.fixture
async def across(
    slack: FakeSlack, tg: FakeTelegram, gotong: Gotong, engine: Engine, clock: FakeClock
) -> AsyncIterator[Across]:
    """Both adapters running over one core; Wati is Dinas Sosial's second contact."""
    add_workspace(engine, clock, platform="slack", accounts=ACCOUNTS, platform_of=ON)
    with unit_of_work(engine) as s:
        wati = accounts.add_person(
            s,
            now=clock.now(),
            actor=None,
            handle="wati",
            name="Wati Lestari",
            role="partner",
            partner="dinsos",
        )
        accounts.link_identity(s, person=wati, platform="telegram", external_id=str(WATI))
    on_slack = await slack_harness.running(slack, gotong, engine, clock)
    on_telegram = await telegram_harness.running(tg, gotong, engine, clock)
    console = Chat(gotong, engine, clock)
    try:
        yield Across(
            Desk(slack, on_slack, clock, engine),
            Chats(tg, on_telegram, clock, engine),
            console,
            engine,
        )
    finally:
        await on_telegram.stop()
        await on_slack.stop()
    assert list(on_slack.errors) == [] and list(on_telegram.errors) == []
    assert slack.violations == [] and tg.violations == []


def commitment(engine: Engine, number: int = 1) -> Commitment:
    with Session(engine) as session:
        found = session.get(Commitment, number)
        assert found is not None
        return found


def steps(engine: Engine) -> list[str]:
    """The commitment's audit trail, in order."""
    with Session(engine) as session:
        rows = session.exec(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "commitment")
            .order_by(col(AuditEntry.id))
        )
        return list(rows)


def audit_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditEntry)).one()


class TestSarahOnSlackAndHarjoOnTelegram:
    """Sarah asks in English on Slack; Pak Harjo answers in Indonesian on Telegram."""

    async def test_request_confirm_two_receipts_fulfilled(self, across: Across) -> None:
        """Request → Harjo taps Konfirmasi → Budi records 150 on the console → Harjo records
        50 → fulfilled; Sarah reads each step in her Slack DM."""
        (asked,) = await across.desk.dm("sarah", "commit @dinsos 200 food parcels by Dec 10 #pkh")
        assert "Commitment 1 requested from Dinas Sosial Demak: 200 food parcels" in read(asked)
        assert "Notified: Pak Harjo (@harjo), Wati Lestari (@wati)" in read(asked)
        (request,) = await across.telegram_inbox("harjo")
        assert "Permintaan komitmen 1 dari Sarah Lim" in request.visible_text
        assert request.callback_data == ["confirm 1", "propose 1", "reject 1"]

        await across.chats.press("harjo", request, "confirm 1")
        (edit,) = across.chats.tg.edits_of(telegram_harness.HARJO, request.message_id)
        assert (edit.text or "").startswith("✅ Komitmen 1 dikonfirmasi: 200 food parcels")
        (confirmed,) = await across.desk.deliver()
        assert "Pak Harjo (Dinas Sosial Demak) confirmed commitment 1" in read(confirmed)

        said = across.on_console("budi", "/terima 1 150")
        assert "Diterima: 150 dari 200 food parcels (sisa 50 food parcels)" in said
        (first,) = await across.desk.deliver()
        assert "Budi Santoso recorded a delivery for commitment 1" in read(first)
        assert "Received: 150 of 200 food parcels (50 food parcels to go)" in read(first)

        (fulfilled,) = await across.chats.say("harjo", "/terima 1 50")
        assert "🎉 Komitmen 1 terpenuhi." in fulfilled.visible_text
        (last,) = await across.desk.deliver()
        assert "Received: 200 of 200 food parcels" in read(last)
        assert "Commitment 1 is fulfilled." in read(last)
        assert commitment(across.engine).status == CommitmentStatus.FULFILLED
        assert steps(across.engine) == [
            "commitment.request",
            "commitment.confirmed",
            "commitment.fulfil",
        ]
        with Session(across.engine) as session:
            receipts = session.exec(select(CommitmentReceipt.quantity)).all()
        assert sorted(receipts) == [50, 150]

    async def test_decline_with_a_reason_reaches_the_manager(self, across: Across) -> None:
        await across.desk.dm("sarah", "commit @dinsos 5 tons of rice by Dec 10 #pkh")
        await across.telegram_inbox("harjo")

        (reply,) = await across.chats.say("harjo", "/tolak 1 stok habis")
        assert "ditolak" in reply.visible_text.lower() or "tolak" in reply.visible_text.lower()
        (notice,) = await across.desk.deliver()
        assert "stok habis" in read(notice)
        assert commitment(across.engine).decline_reason == "stok habis"

    async def test_two_contacts_answer_at_once_one_wins(self, across: Across) -> None:
        """Harjo and Wati tap Konfirmasi together: one answer counts, the other is told whose."""
        await across.desk.dm("sarah", "commit @dinsos 200 food parcels by Dec 10 #pkh")
        harjo, wati = await across.chats.deliver()
        assert (harjo.chat_id, wati.chat_id) == (telegram_harness.HARJO, WATI)
        tgram, handled = across.chats.tg, across.chats.adapter.handled

        tgram.push_callback(
            telegram_harness.HARJO, "confirm 1", harjo.message_id, chat_id=telegram_harness.HARJO
        )
        tgram.push_callback(WATI, "confirm 1", wati.message_id, chat_id=WATI)
        await wait_until(lambda: across.chats.adapter.handled >= handled + 2)

        answers = [e.text or "" for e in tgram.edits_of(telegram_harness.HARJO, harjo.message_id)]
        answers += [e.text or "" for e in tgram.edits_of(WATI, wati.message_id)]
        assert len(answers) == 2
        assert sum("sudah dijawab" in a for a in answers) == 1, answers
        assert steps(across.engine).count("commitment.confirmed") == 1


class TestAniOnSlackAndTomOnTelegram:
    """Ani asks in Indonesian on Slack; Tom (UNICEF) answers in English on Telegram."""

    async def test_proposal_accepted_with_the_slack_button(self, across: Across) -> None:
        await across.desk.dm("ani", "komitmen @unicef 50 timbangan bayi sebelum 10 Des #gizi")
        request, *_ = await across.telegram_inbox("tom")
        await across.chats.press("tom", request, "propose 1")
        (edit,) = across.chats.tg.edits_of(telegram_harness.TOM, request.message_id)
        assert (edit.text or "").startswith("Which date do you propose? Type: /propose 1 DATE")
        (proposed,) = await across.chats.say("tom", "/propose 1 Dec 15")
        assert "15 December 2026" in proposed.visible_text

        (notice,) = await across.desk.deliver()
        assert notice.button_values == ["confirm 1", "reject 1"]
        assert len(set(notice.action_ids)) == 2
        status, _ = await across.desk.click("ani", notice, "confirm 1")

        assert status == 200
        (update,) = across.desk.slack.updates_of(notice.channel, notice.ts)
        assert "15 Desember 2026" in read(update)
        found = commitment(across.engine)
        assert found.status == CommitmentStatus.CONFIRMED
        assert found.due_at.day == 15 and found.proposed_due_at is None
        told = await across.telegram_inbox("tom")
        assert len(told) == 1 and "15 December 2026" in told[0].visible_text

    async def test_tom_cannot_reach_dinas_sosials_commitment(self, across: Across) -> None:
        """By number, by a forged button and through listings: the not-found reply, no change."""
        await across.desk.dm("ani", "komitmen @dinsos 200 paket sembako sebelum 10 Des #pkh")
        await across.chats.deliver()
        before = audit_count(across.engine)

        (typed,) = await across.chats.say("tom", "/confirm 1")
        (missing,) = await across.chats.say("tom", "/confirm 99")
        assert typed.visible_text == missing.visible_text.replace("99", "1")
        assert typed.visible_text.startswith("Commitment 1 not found")
        # A forged press of "confirm 1" on the message that answered /confirm 99.
        await across.chats.until_handled(
            lambda: across.chats.tg.push_callback(
                telegram_harness.TOM, "confirm 1", missing.message_id, chat_id=telegram_harness.TOM
            )
        )
        (edit,) = across.chats.tg.edits_of(telegram_harness.TOM, missing.message_id)
        assert (edit.text or "").startswith("Commitment 1 not found")
        (listing,) = await across.chats.say("tom", "/commitments")
        (entry,) = await across.chats.say("tom", "/partners @dinsos")
        assert "sembako" not in listing.visible_text + entry.visible_text
        assert audit_count(across.engine) == before
        assert commitment(across.engine).status == CommitmentStatus.REQUESTED


class TestOnSlackAlone:
    """A partner contact on Slack: the request's buttons as Block Kit, pressed twice."""

    async def test_request_buttons_round_trip_and_a_second_press(
        self, slack: FakeSlack, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        slack_harness.add_workspace(engine, clock)
        adapter = await slack_harness.running(slack, gotong, engine, clock)
        desk = Desk(slack, adapter, clock, engine)
        try:
            await desk.dm("sarah", "commit @unicef 50 baby scales by Dec 10 #gizi")
            (request,) = await desk.deliver()
            assert request.channel == desk.dm_of("tom")
            assert request.button_values == ["confirm 1", "propose 1", "reject 1"]
            assert len(set(request.action_ids)) == 3

            await desk.click("tom", request, "confirm 1")
            await desk.click("tom", request, "confirm 1")

            first, second = slack.updates_of(request.channel, request.ts)
            assert "confirmed" in read(first).lower()
            assert "already answered by Tom Becker" in read(second)
            assert steps(engine).count("commitment.confirmed") == 1
        finally:
            await adapter.stop()
        assert list(adapter.errors) == [] and slack.violations == []
