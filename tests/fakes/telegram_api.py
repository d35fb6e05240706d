"""The Bot API methods of the fake Telegram server: state, validation and records, no HTTP."""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.telegram_limits import (
    ChatId,
    FloodControl,
    RetryWindowSend,
    TelegramLimits,
    Violation,
)
from tests.fakes.telegram_records import (
    ApiCall,
    CallbackAnswer,
    CommandsChange,
    FaultRule,
    MessageEdit,
    Recorder,
    SentMessage,
    UploadedFile,
    WebhookConfig,
    inline_keyboard,
)
from tests.fakes.telegram_requests import (
    Params,
    TelegramApiError,
    bad_request,
    checked_caption,
    checked_markup,
    checked_text,
)
from tests.fakes.telegram_settings import BotSettings
from tests.fakes.telegram_updates import UpdateFeed

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@dataclass(frozen=True)
class StoredFile:
    """A file the fake keeps, reachable by getFile and the download URL."""

    file_id: str
    file_unique_id: str
    file_path: str
    filename: str | None
    content_type: str | None
    data: bytes


class BotApi(Recorder):
    """Telegram's side of one bot: chats, messages, updates, commands, webhook and records."""

    def __init__(
        self,
        *,
        token: str,
        bot_username: str,
        bot_first_name: str,
        limits: TelegramLimits,
        clock: Callable[[], float],
        wall_clock: Callable[[], float],
        first_update_id: int,
    ) -> None:
        super().__init__()
        self.token = token
        self.limits = limits
        self._clock = clock
        self._wall_clock = wall_clock
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        # Messages name their sender with the plain User fields, without getMe's extras.
        self.bot_sender = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        self._flood = FloodControl(limits, clock)
        self._chats: dict[ChatId, dict[str, Any]] = {}
        self._messages: dict[tuple[ChatId, int], dict[str, Any]] = {}
        self._sources: dict[tuple[ChatId, int], tuple[Any, ...]] = {}
        self._last_message_id: dict[ChatId, int] = {}
        self._files: dict[str, StoredFile] = {}
        self.updates = UpdateFeed(first_update_id)
        self._open_queries: set[str] = set()
        self._query_number = 0
        self._blocked: set[int] = set()
        self._faults: list[FaultRule] = []
        self.settings = BotSettings(limits, self.updates, clock)
        handlers: dict[str, Callable[[Params], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self.settings.set_my_commands,
            "getMyCommands": self.settings.get_my_commands,
            "deleteMyCommands": self.settings.delete_my_commands,
            "setWebhook": self.settings.set_webhook,
            "deleteWebhook": self.settings.delete_webhook,
            "getWebhookInfo": self.settings.get_webhook_info,
            "getFile": self._get_file,
            "close": self._true,
            "logOut": self._true,
        }
        # Bot API method names are case-insensitive.
        self._handlers = {name.lower(): (name, handler) for name, handler in handlers.items()}

    # -- queries for tests -----------------------------------------------------------------

    @property
    def violations(self) -> list[Violation]:
        """Every send refused for going over a flood limit."""
        return self._flood.violations

    @property
    def sends_inside_retry_window(self) -> list[RetryWindowSend]:
        """Every send made before a retry_after the fake gave had elapsed."""
        return self._flood.sends_inside_retry_window

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by a getUpdates offset or a webhook delivery."""
        return self.updates.pending

    @property
    def webhook(self) -> WebhookConfig | None:
        """The webhook set via setWebhook, or None."""
        return self.settings.webhook

    @property
    def command_changes(self) -> list[CommandsChange]:
        """Every accepted setMyCommands and deleteMyCommands, oldest first."""
        return self.settings.command_changes

    def commands(
        self, language_code: str = "", scope: dict[str, Any] | None = None
    ) -> list[dict[str, str]]:
        """The command list currently set for scope (default scope) and language_code."""
        return self.settings.commands(language_code, scope)

    def message(self, chat_id: ChatId, message_id: int) -> dict[str, Any]:
        """The message as Telegram holds it now (after edits), as a Bot API dict."""
        try:
            return dict(self._messages[(chat_id, message_id)])
        except KeyError:
            raise KeyError(f"no message {message_id} in chat {chat_id}") from None

    def block_bot(self, user_id: int) -> None:
        """Make user_id block the bot: sends and edits to that chat answer 403."""
        self._blocked.add(user_id)

    def unblock_bot(self, user_id: int) -> None:
        """Undo block_bot."""
        self._blocked.discard(user_id)

    # -- plumbing for the HTTP layer -------------------------------------------------------

    def method_name(self, requested: str) -> str | None:
        """The canonical name of a requested method, or None if Telegram has no such method."""
        entry = self._handlers.get(requested.lower())
        return entry[0] if entry else None

    async def call(self, method: str, params: Params) -> Any:
        """Run a method; raises TelegramApiError for an error answer."""
        return await self._handlers[method.lower()][1](params)

    def record_call(self, method: str, params: Params, status: int) -> None:
        """Remember a request and the HTTP status it got (0: the connection was dropped)."""
        self.calls.append(ApiCall(method, params.decoded(), status, self._clock()))

    def open_retry_window(self, chat_id: ChatId, retry_after: int) -> None:
        """Remember a retry_after given to chat_id outside flood control (an injected 429)."""
        self._flood.open_window(chat_id, retry_after)

    def file_at(self, path: str) -> StoredFile | None:
        """The stored file behind a download path, if any."""
        return next((f for f in self._files.values() if f.file_path == path), None)

    # -- state -----------------------------------------------------------------------------

    def _user(
        self, user_id: int, username: str | None, first_name: str | None, language_code: str | None
    ) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"User {user_id}",
        }
        if username != "":
            user["username"] = username or f"user{user_id}"
        if language_code:
            user["language_code"] = language_code
        return user

    def _remember_chat(
        self, chat_id: int, chat_type: str, user: dict[str, Any], title: str | None
    ) -> dict[str, Any]:
        chat: dict[str, Any]
        if chat_type == "private":
            chat = {key: user[key] for key in ("first_name", "username") if key in user}
            chat.update(id=chat_id, type="private")
        else:
            known = self._chats.get(chat_id, {}).get("title")
            chat = {"id": chat_id, "type": chat_type, "title": title or known or f"Group {chat_id}"}
        self._chats[chat_id] = chat
        return chat

    def _chat(self, chat_id: ChatId) -> dict[str, Any]:
        if chat_id in self._chats:
            return self._chats[chat_id]
        if isinstance(chat_id, str):
            return {
                "id": -1_000_000_000_000 - len(chat_id),
                "type": "channel",
                "title": chat_id,
                "username": chat_id.lstrip("@"),
            }
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Group {chat_id}"}

    def _next_message_id(self, chat_id: ChatId) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _next_query_number(self) -> int:
        self._query_number += 1
        return self._query_number

    def _store_file(self, upload: UploadedFile, folder: str, suffix: str = "") -> StoredFile:
        number = len(self._files) + 1
        stored = StoredFile(
            file_id=f"{folder.upper()}-{number:06d}{suffix}",
            file_unique_id=f"U{number:06d}",
            file_path=f"{folder}/file_{number}{_extension(upload.filename)}",
            filename=upload.filename,
            content_type=upload.content_type,
            data=upload.data,
        )
        self._files[stored.file_id] = stored
        return stored

    def _store_photo(self, upload: UploadedFile) -> list[dict[str, Any]]:
        # Telegram answers several sizes, smallest first; bots usually take the last one.
        sizes = []
        for width, height, suffix in ((90, 68, "s"), (800, 600, "x")):
            stored = self._store_file(upload, "photos", suffix)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": len(upload.data),
                }
            )
        return sizes

    # -- checks shared by methods ----------------------------------------------------------

    def _checked_reply(self, params: Params, chat_id: ChatId) -> dict[str, Any]:
        reply = params.json("reply_parameters") or {}
        message_id = reply.get("message_id") or params.integer("reply_to_message_id")
        if message_id is None:
            return {}
        original = self._messages.get((chat_id, int(message_id)))
        if original is not None:
            return {"reply_to_message": original}
        if reply.get("allow_sending_without_reply") or params.flag("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")

    def _admit(self, method: str, chat_id: ChatId) -> None:
        if chat_id in self._blocked:
            raise TelegramApiError(403, "Forbidden: bot was blocked by the user")
        if method in self.limits.rate_limited_methods:
            is_group = self._chat(chat_id)["type"] != "private"
            retry_after = self._flood.admit(chat_id, is_group=is_group)
            if retry_after is not None:
                raise TelegramApiError(
                    429, f"Too Many Requests: retry after {retry_after}", retry_after
                )

    def _checked_upload(self, params: Params, field: str, max_bytes: int) -> UploadedFile:
        upload = params.upload(field)
        if upload is None or upload == "":
            raise bad_request(f"there is no {field} in the request")
        if isinstance(upload, str):
            if upload in self._files:
                stored = self._files[upload]
                return UploadedFile(
                    stored.file_id, stored.filename, stored.content_type, stored.data
                )
            if re.match(r"https?://", upload):
                return UploadedFile("", upload.rsplit("/", 1)[-1], None, b"")
            raise bad_request("wrong file identifier/HTTP URL specified")
        if not upload.data:
            raise bad_request("file must be non-empty")
        if len(upload.data) > max_bytes:
            raise TelegramApiError(413, "Request Entity Too Large")
        return upload

    # -- methods ---------------------------------------------------------------------------

    async def _true(self, params: Params) -> bool:
        return True

    async def _get_me(self, params: Params) -> dict[str, Any]:
        return self.bot_user

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise TelegramApiError(409, _WEBHOOK_ACTIVE)
        allowed = params.json("allowed_updates")
        if allowed is not None:
            self.updates.allowed_updates = list(allowed)
        return await self.updates.poll(
            offset=params.integer("offset"),
            limit=min(max(params.integer("limit") or 100, 1), 100),
            timeout=float(params.text("timeout") or 0),
        )

    async def _send_message(self, params: Params) -> dict[str, Any]:
        chat_id = params.chat_id()
        raw, visible = checked_text(params, self.limits)
        markup = checked_markup(params, self.limits)
        reply = self._checked_reply(params, chat_id)
        self._admit("sendMessage", chat_id)
        message = self._bot_message(chat_id, {"text": visible, **reply}, markup)
        self._sources[(chat_id, message["message_id"])] = (raw, params.text("parse_mode"), markup)
        self._record_send("sendMessage", params, message, raw, markup)
        return message

    async def _send_photo(self, params: Params) -> dict[str, Any]:
        return await self._send_media(params, "sendPhoto", "photo", self.limits.photo_bytes)

    async def _send_document(self, params: Params) -> dict[str, Any]:
        return await self._send_media(
            params, "sendDocument", "document", self.limits.document_bytes
        )

    async def _send_media(
        self, params: Params, method: str, field: str, max_bytes: int
    ) -> dict[str, Any]:
        chat_id = params.chat_id()
        upload = self._checked_upload(params, field, max_bytes)
        raw_caption, caption = checked_caption(params, self.limits)
        markup = checked_markup(params, self.limits)
        reply = self._checked_reply(params, chat_id)
        self._admit(method, chat_id)
        content: dict[str, Any] = dict(reply)
        if field == "photo":
            content["photo"] = self._store_photo(upload)
            file_id = content["photo"][-1]["file_id"]
        else:
            stored = self._store_file(upload, "documents")
            file_id = stored.file_id
            content["document"] = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": upload.filename or "document",
                "mime_type": upload.content_type or "application/octet-stream",
                "file_size": len(upload.data),
            }
        if caption:
            content["caption"] = caption
        message = self._bot_message(chat_id, content, markup)
        self._sources[(chat_id, message["message_id"])] = (None, None, markup)
        kept = UploadedFile(file_id, upload.filename, upload.content_type, upload.data)
        self._record_send(method, params, message, raw_caption, markup, kept)
        return message

    def _bot_message(
        self, chat_id: ChatId, content: dict[str, Any], markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        message = {
            "message_id": self._next_message_id(chat_id),
            "date": int(self._wall_clock()),
            "chat": self._chat(chat_id),
            "from": self.bot_sender,
            **content,
        }
        if inline_keyboard(markup):
            message["reply_markup"] = markup  # Telegram echoes inline keyboards only
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _record_send(
        self,
        method: str,
        params: Params,
        message: dict[str, Any],
        text: str | None,
        markup: dict[str, Any] | None,
        file: UploadedFile | None = None,
    ) -> None:
        self.sent.append(
            SentMessage(
                method=method,
                chat_id=params.chat_id(),
                message_id=message["message_id"],
                text=text,
                parse_mode=params.text("parse_mode"),
                reply_markup=markup,
                timestamp=self._clock(),
                params=params.decoded(),
                file=file,
            )
        )

    def _editable(self, params: Params) -> tuple[ChatId, int, dict[str, Any]]:
        if params.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # this fake has no inline mode
        chat_id = params.chat_id()
        message_id = params.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_id:
            raise bad_request("message can't be edited")
        return chat_id, message_id, message

    async def _edit_message_text(self, params: Params) -> dict[str, Any]:
        chat_id, message_id, message = self._editable(params)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        raw, visible = checked_text(params, self.limits)
        markup = checked_markup(params, self.limits)
        return self._apply_edit(
            "editMessageText",
            params,
            chat_id,
            message_id,
            (raw, params.text("parse_mode"), markup),
            {"text": visible},
        )

    async def _edit_message_reply_markup(self, params: Params) -> dict[str, Any]:
        chat_id, message_id, _ = self._editable(params)
        markup = checked_markup(params, self.limits)
        old_text, old_mode, _ = self._sources[(chat_id, message_id)]
        return self._apply_edit(
            "editMessageReplyMarkup", params, chat_id, message_id, (old_text, old_mode, markup), {}
        )

    def _apply_edit(
        self,
        method: str,
        params: Params,
        chat_id: ChatId,
        message_id: int,
        source: tuple[Any, ...],
        content: dict[str, Any],
    ) -> dict[str, Any]:
        key = (chat_id, message_id)
        old = self._sources[key]
        if (source[0], source[1]) == (old[0], old[1]) and _same_keyboard(source[2], old[2]):
            raise bad_request(NOT_MODIFIED)
        self._admit(method, chat_id)
        message = {**self._messages[key], **content, "edit_date": int(self._wall_clock())}
        message.pop("reply_markup", None)
        if inline_keyboard(source[2]):
            message["reply_markup"] = source[2]
        self._messages[key] = message
        self._sources[key] = source
        self.edits.append(
            MessageEdit(
                method,
                chat_id,
                message_id,
                content.get("text"),
                params.text("parse_mode"),
                source[2],
                self._clock(),
                params.decoded(),
            )
        )
        return message

    async def _answer_callback_query(self, params: Params) -> bool:
        query_id = params.text("callback_query_id") or ""
        if query_id not in self._open_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.text("text")
        if text and len(text) > self.limits.callback_answer_length:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        self.callback_answers.append(
            CallbackAnswer(
                query_id, text, params.flag("show_alert"), params.text("url"), self._clock()
            )
        )
        return True

    async def _get_file(self, params: Params) -> dict[str, Any]:
        stored = self._files.get(params.text("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }


def _same_keyboard(new: dict[str, Any] | None, old: dict[str, Any] | None) -> bool:
    return inline_keyboard(new) == inline_keyboard(old)


def _extension(filename: str | None) -> str:
    if filename and "." in filename.rsplit("/", 1)[-1]:
        return "." + filename.rsplit(".", 1)[-1][:8]
    return ""
