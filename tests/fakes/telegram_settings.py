"""The bot's settings held by the fake Telegram server: command lists and the webhook."""

import json
import re
from collections.abc import Callable
from typing import Any

from tests.fakes.telegram_limits import TelegramLimits
from tests.fakes.telegram_records import CommandsChange, WebhookConfig
from tests.fakes.telegram_requests import Params, bad_request
from tests.fakes.telegram_updates import UpdateFeed

_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)


class BotSettings:
    """setMyCommands, getMyCommands, deleteMyCommands, setWebhook, deleteWebhook, getWebhookInfo."""

    def __init__(
        self, limits: TelegramLimits, updates: UpdateFeed, clock: Callable[[], float]
    ) -> None:
        self._limits = limits
        self._updates = updates
        self._clock = clock
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.command_changes: list[CommandsChange] = []
        self.webhook: WebhookConfig | None = None
        # (unix time, message) of the last failed webhook delivery, as getWebhookInfo reports it
        self.webhook_error: tuple[int, str] | None = None

    def commands(
        self, language_code: str = "", scope: dict[str, Any] | None = None
    ) -> list[dict[str, str]]:
        """The command list currently set for scope (default scope) and language_code."""
        return list(self._commands.get((_scope_key(scope), language_code), []))

    def _commands_key(self, params: Params) -> tuple[dict[str, Any], str]:
        scope = params.json("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
            raise bad_request("unsupported bot command scope")
        language_code = params.text("language_code") or ""
        if language_code and not re.fullmatch(r"[a-z]{2}", language_code):
            raise bad_request("invalid language code specified")
        return scope, language_code

    async def set_my_commands(self, params: Params) -> bool:
        """Store a command list for one scope and language."""
        scope, language_code = self._commands_key(params)
        commands = params.json("commands")
        if not isinstance(commands, list):
            raise bad_request('parameter "commands" is required')
        if len(commands) > self._limits.commands_per_scope:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for entry in commands:
            command = str(entry.get("command", "")) if isinstance(entry, dict) else ""
            description = str(entry.get("description", "")) if isinstance(entry, dict) else ""
            if not re.fullmatch(rf"[a-z0-9_]{{1,{self._limits.command_length}}}", command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= self._limits.command_description_length:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command, "description": description})
        self._commands[(_scope_key(scope), language_code)] = cleaned
        self.command_changes.append(CommandsChange(scope, language_code, cleaned, self._clock()))
        return True

    async def get_my_commands(self, params: Params) -> list[dict[str, str]]:
        """The command list for one scope and language, exactly as set."""
        scope, language_code = self._commands_key(params)
        return self.commands(language_code, scope)

    async def delete_my_commands(self, params: Params) -> bool:
        """Forget the command list for one scope and language."""
        scope, language_code = self._commands_key(params)
        self._commands.pop((_scope_key(scope), language_code), None)
        self.command_changes.append(CommandsChange(scope, language_code, None, self._clock()))
        return True

    async def set_webhook(self, params: Params) -> bool:
        """Set (or, with an empty url, remove) the webhook."""
        url = params.text("url") or ""
        if not url:
            return await self.delete_webhook(params)
        if not re.match(r"https?://\S+$", url):  # Telegram wants https; loopback tests use http
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.text("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.json("allowed_updates")
        if allowed is not None:
            self._updates.allowed_updates = list(allowed)
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        self.webhook = WebhookConfig(url, secret, allowed, params.integer("max_connections") or 40)
        self._updates.interrupt("conflict")  # Telegram ends a waiting getUpdates
        return True

    async def delete_webhook(self, params: Params) -> bool:
        """Remove the webhook, optionally dropping pending updates."""
        if params.flag("drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        return True

    async def get_webhook_info(self, params: Params) -> dict[str, Any]:
        """The webhook, the pending update count and the last error."""
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates.pending),
        }
        if self.webhook is not None:
            info.update(url=self.webhook.url, max_connections=self.webhook.max_connections)
            if self.webhook.allowed_updates is not None:
                info["allowed_updates"] = self.webhook.allowed_updates
        if self.webhook_error is not None:
            info.update(
                last_error_date=self.webhook_error[0], last_error_message=self.webhook_error[1]
            )
        return info


def _scope_key(scope: dict[str, Any] | None) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)
