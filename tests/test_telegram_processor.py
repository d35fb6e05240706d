"""Updates from different chats run side by side; one chat's updates keep their order."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update

from adapters.telegram.app import ChatOrderedProcessor
from tests.fakes.telegram_server import FakeTelegram


def updates(*chats: int) -> list[Update]:
    tg = FakeTelegram()  # never started: only its update builders are used
    return [Update.de_json(tg.push_message(chat, "halo"), None) for chat in chats]


class TestChatOrderedProcessor:
    async def test_one_chat_is_handled_in_arrival_order(self) -> None:
        """A slow first message from a chat still finishes before its second one starts."""
        processor = ChatOrderedProcessor(8)
        log: list[str] = []
        first_may_finish = asyncio.Event()

        async def handle(name: str, gate: asyncio.Event | None = None) -> None:
            log.append(f"start {name}")
            if gate is not None:
                await gate.wait()
            log.append(f"end {name}")

        one, two = updates(7, 7)
        tasks = [
            asyncio.create_task(processor.process_update(one, handle("one", first_may_finish))),
            asyncio.create_task(processor.process_update(two, handle("two"))),
        ]
        await asyncio.sleep(0.01)
        assert log == ["start one"]
        first_may_finish.set()
        await asyncio.gather(*tasks)

        assert log == ["start one", "end one", "start two", "end two"]

    async def test_other_chats_do_not_wait(self) -> None:
        """A slow chat does not hold up another chat's message."""
        processor = ChatOrderedProcessor(8)
        slow_may_finish = asyncio.Event()
        done: list[str] = []

        async def handle(name: str, gate: asyncio.Event | None = None) -> Any:
            if gate is not None:
                await gate.wait()
            done.append(name)

        slow, fast = updates(7, 8)
        slow_task = asyncio.create_task(
            processor.process_update(slow, handle("slow", slow_may_finish))
        )
        await asyncio.wait_for(processor.process_update(fast, handle("fast")), timeout=1)
        slow_may_finish.set()
        await slow_task

        assert done == ["fast", "slow"]
