"""Core replies as Slack Block Kit messages, and the task form as a Slack modal.

Text becomes mrkdwn: `&`, `<` and `>` escaped (Slack would read them as entities and links)
and `**bold**` written `*bold*`. Slack's limits are kept here: at most 3,000 characters a
section, 50 blocks a message, 25 buttons an actions block and 75 characters a button label.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from core.eventlog import event
from core.messages import Button, Reply, Segment, bold_runs

log = logging.getLogger("gotong.slack")

SECTION_LIMIT = 3000
BLOCKS_LIMIT = 50
ACTIONS_LIMIT = 25
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
# The notification text Slack shows with blocks; blocks carry the full message.
FALLBACK_LIMIT = 3000
# Keeps one message readable on a phone; a longer reply becomes several messages.
MESSAGE_SECTIONS = 10
ACTION_PREFIX = "gotong_"
TASK_FORM = "gotong_task_form"


Block = dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """One message to post: the notification text and the blocks that show it."""

    text: str
    blocks: list[Block]


def escape(text: str) -> str:
    """Text as Slack mrkdwn shows it literally: only &, < and > need escaping."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """Reply text (with `**bold**`) as Slack mrkdwn."""
    return "\n".join(_mrkdwn_line(bold_runs(line)) for line in text.split("\n"))


def render(reply: Reply, section_limit: int = SECTION_LIMIT) -> list[SlackMessage]:
    """A reply as one or more messages; the buttons go under the last one."""
    sections = _sections(reply.text, section_limit)
    actions = actions_blocks(reply.buttons)
    if not sections:
        # A message needs some text; buttons alone still get a line above them.
        if not actions:
            return []
        sections = ["…"]
    per_message = max(1, min(MESSAGE_SECTIONS, BLOCKS_LIMIT - len(actions)))
    groups = [sections[i : i + per_message] for i in range(0, len(sections), per_message)]
    messages = []
    for n, group in enumerate(groups):
        blocks: list[Block] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}} for text in group
        ]
        if n == len(groups) - 1:
            blocks.extend(actions)
        messages.append(SlackMessage(_fallback("\n".join(group)), blocks))
    return messages


def actions_blocks(rows: tuple[tuple[Button, ...], ...]) -> list[Block]:
    """One actions block per row of buttons; each button's value is its command."""
    blocks: list[Block] = []
    number = 0
    for row in rows:
        elements: list[Block] = []
        for button in row:
            if len(button.command) > BUTTON_VALUE_LIMIT:
                # Slack would refuse the whole message; losing one button is the lesser harm.
                event(
                    log,
                    "slack.button_left_out",
                    level=logging.WARNING,
                    limit_characters=BUTTON_VALUE_LIMIT,
                )
                continue
            elements.append(
                {
                    "type": "button",
                    "action_id": f"{ACTION_PREFIX}{number}",
                    "text": {"type": "plain_text", "text": _clip(button.label, BUTTON_TEXT_LIMIT)},
                    "value": button.command,
                }
            )
            number += 1
        for start in range(0, len(elements), ACTIONS_LIMIT):
            blocks.append({"type": "actions", "elements": elements[start : start + ACTIONS_LIMIT]})
    return blocks


# -- the task form ------------------------------------------------------------------------

FORM_FIELDS = ("what", "who", "due", "program")


def task_form(labels: dict[str, str], private_metadata: str = "") -> Block:
    """The modal that asks for a task's title, assignees, due moment and program.

    `labels` come from the templates (core.language.menu.task_form_labels) in the reader's
    language.
    """

    def text_input(field: str, *, optional: bool) -> Block:
        return {
            "type": "input",
            "block_id": field,
            "optional": optional,
            "label": {"type": "plain_text", "text": labels[field]},
            "element": {
                "type": "plain_text_input",
                "action_id": "value",
                "placeholder": {"type": "plain_text", "text": labels[f"{field}_hint"]},
            },
        }

    return {
        "type": "modal",
        "callback_id": TASK_FORM,
        "private_metadata": private_metadata,
        "title": {"type": "plain_text", "text": labels["title"]},
        "submit": {"type": "plain_text", "text": labels["submit"]},
        "close": {"type": "plain_text", "text": labels["close"]},
        "blocks": [
            text_input("what", optional=False),
            {
                "type": "input",
                "block_id": "who",
                "optional": True,
                "label": {"type": "plain_text", "text": labels["who"]},
                "hint": {"type": "plain_text", "text": labels["who_hint"]},
                "element": {"type": "multi_users_select", "action_id": "value"},
            },
            text_input("due", optional=True),
            text_input("program", optional=True),
        ],
    }


# -- text ---------------------------------------------------------------------------------


def _mrkdwn_line(segments: list[Segment]) -> str:
    return "".join(f"*{escape(t)}*" if bold else escape(t) for t, bold in segments if t)


def _sections(text: str, limit: int) -> list[str]:
    """Section texts of at most `limit` mrkdwn characters, split at line ends where possible."""
    sections: list[str] = []
    current: list[str] = []
    size = 0
    for raw in text.split("\n"):
        for line in _split_long_line(bold_runs(raw), limit):
            added = len(line) + (1 if current else 0)
            if current and size + added > limit:
                sections.append("\n".join(current))
                current, size, added = [], 0, len(line)
            current.append(line)
            size += added
    if current:
        sections.append("\n".join(current))
    # Slack refuses a section whose text is empty.
    return [section.strip("\n") for section in sections if section.strip()]


def _split_long_line(segments: list[Segment], limit: int) -> list[str]:
    """A line as mrkdwn pieces of at most `limit` characters, cut at spaces where possible."""
    chars = [(char, bold) for text, bold in segments for char in text]
    pieces: list[str] = []
    start = 0
    while True:
        cost, end, space = 0, start, -1
        while end < len(chars):
            char, bold = chars[end]
            # A bold run costs its two asterisks where it starts.
            opens = bold and (end == start or not chars[end - 1][1])
            added = len(escape(char)) + (2 if opens else 0)
            if cost + added > limit:
                break
            cost += added
            if char == " " and end > start:
                space = end
            end += 1
        if end == len(chars):
            pieces.append(_join(chars[start:]))
            return pieces
        if space > start:  # the space becomes the line break
            pieces.append(_join(chars[start:space]))
            start = space + 1
        else:
            cut = max(end, start + 1)
            pieces.append(_join(chars[start:cut]))
            start = cut


def _join(chars: list[tuple[str, bool]]) -> str:
    segments: list[Segment] = []
    for char, bold in chars:
        if segments and segments[-1][1] == bold:
            segments[-1] = (segments[-1][0] + char, bold)
        else:
            segments.append((char, bold))
    return _mrkdwn_line(segments)


def _fallback(text: str) -> str:
    return _clip(text, FALLBACK_LIMIT)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
