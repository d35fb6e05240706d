"""The Cloud API client: pywa's async WhatsApp client on our own httpx client.

pywa builds every request (texts, reply buttons, lists, media, templates) and turns the
Graph API's errors into typed exceptions; the base URL is our httpx client's, so a proxy or
the tests' fake Cloud API can stand in for graph.facebook.com.
"""

from __future__ import annotations

import mimetypes

import httpx
from pywa_async import WhatsApp
from pywa_async.types import Button, Section, SectionList, SectionRow
from pywa_async.types.templates import BodyText, TemplateLanguage

from adapters.whatsapp.config import WhatsAppConfig
from adapters.whatsapp.render import LIST_BUTTON, WhatsAppMessage
from core.messages import PHOTO, Attachment

LANGUAGES = {"id": TemplateLanguage.INDONESIAN, "en": TemplateLanguage.ENGLISH}
SECTION_TITLE = "Gotong"


class CloudApi:
    """Sends messages from the business number; one per adapter, closed at stop."""

    def __init__(self, config: WhatsAppConfig) -> None:
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=10.0))
        self.client = WhatsApp(
            phone_id=config.phone_number_id,
            token=config.token,
            session=self._http,
            server=None,  # Gotong serves the webhook itself, beside the other platforms
        )
        # pywa points the client at graph.facebook.com; ours is the configured base.
        self._http.base_url = httpx.URL(config.api_base_url.rstrip("/") + "/")

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    async def send(self, to: str, message: WhatsAppMessage) -> str:
        """Send one message; WhatsApp's id for it."""
        if message.buttons:
            buttons = [Button(title=c.title, callback_data=c.command) for c in message.buttons]
            sent = await self.client.send_message(to, message.text, buttons=buttons)
        elif message.rows:
            rows = [
                SectionRow(title=c.title, callback_data=c.command, description=c.description)
                for c in message.rows
            ]
            choices = SectionList(
                button_title=LIST_BUTTON, sections=[Section(title=SECTION_TITLE, rows=rows)]
            )
            sent = await self.client.send_message(to, message.text, buttons=choices)
        else:
            sent = await self.client.send_message(to, message.text)
        return sent.id

    async def send_file(self, to: str, attachment: Attachment, caption: str | None) -> str:
        """Upload a file and send it (a photo shown inline, else a document)."""
        mime = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
        if attachment.kind == PHOTO:
            sent = await self.client.send_image(
                to, attachment.data, caption=caption, mime_type=mime
            )
        else:
            sent = await self.client.send_document(
                to, attachment.data, filename=attachment.name, caption=caption, mime_type=mime
            )
        return sent.id

    async def send_waiting_notice(self, to: str, template: str, language: str, count: int) -> str:
        """The approved template that says `count` messages wait (allowed outside the window)."""
        sent = await self.client.send_template(
            to,
            name=template,
            language=LANGUAGES.get(language, TemplateLanguage.INDONESIAN),
            # pywa's params is a plain function on the class: its first argument is {{1}}.
            params=[BodyText.params(str(count))],  # type: ignore[arg-type]
        )
        return sent.id

    async def display_number(self) -> str:
        """The business number as digits, for wa.me links."""
        number = await self.client.get_business_phone_number()
        return "".join(ch for ch in number.display_phone_number or "" if ch.isdigit())
