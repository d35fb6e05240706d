"""The Cloud API's limits as the fake enforces them, and the errors it answers with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TEXT_LIMIT = 4096
BODY_LIMIT = 1024
BUTTONS = 3
BUTTON_TITLE = 20
BUTTON_ID = 256
ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
ROW_ID = 200
LIST_BUTTON = 20
WINDOW_SECONDS = 24 * 3600


@dataclass
class CloudLimits:
    """Throughput of the business number (messages a second); None: unlimited."""

    per_second: int | None = None


class CloudApiError(Exception):
    """An error the fake answers with, in the Graph API's shape."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": "OAuthException",
                "code": self.code,
                "fbtrace_id": "AFakeTrace",
            }
        }


def check_message(payload: dict[str, Any]) -> None:
    """Refuse a /messages payload WhatsApp would refuse (100: invalid parameter)."""
    if payload.get("messaging_product") != "whatsapp":
        raise CloudApiError(400, 100, "messaging_product must be whatsapp")
    kind = payload.get("type")
    body = payload.get(kind) if isinstance(kind, str) else None
    if not isinstance(body, dict):
        raise CloudApiError(400, 100, "message body missing")
    if kind == "text":
        text = str(body.get("body", ""))
        if not text.strip() or len(text) > TEXT_LIMIT:
            raise CloudApiError(400, 100, "text body must be 1 to 4096 characters")
    elif kind == "interactive":
        _check_interactive(body)


def _check_interactive(body: dict[str, Any]) -> None:
    text = str((body.get("body") or {}).get("text", ""))
    if not text.strip() or len(text) > BODY_LIMIT:
        raise CloudApiError(400, 100, "interactive body must be 1 to 1024 characters")
    action = body.get("action") or {}
    if body.get("type") == "button":
        buttons = action.get("buttons", [])
        ids = [b["reply"]["id"] for b in buttons]
        if not 1 <= len(buttons) <= BUTTONS or len(set(ids)) != len(ids):
            raise CloudApiError(400, 100, "1 to 3 buttons with unique ids")
        for button in buttons:
            if not 1 <= len(button["reply"]["title"]) <= BUTTON_TITLE:
                raise CloudApiError(400, 100, "button title must be 1 to 20 characters")
            if len(button["reply"]["id"]) > BUTTON_ID:
                raise CloudApiError(400, 100, "button id too long")
    elif body.get("type") == "list":
        rows = [r for s in action.get("sections", []) for r in s.get("rows", [])]
        ids = [r["id"] for r in rows]
        if not 1 <= len(rows) <= ROWS or len(set(ids)) != len(ids):
            raise CloudApiError(400, 100, "1 to 10 rows with unique ids")
        if not 1 <= len(str(action.get("button", ""))) <= LIST_BUTTON:
            raise CloudApiError(400, 100, "list button must be 1 to 20 characters")
        for row in rows:
            if not 1 <= len(row["title"]) <= ROW_TITLE:
                raise CloudApiError(400, 100, "row title must be 1 to 24 characters")
            if len(row.get("description", "")) > ROW_DESCRIPTION or len(row["id"]) > ROW_ID:
                raise CloudApiError(400, 100, "row description or id too long")
    else:
        raise CloudApiError(400, 100, "unknown interactive type")
