"""The outbox sweep every platform adapter shares: claim what is due, send each message, and
turn each refusal into what to do next. A sweep never waits and never raises into the runner.

A platform subclass says how to send one message (`deliver`) and what its refusals mean,
using the helpers here: `rate_limited` (that chat waits, for the rest of the sweep too),
`unreachable` (the person's messages stop), `postpone` (put back untried: no attempt spent),
`put_back` (a failed attempt, retried later), `failed` (given up: nothing to send) and
`refuse_file` (the platform will not take the file: the text goes alone, with a note). It
catches only refusals and network trouble; anything else it raises is a bug, and the sweep
gives that message up instead of retrying it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from adapters.failures import error_kind
from core.delivery.claims import Delivery, OutboxDelivery
from core.eventlog import event

log = logging.getLogger("gotong.outbox")


@dataclass
class Sweep:
    """What one sweep has learned: chats told to wait, people who cannot be reached."""

    waits: dict[str, timedelta] = field(default_factory=dict)
    gone: set[int] = field(default_factory=set)


class PlatformOutbox:
    """Sends the outbox messages due for one platform."""

    platform: str

    def __init__(self, outbox: OutboxDelivery) -> None:
        self._outbox = outbox

    async def deliver_once(self, limit: int = 50) -> int:
        """Send the messages due for this platform; returns how many were sent."""
        try:
            deliveries = await asyncio.to_thread(self._outbox.claim, self.platform, limit)
        except Exception as error:
            event(
                log,
                "outbox.claim_failed",
                level=logging.ERROR,
                exc_info=error,
                platform=self.platform,
                error=error_kind(error),
            )
            return 0
        sent = 0
        sweep = Sweep()
        for delivery in deliveries:
            try:
                if delivery.person_id in sweep.gone:
                    continue  # `unreachable` already failed their messages
                if delivery.chat_id in sweep.waits:
                    await self.postpone(delivery, sweep.waits[delivery.chat_id], "rate limited")
                elif await self.deliver(delivery, sweep):
                    sent += 1
            except Exception as error:  # a bug or the database: keep the sweep going
                self._log(
                    delivery,
                    "outbox.bug",
                    level=logging.ERROR,
                    exc_info=error,
                    error=error_kind(error),
                )
                # Retrying cannot fix a bug; left `sending`, the row would be reclaimed forever.
                await self._give_up(delivery, f"bug: {error_kind(error)}")
        return sent

    async def _give_up(self, delivery: Delivery, reason: str) -> None:
        try:
            await self.failed(delivery, reason)
        except Exception as error:  # the database: the lease hands the row to a later sweep
            self._log(
                delivery,
                "outbox.not_marked_failed",
                level=logging.ERROR,
                exc_info=error,
                error=error_kind(error),
            )

    async def deliver(self, delivery: Delivery, sweep: Sweep) -> bool:
        """Send one message; whether the platform took it."""
        raise NotImplementedError

    async def refuse_file(self, delivery: Delivery, error: str) -> Delivery:
        """The platform will not take the file (too big): the text goes alone, with the note."""
        self._log(delivery, "outbox.file_refused", level=logging.WARNING, error=error)
        return await asyncio.to_thread(self._outbox.refuse_file, delivery, error)

    async def finished(self, delivery: Delivery, platform_message_id: str) -> None:
        """The platform took all there was to send: sent, or failed for the file it refused
        (the reader has the text and the note; the row names what went wrong)."""
        if delivery.file_refused:
            await self.failed(delivery, delivery.file_refused)
        else:
            await self.sent(delivery, platform_message_id)

    async def sent(self, delivery: Delivery, platform_message_id: str) -> None:
        """The platform took the whole message."""
        await asyncio.to_thread(self._outbox.sent, delivery.id, platform_message_id)
        self._log(delivery, "outbox.sent", outcome="sent")

    async def progress(self, delivery: Delivery, pieces_sent: int) -> None:
        """The platform took a piece of a long message: a retry starts after it."""
        await asyncio.to_thread(self._outbox.progress, delivery.id, pieces_sent)

    async def rate_limited(self, delivery: Delivery, sweep: Sweep, delay: timedelta) -> None:
        """The platform said this chat must wait: so does the rest of this sweep's mail to it."""
        sweep.waits[delivery.chat_id] = delay
        await self.postpone(delivery, delay, "rate limited")

    async def unreachable(self, delivery: Delivery, sweep: Sweep, reason: str) -> None:
        """The person cannot get messages here any more: mark them, stop their messages.

        A reply in a group or channel refused this way only means that chat is closed to the
        bot: that reply is given up, and the person stays reachable.
        """
        if not delivery.to_person or delivery.person_id is None:
            self._log(delivery, "outbox.reply_refused", reason=reason)
            await self.failed(delivery, reason)
            return
        self._log(delivery, "outbox.unreachable", person=delivery.person_id, reason=reason)
        sweep.gone.add(delivery.person_id)
        await asyncio.to_thread(self._outbox.unreachable, delivery.person_id, self.platform)

    async def failed(self, delivery: Delivery, reason: str) -> None:
        """Give the message up for good: nothing to send, or a bug that retrying cannot fix."""
        self._log(
            delivery, "outbox.given_up", level=logging.WARNING, outcome="failed", reason=reason
        )
        await asyncio.to_thread(self._outbox.failed, delivery.id, reason)

    async def postpone(self, delivery: Delivery, delay: timedelta, reason: str) -> None:
        """Put a message back untried (pacing, rate limits): no attempt is spent."""
        self._log(delivery, "outbox.postponed", outcome="postponed", reason=reason)
        await asyncio.to_thread(self._outbox.postpone, delivery.id, delay, reason)

    async def put_back(self, delivery: Delivery, delay: timedelta, error: str) -> None:
        """A failed attempt: try again after `delay`."""
        self._log(delivery, "outbox.retrying", outcome="retry", error=error)
        await asyncio.to_thread(self._outbox.retry_later, delivery.id, delay, error)

    def _log(
        self,
        delivery: Delivery,
        name: str,
        *,
        level: int = logging.INFO,
        exc_info: BaseException | None = None,
        **fields: object,
    ) -> None:
        """A delivery's line: which row, where, which attempt, and the message that caused it."""
        event(
            log,
            name,
            level=level,
            exc_info=exc_info,
            delivery=delivery.id,
            platform=self.platform,
            attempt=delivery.attempts,
            cause=delivery.cause,
            **fields,
        )
