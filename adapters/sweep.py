"""The outbox sweep every platform adapter shares: claim what is due, send each message, and
turn each refusal into what to do next. A sweep never raises into the runner, and waits only
for its turn at the platform's bot-wide rate (adapters.pacing.BotGate), never for a chat.

Messages to different chats go side by side (at most `concurrency` chats at once); one
chat's messages go one after another in the order they were claimed, and once one of them
must wait, the rest of that chat's wait too, so they still arrive in order.

A platform subclass says how to send one message (`deliver`) and what its refusals mean,
using the helpers here: `paced` (our own per-chat pacing: that chat waits), `rate_limited`
(the platform said wait: every chat of this platform waits that long, as Telegram does not
say whether the limit was the chat's or the whole bot's),
`unreachable` (the person's messages stop), `postpone` (put back untried: no attempt spent),
`put_back` (a failed attempt, retried later), `failed` (given up: nothing to send) and
`refuse_file` (the platform will not take the file: the text goes alone, with a note). It
catches only refusals and network trouble; anything else it raises is a bug, and the sweep
gives that message up instead of retrying it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from adapters.failures import error_kind
from core.delivery.claims import Delivery, OutboxDelivery
from core.eventlog import event

log = logging.getLogger("gotong.outbox")

# Rows claimed at once: a few seconds of Telegram's 30 a second, so the claim's own cost is
# small beside the sends, while a crash leaves few rows to wait out their lease.
BATCH = 200
# Chats sent to at once: enough to keep the bot-wide rate busy while some sends are on the
# network, few enough that a slow platform does not hold many connections.
CONCURRENCY = 8


@dataclass
class Sweep:
    """What one sweep has learned: chats told to wait, people who cannot be reached."""

    waits: dict[str, timedelta] = field(default_factory=dict)
    gone: set[int] = field(default_factory=set)


class PlatformOutbox:
    """Sends the outbox messages due for one platform."""

    platform: str

    def __init__(
        self,
        outbox: OutboxDelivery,
        *,
        clock: Callable[[], float] = time.monotonic,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self._outbox = outbox
        self._clock = clock
        self._concurrency = concurrency
        self._held_until = 0.0  # the platform said wait (429): nothing goes before this

    async def deliver_once(self, limit: int = BATCH) -> int:
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
        by_chat: dict[str, list[Delivery]] = {}
        for delivery in deliveries:
            by_chat.setdefault(delivery.chat_id, []).append(delivery)
        sweep = Sweep()
        slots = asyncio.Semaphore(self._concurrency)

        async def send_to_chat(chat: list[Delivery]) -> int:
            async with slots:
                return sum([await self._deliver_one(delivery, sweep) for delivery in chat])

        return sum(await asyncio.gather(*(send_to_chat(chat) for chat in by_chat.values())))

    async def next_due_in(self) -> float | None:
        """Seconds until this platform's next waiting message is due (0: due now), or None
        when nothing waits; the runner sweeps again then instead of idling."""
        try:
            due = await asyncio.to_thread(self._outbox.next_due, self.platform)
        except Exception as error:
            event(log, "outbox.claim_failed", level=logging.ERROR, error=error_kind(error))
            return None
        if due is None:
            return None
        return max(0.0, (due - self._outbox.clock.now()).total_seconds())

    async def _deliver_one(self, delivery: Delivery, sweep: Sweep) -> int:
        """Send one claimed message unless its chat or the platform must wait; 1 if sent."""
        try:
            if delivery.person_id in sweep.gone:
                return 0  # `unreachable` already failed their messages
            held = self._held_until - self._clock()
            if delivery.chat_id in sweep.waits:
                await self.postpone(delivery, sweep.waits[delivery.chat_id], "rate limited")
            elif held > 0:
                await self.postpone(delivery, timedelta(seconds=held), "rate limited")
            elif await self.deliver(delivery, sweep):
                return 1
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
        return 0

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
        """The platform said wait: this chat and every other of this platform wait that long."""
        sweep.waits[delivery.chat_id] = delay
        self._held_until = max(self._held_until, self._clock() + delay.total_seconds())
        await self.postpone(delivery, delay, "rate limited")

    async def paced(self, delivery: Delivery, sweep: Sweep, delay: timedelta) -> None:
        """Our own pacing says this chat must wait: so does the rest of this sweep's mail to
        it, which keeps the chat's messages in order."""
        sweep.waits[delivery.chat_id] = delay
        await self.postpone(delivery, delay, "paced")

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
