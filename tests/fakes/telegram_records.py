"""What the fake Bot API server records, and the faults tests can make it inject."""

import random
from dataclasses import dataclass, field
from typing import Any, Literal

from tests.fakes.telegram_html import HtmlParseError, visible_text
from tests.fakes.telegram_limits import ChatId


@dataclass(frozen=True)
class UploadedFile:
    """A file as the client uploaded it (multipart), or as it was referenced again by file_id."""

    file_id: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class SentMessage:
    """One accepted send: sendMessage, sendPhoto or sendDocument (text holds the caption)."""

    method: str
    chat_id: ChatId
    message_id: int
    text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    timestamp: float
    params: dict[str, Any]
    file: UploadedFile | None = None

    @property
    def visible_text(self) -> str:
        """The text as the reader sees it (HTML tags removed and entities decoded)."""
        if self.text is None:
            return ""
        if (self.parse_mode or "").upper() != "HTML":
            return self.text
        try:
            return visible_text(self.text)
        except HtmlParseError:  # not reachable for accepted messages; kept for safety
            return self.text

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        """The inline keyboard rows, or an empty list."""
        return inline_keyboard(self.reply_markup)

    @property
    def callback_data(self) -> list[str]:
        """Every button's callback_data, row by row."""
        return [b["callback_data"] for row in self.buttons for b in row if "callback_data" in b]

    @property
    def button_texts(self) -> list[str]:
        """Every button's label, row by row."""
        return [button["text"] for row in self.buttons for button in row]


@dataclass(frozen=True)
class MessageEdit:
    """One accepted editMessageText or editMessageReplyMarkup."""

    method: str
    chat_id: ChatId
    message_id: int
    text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    timestamp: float
    params: dict[str, Any]

    @property
    def callback_data(self) -> list[str]:
        """Every button's callback_data after the edit, row by row."""
        rows = inline_keyboard(self.reply_markup)
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


@dataclass(frozen=True)
class CallbackAnswer:
    """One accepted answerCallbackQuery."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    timestamp: float


@dataclass(frozen=True)
class CommandsChange:
    """One accepted setMyCommands (commands is None for deleteMyCommands)."""

    scope: dict[str, Any]
    language_code: str
    commands: list[dict[str, str]] | None
    timestamp: float


@dataclass(frozen=True)
class ApiCall:
    """Every request that reached a known method, with the HTTP status answered (0: dropped)."""

    method: str
    params: dict[str, Any]
    status: int
    timestamp: float


@dataclass(frozen=True)
class WebhookConfig:
    """The webhook as set by setWebhook."""

    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int


FaultKind = Literal["error", "disconnect", "delay", "garbage"]

_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class FaultRule:
    """A rule that makes some calls of a method ("*": any) fail, drop or wait."""

    method: str
    kind: FaultKind
    status: int = 500
    description: str | None = None
    retry_after: int | None = None
    seconds: float = 0.0
    after_processing: bool = False
    times: int | None = 1
    fraction: float | None = None
    seed: int = 0
    skip: int = 0  # calls let through before the rule strikes
    hits: int = 0
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        if self.status == 429 and self.retry_after is None:
            self.retry_after = 1
        if self.description is None:
            self.description = (
                f"Too Many Requests: retry after {self.retry_after}"
                if self.status == 429
                else _DESCRIPTIONS.get(self.status, "Internal Server Error")
            )

    def strikes(self, method: str) -> bool:
        """Whether this call of method is hit; counts the hit."""
        if self.method not in ("*", method) or self.times == 0:
            return False
        if self.skip:
            self.skip -= 1
            return False
        if self.fraction is not None and self._random.random() >= self.fraction:
            return False
        self.hits += 1
        if self.times is not None:
            self.times -= 1
        return True


def inline_keyboard(markup: dict[str, Any] | None) -> list[list[dict[str, Any]]]:
    """The rows of an inline keyboard markup, or an empty list for any other markup."""
    if not markup:
        return []
    rows = markup.get("inline_keyboard")
    return rows if isinstance(rows, list) else []


class Recorder:
    """Everything the bot did that Telegram accepted, every call it made, and queries on them."""

    def __init__(self) -> None:
        self.sent: list[SentMessage] = []
        self.edits: list[MessageEdit] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.calls: list[ApiCall] = []

    def messages_to(self, chat_id: ChatId) -> list[SentMessage]:
        """Every accepted send to chat_id, oldest first."""
        return [sent for sent in self.sent if sent.chat_id == chat_id]

    def last_to(self, chat_id: ChatId) -> SentMessage:
        """The latest accepted send to chat_id (AssertionError if there is none)."""
        messages = self.messages_to(chat_id)
        if not messages:
            chats = sorted({str(sent.chat_id) for sent in self.sent})
            raise AssertionError(f"nothing was sent to chat {chat_id}; sent to: {chats}")
        return messages[-1]

    def edits_of(self, chat_id: ChatId, message_id: int | None = None) -> list[MessageEdit]:
        """Every accepted edit in chat_id (of message_id, if given), oldest first."""
        return [
            e for e in self.edits if e.chat_id == chat_id and message_id in (None, e.message_id)
        ]

    def calls_to(self, method: str) -> list[ApiCall]:
        """Every request to method, with the HTTP status it got."""
        return [call for call in self.calls if call.method == method]
