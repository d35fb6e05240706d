"""Slack's limits and message pacing for the fake Slack platform.

Every limit is a field of ``SlackLimits`` whose default is the value Slack
documents (Block Kit reference, chat.postMessage, views.open, response URLs).

Pacing of chat.postMessage follows what Slack documents under "Rate limits":
"chat.postMessage ... will generally allow an app to post 1 message per second
to a specific channel, with short bursts over 1 allowed". The fake models that
as a token bucket per channel refilled at ``per_channel_per_second`` and holding
at most ``per_channel_burst`` tokens; Slack does not say how long a burst may
be, so the default burst of 3 is this fake's choice. Slack's workspace-wide
limit ("several hundred messages per minute") is not modelled.

Going over the limit answers HTTP 429 with a ``Retry-After`` header (whole
seconds, at least 1) and ``{"ok": false, "error": "ratelimited"}``, records a
``Violation`` and opens a retry window for that channel; a send to that channel
before the window has elapsed is answered 429 again and recorded in
``sends_inside_retry_window``. Refused sends use no quota. Time comes from an
injectable clock (float seconds) so tests move time instead of sleeping.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SlackLimits:
    """Every limit the fake enforces; the defaults are Slack's."""

    message_text: int = 40_000  # Slack truncates beyond this; the fake answers msg_too_long
    blocks_per_message: int = 50
    blocks_per_view: int = 100
    block_id: int = 255
    action_id: int = 255
    section_text: int = 3000
    section_fields: int = 10
    section_field_text: int = 2000
    header_text: int = 150
    button_text: int = 75
    button_value: int = 2000
    button_url: int = 3000
    actions_elements: int = 25
    context_elements: int = 10
    input_label: int = 2000
    input_hint: int = 2000
    placeholder_text: int = 150
    option_text: int = 75
    option_value: int = 150
    options_per_element: int = 100
    view_title: int = 24
    view_button_text: int = 24  # submit and close
    view_callback_id: int = 255
    view_private_metadata: int = 3000
    trigger_ttl_seconds: float = 3.0  # a trigger_id is good once, within 3 seconds
    response_url_uses: int = 5  # "up to 5 times within 30 minutes"
    response_url_ttl_seconds: float = 30 * 60
    socket_ack_seconds: float = 3.0  # Socket Mode envelopes should be acked within 3 seconds
    per_channel_per_second: float = 1.0
    per_channel_burst: int = 3
    file_bytes: int = 1024**3  # an upload of at most 1 GB; the upload URL answers 413 beyond
    paced_methods: frozenset[str] = field(default_factory=lambda: frozenset({"chat.postMessage"}))


@dataclass(frozen=True)
class Violation:
    """A send refused for going over the per-channel pace."""

    method: str
    channel: str
    at: float
    retry_after: int


@dataclass(frozen=True)
class RetryWindowSend:
    """A send made to a channel before a Retry-After given for it had elapsed."""

    method: str
    channel: str
    at: float
    window_ends_at: float


@dataclass
class _Bucket:
    tokens: float
    updated_at: float


class ChannelPacing:
    """Decides whether a send to a channel is admitted now, and remembers every refusal."""

    def __init__(self, limits: SlackLimits, clock: Callable[[], float]) -> None:
        self._limits = limits
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._windows: dict[str, float] = {}
        self.violations: list[Violation] = []
        self.sends_inside_retry_window: list[RetryWindowSend] = []

    def admit(self, method: str, channel: str) -> int | None:
        """Count one send to channel and return None, or return Retry-After if it is refused."""
        now = self._clock()
        window_end = self._windows.get(channel, -math.inf)
        if now < window_end:
            self.sends_inside_retry_window.append(RetryWindowSend(method, channel, now, window_end))
            return whole_seconds(window_end - now)
        limits = self._limits
        bucket = self._buckets.setdefault(channel, _Bucket(float(limits.per_channel_burst), now))
        refill = (now - bucket.updated_at) * limits.per_channel_per_second
        bucket.tokens = min(float(limits.per_channel_burst), bucket.tokens + refill)
        bucket.updated_at = now
        if bucket.tokens < 1.0 - 1e-9:
            retry_after = whole_seconds((1.0 - bucket.tokens) / limits.per_channel_per_second)
            self.violations.append(Violation(method, channel, now, retry_after))
            self._windows[channel] = now + retry_after
            return retry_after
        bucket.tokens -= 1.0
        return None

    def open_window(self, channel: str, retry_after: int) -> None:
        """Remember a Retry-After the server gave for channel for another reason (a fault)."""
        self._windows[channel] = self._clock() + retry_after


def whole_seconds(seconds: float) -> int:
    """Slack's Retry-After: a whole number of seconds, at least 1."""
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
