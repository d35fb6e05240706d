"""WhatsApp webhook notifications as core Incoming messages.

One POST can carry several messages (and delivery statuses, which are not messages to
Gotong). Text is a command or an update as on the other platforms; a pressed reply button
or a chosen list row carries the short command as its id, like Telegram callback data; a
photo or a location goes with a field update like on Telegram.
"""

from __future__ import annotations

import hashlib
from typing import Any

from core.messages import Incoming

PLATFORM = "whatsapp"
INDONESIA = "62"  # the country calling code WhatsApp ids begin with


def incoming_messages(body: dict[str, Any], *, phone_number_id: str) -> list[Incoming]:
    """The messages to our number in one webhook notification, in the order sent."""
    found: list[Incoming] = []
    if body.get("object") != "whatsapp_business_account":
        return found
    for entry in _list(body.get("entry")):
        for change in _list(entry.get("changes")):
            value = change.get("value") or {}
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            metadata = value.get("metadata") or {}
            if str(metadata.get("phone_number_id", "")) != phone_number_id:
                continue  # another number of the same business account
            names = {
                str(c.get("wa_id", "")): str((c.get("profile") or {}).get("name", ""))
                for c in _list(value.get("contacts"))
            }
            for message in _list(value.get("messages")):
                incoming = _incoming(message, names)
                if incoming is not None:
                    found.append(incoming)
    return found


def _incoming(message: dict[str, Any], names: dict[str, str]) -> Incoming | None:
    sender, message_id = str(message.get("from", "")), str(message.get("id", ""))
    kind = message.get("type")
    if not sender or not message_id or kind in ("reaction", "system", "ephemeral"):
        return None  # a reaction or a number change says nothing to answer
    text, button = "", False
    photo: str | None = None
    latitude = longitude = None
    if kind == "text":
        text = str((message.get("text") or {}).get("body", ""))
    elif kind == "interactive":
        reply = message.get("interactive") or {}
        chosen = reply.get("button_reply") or reply.get("list_reply") or {}
        text, button = str(chosen.get("id", "")), True
    elif kind == "button":  # a template's quick-reply button
        text, button = str((message.get("button") or {}).get("payload", "")), True
    elif kind == "image":
        image = message.get("image") or {}
        photo, text = str(image.get("id", "")) or None, str(image.get("caption", ""))
    elif kind == "location":
        place = message.get("location") or {}
        latitude, longitude = _number(place.get("latitude")), _number(place.get("longitude"))
    elif kind in ("document", "video"):
        text = str((message.get(kind) or {}).get("caption", ""))
    # Anything else (a voice note, a sticker) arrives as an empty message: the core answers it.
    return Incoming(
        platform=PLATFORM,
        external_user_id=sender,
        chat_id=sender,
        text=text,
        event_id=event_id_of(message_id),
        private=True,
        button=button,
        display_name=names.get(sender, ""),
        # WhatsApp tells no app language; an Indonesian number is the best guess there is.
        language_hint="id" if sender.startswith(INDONESIA) else "en",
        photo_file_id=photo,
        latitude=latitude,
        longitude=longitude,
    )


def _list(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _number(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def event_id_of(message_id: str) -> str:
    """The inbox key of a WhatsApp message id: a redelivered notification repeats the id,
    so it deduplicates; hashed, because a wamid is the sender's phone number in base64, and
    event ids are written in log lines."""
    return "wa" + hashlib.sha256(message_id.encode()).hexdigest()[:40]
