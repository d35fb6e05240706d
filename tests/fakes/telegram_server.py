"""A fake Telegram Bot API server for end-to-end tests of the Telegram adapter.

It speaks the real HTTP protocol on 127.0.0.1 (``POST /bot<token>/<method>``
with a form, multipart or JSON body; ``GET /file/bot<token>/<path>`` for
downloads), so the real python-telegram-bot client can be pointed at it with
``base_url=fake.base_url, base_file_url=fake.base_file_url``. It records what
the bot sent and enforces Telegram's limits (see ``telegram_limits``).

    async with FakeTelegram(clock=ManualClock()) as fake:
        bot = Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)
        fake.push_message(42, "/start")
"""

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.chaos import HTML_PAGE, Chaos
from tests.fakes.telegram_api import BotApi
from tests.fakes.telegram_limits import ManualClock, TelegramLimits
from tests.fakes.telegram_records import FaultRule, UploadedFile
from tests.fakes.telegram_requests import Params, TelegramApiError

__all__ = ["DEFAULT_TOKEN", "FakeTelegram", "ManualClock", "TelegramLimits"]

DEFAULT_TOKEN = "123456789:AAGotongFakeTokenForTests_0123456789"
_FROM_WEBHOOK: Any = object()  # deliver_webhook's default: use the secret set via setWebhook
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


class FakeTelegram(BotApi):
    """The Bot API as seen by one bot, served over loopback HTTP, plus helpers to drive it."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "GotongTestBot",
        bot_first_name: str = "Gotong",
        limits: TelegramLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        first_update_id: int = 100_000,
        host: str = "127.0.0.1",
    ) -> None:
        super().__init__(
            token=token,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            limits=limits or TelegramLimits(),
            clock=clock,
            wall_clock=wall_clock,
            first_update_id=first_update_id,
        )
        self._host = host
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""
        # Set it to fail a seeded share of every call (tests.fakes.chaos).
        self.chaos: Chaos | None = None

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> str:
        """Listen on a free port and return the server's root URL."""
        app = web.Application(client_max_size=self.limits.document_bytes + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        # handler_cancellation: a long poll the client gave up on ends, as on Telegram.
        self._runner = web.AppRunner(
            app, shutdown_timeout=1.0, access_log=None, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://{self._host}:{port}"
        return self.url

    async def stop(self) -> None:
        """Answer pending long polls, close the webhook client and stop listening."""
        self.updates.interrupt("closing")
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "FakeTelegram":
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What to pass as PTB's base_url (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass as PTB's base_file_url (PTB appends the token)."""
        return f"{self.url}/file/bot"

    # -- traffic from users ----------------------------------------------------------------

    def push_message(
        self,
        user_id: int,
        text: str | None = None,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        chat_title: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        language_code: str | None = "id",
        photo: bytes | None = None,
        caption: str | None = None,
        location: tuple[float, float] | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """Queue a message from a user; a leading /command gets its bot_command entity.

        username "" means the user has none; chat_id defaults to the user's private chat.
        """
        if chat_type != "private" and chat_id is None:
            raise ValueError("a group message needs a chat_id (negative, like Telegram's)")
        user = self._user(user_id, username, first_name, language_code)
        chat = self._remember_chat(
            user_id if chat_id is None else chat_id, chat_type, user, chat_title
        )
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(self._wall_clock()),
            "chat": chat,
            "from": user,
        }
        if text is not None:
            message["text"] = text
            message.update(_command_entities("entities", text))
        if photo is not None:
            message["photo"] = self._store_photo(UploadedFile("", "photo.jpg", "image/jpeg", photo))
        if caption is not None:
            message["caption"] = caption
            message.update(_command_entities("caption_entities", caption))
        if location is not None:
            message["location"] = {"latitude": location[0], "longitude": location[1]}
        if reply_to is not None:
            message["reply_to_message"] = self.message(chat["id"], reply_to)
        self._messages[(chat["id"], message["message_id"])] = message
        return self.push_raw({"message": message})

    def push_photo(
        self,
        user_id: int,
        data: bytes = b"\xff\xd8fake-jpeg",
        *,
        caption: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Queue a photo from a user; its bytes can be fetched with getFile and a download."""
        return self.push_message(user_id, photo=data, caption=caption, **kwargs)

    def push_location(
        self, user_id: int, latitude: float, longitude: float, **kwargs: Any
    ) -> dict[str, Any]:
        """Queue a shared location from a user."""
        return self.push_message(user_id, location=(latitude, longitude), **kwargs)

    def push_callback(
        self,
        user_id: int,
        data: str,
        message_id: int,
        chat_id: int | None = None,
        *,
        username: str | None = None,
        first_name: str | None = None,
        language_code: str | None = "id",
    ) -> dict[str, Any]:
        """Queue a tap on an inline button of message_id (a message the bot sent, if known)."""
        chat_key = user_id if chat_id is None else chat_id
        user = self._user(user_id, username, first_name, language_code)
        message = self._messages.get((chat_key, message_id)) or {
            "message_id": message_id,
            "date": int(self._wall_clock()),
            "chat": self._chat(chat_key),
            "from": self.bot_sender,
            "text": "",
        }
        query_id = f"{user_id}{self._next_query_number()}"
        query = {
            "id": query_id,
            "from": user,
            "chat_instance": str(chat_key),
            "message": message,
            "data": data,
        }
        return self.push_raw({"callback_query": query})

    def push_raw(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update as given; an explicit update_id may repeat one already delivered."""
        query = update.get("callback_query")
        if isinstance(query, dict) and "id" in query:
            self._open_queries.add(str(query["id"]))
        return self.updates.push(update)

    async def deliver_webhook(
        self,
        update: dict[str, Any],
        url: str | None = None,
        secret_token: str | None = _FROM_WEBHOOK,
    ) -> int:
        """POST update to the webhook like Telegram does and return the HTTP status.

        url and secret_token default to what setWebhook set; pass secret_token=None to
        send no secret header. A 2xx answer removes the update from the pending queue.
        """
        webhook = self.webhook
        target = url or (webhook.url if webhook else None)
        if not target:
            raise ValueError("no webhook URL: call setWebhook first or pass url")
        if secret_token is _FROM_WEBHOOK:
            secret_token = webhook.secret_token if webhook else None
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret_token} if secret_token else {}
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        async with self._session.post(target, json=update, headers=headers) as response:
            status = response.status
        if 200 <= status < 300:
            self.updates.remove(update)
        else:
            self.settings.webhook_error = (
                int(self._wall_clock()),
                f"Wrong response from the webhook: {status}",
            )
        return status

    # -- faults ----------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        status: int = 500,
        times: int | None = 1,
        fraction: float | None = None,
        seed: int = 0,
        retry_after: int | None = None,
        description: str | None = None,
        skip: int = 0,
    ) -> FaultRule:
        """Answer the next `times` calls of method ("*": any) with an error status.

        With fraction, each call is hit with that probability (seeded); times=None: forever.
        skip: let that many calls through first.
        A 429 opens a retry window for the call's chat, as a real flood refusal does.
        """
        return self._add_fault(
            FaultRule(
                method,
                "error",
                status=status,
                times=times,
                fraction=fraction,
                seed=seed,
                retry_after=retry_after,
                description=description,
                skip=skip,
            )
        )

    def drop_connection(
        self,
        method: str,
        *,
        times: int | None = 1,
        fraction: float | None = None,
        seed: int = 0,
        after_processing: bool = False,
    ) -> FaultRule:
        """Close the connection without an answer; after_processing: the call took effect."""
        return self._add_fault(
            FaultRule(
                method,
                "disconnect",
                times=times,
                fraction=fraction,
                seed=seed,
                after_processing=after_processing,
            )
        )

    def delay(
        self,
        method: str,
        seconds: float,
        *,
        times: int | None = 1,
        fraction: float | None = None,
        seed: int = 0,
    ) -> FaultRule:
        """Wait `seconds` of real time before answering (to provoke client timeouts)."""
        return self._add_fault(
            FaultRule(method, "delay", seconds=seconds, times=times, fraction=fraction, seed=seed)
        )

    def clear_faults(self) -> None:
        """Forget every fault rule."""
        self._faults.clear()

    def _add_fault(self, rule: FaultRule) -> FaultRule:
        self._faults.append(rule)
        return rule

    def _strike(self, method: str) -> FaultRule | None:
        rule = next((rule for rule in self._faults if rule.strikes(method)), None)
        return rule or self._chaos_fault(method)

    def _chaos_fault(self, method: str) -> FaultRule | None:
        kind = self.chaos.strike(method) if self.chaos is not None else None
        if kind is None or self.chaos is None:
            return None
        if kind == "rate_limit":
            return FaultRule(method, "error", status=429, retry_after=self.chaos.retry_after)
        if kind == "server_error":
            return FaultRule(method, "error", status=500)
        if kind == "html_page":
            return FaultRule(method, "garbage", status=502)
        seconds = self.chaos.hang if kind == "timeout" else 0.0
        return FaultRule(method, "disconnect", seconds=seconds)

    # -- HTTP ------------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error_response(TelegramApiError(401, "Unauthorized"))
        method = self.method_name(request.match_info["method"])
        if method is None:
            return _error_response(TelegramApiError(404, "Not Found"))
        try:
            params = await _read_params(request)
        except TelegramApiError as error:
            return _error_response(error)
        fault = self._strike(method)
        if fault is None:
            return await self._answer(method, params)
        if fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
            return await self._answer(method, params)
        if fault.kind == "error":
            return self._fault_error(method, params, fault)
        if fault.kind == "garbage":  # a proxy's error page in place of the Bot API's JSON
            self.record_call(method, params, fault.status)
            return web.Response(status=fault.status, text=HTML_PAGE, content_type="text/html")
        if fault.seconds:  # no answer until the client gave up (a timeout)
            await asyncio.sleep(fault.seconds)
        if fault.after_processing:
            with contextlib.suppress(TelegramApiError):
                await self.call(method, params)
        self.record_call(method, params, 0)
        if request.transport is not None:
            request.transport.close()
        return web.Response()  # never reaches the client: the connection is closed

    async def _answer(self, method: str, params: Params) -> web.Response:
        try:
            result = await self.call(method, params)
        except TelegramApiError as error:
            self.record_call(method, params, error.status)
            return _error_response(error)
        self.record_call(method, params, 200)
        return web.json_response({"ok": True, "result": result})

    def _fault_error(self, method: str, params: Params, fault: FaultRule) -> web.Response:
        if fault.status == 429 and fault.retry_after:
            with contextlib.suppress(TelegramApiError):  # methods without a chat have no window
                self.open_retry_window(params.chat_id(), fault.retry_after)
        self.record_call(method, params, fault.status)
        error = TelegramApiError(fault.status, fault.description or "", fault.retry_after)
        return _error_response(error)

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error_response(TelegramApiError(401, "Unauthorized"))
        stored = self.file_at(request.match_info["path"])
        if stored is None:
            return _error_response(TelegramApiError(404, "Not Found"))
        return web.Response(body=stored.data, content_type="application/octet-stream")


async def _read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise TelegramApiError(400, "Bad Request: can't parse JSON request body") from None
        if isinstance(body, dict):
            values.update(body)
    elif request.can_read_body:
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                data = value.file.read()
                files[name] = UploadedFile("", value.filename, value.content_type, data)
            else:
                values[name] = value
    return Params(values, files)


def _error_response(error: TelegramApiError) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return web.json_response(body, status=error.status)


def _command_entities(key: str, text: str) -> dict[str, Any]:
    match = _COMMAND.match(text)
    if match is None:
        return {}
    length = len(match.group().encode("utf-16-le")) // 2
    return {key: [{"type": "bot_command", "offset": 0, "length": length}]}
