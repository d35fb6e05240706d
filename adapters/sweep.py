"""The outbox sweep every platform adapter shares: claim what is due, send each message, and
turn each refusal into what to do next. A sweep never waits and never raises into the runner.

A platform subclass says how to send one message (`deliver`) and what its refusals mean,
using the helpers here: `rate_limited` (that chat waits, for the rest of the sweep too),
`unreachable` (the person's messages stop), `postpone` (put back untried: no attempt spent),
`put_back` (a failed attempt, retried later) and `failed` (given up: nothing to send). It
catches only refusals and network trouble; anything else it raises is a bug, and the sweep
gives that message up instead of retrying it.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from dataclasses import dataclass, field
from datetime import timedelta

from core.delivery.claims import Delivery, OutboxDelivery

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
            log.error("outbox claim failed platform=%s error=%s", self.platform, _name(error))
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
                log.error(
                    "outbox delivery failed platform=%s delivery=%s error=%s\n%s",
                    self.platform,
                    delivery.id,
                    _name(error),
                    "".join(traceback.format_tb(error.__traceback__)),
                )
                # Retrying cannot fix a bug; left `sending`, the row would be reclaimed forever.
                await self._give_up(delivery, f"bug: {_name(error)}")
        return sent

    async def _give_up(self, delivery: Delivery, reason: str) -> None:
        try:
            await self.failed(delivery, reason)
        except Exception as error:  # the database: the lease hands the row to a later sweep
            log.error(
                "outbox delivery not marked failed delivery=%s error=%s", delivery.id, _name(error)
            )

    async def deliver(self, delivery: Delivery, sweep: Sweep) -> bool:
        """Send one message; whether the platform took it."""
        raise NotImplementedError

    async def sent(self, delivery: Delivery, platform_message_id: str) -> None:
        await asyncio.to_thread(self._outbox.sent, delivery.id, platform_message_id)

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
            log.info("reply refused delivery=%s reason=%s", delivery.id, reason)
            await self.failed(delivery, reason)
            return
        log.info(
            "person unreachable platform=%s person=%s reason=%s",
            self.platform,
            delivery.person_id,
            reason,
        )
        sweep.gone.add(delivery.person_id)
        await asyncio.to_thread(self._outbox.unreachable, delivery.person_id, self.platform)

    async def failed(self, delivery: Delivery, reason: str) -> None:
        """Give the message up for good: nothing to send, or a bug that retrying cannot fix."""
        log.warning("outbox delivery given up delivery=%s reason=%s", delivery.id, reason)
        await asyncio.to_thread(self._outbox.failed, delivery.id, reason)

    async def postpone(self, delivery: Delivery, delay: timedelta, reason: str) -> None:
        """Put a message back untried (pacing, rate limits): no attempt is spent."""
        log.info("outbox delivery postponed delivery=%s reason=%s", delivery.id, reason)
        await asyncio.to_thread(self._outbox.postpone, delivery.id, delay, reason)

    async def put_back(self, delivery: Delivery, delay: timedelta, error: str) -> None:
        """A failed attempt: try again after `delay`."""
        log.info("outbox delivery failed, retrying delivery=%s error=%s", delivery.id, error)
        await asyncio.to_thread(self._outbox.retry_later, delivery.id, delay, error)


def _name(error: BaseException) -> str:
    return type(error).__name__
