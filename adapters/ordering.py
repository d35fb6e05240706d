"""One chat's messages handled in the order they arrived, different chats side by side.

A person who sends "tugas ..." and then "selesai 1" expects the second to see the first, yet
a slow database must not hold up everyone else: so work is serialised per chat key only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class ChatOrder:
    """Runs work for one key after the earlier work for that key (asyncio locks are fair).

    A key's lock lives only while some work for it runs or waits, so a bot that has seen a
    million chats does not keep a million locks.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> T:
        """Start `work` once every earlier piece of work for `key` has finished."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                return await work()
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    @property
    def keys_in_use(self) -> int:
        """How many keys have work running or waiting (for tests and shutdown logs)."""
        return len(self._locks)
