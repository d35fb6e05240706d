"""Slack events, commands and interactions as core Incoming messages.

A Slack payload first becomes an `Inbound`: who wrote, the raw Slack text, and where the
answer goes (a channel, a thread, a response URL, the clicked message). The text still
holds Slack's markup; `incoming()` turns it into what a person would have typed. A user
mention is written `@U123` and listed in `Incoming.mentions`; the core, which knows who is
who, writes it as that person's Gotong @handle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from adapters.slack.render import ACTION_PREFIX, TASK_FORM
from core.language.grammar import parse_command
from core.messages import Incoming, origin_of

PLATFORM = "slack"

Via = Literal["event", "command", "click", "form"]

USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
MARKUP = re.compile(r"<([^<>\n]*)>")


@dataclass(frozen=True)
class Profile:
    """What Slack's users.info says about a person, as far as Gotong needs it."""

    display_name: str = ""
    username: str = ""
    locale: str | None = None


def profile_of(user: object) -> Profile:
    """The Profile in users.info's `user` object; empty where its shape is unexpected."""
    fields = user if isinstance(user, dict) else {}
    names = fields.get("profile")
    names = names if isinstance(names, dict) else {}
    locale = fields.get("locale")
    return Profile(
        display_name=_text(fields.get("real_name")) or _text(names.get("real_name")),
        username=_text(names.get("display_name")) or _text(fields.get("name")),
        locale=locale if isinstance(locale, str) else None,
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class Inbound:
    """One thing a person did in Slack, and where its answer belongs."""

    via: Via
    user_id: str
    text: str  # Slack markup, not yet translated
    event_id: str
    channel: str  # where it happened: the DM (D...) or a channel (C.../G...)
    private: bool
    button: bool = False
    thread_ts: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    message_ts: str | None = None  # the message whose button was clicked
    ephemeral: bool = False  # ... and whether only the clicker could see it
    clicked: Mapping[str, Any] | None = None  # that message as Slack sent it (text, blocks)
    file_id: str | None = None  # a file shared with the message (a photo from the field)

    @property
    def chat_id(self) -> str:
        """The core's chat: in private, the person's user id, to which the app can always post."""
        return self.user_id if self.private else self.channel


def from_event(body: Mapping[str, Any], bot_user_id: str | None) -> Inbound | None:
    """A DM to the app or a mention of it in a channel; None for what is not for Gotong."""
    event = body.get("event") or {}
    user = event.get("user")
    if not isinstance(user, str) or event.get("bot_id") or user == bot_user_id:
        return None
    event_id = str(body.get("event_id") or "")
    if not event_id:
        return None
    kind = event.get("type")
    if kind == "message":
        # Edits, deletions, joins and bot posts come as subtypes: only a new message counts,
        # with or without a file (a photo and its caption is a "file_share").
        if event.get("channel_type") != "im" or event.get("subtype") not in (None, "file_share"):
            return None
        private = True
    elif kind == "app_mention":
        # In a DM the message event already carries it.
        if event.get("subtype") or str(event.get("channel", "")).startswith("D"):
            return None
        private = False
    else:
        return None
    return Inbound(
        via="event",
        user_id=user,
        text=str(event.get("text") or ""),
        event_id=f"ev:{event_id}",
        channel=str(event.get("channel") or ""),
        private=private,
        thread_ts=event.get("thread_ts") if kind == "app_mention" else None,
        file_id=_first_file_id(event),
    )


def _first_file_id(event: Mapping[str, Any]) -> str | None:
    files = event.get("files")
    if not isinstance(files, list) or not files or not isinstance(files[0], dict):
        return None
    file_id = files[0].get("id")
    return str(file_id) if file_id else None


def from_command(command: Mapping[str, Any]) -> Inbound:
    """`/gotong <command> ...`: the command typed with a slash, answered via the response URL."""
    text = str(command.get("text") or "").strip()
    channel = str(command.get("channel_id") or "")
    trigger_id = str(command.get("trigger_id") or "")
    return Inbound(
        via="command",
        user_id=str(command.get("user_id") or ""),
        text=_as_command(text),
        # Slack does not resend slash commands; the trigger_id names this one invocation.
        event_id=f"cmd:{trigger_id}",
        channel=channel,
        private=channel.startswith("D"),
        response_url=command.get("response_url"),
        trigger_id=trigger_id or None,
    )


def wants_task_form(command_text: str) -> bool:
    """Whether `/gotong` was given the task command and nothing else (the form is friendlier)."""
    command = parse_command(command_text)
    return command is not None and command.name == "task" and not command.args


def from_click(body: Mapping[str, Any]) -> Inbound | None:
    """A click on one of Gotong's buttons: the button's value is the command."""
    actions = body.get("actions") or []
    action = next(
        (a for a in actions if str(a.get("action_id", "")).startswith(ACTION_PREFIX)), None
    )
    if action is None or not action.get("value"):
        return None
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    user = str((body.get("user") or {}).get("id") or "")
    trigger_id = str(body.get("trigger_id") or "")
    event_id = trigger_id or f"{action.get('action_ts', '')}.{user}"
    return Inbound(
        via="click",
        user_id=user,
        text=str(action["value"]),
        event_id=f"act:{event_id}",
        channel=channel,
        private=channel.startswith("D"),
        button=True,
        response_url=body.get("response_url"),
        trigger_id=trigger_id or None,
        message_ts=container.get("message_ts") or (body.get("message") or {}).get("ts"),
        ephemeral=bool(container.get("is_ephemeral")),
        clicked=message if isinstance(message := body.get("message"), dict) else None,
    )


def from_task_form(body: Mapping[str, Any]) -> Inbound | None:
    """The task form submitted: the one-line task command it stands for."""
    view = body.get("view") or {}
    if view.get("callback_id") != TASK_FORM:
        return None
    values = (view.get("state") or {}).get("values") or {}

    def typed(block: str) -> str:
        return str(((values.get(block) or {}).get("value") or {}).get("value") or "").strip()

    assignees = ((values.get("who") or {}).get("value") or {}).get("selected_users") or []
    program = typed("program").lstrip("#").strip()
    parts = [
        "/" + (view.get("private_metadata") or "tugas"),
        typed("what"),
        *(f"<@{user}>" for user in assignees),
        typed("due"),
        f"#{program}" if program else "",
    ]
    user = str((body.get("user") or {}).get("id") or "")
    return Inbound(
        via="form",
        user_id=user,
        text=" ".join(part for part in parts if part),
        event_id=f"form:{body.get('trigger_id') or view.get('id', '')}",
        channel=user,
        private=True,
    )


def event_id(inbound: Inbound) -> str:
    """The id the core knows the message by."""
    return inbound.event_id[:128]


def mentioned_users(text: str) -> list[str]:
    """The Slack user ids mentioned in `text` (`<@U123>`), in order, once each."""
    return list(dict.fromkeys(USER_MENTION.findall(text)))


def incoming(inbound: Inbound, *, profile: Profile, bot_user_id: str | None = None) -> Incoming:
    """The core message for `inbound`, with the accounts it mentions for the core to name."""
    mentions: tuple[tuple[str, str], ...] = ()
    if inbound.button:  # a button's value is already a command: no markup to translate
        text = inbound.text
    else:
        text, mentions = (
            plain_text(inbound.text, bot_user_id),
            mentions_in(inbound.text, bot_user_id),
        )
    return Incoming(
        platform=PLATFORM,
        external_user_id=inbound.user_id,
        chat_id=inbound.chat_id,
        text=text,
        event_id=event_id(inbound),
        private=inbound.private,
        button=inbound.button,
        display_name=profile.display_name,
        username=profile.username,
        language_hint=profile.locale,
        photo_file_id=inbound.file_id,
        mentions=mentions,
    )


def mentions_in(text: str, bot_user_id: str | None = None) -> tuple[tuple[str, str], ...]:
    """The accounts `text` mentions (not the bot), each as `plain_text` writes its mention."""
    return tuple((user, "@" + user) for user in mentioned_users(text) if user != bot_user_id)


def plain_text(text: str, bot_user_id: str | None = None) -> str:
    """Slack message text as the person typed it: mentions, channels and links unwrapped."""

    def unwrap(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            user = target[1:]
            if user == bot_user_id:
                return ""
            # The core names the account (see `mentions_in`); an unknown one stays visible.
            return "@" + user
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            special = target[1:].split("^", 1)[0]
            if special in ("here", "channel", "everyone"):
                return "@" + special
            return label or ""
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        return target  # a link: the address is what was written

    unwrapped = MARKUP.sub(unwrap, text)
    # Slack escapes these three (and only these) in the text it sends.
    unescaped = unwrapped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return "\n".join(" ".join(line.split()) for line in unescaped.strip().split("\n")).strip()


def _as_command(text: str) -> str:
    """What follows `/gotong`, spelled as Gotong's own slash command: `/gotong selesai 1` is
    `/selesai 1`; `/gotong` alone asks for help; `/gotong #kode` picks a program."""
    if not text:
        return "/help"
    if text.startswith(("/", "#")):
        return text
    return "/" + text


def origin(inbound: Inbound) -> str:
    """How the message is named in outbox rows and log lines ("slack:ev:Ev123")."""
    return origin_of(PLATFORM, event_id(inbound))


def about(inbound: Inbound) -> dict[str, Any]:
    """The ids a log line about the message carries: how it came, its origin, its sender."""
    return {"via": inbound.via, "event_id": origin(inbound), "user": inbound.user_id}
