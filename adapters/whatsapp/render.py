"""Core replies as WhatsApp messages: *bold*, split at line ends, reply buttons or a list.

WhatsApp's limits: a text of 4,096 characters; an interactive message's body of 1,024; up to
3 reply buttons titled in 20 characters; or one list of up to 10 rows titled in 24 (with a
72-character description). Each button's id is its command, as Telegram's callback data is.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.messages import Button, Reply, bold_runs

TEXT_LIMIT = 4096
BODY_LIMIT = 1024  # an interactive message's text
BUTTONS_LIMIT = 3
BUTTON_TITLE_LIMIT = 20
ROWS_LIMIT = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
# The button that opens a list: no reader's language is known here, so it speaks both.
LIST_BUTTON = "☰ Pilih / Choose"


@dataclass(frozen=True)
class Choice:
    """A reply button or a list row: what it shows, and the command it sends."""

    title: str
    command: str
    description: str | None = None


@dataclass(frozen=True)
class WhatsAppMessage:
    """One message to send: text, with reply buttons or list rows under it (not both)."""

    text: str
    buttons: tuple[Choice, ...] = ()
    rows: tuple[Choice, ...] = ()


def render(reply: Reply, limit: int = TEXT_LIMIT) -> list[WhatsAppMessage]:
    """A reply as one or more messages; the choices go under the last one."""
    choices = _unique([button for row in reply.buttons for button in row])
    chunks = _chunks([_line(raw) for raw in reply.text.split("\n")], limit)
    if not choices:
        return [WhatsAppMessage(chunk) for chunk in chunks]
    # The text above the buttons must fit an interactive body: earlier lines go on their own.
    head, body = _body_at_end(chunks.pop() if chunks else "")
    messages = [WhatsAppMessage(chunk) for chunk in chunks + head]
    if len(choices) <= BUTTONS_LIMIT and all(len(b.label) <= BUTTON_TITLE_LIMIT for b in choices):
        buttons = tuple(Choice(b.label, b.command) for b in choices)
        return [*messages, WhatsAppMessage(body, buttons=buttons)]
    rows = [_row(button) for button in choices]
    for start in range(0, len(rows), ROWS_LIMIT):
        part = tuple(rows[start : start + ROWS_LIMIT])
        messages.append(WhatsAppMessage(body if start == 0 else "…", rows=part))
    return messages


def _body_at_end(text: str) -> tuple[list[str], str]:
    """The last lines of `text` that fit an interactive body, and the texts before them."""
    lines = text.split("\n")
    size, keep = -1, 0
    for line in reversed(lines):
        if size + 1 + len(line) > BODY_LIMIT:
            break
        size, keep = size + 1 + len(line), keep + 1
    if keep == 0:  # one line longer than a body: cut it into bodies
        pieces = _chunks(lines, BODY_LIMIT) or ["…"]
        return pieces[:-1], pieces[-1]
    head = "\n".join(lines[: len(lines) - keep])
    body = "\n".join(lines[len(lines) - keep :]).strip("\n")
    return ([head] if head.strip() else []), body or "…"


def _unique(buttons: list[Button]) -> list[Button]:
    """WhatsApp refuses two choices with one id; the same command twice is one choice."""
    seen: set[str] = set()
    kept = []
    for button in buttons:
        if button.command not in seen:
            seen.add(button.command)
            kept.append(button)
    return kept


def _row(button: Button) -> Choice:
    """A list row: the label as its title, and whole in the description when cut."""
    label = button.label
    if len(label) <= ROW_TITLE_LIMIT:
        return Choice(label, button.command)
    return Choice(label[: ROW_TITLE_LIMIT - 1] + "…", button.command, label[:ROW_DESCRIPTION_LIMIT])


def _line(raw: str) -> str:
    """One line of reply text with **bold** as WhatsApp's *bold*."""
    parts = []
    for text, bold in bold_runs(raw):
        if bold and text.strip():
            # WhatsApp shows *x* as bold only when the asterisks touch the words.
            stripped = text.strip()
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
            parts.append(f"{lead}*{stripped}*{trail}")
        else:
            parts.append(text)
    return "".join(parts)


def _chunks(lines: list[str], limit: int) -> list[str]:
    """Lines joined into texts of at most `limit` characters, split at line ends (a longer
    line at its last space that fits); texts of blank lines only are left out."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in (piece for raw in lines for piece in _split_long(raw, limit)):
        added = len(line) + (1 if current else 0)
        if current and size + added > limit:
            chunks.append("\n".join(current))
            current, size, added = [], 0, len(line)
        current.append(line)
        size += added
    if current:
        chunks.append("\n".join(current))
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


def _split_long(line: str, limit: int) -> list[str]:
    pieces = []
    while len(line) > limit:
        space = line.rfind(" ", 0, limit + 1)
        cut = space if space > 0 else limit
        pieces.append(line[:cut])
        line = line[cut + 1 :] if space > 0 else line[cut:]
    pieces.append(line)
    return pieces
