"""Sending no faster than a platform allows, and backing off after failures.

Shared by the platform adapters: the limits themselves (Telegram's 1 message a second per
private chat, 20 a minute per group and 30 a second for the whole bot, Slack's 1 a second
per channel) are each adapter's to set; how long to wait after a failure, how often a reply
waits out a rate limit and how the bot-wide rate is shared are the same everywhere.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from core.delivery.pacing import SendWindow

# An outbox message the network or the platform failed waits this long, doubling each try.
NETWORK_BACKOFF = timedelta(seconds=5)
MAX_BACKOFF = timedelta(minutes=10)
# Rate-limit refusals a reply to the sender waits out before the outbox takes it over; the
# outbox itself never waits inside a sweep (a refusal puts the message back).
REPLY_RATE_LIMIT_RETRIES = 2


class ChatPacer:
    """A token bucket per chat: `per_second` on average, with bursts of `burst`."""

    def __init__(
        self, clock: Callable[[], float], *, per_second: float = 1.0, burst: int = 3
    ) -> None:
        self._clock = clock
        self._rate = per_second
        self._burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, chat: str, count: int = 1) -> float:
        """Count `count` messages to `chat` and return 0, or the seconds to wait first."""
        now = self._clock()
        tokens, updated = self._buckets.get(chat, (self._burst, now))
        tokens = min(self._burst, tokens + (now - updated) * self._rate)
        needed = min(float(count), self._burst)
        if tokens + 1e-9 < needed:
            self._buckets[chat] = (tokens, now)
            return (needed - tokens) / self._rate
        if len(self._buckets) > 10_000:
            # Bounded memory; forgetting costs at most one burst per chat, which the
            # platform's own 429 (honoured by the adapters) still catches.
            self._buckets.clear()
        self._buckets[chat] = (tokens - count, now)
        return 0.0


def backoff(
    attempts: int,
    *,
    base: timedelta = NETWORK_BACKOFF,
    cap: timedelta = MAX_BACKOFF,
    jitter: float = 0.2,
) -> timedelta:
    """Exponential backoff after `attempts` failures, spread by ±`jitter` so retries scatter."""
    delay = min(base * 2 ** max(attempts - 1, 0), cap)
    return delay * random.uniform(1 - jitter, 1 + jitter)


# Our pacing keeps this much of each window spare, so a send that leaves some milliseconds
# late (a busy event loop, a busy machine) still arrives inside the platform's limit.
SAFETY = 0.05
REPLIES = "replies"
OUTBOX = "outbox"
# An outbox send whose bot-wide turn was taken before its chat's pacing was checked.
TURN_TAKEN = "outbox-turn-taken"


class ChatWindows:
    """A sliding window per chat (Telegram's 20 a minute per group): when the next send
    may go. Like the platform, it counts sends in any `period`, so bursts are allowed."""

    def __init__(self, clock: Callable[[], float], *, limit: int, period: float) -> None:
        self._clock = clock
        self._limit = limit
        self._period = period * (1 + SAFETY)
        self._windows: dict[str, SendWindow] = {}

    def take(self, chat: str, count: int = 1) -> float:
        """Count `count` sends to `chat` and return 0, or the seconds to wait first."""
        now = self._clock()
        window = self._windows.setdefault(chat, SendWindow(self._limit, self._period))
        if len(self._windows) > 10_000:
            self._windows = {chat: window}  # bounded memory, as ChatPacer
        needed = min(count, self._limit)
        probe = SendWindow(self._limit, self._period, list(window.recent))
        last = probe.take(now, needed)[-1]
        if last > now:
            return last - now
        window.take(now, count)
        return 0.0

    def reserve(self, chat: str) -> float:
        """Take the next moment for one send to `chat`: the seconds until it (for a reply,
        which waits for its turn instead of going back to the outbox)."""
        now = self._clock()
        window = self._windows.setdefault(chat, SendWindow(self._limit, self._period))
        return window.take(now)[0] - now
