"""Redelivery: every Telegram update and Slack request delivered twice, in a seeded random
order, across a restart of the app -> one of each domain row and one reply per message.

Telegram redelivers what got no 200 from the webhook, and Slack retries events it got no
200 for; a restart in the middle means the second copy meets a new process with nothing in
memory, only the database.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from adapters.slack import SlackAdapter
from adapters.telegram import TelegramAdapter
from core.app import Gotong
from core.clock import FakeClock
from core.db import make_engine
from core.models import Commitment, Expense, FieldUpdate, Meeting, OutboxMessage, Task
from tests import slack_harness, telegram_harness
from tests.fakes.slack_inbound import FORM, JSON, interaction_form, post_to_app
from tests.fakes.slack_server import FakeSlack
from tests.fakes.telegram_server import FakeTelegram
from tests.slack_harness import SECRET
from tests.telegram_harness import ANI, BUDI, SARAH, add_workspace, free_port, wait_until

_retry_after_as_timedelta = telegram_harness._retry_after_as_timedelta
tg = telegram_harness.tg
slack = slack_harness.slack
SEED = 16

SETUP = [  # sent once before the script: what its messages refer to
    ("ani", "/anggaran #pkh tambah transport 15.000.000"),
    ("ani", "/tugas Cek gudang @budi besok 10:00 #pkh"),
]
SCRIPT = [  # (who, kind, text): one of each kind of domain row, a read and a button
    ("ani", "text", "/tugas Kirim data penerima @budi besok 17:00 #pkh"),
    ("ani", "text", "/rapat Koordinasi mitra senin 10:00 @budi #pkh"),
    ("ani", "text", "/komitmen @dinsos 200 hygiene kit sebelum 10 Des #pkh"),
    ("ani", "text", "/belanja #pkh Rp 2.500.000 transport relawan"),
    ("budi", "text", "/lapor #pkh 45 paket sembako disalurkan di Desa Sukamaju"),
    ("budi", "photo", "12 KK terdata di RT 03"),
    ("budi", "button", "done 1"),
    ("sarah", "text", "/mytasks"),
]
EXPECTED = {Task: 2, Meeting: 1, Commitment: 1, Expense: 1, FieldUpdate: 2}


def twice_shuffled(items: list[Any]) -> list[Any]:
    """Each item twice, in a seeded random order."""
    order = items * 2
    random.Random(SEED).shuffle(order)
    return order


def rows(engine: Engine) -> dict[type[Any], int]:
    with Session(engine) as session:
        return {
            model: session.exec(select(func.count()).select_from(model)).one() for model in EXPECTED
        }


def replies_per_cause(engine: Engine, causes: list[str]) -> Counter[str]:
    """Replies kept for each message (a reply names the chat it answers in)."""
    with Session(engine) as session:
        found = session.exec(
            select(OutboxMessage.cause).where(
                col(OutboxMessage.chat_id).is_not(None), col(OutboxMessage.cause).in_(causes)
            )
        )
        return Counter(cause for cause in found if cause)


def task_one_done(engine: Engine) -> bool:
    with Session(engine) as session:
        task = session.get(Task, 1)
        return task is not None and task.status == "done"


async def across_a_restart(
    deliveries: list[Any],
    start: Callable[[Gotong], Awaitable[Any]],
    deliver: Callable[[Any, Any], Awaitable[None]],
    stop: Callable[[Any], Awaitable[None]],
    engine: Engine,
    clock: FakeClock,
) -> None:
    """The first half to one process, the rest to a new one on a new engine."""
    half = len(deliveries) // 2
    first = await start(Gotong(engine, clock))
    for item in deliveries[:half]:
        clock.advance(timedelta(seconds=2))  # people a moment apart, as the platforms allow
        await deliver(first, item)
    await stop(first)
    restarted_engine = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        second = await start(Gotong(restarted_engine, clock))
        for item in deliveries[half:]:
            clock.advance(timedelta(seconds=2))
            await deliver(second, item)
        await stop(second)
    finally:
        restarted_engine.dispose()


async def test_telegram_updates_twice_across_a_restart(
    tg: FakeTelegram, engine: Engine, clock: FakeClock
) -> None:
    """Messages, a photo and a button press, each POSTed twice by the webhook: once each."""
    add_workspace(engine, clock)
    users = {"ani": ANI, "budi": BUDI, "sarah": SARAH}
    setup_adapter = await telegram_harness.running(tg, Gotong(engine, clock), engine, clock)
    for who, text in SETUP:
        handled = setup_adapter.handled
        clock.advance(timedelta(seconds=2))
        tg.push_message(users[who], text)
        await wait_until(lambda h=handled: setup_adapter.handled > h)  # type: ignore[misc]
    await setup_adapter.stop()

    updates: list[dict[str, Any]] = []
    for who, kind, text in SCRIPT:
        if kind == "photo":
            updates.append(tg.push_photo(users[who], caption=text))
        elif kind == "button":
            updates.append(tg.push_callback(users[who], text, message_id=999, chat_id=users[who]))
        else:
            updates.append(tg.push_message(users[who], text))

    async def start(gotong: Gotong) -> TelegramAdapter:
        port = free_port()
        return await telegram_harness.running(
            tg,
            gotong,
            engine,
            clock,
            webhook_url=f"http://127.0.0.1:{port}/hook",
            webhook_listen=f"127.0.0.1:{port}",
        )

    async def deliver(_adapter: TelegramAdapter, update: dict[str, Any]) -> None:
        assert await tg.deliver_webhook(update) == 200

    async def stop(adapter: TelegramAdapter) -> None:
        await adapter.stop()
        assert list(adapter.errors) == []

    await across_a_restart(twice_shuffled(updates), start, deliver, stop, engine, clock)

    assert rows(engine) == EXPECTED
    assert task_one_done(engine)
    causes = [f"telegram:{u['update_id']}" for u in updates]
    assert replies_per_cause(engine, causes) == Counter(causes)
    assert tg.violations == [] and tg.pending_updates == []


async def test_slack_requests_twice_across_a_restart(
    slack: FakeSlack, engine: Engine, clock: FakeClock
) -> None:
    """DMs, a photo shared with its caption, a slash command and a button click, each POSTed
    twice: once each."""
    slack_harness.add_workspace(engine, clock)
    users = slack_harness.USERS

    async def start(gotong: Gotong) -> SlackAdapter:
        return await slack_harness.running(slack, gotong, engine, clock)

    async def post(adapter: SlackAdapter, request: tuple[str, str | bytes]) -> None:
        content_type, body = request
        url = adapter.http_url
        assert url is not None
        status, _ = await post_to_app(url, body, content_type, SECRET)
        await adapter.idle()
        assert status == 200

    async def stop(adapter: SlackAdapter) -> None:
        await adapter.stop()
        assert list(adapter.errors) == []

    setup = await start(Gotong(engine, clock))
    for who, text in SETUP:
        await post(setup, (JSON, json.dumps(slack.dm_event(users[who], text))))
    await setup.deliver_once()  # budi's notice of task 1, with its Done button
    await setup.stop()
    notice = slack.messages_to(slack.dm_channel(users["budi"]))[-1]

    requests: list[tuple[str, str | bytes]] = []
    for who, kind, text in SCRIPT:
        user = users[who]
        if kind == "button":
            action = notice.action_ids[notice.button_values.index(text)]
            click = slack.button_click(user, notice.channel, notice.ts, action, value=text)
            requests.append((FORM, interaction_form(click)))
        elif text.startswith("/lapor"):  # as the slash command: /gotong lapor ...
            requests.append((FORM, urlencode(slack.slash_command(user, text[1:]))))
        elif kind == "photo":  # a photo shared in the DM with its caption
            share = slack.dm_event(user, text)
            share["event"] |= {"subtype": "file_share", "files": [{"id": "F0PHOTO"}]}
            requests.append((JSON, json.dumps(share)))
        else:
            requests.append((JSON, json.dumps(slack.dm_event(user, text))))

    await across_a_restart(twice_shuffled(requests), start, post, stop, engine, clock)

    assert rows(engine) == EXPECTED
    assert task_one_done(engine)
    with Session(engine) as session:
        photos = session.exec(select(FieldUpdate.photo_file_id)).all()
        assert sorted(photos, key=str) == ["F0PHOTO", None]
        replied = session.exec(
            select(func.count(func.distinct(OutboxMessage.cause))).where(
                col(OutboxMessage.chat_id).is_not(None),
                col(OutboxMessage.cause).like("slack:%"),
            )
        ).one()
    assert replied == len(SETUP) + len(SCRIPT)
    assert slack.violations == []
