"""The queue of updates waiting for the bot, delivered the way getUpdates delivers them."""

import asyncio
from typing import Any

from tests.fakes.telegram_requests import TelegramApiError

# Telegram sends these only when a bot asks for them in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class UpdateFeed:
    """Updates kept until the bot confirms them with an offset, and the long polls waiting."""

    def __init__(self, first_update_id: int) -> None:
        self._queue: list[dict[str, Any]] = []
        self._next_update_id = first_update_id
        self._long_polls: set[asyncio.Future[str]] = set()
        self.allowed_updates: list[str] = []  # Telegram keeps the last list a bot asked for

    @property
    def pending(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed, in update_id order."""
        return sorted(self._queue, key=_update_id)

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue update, giving it the next update_id unless it has one, and wake long polls."""
        update = dict(update)
        update.setdefault("update_id", self._next_update_id)
        self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
        self._queue.append(update)
        self.interrupt("update")
        return update

    def remove(self, update: dict[str, Any]) -> None:
        """Forget one queued update (it was delivered by webhook)."""
        if update in self._queue:
            self._queue.remove(update)

    def clear(self) -> None:
        """Drop every pending update (drop_pending_updates)."""
        self._queue.clear()

    def interrupt(self, reason: str) -> None:
        """Wake every waiting long poll: "update", "conflict" (answers 409) or "closing"."""
        for waiter in self._long_polls:
            if not waiter.done():
                waiter.set_result(reason)

    async def poll(self, *, offset: int | None, limit: int, timeout: float) -> list[dict[str, Any]]:
        """Confirm updates below offset, then wait up to timeout seconds for up to limit more."""
        self._confirm(offset)
        self.interrupt("conflict")  # a new poll ends the one before, as on Telegram
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            batch = self._deliverable(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0:
                return batch
            waiter: asyncio.Future[str] = loop.create_future()
            self._long_polls.add(waiter)
            try:
                async with asyncio.timeout(remaining):
                    reason = await waiter
            except TimeoutError:
                return []
            finally:
                self._long_polls.discard(waiter)
            if reason == "conflict":
                raise TelegramApiError(409, _CONFLICT)
            if reason == "closing":
                return self._deliverable(limit)

    def _confirm(self, offset: int | None) -> None:
        if not offset:
            return
        if offset < 0:  # Telegram: keep only the last -offset updates
            self._queue = self.pending[offset:]
        else:
            self._queue = [update for update in self._queue if update["update_id"] >= offset]

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        # Updates the bot did not ask for are never delivered; Telegram does not keep them.
        self._queue = [update for update in self.pending if self._wanted(update)]
        return self._queue[:limit]

    def _wanted(self, update: dict[str, Any]) -> bool:
        kind = next((key for key in update if key != "update_id"), "")
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in OPT_IN_UPDATES


def _update_id(update: dict[str, Any]) -> int:
    return int(update["update_id"])
