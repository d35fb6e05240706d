"""What every platform adapter does around the core's inbox and kept replies.

A message is stored before the platform is told it arrived, handled once, and its replies
kept in the outbox; the adapter sends them at once and reports how far each got, and the
outbox sweep delivers whatever that report does not cover.
"""

from __future__ import annotations

import asyncio
import logging

from adapters.front_door import FrontDoor
from core.delivery.claims import OutboxDelivery
from core.eventlog import event
from core.messages import Reply

log = logging.getLogger("gotong.inbox")


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
