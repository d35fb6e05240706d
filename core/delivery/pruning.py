"""Pruning the outbox: messages sent long ago go, unless their key must still stop a resend.

An outbox row's dedupe key is what keeps a message from going twice, so a row may go only
when nothing can make its key again. Two kinds of key are safe once old enough:
- a key made from what caused the message (`<cause>:...`: a notice about a message received,
  a reminder's firing): the message received is handled once and a reminder fires once;
- a key made from a moment that passes: a reply to a received message (the platforms stop
  redelivering within minutes), a digest's period (a week at most), a reporting window's
  nudge (a week at most).
Any other key (a kind added later and not listed here) is kept: the outbox grows a little
rather than let a message go twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, and_, func, or_
from sqlmodel import col, delete, select

from core.db import unit_of_work
from core.models import OutboxMessage, OutboxStatus

# Keys tied to a moment that is long past once the row is older than the retention.
PASSING_KINDS = ("reply:", "digest:", "report-nudge:")
# Longer than a digest's period or a reporting window (a week) and than the inbox keeps
# received events (bot/jobs.py), so no key a sweep or a redelivery still checks goes.
MIN_RETENTION = timedelta(days=14)
BATCH = 1000


def prune_sent(engine: Engine, *, before: datetime, batch: int = BATCH) -> int:
    """Delete messages sent before `before` whose keys nothing can make again, `batch` rows
    a transaction (a writer never waits long behind it); returns how many went."""
    pruned = 0
    while True:
        with unit_of_work(engine) as session:
            ids = list(session.exec(select(OutboxMessage.id).where(_prunable(before)).limit(batch)))
            if ids:
                session.exec(delete(OutboxMessage).where(col(OutboxMessage.id).in_(ids)))
        pruned += len(ids)
        if len(ids) < batch:
            return pruned


def _prunable(before: datetime) -> ColumnElement[bool]:
    key, cause = col(OutboxMessage.dedupe_key), col(OutboxMessage.cause)
    from_cause = and_(
        cause.is_not(None), func.substr(key, 1, func.length(cause) + 1) == cause + ":"
    )
    return and_(
        col(OutboxMessage.status) == OutboxStatus.SENT,
        # A message is sent once due, so this narrows by the (status, due_at) index.
        col(OutboxMessage.due_at) < before,
        col(OutboxMessage.sent_at) < before,
        or_(from_cause, *(key.startswith(kind, autoescape=True) for kind in PASSING_KINDS)),
    )
