"""What every platform adapter does around the core's inbox and kept replies.

A message is stored before the platform is told it arrived, handled once, and its replies
kept in the outbox; the adapter sends them at once and reports how far each got, and the
outbox sweep delivers whatever that report does not cover.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from adapters.front_door import FrontDoor
from core.delivery.claims import OutboxDelivery
from core.eventlog import event
from core.messages import Incoming, Reply

log = logging.getLogger("gotong.inbox")

# How often messages stored but left unhandled while running are tried again.
STUCK_RETRY_SECONDS = 30.0


async def recover(core: FrontDoor, platform: str) -> int:
    """Handle what was stored but not handled before the last stop; the outbox answers it."""
    handled = 0
    tried: set[str] = set()
    while events := [e for e in await asyncio.to_thread(core.pending, platform) if e not in tried]:
        # An event the database will not let us read stays pending: try it once per start.
        for event_id in events:
            await asyncio.to_thread(core.process, platform, event_id, answering=False)
        tried.update(events)
        handled += len(events)
    if handled:
        event(log, "inbox.recovered", platform=platform, handled=handled)
    return handled


class StuckMessages:
    """Messages the database failed after they were stored, tried again while running (a
    scheduler job calls `retry` every STUCK_RETRY_SECONDS).

    Such a message was acknowledged, so the platform will not bring it back: without this it
    would wait for the next start. A message pending at two looks in a row is stuck (not
    merely being handled); its answer goes through the outbox.
    """

    def __init__(self, core: FrontDoor, platform: str) -> None:
        self._core = core
        self._platform = platform
        self._seen: set[str] = set()

    async def retry(self) -> int:
        """One look: handle what was pending at the last look too; how many were tried."""
        try:
            pending = set(await asyncio.to_thread(self._core.pending, self._platform))
        except Exception as error:  # the database is still away: look again later
            event(log, "inbox.retry_failed", level=logging.WARNING, error=type(error).__name__)
            return 0
        stuck = sorted(pending & self._seen)
        self._seen = pending
        for event_id in stuck:
            await asyncio.to_thread(self._core.process, self._platform, event_id, answering=False)
        if stuck:
            event(log, "inbox.retried", platform=self._platform, tried=len(stuck))
        return len(stuck)


Refuse = Callable[[list[Reply]], Awaitable[None]]  # sends "try again later" to the sender


class Keeping:
    """Messages put in the inbox; the sender of one that cannot be is told to try again later.

    The platform brings such a message again (Telegram until it is stored, Slack a few
    times), so each sender is told once, not at every attempt.
    """

    def __init__(self, core: FrontDoor) -> None:
        self._core = core
        self._told: set[str] = set()

    async def keep(self, incoming: Incoming, refuse: Refuse) -> None:
        """Store the message; if the database cannot take it, say so by `refuse` and raise."""
        try:
            await asyncio.to_thread(self._core.receive, incoming)
        except Exception:
            await self.tell(incoming, refuse)
            raise

    async def tell(self, incoming: Incoming, refuse: Refuse) -> None:
        """Say "try again later" by `refuse`, once per message; never raises."""
        if len(self._told) > 10_000:
            self._told.clear()
        if incoming.event_id in self._told:
            return
        self._told.add(incoming.event_id)
        try:
            await refuse(await asyncio.to_thread(self._core.not_received, incoming))
        except Exception as error:  # telling them is a courtesy; the platform comes again
            event(
                log,
                "inbox.refusal_untold",
                level=logging.WARNING,
                event_id=incoming.origin,
                error=type(error).__name__,
            )


async def report(outbox: OutboxDelivery, reply: Reply, sent: int, pieces: int) -> None:
    """Tell the outbox how many pieces of a kept reply went; the sweep sends the rest."""
    if reply.outbox_id is None:
        return
    if sent >= pieces:
        await asyncio.to_thread(outbox.sent, reply.outbox_id, "")
        _log_reply(reply, "sent", sent, pieces)
        return
    if sent:
        await asyncio.to_thread(outbox.progress, reply.outbox_id, sent)
    await asyncio.to_thread(outbox.release, reply.outbox_id, "reply not sent")
    _log_reply(reply, "released", sent, pieces)


def _log_reply(reply: Reply, outcome: str, sent: int, pieces: int) -> None:
    """The delivery line of a reply sent at once (its first attempt); the platform is the
    cause's, since a reply goes back where its message came from."""
    platform = reply.cause.split(":", 1)[0] if reply.cause else None
    event(
        log,
        "reply.sent" if outcome == "sent" else "reply.released",
        delivery=reply.outbox_id,
        platform=platform,
        attempt=1,
        cause=reply.cause,
        outcome=outcome,
        pieces=f"{sent}/{pieces}",
    )
