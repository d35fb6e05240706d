"""Core replies as Telegram messages: escaped HTML, inline keyboards, split at 4,096 characters."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.eventlog import event
from core.messages import Button, Reply, Segment, bold_runs

log = logging.getLogger("gotong.telegram")

MESSAGE_LIMIT = 4096  # visible characters, counted in UTF-16 code units as Telegram does
CALLBACK_DATA_LIMIT = 64  # bytes


@dataclass(frozen=True)
class TelegramMessage:
    """One message to send: HTML text and the inline keyboard under it, if any."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


def render(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[TelegramMessage]:
    """A reply as one or more messages; the buttons go under the last one."""
    chunks = [_html(chunk) for chunk in _chunks(reply.text, limit)]
    markup = keyboard(reply.buttons)
    if not chunks:
        # Telegram refuses an empty text; buttons alone still need a line above them.
        return [TelegramMessage("…", markup)] if markup else []
    messages = [TelegramMessage(text) for text in chunks[:-1]]
    messages.append(TelegramMessage(chunks[-1], markup))
    return messages


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Inline buttons whose callback data is the command itself."""
    markup_rows = []
    for row in rows:
        buttons = []
        for button in row:
            if len(button.command.encode()) > CALLBACK_DATA_LIMIT:
                # Telegram would refuse the whole message; losing one button is the lesser harm.
                event(
                    log,
                    "telegram.button_left_out",
                    level=logging.WARNING,
                    limit_bytes=CALLBACK_DATA_LIMIT,
                )
                continue
            buttons.append(InlineKeyboardButton(button.label, callback_data=button.command))
        if buttons:
            markup_rows.append(buttons)
    return InlineKeyboardMarkup(markup_rows) if markup_rows else None


def _html(lines: list[list[Segment]]) -> str:
    return "\n".join(
        "".join(
            f"<b>{html.escape(text, quote=False)}</b>" if bold else html.escape(text, quote=False)
            for text, bold in line
            if text
        )
        for line in lines
    )


def _length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _line_length(line: list[Segment]) -> int:
    return sum(_length(text) for text, _ in line)


def _chunks(text: str, limit: int) -> list[list[list[Segment]]]:
    """Lines grouped into chunks of at most `limit` visible characters, split at line ends."""
    if not text.strip():
        return []
    chunks: list[list[list[Segment]]] = []
    current: list[list[Segment]] = []
    size = 0
    for raw in text.split("\n"):
        for line in _split_long_line(bold_runs(raw), limit):
            added = _line_length(line) + (1 if current else 0)  # the newline joining it
            if current and size + added > limit:
                chunks.append(current)
                current, size, added = [], 0, _line_length(line)
            current.append(line)
            size += added
    if current:
        chunks.append(current)
    # A chunk of blank lines only would be refused as empty text.
    return [chunk for chunk in chunks if any(text.strip() for line in chunk for text, _ in line)]


def _split_long_line(line: list[Segment], limit: int) -> list[list[Segment]]:
    """A line longer than the limit, cut at the last space that fits (or mid-word if none)."""
    pieces: list[list[Segment]] = []
    while _line_length(line) > limit:
        head, tail = _cut(line, limit)
        pieces.append(head)
        line = tail
    pieces.append(line)
    return pieces


def _cut(line: list[Segment], limit: int) -> tuple[list[Segment], list[Segment]]:
    flat = "".join(text for text, _ in line)
    # Index (in characters) of the last character that still fits within `limit` units.
    fits, units = 0, 0
    for char in flat:
        units += _length(char)
        if units > limit:
            break
        fits += 1
    space = flat.rfind(" ", 0, fits + 1)
    cut_at = space if space > 0 else max(fits, 1)
    head: list[Segment] = []
    tail: list[Segment] = []
    position = 0
    for text, bold in line:
        end = position + len(text)
        if end <= cut_at:
            head.append((text, bold))
        elif position >= cut_at:
            tail.append((text, bold))
        else:
            head.append((text[: cut_at - position], bold))
            tail.append((text[cut_at - position :], bold))
        position = end
    if space > 0:  # the space becomes the line break
        tail = _drop_leading_space(tail)
    return head, tail


def _drop_leading_space(line: list[Segment]) -> list[Segment]:
    if line and line[0][0].startswith(" "):
        return [(line[0][0][1:], line[0][1]), *line[1:]]
    return line
