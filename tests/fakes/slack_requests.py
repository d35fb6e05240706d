"""Reading a Slack Web API request's arguments, and Slack's error answers."""

import contextlib
import json
from typing import Any

from tests.fakes.slack_blocks import block_errors
from tests.fakes.slack_limits import SlackLimits

_JSON_FIELDS = frozenset({"blocks", "attachments", "view", "metadata"})


class SlackError(Exception):
    """An error answer: Slack's error code, the HTTP status (200 unless 429) and extra fields."""

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        retry_after: int | None = None,
        messages: list[str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.retry_after = retry_after
        self.messages = messages or []
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        """The JSON Slack answers: ok false, the error, and the details it gives."""
        body: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            body["response_metadata"] = {"messages": [f"[ERROR] {m}" for m in self.messages]}
        return body


def invalid_arguments(*messages: str) -> SlackError:
    """Slack's answer to a missing or malformed argument."""
    return SlackError("invalid_arguments", messages=list(messages))


class Params:
    """A method's arguments: query and form values arrive as strings, JSON bodies already typed."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def has(self, name: str) -> bool:
        """Whether the argument was sent (and is not empty)."""
        return self._values.get(name) not in (None, "")

    def text(self, name: str) -> str | None:
        """The argument as a string, or None."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        return value if isinstance(value, str) else str(value)

    def required(self, name: str) -> str:
        """The argument as a string; missing answers invalid_arguments."""
        value = self.text(name)
        if value is None:
            raise invalid_arguments(f"missing required field: {name}")
        return value

    def flag(self, name: str) -> bool:
        """The argument as a boolean (absent: False)."""
        return self._values.get(name) in (True, 1, "true", "True", "1")

    def json(self, name: str, bad_format: str = "invalid_arguments") -> Any:
        """The argument decoded from JSON when sent as a string; bad JSON answers bad_format."""
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError(bad_format, messages=[f"invalid JSON in {name}"]) from None

    def decoded(self) -> dict[str, Any]:
        """Every argument, JSON fields decoded where they parse."""
        result = dict(self._values)
        for name in _JSON_FIELDS & result.keys():
            with contextlib.suppress(SlackError):
                result[name] = self.json(name)
        return result


def checked_content(
    params: Params, limits: SlackLimits, *, required: bool = True
) -> tuple[str | None, list[dict[str, Any]] | None]:
    """A message's text and blocks, checked like chat.postMessage checks them."""
    text = params.text("text")
    blocks = params.json("blocks", bad_format="invalid_blocks_format")
    if blocks is not None:
        if not isinstance(blocks, list):
            raise SlackError("invalid_blocks_format")
        errors = block_errors(blocks, limits, max_blocks=limits.blocks_per_message)
        if errors:
            raise SlackError("invalid_blocks", messages=errors, extra={"errors": errors})
    if required and not text and not blocks and not params.has("attachments"):
        raise SlackError("no_text")
    if text is not None and len(text) > limits.message_text:
        raise SlackError("msg_too_long")
    return text, blocks
