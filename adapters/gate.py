"""The bot-wide pace: every send of one bot, replies and the outbox alike, waits its turn here.

Telegram counts a bot's sends in any one second (30): a sliding window. In one instance the
window counts a send when it really leaves (`started`), not when it was let through, since
a busy event loop can hold a send back for tens of milliseconds and the next second's sends
must not catch up with it. With several instances on PostgreSQL the window is the shared
`send_pacing` row (core.delivery.pacing.SharedPacing), taken a few moments at a time; the
spare margin (adapters.pacing.SAFETY) covers what a busy instance adds.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

from adapters.failures import error_kind
from adapters.pacing import REPLIES, SAFETY
from core.delivery.pacing import SendWindow
from core.eventlog import event

log = logging.getLogger("gotong.pacing")


class WindowStore(Protocol):
    """Where a bot-wide window shared by every instance lives (the database)."""

    def take(self, now: float, count: int = 1) -> list[float]: ...

    def pause(self, until: float) -> None: ...


class BotGate:
    """Lets one send go at a time, never more than `limit` in any `period` (plus SAFETY).

    Senders wait in lanes (replies, the outbox) that take turns, so under load each gets its
    share and notifications do not starve behind replies. A bot-wide refusal (429) holds
    every lane back for as long as the platform said. If the shared store fails, this
    instance paces with its own window and says so in the log.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        limit: int,
        period: float = 1.0,
        shared: WindowStore | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._limit = limit
        self._period = period * (1 + SAFETY)
        self._shared = shared
        self._fallback = SendWindow(limit, self._period)
        self._batch = max(1, limit // 10)  # shared moments taken at once: a tenth of a second
        self._ready: deque[float] = deque()  # shared moments taken, not yet used
        self._sent: list[float] = []  # when the last sends left, in order
        self._admitted: deque[float] = deque()  # let through, not yet left
        self._left = asyncio.Event()
        self._lanes: dict[str, deque[asyncio.Future[None]]] = {}
        self._turn = 0
        self._admitting: asyncio.Task[None] | None = None
        self._waited_for = 0.0
        self.paused_until = 0.0

    async def wait_turn(self, lane: str = REPLIES) -> None:
        """Wait until a send from `lane` may go; the caller then sends, or says `unused`."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._lanes.setdefault(lane, deque()).append(future)
        if self._admitting is None or self._admitting.done():
            self._admitting = asyncio.create_task(self._admit())
        await future

    def started(self) -> None:
        """A send let through leaves now."""
        if self._admitted:
            self._admitted.popleft()
            bisect.insort(self._sent, self._now())
            del self._sent[: -self._limit]
            self._left.set()

    def unused(self) -> None:
        """A turn let through was not used (the chat had to wait after all)."""
        if self._admitted:
            self._admitted.popleft()
            self._left.set()

    async def sleep(self, seconds: float) -> None:
        """Wait as this gate waits (the injected sleep: tests move their clock instead)."""
        await self._sleep(seconds)

    def pause(self, seconds: float) -> None:
        """The platform refused a send for the whole bot: nobody sends for `seconds`."""
        until = self._clock() + seconds
        self.paused_until = max(self.paused_until, until)
        self._fallback.pause(until)
        self._ready.clear()  # moments taken before the refusal are no longer ours to use
        if self._shared is not None:
            try:
                self._shared.pause(until)
            except Exception as error:
                event(log, "pacing.shared_failed", level=logging.WARNING, error=error_kind(error))

    def _now(self) -> float:
        # The later of the clock and the moment already waited for: a clock that stands
        # still (tests) still waits each stretch once, not again and again.
        return max(self._clock(), self._waited_for)

    async def _wait_until(self, moment: float) -> None:
        wait = moment - self._now()
        if wait > 0:
            await self._sleep(wait)
            self._waited_for = moment

    async def _admit(self) -> None:
        """Let senders through, one lane after another, while anyone waits; a failure here
        is a bug, handed to every waiting sender rather than leaving them waiting forever."""
        try:
            while self._waiting():
                if not await self._next_turn_ready():
                    continue
                future = self._next_waiter()
                if future is not None:
                    future.set_result(None)
                    self._admitted.append(self._now())
        except Exception as error:
            for lane in self._lanes.values():
                while lane:
                    future = lane.popleft()
                    if not future.done():
                        future.set_exception(error)

    async def _next_turn_ready(self) -> bool:
        """Wait for the next moment a send may go; False if the window must be read again."""
        if self._shared is not None:
            moment = await self._shared_moment()
            await self._wait_until(max(moment, self.paused_until))
            return True
        now = self._now()
        # Let through long ago and never reported: count them as gone when let through.
        while self._admitted and self._admitted[0] <= now - self._period:
            bisect.insort(self._sent, self._admitted.popleft())
        recent = [t for t in self._sent if t > now - self._period]
        used = len(recent) + len(self._admitted)
        if used < self._limit:
            if self.paused_until > now:
                await self._wait_until(self.paused_until)
                return False
            return True
        if len(self._admitted) >= self._limit or not recent:  # a whole window on its way
            self._left.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._left.wait(), timeout=self._period)
            return False
        await self._wait_until(max(recent[used - self._limit] + self._period, self.paused_until))
        return False

    async def _shared_moment(self) -> float:
        if not self._ready:
            count = min(self._batch, self._waiting())
            assert self._shared is not None
            try:
                moments = await asyncio.to_thread(self._shared.take, self._clock(), count)
            except Exception as error:
                event(log, "pacing.shared_failed", level=logging.WARNING, error=error_kind(error))
                return self._fallback.take(self._clock())[0]
            self._ready.extend(moments)
        return self._ready.popleft()

    def _waiting(self) -> int:
        for lane in self._lanes.values():
            while lane and lane[0].done():  # a sender that gave up (cancelled)
                lane.popleft()
        return sum(len(lane) for lane in self._lanes.values())

    def _next_waiter(self) -> asyncio.Future[None] | None:
        names = sorted(self._lanes)
        for step in range(len(names)):
            lane = self._lanes[names[(self._turn + step) % len(names)]]
            while lane:
                future = lane.popleft()
                if not future.done():
                    self._turn = (self._turn + step + 1) % len(names)
                    return future
        return None
