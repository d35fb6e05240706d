"""Nothing received is lost: the inbox, replies kept in the outbox, and routing around blocks."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from adapters.inbox import recover
from core.app import Gotong
from core.clock import FakeClock
from core.commands import HANDLERS
from core.db import unit_of_work
from core.delivery.claims import LEASE, OutboxDelivery
from core.messages import Incoming
from core.models import Identity, InboxEvent, OutboxMessage, OutboxStatus
from core.people.directory import person_by_handle
from tests.chat import Chat

_events = itertools.count(1)


def message(who: str, text: str, **extra: object) -> Incoming:
    fields: dict = {"chat_id": who, "private": True} | extra
    return Incoming(
        platform="test",
        external_user_id=who,
        text=text,
        event_id=f"e{next(_events)}",
        **fields,
    )


def outbox(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


class TestInbox:
    def test_a_message_is_stored_before_it_is_handled(self, chat: Chat, gotong: Gotong) -> None:
        """receive() keeps the message; it waits, once, until process() handles it."""
        incoming = message("budi", "/tugasku")

        assert gotong.receive(incoming) is True
        assert gotong.receive(incoming) is True  # redelivered before handling: still to do
        assert gotong.pending("test") == [incoming.event_id]

        replies = gotong.process("test", incoming.event_id)

        assert replies and gotong.pending("test") == []
        assert gotong.receive(incoming) is False  # a redelivery after handling: nothing to do
        assert gotong.process("test", incoming.event_id) == []

    def test_a_handled_message_keeps_no_payload(
        self, chat: Chat, gotong: Gotong, engine: Engine
    ) -> None:
        """Once handled, only the id stays: message text is not kept longer than needed."""
        incoming = message("budi", "/tugasku")
        gotong.receive(incoming)
        gotong.process("test", incoming.event_id)

        with Session(engine) as session:
            event = session.get(InboxEvent, ("test", incoming.event_id))
        assert event is not None and event.handled_at is not None and event.payload is None

    def test_what_a_crash_left_unhandled_is_handled_after_a_restart(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        """A message stored (so acknowledged) but not handled is handled by the next process,
        and its reply waits in the outbox for the sweep."""
        incoming = message("ani", "/tugas Kirim data @budi besok 17:00 #pkh")
        Gotong(engine, clock).receive(incoming)  # ...and the process dies here

        restarted = Gotong(engine, clock)
        (event_id,) = restarted.pending("test")
        restarted.process("test", event_id, answering=False)

        notice, reply = OutboxDelivery(engine, clock).claim("test")
        assert (reply.chat_id, reply.to_person) == ("ani", False)
        assert (notice.chat_id, notice.to_person) == ("budi", True)
        assert "Kirim data" in reply.text and "Kirim data" in notice.text

    def test_mentioned_accounts_survive_the_inbox_and_are_named_by_the_core(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        """A platform mention stored with the message is written as the person's @handle when
        the message is handled, after a restart too; one the core does not know stays."""
        incoming = message(
            "ani",
            "/tugas Kirim data @X1 besok 17:00 #pkh",
            mentions=(("budi", "@X1"),),
        )
        Gotong(engine, clock).receive(incoming)

        restarted = Gotong(engine, clock)
        (event_id,) = restarted.pending("test")
        restarted.process("test", event_id, answering=False)

        notice, reply = OutboxDelivery(engine, clock).claim("test")
        assert notice.chat_id == "budi" and "Kirim data" in notice.text
        assert "Kirim data" in reply.text

    def test_an_unknown_mention_stays_as_written(self, chat: Chat, gotong: Gotong) -> None:
        """An account no one linked is left as the platform wrote it, so the answer names it."""
        incoming = message(
            "ani", "/tugas Kirim data @X9 besok 17:00 #pkh", mentions=(("ghost", "@X9"),)
        )
        gotong.receive(incoming)

        (answer,) = gotong.process("test", incoming.event_id)

        assert "@x9" in answer.text.lower()

    def test_a_message_that_fails_is_answered_and_not_taken_up_again(
        self, chat: Chat, gotong: Gotong, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A bug answers with the apology, kept like any reply; the message is not retried."""

        def broken(*_: object) -> None:
            raise RuntimeError("bug")

        monkeypatch.setitem(HANDLERS, "mytasks", broken)
        incoming = message("budi", "/tugasku")
        gotong.receive(incoming)

        (apology,) = gotong.process("test", incoming.event_id)

        assert "maaf" in apology.text.lower() and apology.outbox_id is not None
        assert gotong.pending("test") == []


class TestRepliesAreKept:
    def test_replies_carry_their_outbox_rows_claimed_by_the_adapter(
        self, chat: Chat, gotong: Gotong, engine: Engine
    ) -> None:
        """The adapter sends at once; the sweep leaves the row alone while the claim is fresh."""
        incoming = message("budi", "/tugasku")
        gotong.receive(incoming)
        (reply,) = gotong.process("test", incoming.event_id)

        (row,) = [r for r in outbox(engine) if r.id == reply.outbox_id]
        assert (row.status, row.chat_id, row.text) == (OutboxStatus.SENDING, "budi", reply.text)

    def test_a_reply_never_reported_is_sent_by_the_sweep_after_the_lease(
        self, chat: Chat, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Handled just before a crash, its reply unsent: the sweep delivers it, once."""
        incoming = message("budi", "/tugasku")
        gotong.receive(incoming)
        (reply,) = gotong.process("test", incoming.event_id)
        delivery = OutboxDelivery(engine, clock)
        assert delivery.claim("test") == []

        clock.advance(LEASE + timedelta(seconds=1))
        (retry,) = delivery.claim("test")
        delivery.sent(retry.id, "42")

        assert retry.id == reply.outbox_id and retry.chat_id == "budi"
        assert delivery.claim("test") == []

    def test_a_reply_the_adapter_could_not_send_goes_to_the_sweep_at_once(
        self, chat: Chat, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """release(): no waiting for the lease; pieces already sent are not sent again."""
        incoming = message("budi", "/tugasku")
        gotong.receive(incoming)
        (reply,) = gotong.process("test", incoming.event_id)
        assert reply.outbox_id is not None
        delivery = OutboxDelivery(engine, clock)

        delivery.progress(reply.outbox_id, 2)
        delivery.release(reply.outbox_id, "reply not sent")
        (retry,) = delivery.claim("test")

        assert retry.pieces_sent == 2

    def test_a_private_answer_to_a_group_message_goes_to_the_sender(
        self, chat: Chat, gotong: Gotong, engine: Engine
    ) -> None:
        """/tugasku in a group is answered in the sender's own chat, kept so too."""
        incoming = message("budi", "/tugasku", chat_id="group-1", private=False)
        gotong.receive(incoming)
        (reply,) = gotong.process("test", incoming.event_id)

        (row,) = [r for r in outbox(engine) if r.id == reply.outbox_id]
        assert row.chat_id == "budi"


class TestOutboxKeys:
    def test_moving_a_task_back_to_a_moment_it_had_is_answered(self, chat: Chat) -> None:
        """The notice of the second move has the first's moment: both are kept and answered."""
        chat.send("ani", "/tugas Kirim data @budi besok 17:00 #pkh")
        first = chat.send("ani", "/ubah 1 senin 10:00")
        second = chat.send("ani", "/ubah 1 besok 17:00")
        back = chat.send("ani", "/ubah 1 senin 10:00")

        assert first.replies and second.replies and back.replies
        assert "Senin" in back.text
        assert len(chat.inbox("budi")) == 4  # assigned, then moved three times

    def test_meetings_moved_back_are_answered_too(self, chat: Chat) -> None:
        """The same for a meeting moved away and back."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi #pkh")
        chat.send("ani", "/ubah rapat 1 selasa 10:00")
        back = chat.send("ani", "/ubah rapat 1 senin 10:00")

        assert "Senin" in back.text
        assert len(chat.inbox("budi")) == 3


class TestRouting:
    def block(self, engine: Engine, handle: str, platform: str, clock: FakeClock) -> None:
        with unit_of_work(engine) as session:
            person = person_by_handle(session, handle)
            assert person is not None
            identity = session.exec(
                select(Identity).where(
                    Identity.person_id == person.id, Identity.platform == platform
                )
            ).one()
            identity.unreachable_at = clock.now()
            session.add(identity)

    def link(self, engine: Engine, handle: str, platform: str) -> None:
        with unit_of_work(engine) as session:
            person = person_by_handle(session, handle)
            assert person is not None and person.id is not None
            session.add(Identity(person_id=person.id, platform=platform, external_id=handle))

    def notices_to(self, engine: Engine, handle: str) -> list[tuple[str | None, str, str]]:
        with Session(engine) as session:
            person = person_by_handle(session, handle)
            assert person is not None
            rows = session.exec(
                select(OutboxMessage).where(
                    OutboxMessage.person_id == person.id, col(OutboxMessage.chat_id).is_(None)
                )
            )
            return [(r.platform, r.status, r.last_error) for r in rows]

    def test_a_blocked_platform_is_passed_over_for_another(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        """Budi blocked the bot on one platform: his notices go to the other."""
        self.link(engine, "budi", "slack")
        self.block(engine, "budi", "test", clock)

        chat.send("ani", "/tugas Kirim data @budi besok 17:00 #pkh")

        assert self.notices_to(engine, "budi") == [("slack", OutboxStatus.PENDING, "")]

    def test_blocked_everywhere_the_notice_is_kept_as_unreachable(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        """No platform left: the notice is recorded as failed, not sent where he refused it."""
        self.block(engine, "budi", "test", clock)

        chat.send("ani", "/tugas Kirim data @budi besok 17:00 #pkh")

        assert self.notices_to(engine, "budi") == [("test", OutboxStatus.FAILED, "unreachable")]


class StuckCore:
    """A core whose database lets it list pending events but never handle them."""

    def __init__(self) -> None:
        self.processed: list[str] = []

    def pending(self, platform: str, limit: int = 100) -> list[str]:
        return ["a", "b"]

    def process(self, platform: str, event_id: str, *, answering: bool = True) -> list:
        self.processed.append(event_id)
        return []


async def test_recovery_tries_each_stuck_event_once_and_goes_on() -> None:
    """Start-up is not held forever by events the database will not let it handle."""
    core = StuckCore()

    assert await recover(core, "test") == 2
    assert core.processed == ["a", "b"]
