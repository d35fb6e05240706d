"""The path of one Telegram message through Gotong, hop by hop (file:function).

`pytest -s tests/test_path.py` prints it: from getUpdates to the core, @budi's outbox row,
the reply back and the sweep that delivers @budi's notice. The assertions hold the shape:
each update is translated once, and python-telegram-bot is the client, not a dispatcher.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from tests import telegram_harness as harness
from tests.telegram_harness import BUDI, Chats

_retry_after_as_timedelta = harness._retry_after_as_timedelta
tg = harness.tg
chats = harness.chats

ROOT = Path(__file__).parent.parent
# Gotong's plumbing between the platform and the domain (commands and services aside).
PLUMBING = ("adapters/", "core/app.py", "core/inbox.py", "core/context.py", "core/delivery/")
HELPERS = ("render.py", "followups.py", "worktime.py", "reach.py", "pacing.py")
# Small helpers on the way (a property, a lookup, a log line) are not hops.
NOT_HOPS = (
    "_get",
    "payload_of",
    "_stored",
    "_claimable",
    "buttons_of",
    "_chat",
    "bot",
    "text",
    "buttons",
)


class Path_:
    """The functions a message passes through, in first-call order, and how often each ran."""

    def __init__(self) -> None:
        self.hops: list[str] = []
        self.calls: dict[str, int] = {}
        self.ptb_dispatch = 0
        self._coroutines: set[FrameType] = set()  # kept alive, so never mistaken for new

    def profile(self, frame: FrameType, event: str, arg: Any) -> None:
        if event != "call":
            return
        if frame.f_code.co_flags & inspect.CO_COROUTINE:
            if frame in self._coroutines:
                return  # a coroutine resuming is not a new call
            self._coroutines.add(frame)
        filename = frame.f_code.co_filename
        if "/telegram/ext/_application.py" in filename:
            self.ptb_dispatch += 1
            return
        if not filename.startswith(str(ROOT) + "/") or "/.venv/" in filename:
            return
        relative = filename[len(str(ROOT)) + 1 :]
        name = frame.f_code.co_qualname
        if not relative.startswith(PLUMBING) or relative.endswith(HELPERS) or "<" in name:
            return
        if name.rpartition(".")[2] in NOT_HOPS or "_log" in name:
            return
        hop = f"{relative}:{name}"
        if hop not in self.calls:
            self.hops.append(hop)
        self.calls[hop] = self.calls.get(hop, 0) + 1


async def test_one_message_to_budi_and_back_out(
    chats: Chats, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/tugas from Ani: stored, handled in order, @budi's row queued, the reply sent, the
    notice swept out; translated once, with no python-telegram-bot dispatch in between."""
    path = Path_()
    to_thread = asyncio.to_thread

    async def traced(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        def run() -> Any:
            sys.setprofile(path.profile)
            try:
                return func(*args, **kwargs)
            finally:
                sys.setprofile(None)

        return await to_thread(run)

    monkeypatch.setattr(asyncio, "to_thread", traced)
    sys.setprofile(path.profile)
    try:
        await chats.say("ani", "/tugas Cek gudang @budi besok 10:00 #pkh")
        notices = await chats.deliver()
    finally:
        sys.setprofile(None)

    print("\n" + "\n".join(f"{n:2}. {hop}" for n, hop in enumerate(path.hops, 1)))
    assert [int(m.chat_id) for m in notices] == [BUDI]
    assert path.calls["adapters/telegram/translate.py:incoming_from_update"] == 1
    assert path.ptb_dispatch == 0
    assert path.hops.index("core/delivery/queue.py:queue") < path.hops.index(
        "adapters/telegram/replies.py:TelegramReplies.answer"
    )
    assert path.hops[-1] == "adapters/sweep.py:PlatformOutbox.sent"
