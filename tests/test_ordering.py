"""Ordered execution per chat: one chat's work in arrival order, different chats side by side."""

from __future__ import annotations

import asyncio

import pytest

from adapters.ordering import ChatOrder


class TestChatOrder:
    async def test_one_chats_work_runs_in_arrival_order(self) -> None:
        """A slow first piece of work for a chat finishes before its second one starts."""
        order = ChatOrder()
        log: list[str] = []
        first_may_finish = asyncio.Event()

        async def work(name: str, gate: asyncio.Event | None = None) -> str:
            log.append(f"start {name}")
            if gate is not None:
                await gate.wait()
            log.append(f"end {name}")
            return name

        first = asyncio.create_task(order.run("budi", lambda: work("1", first_may_finish)))
        second = asyncio.create_task(order.run("budi", lambda: work("2")))
        await asyncio.sleep(0.01)
        assert log == ["start 1"]

        first_may_finish.set()

        assert await asyncio.gather(first, second) == ["1", "2"]
        assert log == ["start 1", "end 1", "start 2", "end 2"]

    async def test_different_chats_do_not_wait_for_each_other(self) -> None:
        """Work for another chat runs while the first chat's work still waits."""
        order = ChatOrder()
        release = asyncio.Event()
        log: list[str] = []

        async def slow() -> None:
            await release.wait()
            log.append("budi")

        async def quick() -> None:
            log.append("ani")

        slow_task = asyncio.create_task(order.run("budi", slow))
        await asyncio.wait_for(order.run("ani", quick), timeout=1)
        assert log == ["ani"]

        release.set()
        await slow_task
        assert log == ["ani", "budi"]

    async def test_locks_are_dropped_once_a_chat_is_quiet(self) -> None:
        """No lock outlives the work for its key, whether the work succeeded or failed."""
        order = ChatOrder()

        async def fine() -> None:
            await asyncio.sleep(0)

        async def broken() -> None:
            raise RuntimeError("bug")

        await asyncio.gather(*(order.run(str(chat), fine) for chat in range(50)))
        with pytest.raises(RuntimeError):
            await order.run("budi", broken)

        assert order.keys_in_use == 0

    async def test_a_later_piece_still_runs_after_an_earlier_one_failed(self) -> None:
        """One failure does not stall the chat: the next message is handled."""
        order = ChatOrder()

        async def broken() -> None:
            raise RuntimeError("bug")

        async def fine() -> str:
            return "ok"

        failed = asyncio.create_task(order.run("budi", broken))
        later = asyncio.create_task(order.run("budi", fine))

        assert await later == "ok"
        with pytest.raises(RuntimeError):
            await failed
