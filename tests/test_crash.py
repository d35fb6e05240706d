"""A real `gotong run` killed with SIGKILL during a burst loses nothing and doubles nothing.

The fake Bot API server keeps every update until a getUpdates offset confirms it, as
Telegram does; on Slack (HTTP mode) the test sends events as Slack does, again until one
is answered 200. The process is killed twice while it works through a burst of task
messages and started again. In the end every message was handled exactly once (one task each),
every reply and every notification arrived at least once, and a notification came twice
only if it was on its way when the process died (the outbox sends to up to
`adapters.sweep.CONCURRENCY` chats at once, so at most that many per kill).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from adapters.sweep import CONCURRENCY
from core.clock import FakeClock
from core.db import unit_of_work
from core.models import InboxEvent, Task
from core.people import programs
from core.people.accounts import add_person, link_identity
from core.people.directory import join_program, person_by_handle
from tests.fakes.slack_inbound import post_to_app
from tests.fakes.slack_server import FakeSlack
from tests.fakes.telegram_server import FakeTelegram

ROOT = Path(__file__).parent.parent
MANAGERS = 40  # each sends three messages: within Telegram's burst for one chat
PER_MANAGER = 3
MESSAGES = MANAGERS * PER_MANAGER
MANAGER_IDS = [5000 + n for n in range(MANAGERS)]
FIELD_IDS = [7000 + n for n in range(MESSAGES)]
SECRET = "gotong-crash-test-signing-secret"

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _retry_after_as_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    # The process under test runs on the real clock, so the fake's flood control does too.
    async with FakeTelegram(clock=time.time) as fake:
        yield fake


def title(n: int) -> str:
    return f"Cek gudang nomor {n}"


TITLE = re.compile(r"Cek gudang nomor \d+\b")


def add_people(
    engine: Engine, clock: FakeClock, platform: str, managers: list[str], field: list[str]
) -> None:
    """Managers m0… and field workers f0… on `platform`, all in #pkh."""
    now = clock.now()
    with unit_of_work(engine) as s:
        accounts = [(f"m{n}", "manager", account) for n, account in enumerate(managers)]
        accounts += [(f"f{n}", "field", account) for n, account in enumerate(field)]
        for handle, role, account in accounts:
            person = add_person(
                s, now=now, actor=None, handle=handle, name=handle, role=role, language="id"
            )
            link_identity(s, person=person, platform=platform, external_id=account, chat_id=account)
        program = programs.add_program(
            s, now=now, actor=None, code="pkh", name="Program Keluarga Harapan", owner="m0"
        )
        for handle, _, _ in accounts:
            found = person_by_handle(s, handle)
            assert found is not None
            join_program(s, program, found)


async def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def telegram_env(tg: FakeTelegram) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": tg.token,
        "TELEGRAM_API_BASE_URL": tg.base_url,
        "TELEGRAM_FILE_BASE_URL": tg.base_file_url,
    }


class Gotong:
    """`gotong run` in its own process, as an operator runs it."""

    def __init__(self, database_url: str, log: Path, platform: dict[str, str]) -> None:
        self.env = {
            **os.environ,
            **platform,
            "PYTHONPATH": str(ROOT),
            "GOTONG_DATABASE_URL": database_url,
            "GOTONG_OUTBOX_SWEEP_SECONDS": "0.2",
            "GOTONG_OUTBOX_LEASE_SECONDS": "3",
            "GOTONG_LOG_LEVEL": "WARNING",
        }
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                "from bot.cli import app; app()",
                "run",
                cwd=ROOT,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), 20)


def titles_in(messages: Iterable[str]) -> Counter[str]:
    """How many messages named each task title."""
    seen: Counter[str] = Counter()
    for text in messages:
        seen.update(set(TITLE.findall(text)))
    return seen


def titles_sent(tg: FakeTelegram, chats: list[int]) -> Counter[str]:
    """How many times each task title reached these chats."""
    return titles_in(m.visible_text for chat in chats for m in tg.messages_to(chat))


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


async def test_sigkill_during_a_burst_loses_nothing(
    tg: FakeTelegram, engine: Engine, clock: FakeClock, tmp_path: Path
) -> None:
    """Two kills mid-burst: every message handled once; replies and notices all arrive."""
    add_people(
        engine, clock, "telegram", [str(i) for i in MANAGER_IDS], [str(i) for i in FIELD_IDS]
    )
    log = tmp_path / "gotong.log"
    gotong = Gotong(url_of(engine), log, telegram_env(tg))

    def push(numbers: range) -> None:
        for n in numbers:
            manager = MANAGER_IDS[n // PER_MANAGER]
            tg.push_message(manager, f"/tugas {title(n)} @f{n} besok 10:00 #pkh")

    def replies() -> Counter[str]:
        return titles_sent(tg, MANAGER_IDS)

    def notices() -> Counter[str]:
        return titles_sent(tg, FIELD_IDS)

    try:
        push(range(MESSAGES // 2))
        await gotong.start()
        await wait_for(lambda: len(replies()) >= 15, "the first replies")
        push(range(MESSAGES // 2, MESSAGES))
        await gotong.kill()

        await gotong.start()
        await wait_for(lambda: len(replies()) >= 70, "more replies after a restart")
        await gotong.kill()

        await gotong.start()
        await wait_for(
            lambda: len(replies()) == MESSAGES and len(notices()) == MESSAGES,
            "every reply and notification",
            timeout=90,
        )
        assert await gotong.stop() == 0
    except BaseException:
        print(log.read_text(errors="replace")[-5000:])
        raise
    finally:
        if gotong.process is not None and gotong.process.returncode is None:
            await gotong.kill()

    with Session(engine) as session:
        tasks = session.exec(select(Task.title)).all()
        unhandled = session.exec(
            select(func.count()).select_from(InboxEvent).where(col(InboxEvent.handled_at).is_(None))
        ).one()
    assert len(tasks) == MESSAGES and set(tasks) == {title(n) for n in range(MESSAGES)}
    assert unhandled == 0
    assert tg.pending_updates == []
    doubled = sum(count - 1 for count in notices().values())
    doubled_replies = sum(count - 1 for count in replies().values())
    print(
        f"crash test ({engine.dialect.name}): {MESSAGES} messages, 2 kills: "
        f"{MESSAGES - len(set(tasks))} lost, {len(tasks) - len(set(tasks))} handled twice, "
        f"replies {len(replies())}/{MESSAGES} ({doubled_replies} twice), "
        f"notices {len(notices())}/{MESSAGES} ({doubled} twice)"
    )
    assert doubled <= 2 * CONCURRENCY, notices().most_common(5)  # in flight at each kill
    assert "Traceback" not in log.read_text(errors="replace")


async def test_sigkill_during_a_slack_http_burst_loses_nothing(
    engine: Engine, clock: FakeClock, tmp_path: Path
) -> None:
    """Slack (HTTP mode) retries what was not acknowledged: after two kills, all handled once."""
    managers = [f"U0M{n:03d}" for n in range(MANAGERS)]
    field = [f"U0F{n:03d}" for n in range(MESSAGES)]
    add_people(engine, clock, "slack", managers, field)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "gotong.log"

    async with FakeSlack(clock=time.time) as slack:
        for user in managers + field:
            slack.add_user(user, user, user)
        gotong = Gotong(
            url_of(engine),
            log,
            {
                "SLACK_BOT_TOKEN": slack.bot_token,
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_BASE_URL": slack.api_url,
                "GOTONG_SLACK_HTTP_LISTEN": f"127.0.0.1:{port}",
            },
        )
        events = {
            n: json.dumps(
                slack.dm_event(
                    managers[n // PER_MANAGER],
                    f"/tugas {title(n)} @f{n} besok 10:00 #pkh",
                    event_id=f"Ev{n:04d}",
                )
            )
            for n in range(MESSAGES)
        }
        acknowledged: set[int] = set()
        tries: Counter[int] = Counter()

        async def deliver(n: int) -> None:
            """One POST as Slack makes it; Slack tries again later what got no 200."""
            retry = tries[n] or None
            tries[n] += 1
            try:
                status, _ = await post_to_app(
                    f"http://127.0.0.1:{port}/slack/events",
                    events[n],
                    "application/json",
                    SECRET,
                    retry_num=retry,
                    retry_reason="http_error",
                    timeout=3.0,
                )
            except (aiohttp.ClientError, TimeoutError):
                return
            if status == 200:
                acknowledged.add(n)

        async def slack_sends(until: int) -> None:
            while len(acknowledged) < until:
                before = len(acknowledged)
                waiting = [n for n in range(MESSAGES) if n not in acknowledged][:10]
                await asyncio.gather(*(deliver(n) for n in waiting))
                # Slack backs off when the app does not answer; so does this stand-in.
                await asyncio.sleep(0.02 if len(acknowledged) > before else 0.2)

        def texts(users: list[str]) -> list[str]:
            return [m.visible_text for u in users for m in slack.messages_to(slack.dm_channel(u))]

        try:
            await gotong.start()
            await slack_sends(40)
            await gotong.kill()
            await gotong.start()
            await slack_sends(90)
            await gotong.kill()
            await gotong.start()
            await slack_sends(MESSAGES)
            await wait_for(
                lambda: (
                    len(titles_in(texts(managers))) == MESSAGES
                    and len(titles_in(texts(field))) == MESSAGES
                ),
                "every reply and notification",
                timeout=90,
            )
            assert await gotong.stop() == 0
        except BaseException:
            print(log.read_text(errors="replace")[-5000:])
            raise
        finally:
            if gotong.process is not None and gotong.process.returncode is None:
                await gotong.kill()
        replies, notices = titles_in(texts(managers)), titles_in(texts(field))

    with Session(engine) as session:
        tasks = session.exec(select(Task.title)).all()
    print(
        f"slack crash test ({engine.dialect.name}): {MESSAGES} events, 2 kills, "
        f"{sum(tries.values())} POSTs: {MESSAGES - len(set(tasks))} lost, "
        f"{len(tasks) - len(set(tasks))} handled twice, "
        f"replies {len(replies)}/{MESSAGES} ({sum(replies.values()) - len(replies)} twice), "
        f"notices {len(notices)}/{MESSAGES} ({sum(notices.values()) - len(notices)} twice)"
    )
    assert len(tasks) == MESSAGES and set(tasks) == {title(n) for n in range(MESSAGES)}
    assert sum(notices.values()) - len(notices) <= 2
    assert "Traceback" not in log.read_text(errors="replace")
