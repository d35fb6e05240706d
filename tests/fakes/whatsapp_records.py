"""What the fake Cloud API records: each message sent, as a person would read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SentMessage:
    """One message the business sent (a text, reply buttons, a list, a file or a template)."""

    message_id: str
    to: str
    kind: str  # text, button, list, template, image, document
    text: str
    at: float
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (id, title)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (id, title, description)
    list_button: str = ""
    template: str = ""
    language: str = ""
    parameters: list[str] = field(default_factory=list)
    media_id: str = ""
    filename: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def choices(self) -> list[str]:
        """The commands its buttons or rows send."""
        return [i for i, _ in self.buttons] + [i for i, _, _ in self.rows]


@dataclass(frozen=True)
class Uploaded:
    """A file uploaded to /media."""

    media_id: str
    data: bytes
    mime_type: str
    filename: str


def sent_message(message_id: str, payload: dict[str, Any], at: float) -> SentMessage:
    """The record of a /messages request the fake accepted."""
    kind = str(payload.get("type", ""))
    body = payload.get(kind) or {}
    sent = SentMessage(message_id, str(payload.get("to", "")), kind, "", at, raw=payload)
    if kind == "text":
        sent.text = str(body.get("body", ""))
    elif kind == "interactive":
        sent.text = str((body.get("body") or {}).get("text", ""))
        action = body.get("action") or {}
        sent.kind = "list" if body.get("type") == "list" else "button"
        sent.buttons = [(b["reply"]["id"], b["reply"]["title"]) for b in action.get("buttons", [])]
        sent.list_button = str(action.get("button", ""))
        sent.rows = [
            (r["id"], r["title"], r.get("description", ""))
            for section in action.get("sections", [])
            for r in section.get("rows", [])
        ]
    elif kind == "template":
        sent.template = str(body.get("name", ""))
        sent.language = str((body.get("language") or {}).get("code", ""))
        sent.parameters = [
            str(p.get("text", ""))
            for component in body.get("components", [])
            for p in component.get("parameters", [])
        ]
    elif kind in ("image", "document"):
        sent.media_id = str(body.get("id", ""))
        sent.text = str(body.get("caption", ""))
        sent.filename = str(body.get("filename", ""))
    return sent
