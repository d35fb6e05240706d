"""What the fake Slack platform records, and the faults tests can make it inject."""

import random
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class ApiCall:
    """Every Web API request that reached a method, with the HTTP status and error (0: dropped)."""

    method: str
    params: dict[str, Any]
    status: int
    error: str | None
    at: float


@dataclass(frozen=True)
class PostedMessage:
    """One accepted chat.postMessage, or chat.postEphemeral (then `ephemeral_user` is set)."""

    method: str
    channel: str
    ts: str
    text: str | None
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None
    ephemeral_user: str | None
    at: float
    params: dict[str, Any]

    @property
    def action_ids(self) -> list[str]:
        """The action_id of every interactive element, in order."""
        return [e["action_id"] for e in elements(self.blocks) if "action_id" in e]

    @property
    def button_values(self) -> list[str]:
        """The value of every button, in order."""
        return [
            e["value"] for e in elements(self.blocks) if e.get("type") == "button" and "value" in e
        ]

    @property
    def visible_text(self) -> str:
        """The text of every section, header and context block, or the message text without blocks."""
        return visible_text(self.text, self.blocks)


@dataclass(frozen=True)
class MessageUpdate:
    """One accepted chat.update: the message as it reads afterwards."""

    channel: str
    ts: str
    text: str | None
    blocks: list[dict[str, Any]] | None
    at: float
    params: dict[str, Any]

    @property
    def visible_text(self) -> str:
        """The text of every section, header and context block, or the message text without blocks."""
        return visible_text(self.text, self.blocks)


@dataclass(frozen=True)
class OpenedView:
    """One accepted views.open."""

    view_id: str
    trigger_id: str
    view: dict[str, Any]
    at: float

    @property
    def callback_id(self) -> str | None:
        """The view's callback_id, if it has one."""
        return self.view.get("callback_id")


@dataclass(frozen=True)
class ResponsePost:
    """One accepted POST to a response URL (what bolt's respond() sends)."""

    response_id: str
    text: str | None
    blocks: list[dict[str, Any]] | None
    response_type: str | None
    replace_original: bool | None
    delete_original: bool | None
    thread_ts: str | None
    at: float
    body: dict[str, Any]

    @property
    def visible_text(self) -> str:
        """The text of every section, header and context block, or the text without blocks."""
        return visible_text(self.text, self.blocks)


@dataclass(frozen=True)
class SocketAck:
    """A Socket Mode acknowledgement the app sent, and how long after the envelope it came."""

    envelope_id: str
    payload: dict[str, Any] | None
    at: float
    latency: float


FaultKind = Literal["error", "disconnect", "delay", "garbage"]
_ERRORS = {429: "ratelimited", 500: "internal_error", 503: "service_unavailable"}


@dataclass
class FaultRule:
    """A rule that makes some calls of a Web API method ("*": any) fail, drop or wait."""

    method: str
    kind: FaultKind
    status: int = 500
    error: str | None = None
    retry_after: int | None = None
    seconds: float = 0.0
    body: str = ""
    content_type: str = "application/json"
    after_processing: bool = False
    times: int | None = 1
    fraction: float | None = None
    seed: int = 0
    hits: int = 0
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        if self.status == 429 and self.retry_after is None:
            self.retry_after = 1
        if self.error is None:
            self.error = _ERRORS.get(self.status, "fatal_error")

    def strikes(self, method: str) -> bool:
        """Whether this call of method is hit; counts the hit."""
        if self.method not in ("*", method) or self.times == 0:
            return False
        if self.fraction is not None and self._random.random() >= self.fraction:
            return False
        self.hits += 1
        if self.times is not None:
            self.times -= 1
        return True


def elements(blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Every element of actions blocks, section accessories and input elements, in order."""
    found: list[dict[str, Any]] = []
    for block in blocks or []:
        found.extend(block.get("elements", []) if block.get("type") == "actions" else [])
        found.extend(block[key] for key in ("accessory", "element") if key in block)
    return found


def visible_text(text: str | None, blocks: list[dict[str, Any]] | None) -> str:
    """What a reader sees: the blocks' texts line by line, or the text if there are no blocks."""
    if not blocks:
        return text or ""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            lines.append(block["text"].get("text", ""))
        lines.extend(f.get("text", "") for f in block.get("fields", []))
        if block.get("type") == "context":
            lines.extend(e.get("text", "") for e in block.get("elements", []) if "text" in e)
    return "\n".join(lines)


class Recorder:
    """Everything the app did that Slack accepted, every call it made, and queries on them."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.posted: list[PostedMessage] = []
        self.updates: list[MessageUpdate] = []
        self.views: list[OpenedView] = []
        self.responses: list[ResponsePost] = []
        self.socket_acks: list[SocketAck] = []

    def messages_to(self, channel: str, *, ephemeral: bool | None = None) -> list[PostedMessage]:
        """Every accepted post to channel, oldest first (ephemeral: only or no ephemeral ones)."""
        return [
            m
            for m in self.posted
            if m.channel == channel and ephemeral in (None, m.ephemeral_user is not None)
        ]

    def last_to(self, channel: str) -> PostedMessage:
        """The latest accepted post to channel (AssertionError if there is none)."""
        messages = self.messages_to(channel)
        if not messages:
            channels = sorted({m.channel for m in self.posted})
            raise AssertionError(f"nothing was posted to {channel}; posted to: {channels}")
        return messages[-1]

    def ephemerals_for(self, user_id: str) -> list[PostedMessage]:
        """Every accepted chat.postEphemeral shown to user_id, oldest first."""
        return [m for m in self.posted if m.ephemeral_user == user_id]

    def updates_of(self, channel: str, ts: str | None = None) -> list[MessageUpdate]:
        """Every accepted chat.update in channel (of the message ts, if given), oldest first."""
        return [u for u in self.updates if u.channel == channel and ts in (None, u.ts)]

    def responses_to(self, response_url: str) -> list[ResponsePost]:
        """Every accepted post to a response URL (the URL or its last path segment)."""
        response_id = response_url.rstrip("/").rsplit("/", 1)[-1]
        return [r for r in self.responses if r.response_id == response_id]

    def calls_to(self, method: str) -> list[ApiCall]:
        """Every request to method, with the HTTP status it got."""
        return [call for call in self.calls if call.method == method]
