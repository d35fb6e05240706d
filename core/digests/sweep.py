"""Digests as rows: planned one period ahead per person, fired by the reminder sweep's job.

The outbox key `digest:<person>:<period>` is unique, so two instances, or a restart in the
middle of a batch, never send one digest twice. A digest due while Gotong was down is sent
late once (and says so), or skipped when the next one is due within `skip_within`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from core.clock import Clock
from core.db import unit_of_work
from core.delivery.claims import route
from core.delivery.queue import queue
from core.digests.compose import compose
from core.digests.content import DigestContent
from core.digests.gather import Ask, build, collector_paused
from core.digests.rhythm import DAILY, OFF, DigestStatus, digest_mode, next_digest
from core.language.i18n import Catalog
from core.models import Digest, OutboxMessage, Person, Role


@dataclass(frozen=True)
class DigestsFired:
    """What one sweep did with the digests that were due."""

    sent: int = 0
    late: int = 0
    skipped: int = 0
    empty: int = 0


class DigestSweep:
    """Plans each person's next digest and turns due ones into outbox messages."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        catalog: Catalog,
        *,
        grace: timedelta = timedelta(minutes=2),
        skip_within: timedelta = timedelta(hours=12),
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.catalog = catalog
        self.grace = grace
        self.skip_within = skip_within

    def run(self, *, batch: int = 200) -> DigestsFired:
        """Plan what is missing, then fire everything due now, one transaction per batch."""
        with unit_of_work(self.engine) as session:
            plan_missing(session, now=self.clock.now())
        counts = {"sent": 0, "late": 0, "skipped": 0, "empty": 0}
        while True:
            with unit_of_work(self.engine) as session, collector_paused():
                due = due_digests(session, now=self.clock.now(), limit=batch)
                for outcome in self._fire(session, due):
                    counts[outcome] += 1
            if len(due) < batch:
                return DigestsFired(**counts)

    def next_due(self) -> datetime | None:
        """When the next planned digest falls due, to wake up then."""
        with unit_of_work(self.engine) as session:
            return session.exec(
                select(Digest.due_at)
                .where(Digest.status == DigestStatus.PENDING)
                .order_by(col(Digest.due_at))
                .limit(1)
            ).first()

    def _fire(self, session: Session, due: list[Digest]) -> list[str]:
        now = self.clock.now()
        people = {
            p.id: p
            for p in session.exec(
                select(Person).where(col(Person.id).in_([d.person_id for d in due]))
            )
        }
        keys = {d.id: f"digest:{d.person_id}:{d.period}" for d in due}
        queued = set(
            session.exec(
                select(OutboxMessage.dedupe_key).where(
                    col(OutboxMessage.dedupe_key).in_(list(keys.values()))
                )
            )
        )
        sending = [d for d in due if not self._skipped(d, people[d.person_id], now)]
        asks = [Ask(people[d.person_id], d.kind) for d in sending]
        built = build(session, asks, now=now, charts=True)
        outcomes = []
        for digest in due:
            person = people[digest.person_id]
            if digest not in sending:
                digest.status = DigestStatus.SKIPPED
            elif keys[digest.id] in queued:
                digest.status = DigestStatus.SENT  # sent by another instance before a restart
            else:
                digest.status = self._send(session, digest, person, built[digest.person_id], now)
            digest.sent_at = (
                now if digest.status in (DigestStatus.SENT, DigestStatus.LATE) else None
            )
            session.add(digest)
            outcomes.append(str(digest.status) if digest.status != DigestStatus.SENT else "sent")
            plan_next(session, person, after=now)
        return outcomes

    def _skipped(self, digest: Digest, person: Person, now: datetime) -> bool:
        """Due while Gotong was down, and the next one comes too soon to send this one late."""
        if now - digest.due_at <= self.grace:
            return False
        following = next_digest(person, after=digest.due_at)
        return following is not None and following.due_at - now < self.skip_within

    def _send(
        self,
        session: Session,
        digest: Digest,
        person: Person,
        content: DigestContent,
        now: datetime,
    ) -> DigestStatus:
        late = now - digest.due_at
        if late > self.grace:
            content.late = late
        if content.empty and digest.kind == DAILY:
            return DigestStatus.EMPTY
        composed = compose(self.catalog, content, now=now)
        to = route(session, person)
        queue(
            session,
            person_id=person.id or 0,
            platform=to.platform,
            blocked=to.blocked,
            dedupe_key=f"digest:{person.id}:{digest.period}",
            text=composed.text,
            buttons=composed.buttons,
            due_at=now,
            now=now,
            cause=f"digest:{digest.id}",
            attachment=composed.chart,
        )
        return DigestStatus.LATE if content.late else DigestStatus.SENT


def due_digests(session: Session, *, now: datetime, limit: int) -> list[Digest]:
    """Pending digests due by `now`, oldest first; locked for this sweep on PostgreSQL."""
    query = (
        select(Digest)
        .where(Digest.status == DigestStatus.PENDING, col(Digest.due_at) <= now)
        .order_by(col(Digest.due_at), col(Digest.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query))


def plan_missing(session: Session, *, now: datetime) -> int:
    """Plan the next digest of everyone who gets digests and has none planned."""
    planned = select(Digest.person_id).where(Digest.status == DigestStatus.PENDING)
    wanting = or_(
        and_(col(Person.digest_mode).is_(None), col(Person.role) != Role.ADMIN),
        col(Person.digest_mode) != OFF,
    )
    people = session.exec(select(Person).where(wanting, col(Person.id).not_in(planned)))
    return sum(plan_next(session, p, after=now) for p in people if digest_mode(p) != OFF)


def plan_next(session: Session, person: Person, *, after: datetime) -> bool:
    """Add the person's next digest row; an instance that planned it first wins, quietly."""
    upcoming = next_digest(person, after=after)
    if upcoming is None:
        return False
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(Digest).values(
        person_id=person.id,
        period=upcoming.period,
        kind=upcoming.kind,
        due_at=upcoming.due_at,
        status=DigestStatus.PENDING,
    )
    session.exec(insert.on_conflict_do_nothing())
    return True


def replan(session: Session, person: Person, *, now: datetime) -> None:
    """Drop the person's planned digest and plan it again from their new settings."""
    for planned in session.exec(
        select(Digest).where(Digest.person_id == person.id, Digest.status == DigestStatus.PENDING)
    ):
        session.delete(planned)
    session.flush()
    if digest_mode(person) != OFF:
        plan_next(session, person, after=now)
