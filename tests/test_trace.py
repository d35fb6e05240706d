"""One message followed through the logs with a grep: received, handled, each outbox row sent.

The Telegram conversation runs on the real adapter against the fake Bot API (the harness in
tests/telegram_harness.py), with every logger at DEBUG through Gotong's handler.
"""

from __future__ import annotations

import shlex
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.runner import OutboxSweep
from bot.settings import Settings
from core.delivery.firing import ReminderSweep
from core.models import InboxEvent, OutboxMessage
from tests import telegram_harness
from tests.chat import Chat
from tests.fakes.telegram_server import FakeTelegram
from tests.logs import DebugLogs
from tests.telegram_harness import Chats
from tests.test_jobs import jobs_for

# The Telegram harness's fixtures, used here as they are.
tg = telegram_harness.tg
chats = telegram_harness.chats
_retry_after_as_timedelta = telegram_harness._retry_after_as_timedelta


def fields_of(line: str) -> dict[str, str]:
    """A log line as its key=value fields; fails if any word is not a field."""
    fields = {}
    for word in shlex.split(line):
        key, equals, value = word.partition("=")
        assert equals and key, f"not a key=value field: {word!r} in {line!r}"
        fields[key] = value
    return fields


def events(text: str, containing: str) -> list[dict[str, str]]:
    """What `grep containing` returns, each line read as fields."""
    return [fields_of(line) for line in text.splitlines() if containing in line]


def rows(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def last_event_id(engine: Engine) -> str:
    with Session(engine) as session:
        latest = select(InboxEvent).order_by(col(InboxEvent.received_at).desc())
        event = session.exec(latest).first()
        assert event is not None
        return event.event_id


class TestFollowingAMessage:
    """The platform event id travels from the inbound message into its rows and log lines."""

    async def test_a_telegram_message_is_followed_to_each_delivery(
        self, chats: Chats, tg: FakeTelegram, engine: Engine, debug_logs: DebugLogs
    ) -> None:
        """grep telegram:<update id> shows receive, handle, the reply sent, the notice sent."""
        debug_logs.configure(Settings(TELEGRAM_BOT_TOKEN=tg.token))
        await chats.say("ani", "/tugas Rahasia-judul-XYZ @budi besok")
        cause = f"telegram:{last_event_id(engine)}"
        (notice,) = await chats.deliver()

        (reply,) = [r for r in rows(engine) if r.dedupe_key.startswith("reply:")]
        (queued,) = [r for r in rows(engine) if not r.dedupe_key.startswith("reply:")]
        assert reply.cause == queued.cause == cause
        assert reply.chat_id == str(chats.user("ani"))
        followed = events(debug_logs.text(), cause)
        assert [e["event"] for e in followed] == [
            "inbox.received",
            "message.handled",
            "reply.sent",
            "outbox.sent",
        ]  # a reply is sent as its message is handled; the notice by the next sweep
        received, handled, replied, sent = followed
        assert received["platform"] == handled["platform"] == "telegram"
        assert (handled["replies"], handled["queued"]) == ("1", "1")
        assert (replied["delivery"], replied["platform"], replied["attempt"]) == (
            str(reply.id),
            "telegram",
            "1",
        )
        assert replied["outcome"] == sent["outcome"] == "sent"
        assert (sent["delivery"], sent["platform"], sent["attempt"]) == (
            str(queued.id),
            "telegram",
            "1",
        )
        assert notice.chat_id == chats.user("budi")

    async def test_no_line_of_a_conversation_carries_what_people_wrote(
        self, chats: Chats, tg: FakeTelegram, debug_logs: DebugLogs
    ) -> None:
        """Messages, a failed send retried, a button: every line is fields, none holds a text."""
        debug_logs.configure(Settings(TELEGRAM_BOT_TOKEN=tg.token))
        await chats.say("ani", "/tugas Rahasia-judul-XYZ @budi besok")
        tg.fail("sendMessage", status=500)
        await chats.deliver()
        chats.clock.advance(timedelta(minutes=1))
        (notice,) = await chats.deliver()
        await chats.press("budi", notice, "done 1")
        await chats.say("budi", "Rahasia-laporan-XYZ 5 paket")

        written = debug_logs.text()
        assert "event=outbox.retrying" in written and "event=message.handled" in written
        assert "Rahasia" not in written
        for line in written.splitlines():
            assert {"ts", "level", "logger", "event"} <= fields_of(line).keys()


class TestReminderCause:
    def test_a_fired_reminder_records_itself_as_the_cause(self, chat: Chat, engine: Engine) -> None:
        """A reminder has no inbound message: its outbox row names the reminder instead."""
        chat.send("budi", "/ingatkan 1 jam lagi telepon kepala desa")
        chat.clock.advance(timedelta(hours=1))
        assert ReminderSweep(engine, chat.clock, chat.gotong.catalog).run().sent == 1
        (row,) = [r for r in rows(engine) if r.dedupe_key.startswith("reminder:")]
        assert row.cause is not None and row.cause.startswith("reminder:")
        assert row.dedupe_key.startswith(row.cause + ":")


class TestJobFailures:
    """A failing job logs one line with its frames and exception type, never its message."""

    async def test_a_failing_reminder_sweep_logs_its_traceback(
        self, chat: Chat, engine: Engine, debug_logs: DebugLogs, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The sweep's exception is logged where it was raised, on the job's own line."""
        jobs, _ = jobs_for(engine, chat.clock)  # builds through the root, which sets up logs
        debug_logs.configure(Settings())

        def broken() -> None:
            raise RuntimeError("Rahasia in an exception message")

        monkeypatch.setattr(jobs.reminders, "run", broken)
        await jobs.fire_reminders()

        (line,) = events(debug_logs.text(), "reminders.failed")
        assert (line["level"], line["error"]) == ("error", "RuntimeError")
        assert line["exception"] == "builtins.RuntimeError"
        assert "bot/jobs.py" in line["frames"] and "broken" in line["frames"]
        assert "Rahasia" not in debug_logs.text()

    async def test_a_failing_outbox_sweep_logs_its_traceback(self, debug_logs: DebugLogs) -> None:
        """deliver_once should never raise; if it does, the sweep job says where."""
        debug_logs.configure(Settings())

        async def broken() -> int:
            raise ValueError("Rahasia in an exception message")

        await OutboxSweep("telegram", broken).run()

        (line,) = events(debug_logs.text(), "outbox.sweep_failed")
        assert (line["platform"], line["exception"]) == ("telegram", "builtins.ValueError")
        assert "bot/runner.py" in line["frames"]
        assert "Rahasia" not in debug_logs.text()
