"""Webhook notifications as Meta sends them, and their X-Hub-Signature-256."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

SIGNATURE_HEADER = "X-Hub-Signature-256"


def sign(app_secret: str, body: bytes) -> str:
    """The signature Meta puts on a notification: sha256= and the app secret's HMAC."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def notification(
    phone_number_id: str, display_number: str, wa_id: str, message: dict[str, Any], *, name: str
) -> dict[str, Any]:
    """One message in the envelope a webhook POST carries."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": display_number,
                                "phone_number_id": phone_number_id,
                            },
                            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
                            "messages": [message],
                        },
                    }
                ],
            }
        ],
    }


def text(message_id: str, body: str) -> dict[str, Any]:
    return {"id": message_id, "type": "text", "text": {"body": body}}


def button_reply(message_id: str, command: str, title: str) -> dict[str, Any]:
    return {
        "id": message_id,
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": command, "title": title}},
    }


def list_reply(message_id: str, command: str, title: str) -> dict[str, Any]:
    return {
        "id": message_id,
        "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": {"id": command, "title": title}},
    }


def image(message_id: str, media_id: str, caption: str = "") -> dict[str, Any]:
    body = {"id": media_id, "mime_type": "image/jpeg", "sha256": "0" * 64}
    if caption:
        body["caption"] = caption
    return {"id": message_id, "type": "image", "image": body}


def location(message_id: str, latitude: float, longitude: float) -> dict[str, Any]:
    return {
        "id": message_id,
        "type": "location",
        "location": {"latitude": latitude, "longitude": longitude},
    }


def status(message_id: str, wa_id: str) -> dict[str, Any]:
    """A delivery status (not a message): what Gotong must not answer."""
    return {"id": message_id, "status": "delivered", "recipient_id": wa_id}
