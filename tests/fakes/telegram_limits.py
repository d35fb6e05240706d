"""Telegram's limits and flood control for the fake Bot API server.

Flood control is modelled on what Telegram documents ("Bots FAQ: My bot is
hitting limits"), with the time taken from an injectable clock so tests move
time instead of sleeping:

* per chat: a token bucket refilled at ``per_chat_per_second`` holding at most
  ``per_chat_burst`` tokens. Telegram says "avoid more than one message per
  second in a chat; short bursts are allowed"; it does not say how long a
  burst may be, so the default burst of 3 is this fake's choice.
* per group, supergroup or channel: at most ``group_per_minute`` sends in any
  sliding 60-second window.
* overall: at most ``global_per_second`` sends in any sliding 1-second window.

Going over a limit answers 429 with ``retry_after`` (whole seconds, at least 1),
records a ``Violation`` and opens a retry window; a send to that chat before
the window has elapsed is answered 429 again and recorded in
``sends_inside_retry_window``. Rejected sends use no quota.
"""

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

GLOBAL = "*"  # retry-window key for the overall limit: it blocks every chat

ChatId = int | str


@dataclass(frozen=True)
class TelegramLimits:
    """Every limit the fake enforces; the defaults are Telegram's."""

    message_length: int = 4096  # UTF-16 code units of visible text (after HTML parsing)
    caption_length: int = 1024
    callback_data_bytes: int = 64
    callback_answer_length: int = 200
    commands_per_scope: int = 100
    command_length: int = 32
    command_description_length: int = 256
    photo_bytes: int = 10 * 1024 * 1024
    document_bytes: int = 50 * 1024 * 1024
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    group_per_minute: int = 20
    # The span a group's sends are counted over (a minute; benchmarks shrink it).
    group_window_seconds: float = 60.0
    global_per_second: int = 30
    rate_limited_methods: frozenset[str] = field(
        default_factory=lambda: frozenset({"sendMessage", "sendPhoto", "sendDocument"})
    )


@dataclass(frozen=True)
class Violation:
    """A send that went over a flood limit ("per_chat", "group_per_minute", "global")."""

    limit: str
    chat_id: ChatId
    at: float
    retry_after: int


# A request that reaches the server this soon after a 429 was answered for its chat left the
# client before the answer arrived (two sends side by side): refused, but not a violation.
IN_FLIGHT = 0.05


@dataclass(frozen=True)
class RetryWindowSend:
    """A send made before a retry_after given for that chat (or globally) had elapsed."""

    chat_id: ChatId
    at: float
    window_ends_at: float


@dataclass
class _Bucket:
    tokens: float
    updated_at: float


class FloodControl:
    """Decides whether a send is admitted now, and remembers every refusal."""

    def __init__(self, limits: TelegramLimits, clock: Callable[[], float]) -> None:
        self._limits = limits
        self._clock = clock
        self._buckets: dict[ChatId, _Bucket] = {}
        self._group_sends: dict[ChatId, deque[float]] = {}
        self._all_sends: deque[float] = deque()
        self._windows: dict[ChatId, float] = {}
        self._opened: dict[ChatId, float] = {}  # when a fault's window was given
        self.violations: list[Violation] = []
        self.sends_inside_retry_window: list[RetryWindowSend] = []

    def admit(self, chat_id: ChatId, *, is_group: bool) -> int | None:
        """Count one send to chat_id and return None, or return retry_after if it is refused."""
        now = self._clock()
        window_end = max(
            self._windows.get(chat_id, -math.inf), self._windows.get(GLOBAL, -math.inf)
        )
        if now < window_end:
            opened = max(self._opened.get(chat_id, -math.inf), self._opened.get(GLOBAL, -math.inf))
            if now - opened >= IN_FLIGHT:  # sent after the client could know: a violation
                self.sends_inside_retry_window.append(RetryWindowSend(chat_id, now, window_end))
            return _whole_seconds(window_end - now)
        refusal = self._refusal(chat_id, is_group=is_group, now=now)
        if refusal is not None:
            limit, key, retry_after = refusal
            self.violations.append(Violation(limit, chat_id, now, retry_after))
            self._windows[key] = now + retry_after
            return retry_after
        self._all_sends.append(now)
        if is_group:
            self._group_sends.setdefault(chat_id, deque()).append(now)
        self._buckets[chat_id].tokens -= 1
        return None

    def open_window(self, chat_id: ChatId, retry_after: int) -> None:
        """Remember a retry_after the server gave for chat_id for another reason (a fault)."""
        self._opened[chat_id] = self._clock()
        self._windows[chat_id] = self._clock() + retry_after

    def _refusal(
        self, chat_id: ChatId, *, is_group: bool, now: float
    ) -> tuple[str, ChatId, int] | None:
        limits = self._limits
        _forget_before(self._all_sends, now - 1.0)
        if len(self._all_sends) >= limits.global_per_second:
            return "global", GLOBAL, _whole_seconds(self._all_sends[0] + 1.0 - now)
        if is_group:
            sends = self._group_sends.setdefault(chat_id, deque())
            window = limits.group_window_seconds
            _forget_before(sends, now - window)
            if len(sends) >= limits.group_per_minute:
                return "group_per_minute", chat_id, _whole_seconds(sends[0] + window - now)
        bucket = self._buckets.setdefault(chat_id, _Bucket(limits.per_chat_burst, now))
        refill = (now - bucket.updated_at) * limits.per_chat_per_second
        bucket.tokens = min(float(limits.per_chat_burst), bucket.tokens + refill)
        bucket.updated_at = now
        if bucket.tokens < 1.0 - 1e-9:
            wait = (1.0 - bucket.tokens) / limits.per_chat_per_second
            return "per_chat", chat_id, _whole_seconds(wait)
        return None


def _forget_before(times: deque[float], cutoff: float) -> None:
    while times and times[0] <= cutoff:
        times.popleft()


def _whole_seconds(seconds: float) -> int:
    # Telegram's retry_after is a whole number of seconds; PTB ignores a retry_after of 0.
    return max(1, math.ceil(seconds - 1e-9))


class ManualClock:
    """A monotonic clock (seconds) that only moves when a test advances it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds
