"""Reading a Bot API request's parameters and checking a message against Telegram's rules."""

import json
import re
from typing import Any

from tests.fakes.telegram_html import HtmlParseError, utf16_length, visible_text
from tests.fakes.telegram_limits import ChatId, TelegramLimits
from tests.fakes.telegram_records import UploadedFile

_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
    }
)
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_TEXT_BUTTONS_UNALLOWED = (
    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
)


class TelegramApiError(Exception):
    """An error answer: HTTP status, Telegram's description and, for 429, retry_after."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def bad_request(detail: str) -> TelegramApiError:
    """A 400 worded like Telegram's."""
    return TelegramApiError(400, f"Bad Request: {detail}")


class Params:
    """A method's parameters: form values arrive as strings, JSON bodies already typed."""

    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile]) -> None:
        self._values = values
        self._files = files

    def has(self, name: str) -> bool:
        """Whether the parameter or a file of that name was sent."""
        return name in self._values or name in self._files

    def text(self, name: str) -> str | None:
        """The parameter as a string, or None."""
        value = self._values.get(name)
        return value if value is None or isinstance(value, str) else str(value)

    def integer(self, name: str) -> int | None:
        """The parameter as an int, or None; a non-number answers 400."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        """The parameter as a boolean (absent: False)."""
        return self._values.get(name) in (True, 1, "true", "True", "1")

    def json(self, name: str) -> Any:
        """The parameter decoded from JSON when sent as a string; bad JSON answers 400."""
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            what = "reply keyboard markup" if name == "reply_markup" else name
            raise bad_request(f"can't parse {what} JSON object") from None

    def chat_id(self) -> ChatId:
        """The chat_id as an int, or an @username string; missing answers 400."""
        value = self._values.get("chat_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if not value:
            raise bad_request("chat_id is empty")
        text = str(value)
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if text.startswith("@"):
            return text
        raise bad_request("chat not found")

    def upload(self, name: str) -> UploadedFile | str | None:
        """An uploaded file (also via attach://), or the file_id/URL string sent instead."""
        if name in self._files:
            return self._files[name]
        value = self.text(name)
        if value is not None and value.startswith("attach://"):
            if value[len("attach://") :] not in self._files:
                raise bad_request(f"file {value} not found")
            return self._files[value[len("attach://") :]]
        return value

    def decoded(self) -> dict[str, Any]:
        """Every parameter, JSON fields decoded where they parse, files as UploadedFile."""
        result: dict[str, Any] = {}
        for name in self._values:
            try:
                result[name] = self.json(name) if name in _JSON_FIELDS else self._values[name]
            except TelegramApiError:
                result[name] = self._values[name]
        with_chat = {"chat_id": self.chat_id()} if self._chat_id_parses() else {}
        return {**result, **with_chat, **self._files}

    def _chat_id_parses(self) -> bool:
        try:
            self.chat_id()
        except TelegramApiError:
            return False
        return True


def visible(text: str, parse_mode: str | None) -> str:
    """The text a reader sees, or a 400 like Telegram's when parse_mode=HTML does not parse."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            return visible_text(text)
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    if mode in ("", "markdown", "markdownv2"):
        return text  # Markdown is not parsed by this fake: limits count the raw text
    raise bad_request(f"unsupported parse_mode {parse_mode}")


def checked_text(params: Params, limits: TelegramLimits) -> tuple[str, str]:
    """The message text as sent and as seen, checked for emptiness and length."""
    raw = params.text("text") or ""
    seen = visible(raw, params.text("parse_mode")).strip()
    if not seen:
        raise bad_request("message text is empty")
    if utf16_length(seen) > limits.message_length:
        raise bad_request("message is too long")
    return raw, seen


def checked_caption(params: Params, limits: TelegramLimits) -> tuple[str | None, str | None]:
    """The caption as sent and as seen (None when absent), checked for length."""
    raw = params.text("caption")
    if not raw:
        return None, None
    seen = visible(raw, params.text("parse_mode")).strip()
    if utf16_length(seen) > limits.caption_length:
        raise bad_request("message caption is too long")
    return raw, seen


def checked_markup(params: Params, limits: TelegramLimits) -> dict[str, Any] | None:
    """The reply_markup, with every inline keyboard button checked."""
    markup = params.json("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard", [])
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for button in (button for row in rows for button in row):
        _check_button(button, limits)
    return markup


def _check_button(button: Any, limits: TelegramLimits) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not any(action in button for action in _BUTTON_ACTIONS):
        raise bad_request(_TEXT_BUTTONS_UNALLOWED)
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= limits.callback_data_bytes:
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not re.match(r"(https?|tg)://\S+$", str(url)):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
