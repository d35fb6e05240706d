"""Telegram updates as core Incoming messages: what a person sent, and whether it was for us."""

from __future__ import annotations

import re

from telegram import CallbackQuery, Message, Update, User
from telegram.constants import ChatType

from core.messages import Incoming, origin_of

PLATFORM = "telegram"


def incoming_from_update(update: Update, *, bot_username: str, bot_id: int) -> Incoming | None:
    """The core message an update stands for, or None when Gotong should not react to it."""
    if update.callback_query is not None:
        return _button_press(update.update_id, update.callback_query)
    message = update.message  # edits, channel posts and the rest are not messages to Gotong
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    private = message.chat.type == ChatType.PRIVATE
    text = message.text or message.caption or ""
    if not private:
        addressed = _addressed_text(message, text, bot_username, bot_id)
        if addressed is None:
            return None
        text = addressed
    location = message.location
    return _incoming(
        message.from_user,
        event_id=update.update_id,
        chat_id=message.chat.id,
        text=text,
        private=private,
        # Telegram lists a photo's sizes smallest first; the largest is the one worth keeping.
        photo_file_id=message.photo[-1].file_id if message.photo else None,
        latitude=location.latitude if location else None,
        longitude=location.longitude if location else None,
    )


def _button_press(update_id: int, query: CallbackQuery) -> Incoming | None:
    if query.data is None:  # game buttons carry no data; Gotong sends none
        return None
    chat = query.message.chat if query.message is not None else None
    return _incoming(
        query.from_user,
        event_id=update_id,
        chat_id=chat.id if chat is not None else query.from_user.id,
        text=query.data,
        private=chat is None or chat.type == ChatType.PRIVATE,
        button=True,
    )


def _addressed_text(message: Message, text: str, bot_username: str, bot_id: int) -> str | None:
    """In a group, the text if it was meant for the bot (a command, a mention, a reply), else None.

    Group chatter between people is none of Gotong's business, even when privacy mode is off.
    """
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    if first.startswith("/"):
        _, at, addressee = first.partition("@")
        return text if not at or addressee.lower() == bot_username.lower() else None
    mention = re.compile(rf"(?<![\w@])@{re.escape(bot_username)}\b", re.IGNORECASE)
    if mention.search(text):
        return " ".join(mention.sub(" ", text).split())
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    return None


def _incoming(
    user: User,
    *,
    event_id: int,
    chat_id: int,
    text: str,
    private: bool,
    button: bool = False,
    photo_file_id: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Incoming:
    return Incoming(
        platform=PLATFORM,
        external_user_id=str(user.id),
        chat_id=str(chat_id),
        text=text,
        # The update_id is Telegram's delivery id: a redelivered update repeats it.
        event_id=str(event_id),
        private=private,
        button=button,
        display_name=user.full_name,
        username=user.username or "",
        language_hint=user.language_code,
        photo_file_id=photo_file_id,
        latitude=latitude,
        longitude=longitude,
    )


def update_origin(update_id: int | None) -> str | None:
    """How an update is named in log lines, as the message it carries is ("telegram:123")."""
    return None if update_id is None else origin_of(PLATFORM, str(update_id))
