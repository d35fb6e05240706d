"""What the WhatsApp adapter is told at start-up, and what it cannot start without."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

SIGNATURE_HEADER = "X-Hub-Signature-256"
# WhatsApp lets a business write freely for 24 hours after the person's last message; a few
# minutes less leaves room for a clock that is a little off and a message in flight.
WINDOW = timedelta(hours=23, minutes=55)


class WhatsAppStartError(RuntimeError):
    """WhatsApp is not configured well enough to serve, or could not be listened for."""


@dataclass(frozen=True)
class WhatsAppConfig:
    """What the adapter needs to know; the runner fills it from Settings."""

    token: str = field(repr=False)
    phone_number_id: str
    app_secret: str = field(repr=False)
    verify_token: str = field(repr=False)
    # The Graph API with its version; a proxy or the tests' fake Cloud API instead.
    api_base_url: str = "https://graph.facebook.com/v23.0"
    webhook_listen: str = "0.0.0.0:8080"
    webhook_path: str = "/whatsapp"
    # The business number's throughput (messages a second) and the pace to one person.
    per_second: float = 80.0
    recipient_per_second: float = 1.0
    # The approved template sent when messages wait outside the window (templates.json).
    waiting_template: str = "gotong_pesan_menunggu"
    window: timedelta = WINDOW
    concurrent_updates: int = 16
    # Real seconds between tries of a reply the network lost.
    reply_retry_delays: tuple[float, ...] = (1.0, 4.0)

    def check(self) -> None:
        """Refuse settings that would serve WhatsApp insecurely or not at all."""
        missing = [
            name
            for name, value in (
                ("WHATSAPP_PHONE_NUMBER_ID", self.phone_number_id),
                ("WHATSAPP_APP_SECRET", self.app_secret),
                ("WHATSAPP_VERIFY_TOKEN", self.verify_token),
            )
            if not value
        ]
        if missing:
            raise WhatsAppStartError("WhatsApp needs " + ", ".join(missing))
