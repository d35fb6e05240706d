"""A database that refuses writes, seen from Telegram and Slack: people are told to try
again later (once, in their language), nothing is confirmed to the platform, and what the
platform brings again is handled once when the database is back.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from core.app import Gotong
from core.clock import FakeClock
from core.language.i18n import Catalog
from core.models import Task
from tests import slack_harness, telegram_harness
from tests.db_faults import read_only
from tests.fakes.slack_inbound import post_to_app
from tests.fakes.slack_server import JSON
from tests.fakes.telegram_server import FakeTelegram
from tests.slack_harness import SECRET, Desk
from tests.telegram_harness import ANI, BUDI, KEVIN, add_workspace, running, wait_until

_retry_after_as_timedelta = telegram_harness._retry_after_as_timedelta
tg = telegram_harness.tg
slack = slack_harness.slack
desk = slack_harness.desk
CATALOG = Catalog()


def try_later(lang: str, clock: FakeClock) -> str:
    return CATALOG.render("error.try_later", lang=lang, tz="Asia/Jakarta", now=clock.now())


def titles(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return [(t.title, t.status) for t in session.exec(select(Task).order_by(col(Task.id)))]


async def test_telegram_updates_not_stored_are_refused_once_and_handled_when_back(
    tg: FakeTelegram,
    gotong: Gotong,
    engine: Engine,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Read-only while polling: each sender hears "try again later" once, however often the
    batch is fetched again; no update is confirmed; all are handled once the database is back."""
    add_workspace(engine, clock)
    adapter = await running(tg, gotong, engine, clock, poll_retry_delay=0.01)
    try:
        await wait_until(lambda: adapter.handled == 0 and tg.pending_updates == [])
        tg.push_message(ANI, "/tugas Cek gudang @budi besok 10:00 #pkh")
        await wait_until(lambda: adapter.handled == 1)
        await adapter.deliver_once()
        (notice,) = tg.messages_to(BUDI)
        (done,) = [data for data in notice.callback_data if data.startswith("done")]

        with read_only(engine):
            tg.push_callback(BUDI, done, notice.message_id, chat_id=BUDI)
            tg.push_message(KEVIN, "/mytasks")

            def failed_polls() -> int:
                return sum("telegram.poll_failed" in r.getMessage() for r in caplog.records)

            await wait_until(lambda: failed_polls() >= 4)
            assert [m.visible_text for m in tg.messages_to(KEVIN)] == [try_later("en", clock)]
            assert [m.visible_text for m in tg.messages_to(BUDI)[1:]] == [try_later("id", clock)]
            assert len(tg.pending_updates) == 2  # nothing confirmed: Telegram keeps them
            assert notice.callback_data  # the pressed message keeps its buttons

        await wait_until(lambda: adapter.handled == 3 and tg.pending_updates == [])
    finally:
        await adapter.stop()
    assert titles(engine) == [("Cek gudang", "done")]
    budi = [m.visible_text for m in tg.messages_to(BUDI)]
    assert budi.count(try_later("id", clock)) == 1
    kevin = [m.visible_text for m in tg.messages_to(KEVIN)]
    assert len(kevin) == 2 and kevin[1] != try_later("en", clock)  # the real answer came
    assert list(adapter.errors) == []


async def test_slack_events_not_stored_are_refused_once_and_handled_on_retry(
    desk: Desk, engine: Engine, clock: FakeClock
) -> None:
    """Read-only: the event is not acknowledged (Slack retries) and the sender is told once;
    Slack's retry after the database is back is handled once."""
    url = desk.adapter.http_url
    assert url is not None
    event = json.dumps(
        desk.slack.dm_event(desk.user("ani"), "/tugas Cek gudang @budi besok 10:00 #pkh")
    )
    with read_only(engine):
        first, _ = await post_to_app(url, event, JSON, SECRET)
        await desk.adapter.idle()
        retry, _ = await post_to_app(url, event, JSON, SECRET, retry_num=1)
        await desk.adapter.idle()
    assert first != 200 and retry != 200
    assert desk.texts("ani") == [try_later("id", clock)]

    status, _ = await post_to_app(url, event, JSON, SECRET, retry_num=2)
    await desk.adapter.idle()
    assert status == 200
    assert titles(engine) == [("Cek gudang", "open")]
    assert len(desk.texts("ani")) == 2 and "Cek gudang" in desk.texts("ani")[1]
    # The refusals were real failures for the operator's log; nothing else went wrong.
    assert {type(e).__name__ for e in desk.adapter.errors} <= {"InternalError", "OperationalError"}
    desk.adapter.errors.clear()
