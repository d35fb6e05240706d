"""Database faults: a person always gets an answer, and nothing acknowledged is lost.

The database refuses for real (read-only, a full disk, a dropped connection, locks between
writers); the message that met the fault is handled once when the database is back.
"""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy import Engine, func
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, col, select

from adapters.inbox import StuckMessages
from core.app import Gotong
from core.clock import FakeClock
from core.db import is_unavailable, make_engine
from core.language.i18n import Catalog
from core.messages import Incoming, Reply
from core.models import InboxEvent, OutboxMessage, Task
from tests.chat import Chat
from tests.db_faults import connection_dropped_at, disk_full, read_only

_events = itertools.count(1)
CATALOG = Catalog()
POSTGRES_ONLY = pytest.mark.parametrize(
    "engine", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


def message(who: str, text: str) -> Incoming:
    return Incoming(
        platform="test", external_user_id=who, chat_id=who, text=text, event_id=f"f{next(_events)}"
    )


def said(key: str, lang: str, clock: FakeClock) -> str:
    return CATALOG.render(key, lang=lang, tz="Asia/Jakarta", now=clock.now())


def texts(replies: list[Reply]) -> list[str]:
    return [reply.text for reply in replies]


def tasks(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Task.title).order_by(col(Task.id))))


def pending(engine: Engine) -> int:
    with Session(engine) as session:
        query = select(func.count()).select_from(InboxEvent)
        return session.exec(query.where(col(InboxEvent.handled_at).is_(None))).one()


def kept_replies(engine: Engine, to: str) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == to))
        return [row.text for row in rows]


async def retried(gotong: Gotong) -> int:
    """Two looks of the stuck-message retry: the second handles what the first saw waiting."""
    stuck = StuckMessages(gotong, "test")
    await stuck.retry()
    return await stuck.retry()


class TestWhatCountsAsUnavailable:
    def test_sqlite_refusing_to_write_is_unavailable(self, tmp_path: object) -> None:
        """A locked, full or read-only SQLite file says nothing about the message."""
        error = OperationalError("INSERT", {}, Exception("attempt to write a readonly database"))
        assert is_unavailable(error)

    def test_a_bug_is_not_unavailable(self) -> None:
        """A programming error is apologised for, not kept to fail again forever."""
        assert not is_unavailable(ValueError("bug"))
        assert not is_unavailable(KeyError("x"))


class TestReadOnly:
    async def test_a_stored_message_waits_and_is_handled_once_the_database_is_back(
        self, chat: Chat, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Read-only after storing: "kept for later" in the sender's language, then handled once."""
        incoming = message("sarah", "/task Check warehouse stock @budi tomorrow 10:00 #pkh")
        assert gotong.receive(incoming)  # stored, so the platform was told it arrived

        with read_only(engine):
            replies = gotong.process("test", incoming.event_id)
            assert texts(replies) == [said("error.kept_for_later", "en", clock)]
            assert await retried(gotong) == 1  # still read-only: it waits on
        assert tasks(engine) == [] and pending(engine) == 1

        assert await retried(gotong) == 1
        assert tasks(engine) == ["Check warehouse stock"] and pending(engine) == 0
        assert any("Check warehouse stock" in text for text in kept_replies(engine, "sarah"))
        assert any("Check warehouse stock" in text for text in chat.inbox("budi"))
        assert await retried(gotong) == 0

    def test_a_message_that_cannot_be_stored_is_refused_with_try_again_later(
        self, chat: Chat, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Not stored: receive raises (the platform keeps it); the person is told in Indonesian."""
        incoming = message("ani", "/tugas Cek gudang @budi besok 10:00 #pkh")
        with read_only(engine):
            with pytest.raises(DBAPIError) as refused:
                gotong.receive(incoming)
            assert is_unavailable(refused.value)
            assert texts(gotong.not_received(incoming)) == [said("error.try_later", "id", clock)]
            # The console's way (no platform keeps it): the same answer, never an apology.
            assert texts(gotong.handle(message("ani", "/tugasku"))) == [
                said("error.try_later", "id", clock)
            ]
        assert tasks(engine) == [] and pending(engine) == 0

        assert gotong.receive(incoming)  # the platform's redelivery, once the database is back
        gotong.process("test", incoming.event_id)
        assert tasks(engine) == ["Cek gudang"]


class TestPostgresFaults:
    @POSTGRES_ONLY
    async def test_a_full_disk_keeps_the_message_for_later(
        self, chat: Chat, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """A trigger raising disk_full on the task insert: kept, then handled once."""
        incoming = message("ani", "/tugas Cek gudang @budi besok 10:00 #pkh")
        assert gotong.receive(incoming)
        with disk_full(engine, "task"):
            replies = gotong.process("test", incoming.event_id)
        assert texts(replies) == [said("error.kept_for_later", "id", clock)]
        assert tasks(engine) == [] and pending(engine) == 1

        assert await retried(gotong) == 1
        assert tasks(engine) == ["Cek gudang"] and pending(engine) == 0

    @POSTGRES_ONLY
    async def test_a_connection_dropped_mid_transaction_rolls_back_and_is_handled_again(
        self, chat: Chat, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """pg_terminate_backend on the connection inserting the task: nothing half-written."""
        incoming = message("ani", "/tugas Cek gudang @budi besok 10:00 #pkh")
        assert gotong.receive(incoming)
        with connection_dropped_at(engine, "INSERT INTO task") as terminated:
            replies = gotong.process("test", incoming.event_id)
        assert len(terminated) == 1
        assert texts(replies) == [said("error.kept_for_later", "id", clock)]
        assert tasks(engine) == [] and pending(engine) == 1
        assert chat.inbox("budi") == []  # the notice rolled back with the task

        assert await retried(gotong) == 1
        assert tasks(engine) == ["Cek gudang"] and pending(engine) == 0
        assert len(chat.inbox("budi")) == 1


class TestConcurrentWriters:
    WRITERS = 6
    EACH = 25

    def test_writers_at_once_never_surface_database_is_locked(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        """Six writers (own engines, as separate processes have) each handle 25 messages at
        once; every person gets their real answer and every task is there once."""
        url = engine.url.render_as_string(hide_password=False)
        answers: list[str] = []
        failures: list[BaseException] = []
        start = threading.Barrier(self.WRITERS)

        def writer(number: int) -> None:
            own = make_engine(url)
            core = Gotong(own, clock)
            try:
                start.wait()
                for n in range(self.EACH):
                    who = ("ani", "sarah")[n % 2]
                    task = f"Cek gudang {number}-{n}"
                    incoming = message(who, f"/tugas {task} @budi besok 10:00 #pkh")
                    core.receive(incoming)
                    answers.extend(texts(core.process("test", incoming.event_id)))
            except BaseException as error:
                failures.append(error)
            finally:
                own.dispose()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(self.WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert failures == []
        refusals = {
            said(key, lang, clock)
            for key in ("error.internal", "error.kept_for_later", "error.try_later")
            for lang in ("id", "en")
        }
        assert len(answers) == self.WRITERS * self.EACH
        assert not refusals & set(answers)
        assert all("Cek gudang" in text for text in answers)
        assert len(set(tasks(engine))) == len(tasks(engine)) == self.WRITERS * self.EACH
