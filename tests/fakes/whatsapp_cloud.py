"""A fake WhatsApp Cloud API for end-to-end tests of the WhatsApp adapter.

It speaks the Graph API over loopback HTTP (``POST /{version}/{phone_number_id}/messages``,
``POST /{version}/{phone_number_id}/media``, ``GET /{version}/{media_id}`` and the download
it names, ``GET /{version}/{phone_number_id}``), so pywa can be pointed at it through the
base URL. It records what the business sent, enforces WhatsApp's limits (``whatsapp_limits``)
and the 24-hour window (131047 outside it, except for templates), answers 429 / 130429 above
the configured throughput, and drives the adapter's webhook with signed notifications
(``whatsapp_webhooks``), as Meta does.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes import whatsapp_webhooks as hooks
from tests.fakes.whatsapp_limits import (
    WINDOW_SECONDS,
    CloudApiError,
    CloudLimits,
    check_message,
)
from tests.fakes.whatsapp_records import SentMessage, Uploaded, sent_message

VERSION = "v23.0"
TEMPLATES = Path(__file__).parents[2] / "adapters" / "whatsapp" / "templates.json"


class FakeWhatsApp:
    """One business number on the Cloud API, served over loopback, plus helpers to drive it."""

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        token: str = "EAAGotongFakeToken0123456789",
        phone_number_id: str = "106540352242922",
        display_number: str = "+62 811-0000-1234",
        app_secret: str = "fake-app-secret-0123456789",
        limits: CloudLimits | None = None,
    ) -> None:
        self.clock = clock
        self.token = token
        self.phone_number_id = phone_number_id
        self.display_number = display_number
        self.app_secret = app_secret
        self.limits = limits or CloudLimits()
        self.sent: list[SentMessage] = []
        self.violations: list[str] = []  # limits Gotong should have kept
        self.refusals: list[int] = []  # error codes answered, in order
        self.uploads: dict[str, Uploaded] = {}
        self.last_inbound: dict[str, float] = {}
        self.webhook_url = ""
        self.fail_next: list[CloudApiError] = []
        self._recent: list[float] = []
        self._ids = itertools.count(1)
        self._templates = {
            (t["name"], t["language"]) for t in json.loads(TEMPLATES.read_text())["templates"]
        }
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""

    @property
    def base_url(self) -> str:
        return f"{self.url}/{VERSION}"

    async def __aenter__(self) -> FakeWhatsApp:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_post("/{version}/{phone}/messages", self._messages)
        app.router.add_post("/{version}/{phone}/media", self._upload)
        app.router.add_get("/download/{media_id}", self._download)
        app.router.add_get("/{version}/{node}", self._node)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what was sent -------------------------------------------------------------------

    def messages_to(self, wa_id: str) -> list[SentMessage]:
        return [m for m in self.sent if m.to == wa_id]

    def texts_to(self, wa_id: str) -> list[str]:
        return [m.text for m in self.messages_to(wa_id)]

    # -- the webhook: people writing -----------------------------------------------------

    async def post(self, body: dict[str, Any], *, signature: str | None = "good") -> int:
        """POST a notification to the adapter's webhook (signed, unless told otherwise)."""
        raw = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "good":
            headers[hooks.SIGNATURE_HEADER] = hooks.sign(self.app_secret, raw)
        elif signature is not None:
            headers[hooks.SIGNATURE_HEADER] = signature
        assert self._session is not None and self.webhook_url
        async with self._session.post(self.webhook_url, data=raw, headers=headers) as response:
            return response.status

    async def write(self, wa_id: str, message: dict[str, Any], name: str = "") -> int:
        """A person's message reaching the business: their window opens, the webhook is told."""
        self.last_inbound[wa_id] = self.clock()
        return await self.post(self.notification(wa_id, message, name))

    def notification(self, wa_id: str, message: dict[str, Any], name: str = "") -> dict[str, Any]:
        return hooks.notification(
            self.phone_number_id,
            self.display_number,
            wa_id,
            message | {"from": wa_id, "timestamp": str(int(self.clock()))},
            name=name or f"Orang {wa_id[-4:]}",
        )

    def user_photo(self, data: bytes = b"\x89PNG fake photo") -> str:
        """A photo a person sent, stored as WhatsApp stores media; its id."""
        media_id = f"media-{next(self._ids)}"
        self.uploads[media_id] = Uploaded(media_id, data, "image/jpeg", "photo.jpg")
        return media_id

    # -- the Graph API -------------------------------------------------------------------

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    async def _messages(self, request: web.Request) -> web.Response:
        try:
            if not self._authorised(request):
                raise CloudApiError(401, 190, "Invalid OAuth access token")
            if request.match_info["phone"] != self.phone_number_id:
                raise CloudApiError(400, 100, "unknown phone number id")
            payload = await request.json()
            if self.fail_next:
                raise self.fail_next.pop(0)
            self._throughput()
            check_message(payload)
            self._check_window_and_media(payload)
        except CloudApiError as error:
            self.refusals.append(error.code)
            if error.code == 100:
                self.violations.append(error.message)
            return web.json_response(error.body(), status=error.status)
        message_id = f"wamid.FAKE{next(self._ids):06d}"
        self.sent.append(sent_message(message_id, payload, self.clock()))
        to = str(payload["to"])
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": message_id}],
            }
        )

    def _throughput(self) -> None:
        now = self.clock()
        self._recent = [t for t in self._recent if now - t < 1.0]
        if self.limits.per_second is not None and len(self._recent) >= self.limits.per_second:
            raise CloudApiError(429, 130429, "Rate limit hit")
        self._recent.append(now)

    def _check_window_and_media(self, payload: dict[str, Any]) -> None:
        kind, to = payload["type"], str(payload["to"])
        if kind == "template":
            body = payload["template"]
            if (body.get("name"), (body.get("language") or {}).get("code")) not in self._templates:
                raise CloudApiError(404, 132001, "Template name does not exist")
            return
        last = self.last_inbound.get(to)
        if last is None or self.clock() - last > WINDOW_SECONDS:
            raise CloudApiError(400, 131047, "Re-engagement message")
        if kind in ("image", "document") and payload[kind].get("id") not in self.uploads:
            raise CloudApiError(400, 100, "unknown media id")

    async def _upload(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response(CloudApiError(401, 190, "token").body(), status=401)
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return web.json_response(CloudApiError(400, 100, "file").body(), status=400)
        media_id = f"media-{next(self._ids)}"
        self.uploads[media_id] = Uploaded(
            media_id, upload.file.read(), upload.content_type, upload.filename
        )
        return web.json_response({"id": media_id})

    async def _node(self, request: web.Request) -> web.Response:
        """GET a node: the business number's details, or a media object's download URL."""
        if not self._authorised(request):
            return web.json_response(CloudApiError(401, 190, "token").body(), status=401)
        node = request.match_info["node"]
        if node == self.phone_number_id:
            return web.json_response(
                {
                    "id": self.phone_number_id,
                    "display_phone_number": self.display_number,
                    "verified_name": "Gotong",
                    "quality_rating": "GREEN",
                }
            )
        media = self.uploads.get(node)
        if media is None:
            return web.json_response(CloudApiError(404, 100, "no such node").body(), status=404)
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.url}/download/{node}",
                "mime_type": media.mime_type,
                "sha256": "0" * 64,
                "file_size": len(media.data),
                "id": node,
            }
        )

    async def _download(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.Response(status=401)
        media = self.uploads.get(request.match_info["media_id"])
        if media is None:
            return web.Response(status=404)
        return web.Response(body=media.data, content_type=media.mime_type)
