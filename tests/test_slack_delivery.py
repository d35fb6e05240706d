"""Slack end to end: nothing received or kept is lost, whatever the Web API refuses."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from slack_sdk.http_retry import builtin_async_handlers
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from adapters.slack import outbox as slack_outbox
from core.app import Gotong
from core.clock import FakeClock
from core.messages import Incoming, Reply
from core.models import FieldUpdate, Identity, OutboxMessage, OutboxStatus, Person
from tests import slack_harness as harness
from tests.fakes.slack_server import JSON, FakeSlack
from tests.slack_harness import (
    BUDI,
    Desk,
    add_slack_users,
    add_workspace,
    count,
    read,
    running,
    statuses,
)
from tests.workspace import NOTIFICATION, queue_raw

# The harness's fixtures, used here as they are.
slack = harness.slack
desk = harness.desk


class TestNothingLost:
    """Stored before acknowledged; every reply kept until Slack took it."""

    async def test_an_event_that_cannot_be_stored_is_not_acknowledged(
        self, desk: Desk, gotong: Gotong, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The database refuses: no 200, so Slack retries; the sender is told once to wait,
        and the retry is stored and answered."""
        receive = gotong.receive
        refusals = iter([True])

        def flaky(incoming: Incoming) -> bool:
            if next(refusals, False):
                raise OperationalError("insert", {}, Exception("database is locked"))
            return receive(incoming)

        monkeypatch.setattr(gotong, "receive", flaky)
        event = json.dumps(desk.slack.dm_event(BUDI, "/lapor #pkh 5 paket sembako"))

        first, _ = await desk.post(event, JSON)
        again, _ = await desk.post(event, JSON, retry_num=1, retry_reason="http_error")

        assert first != 200 and again == 200
        assert count(desk.engine, FieldUpdate) == 1
        notice, answer = desk.slack.messages_to(desk.dm_of("budi"))
        assert notice.text is not None and notice.text.startswith("⏳")
        assert "5 paket sembako" in read(answer)
        desk.adapter.errors.clear()  # the refused store reached bolt's error handler, as meant

    async def test_a_message_stored_before_a_crash_is_answered_after_the_restart(
        self, slack: FakeSlack, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Acknowledged (so stored) but never handled: the next start handles it."""
        add_workspace(engine, clock)
        lost = Incoming(
            platform="slack",
            external_user_id=BUDI,
            chat_id=BUDI,
            text="/lapor #pkh 5 paket sembako",
            event_id="Ev0LOST",
        )
        assert gotong.receive(lost)  # ...and the process died

        adapter = await running(slack, gotong, engine, clock)
        try:
            clock.advance(timedelta(seconds=2))
            await adapter.deliver_once()
        finally:
            await adapter.stop()

        assert count(engine, FieldUpdate) == 1
        assert "Laporan dicatat" in read(slack.messages_to(slack.dm_channel(BUDI))[-1])
        assert gotong.pending("slack") == []

    async def test_a_reply_slack_refused_is_delivered_by_the_outbox(self, desk: Desk) -> None:
        """chat.postMessage fails for the reply: the next sweep posts it, once."""
        desk.slack.fail("chat.postMessage", status=500, times=1)

        assert await desk.dm("budi", "/tugasku") == []
        (late,) = await desk.deliver()

        assert late.channel == desk.dm_of("budi") and "tugas" in read(late).lower()
        assert await desk.deliver() == []


class TestOutbox:
    """The outbox is paced per chat, honours 429s, and stops for people Slack cannot reach."""

    async def queue(self, desk: Desk, n: int) -> None:
        for i in range(n):
            await desk.dm("ani", f"tugas Foto gudang {i + 1} <@U0BUDI> besok")

    async def test_429_puts_the_message_back_until_retry_after(self, desk: Desk) -> None:
        """Slack says wait 3 s: nothing is sent to that chat before, and it arrives after."""
        await self.queue(desk, 1)
        desk.slack.fail("chat.postMessage", status=429, retry_after=3)

        assert await desk.deliver() == []
        assert statuses(desk.engine) == [OutboxStatus.PENDING]
        assert await desk.deliver() == []  # 2 s later: not due yet, so not even tried
        (notice,) = await desk.deliver()

        assert notice.channel == desk.dm_of("budi") and notice.button_values == ["done 1"]
        assert [c.status for c in desk.slack.calls_to("chat.postMessage")][-2:] == [429, 200]
        assert statuses(desk.engine) == [OutboxStatus.SENT]
        # the fixture checks that nothing was sent inside the Retry-After window

    async def test_burst_to_one_person_is_paced(self, desk: Desk) -> None:
        """Five notices for Budi at once: three now, the rest a couple of seconds later."""
        await self.queue(desk, 5)

        first = await desk.deliver()
        rest = await desk.deliver()

        assert len(first) == 3 and len(rest) == 2
        assert len(desk.texts("budi")) == 5
        assert statuses(desk.engine) == [OutboxStatus.SENT] * 5
        # the fixture checks that Slack never answered 429

    async def test_server_error_is_retried_later(self, desk: Desk) -> None:
        """A 500 and a dropped connection put the message back; a later sweep sends it."""
        await self.queue(desk, 1)
        desk.slack.fail("chat.postMessage", status=500)
        assert await desk.deliver() == []
        with Session(desk.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.status, row.last_error) == (OutboxStatus.PENDING, "http 500")

        desk.clock.advance(timedelta(seconds=5))
        desk.slack.drop_connection("chat.postMessage")
        assert await desk.deliver() == []
        desk.clock.advance(timedelta(seconds=10))
        (notice,) = await desk.deliver()

        assert notice.channel == desk.dm_of("budi")
        assert statuses(desk.engine) == [OutboxStatus.SENT]

    async def test_unreadable_answer_is_retried_later(self, desk: Desk) -> None:
        """A gateway's error page claiming to be JSON is network trouble: put back, then sent."""
        await self.queue(desk, 1)
        desk.slack.answer_garbage("chat.postMessage", status=502)

        assert await desk.deliver() == []
        with Session(desk.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.status, row.last_error) == (OutboxStatus.PENDING, "http 502")
        desk.clock.advance(timedelta(seconds=10))
        (notice,) = await desk.deliver()

        assert notice.channel == desk.dm_of("budi")

    async def test_a_bug_fails_the_message_at_once_and_logs_no_text(
        self, desk: Desk, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A programming error is not network trouble: the message fails, is never tried again,
        and the log names the delivery and the error's type, not the text."""
        await self.queue(desk, 1)
        calls: list[object] = []

        def broken(reply: Reply) -> list[object]:
            calls.append(reply)
            raise TypeError(reply.text)  # a bug whose message carries what someone wrote

        monkeypatch.setattr(slack_outbox, "render", broken)

        assert await desk.deliver() == []
        desk.clock.advance(timedelta(hours=1))  # past every lease and backoff
        assert await desk.deliver() == []

        assert len(calls) == 1
        with Session(desk.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.status, row.last_error) == (OutboxStatus.FAILED, "bug: TypeError")
        logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("gotong"))
        assert f"delivery={row.id}" in logged and "TypeError" in logged
        assert "Foto gudang" not in logged

    async def test_an_empty_message_is_failed_not_reported_sent(self, desk: Desk) -> None:
        """Nothing to post: the message is failed with its reason, and not counted as sent."""
        queue_raw(desk.engine, desk.clock, to="budi", platform="slack", text="")

        assert await desk.deliver() == []

        with Session(desk.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.status, row.last_error) == (OutboxStatus.FAILED, "empty message")
        assert desk.slack.calls_to("chat.postMessage") == []

    async def test_deactivated_account_is_marked_unreachable(self, desk: Desk) -> None:
        """user_disabled: the identity is marked and the person's messages stop."""
        await self.queue(desk, 2)
        desk.slack.fail("chat.postMessage", status=200, error="user_disabled")

        assert await desk.deliver() == []

        with Session(desk.engine) as session:
            identity = session.exec(select(Identity).where(Identity.external_id == BUDI)).one()
            rows = session.exec(
                select(OutboxMessage).join(Person).where(Person.handle == "budi", NOTIFICATION)
            ).all()
        assert identity.unreachable_at is not None
        assert [(r.status, r.last_error) for r in rows] == [
            (OutboxStatus.FAILED, "unreachable")
        ] * 2
        assert len(desk.slack.calls_to("chat.postMessage")) == 2 + 1  # two replies to Ani, one try


class TestReplyRateLimit:
    """A reply Slack refuses with 429 waits out Retry-After (real time) and is then sent."""

    async def test_reply_waits_and_is_not_lost(
        self, gotong: Gotong, engine: Engine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """429 with Retry-After 1: slack_sdk waits about a second; the retry is accepted."""
        monkeypatch.setattr(builtin_async_handlers, "random", _FixedJitter(0.05))
        add_workspace(engine, clock)
        async with FakeSlack() as slack:  # real clock: the SDK really waits
            add_slack_users(slack)
            adapter = await running(slack, gotong, engine, clock)
            try:
                desk = Desk(slack, adapter, clock, engine)
                slack.fail("chat.postMessage", status=429, retry_after=1)
                started = time.monotonic()

                (answer,) = await desk.dm("budi", "tugasku")

                assert time.monotonic() - started >= 1.0
            finally:
                await adapter.stop()
            assert "Tidak ada tugas terbuka" in read(answer)
            assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]
            assert slack.sends_inside_retry_window == []
            assert list(adapter.errors) == []


class _FixedJitter:
    def __init__(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return self.value
