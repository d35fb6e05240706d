"""Response URLs of the fake Slack platform: what bolt's respond() posts to.

Slack puts a response URL in every slash command and message interaction; the app
may POST JSON to it "up to 5 times within 30 minutes" (``text``, ``blocks``,
``response_type`` "ephemeral" (default) or "in_channel", ``replace_original``,
``delete_original``, ``thread_ts``). ``replace_original`` on a URL that came from a
click on a message replaces that message, which the fake records as an update too.
Answers: 200 ``{"ok": true}``; 404 ``invalid_url``/``expired_url``/``used_url``; 400
``no_text``/``invalid_blocks``/``msg_too_long``/``invalid_payload``.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.slack_blocks import block_errors
from tests.fakes.slack_limits import SlackLimits
from tests.fakes.slack_records import ResponsePost
from tests.fakes.slack_requests import SlackError

Replace = Callable[[str, str, str | None, list[dict[str, Any]] | None], None]


@dataclass
class _ResponseUrl:
    issued_at: float
    channel: str | None
    message_ts: str | None
    uses: int = 0


class ResponseUrls:
    """Issues response URLs and accepts the posts made to them."""

    def __init__(
        self,
        limits: SlackLimits,
        clock: Callable[[], float],
        records: list[ResponsePost],
        replace: Replace,
    ) -> None:
        self._limits = limits
        self._clock = clock
        self._records = records
        self._replace = replace
        self._issued: dict[str, _ResponseUrl] = {}
        self.base_url = ""  # http://host:port, set when the server starts

    def issue(self, *, channel: str | None = None, message_ts: str | None = None) -> str:
        """A new response URL; channel and message_ts name the message it may replace."""
        response_id = secrets.token_hex(12)
        self._issued[response_id] = _ResponseUrl(self._clock(), channel, message_ts)
        return f"{self.base_url}/response/{response_id}"

    def accept(self, response_id: str, body: Any) -> ResponsePost:
        """Record a post to a response URL; raises SlackError (with its HTTP status) if refused."""
        issued = self._issued.get(response_id)
        if issued is None:
            raise SlackError("invalid_url", status=404)
        if self._clock() - issued.issued_at > self._limits.response_url_ttl_seconds:
            raise SlackError("expired_url", status=404)
        if issued.uses >= self._limits.response_url_uses:
            raise SlackError("used_url", status=404)
        if not isinstance(body, dict):
            raise SlackError("invalid_payload", status=400)
        text, blocks = self._checked(body)
        issued.uses += 1
        post = ResponsePost(
            response_id=response_id,
            text=text,
            blocks=blocks,
            response_type=body.get("response_type"),
            replace_original=body.get("replace_original"),
            delete_original=body.get("delete_original"),
            thread_ts=body.get("thread_ts"),
            at=self._clock(),
            body=body,
        )
        self._records.append(post)
        if post.replace_original and issued.channel and issued.message_ts:
            self._replace(issued.channel, issued.message_ts, text, blocks)
        return post

    def _checked(self, body: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]] | None]:
        text = body.get("text")
        blocks = body.get("blocks")
        if blocks is not None:
            errors = block_errors(blocks, self._limits, max_blocks=self._limits.blocks_per_message)
            if errors:
                raise SlackError(
                    "invalid_blocks", status=400, messages=errors, extra={"errors": errors}
                )
        if not text and not blocks and not body.get("delete_original"):
            raise SlackError("no_text", status=400)
        if isinstance(text, str) and len(text) > self._limits.message_text:
            raise SlackError("msg_too_long", status=400)
        return text, blocks
