"""Several worker processes share the outbox: every due row is claimed exactly once."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert
from sqlmodel import Session, col, select

from core.clock import FakeClock, SystemClock
from core.db import make_engine
from core.delivery.claims import LEASE, OutboxDelivery
from core.models import Identity, OutboxMessage, OutboxStatus, Person

ROWS = 5000
WORKERS = 3


def seed(engine: Engine, rows: int, due: datetime) -> None:
    with Session(engine) as session:
        people = [
            Person(handle=f"w{i}", name=f"W {i}", role="field", created_at=due) for i in range(50)
        ]
        session.add_all(people)
        session.flush()
        session.add_all(
            Identity(
                person_id=p.id or 0, platform="test", external_id=f"x{p.id}", chat_id=f"c{p.id}"
            )
            for p in people
        )
        session.execute(
            insert(OutboxMessage),
            [
                {
                    "person_id": people[i % 50].id,
                    "dedupe_key": f"load:{i}",
                    "text": f"m{i}",
                    "buttons": [],
                    "status": "pending",
                    "due_at": due,
                    "attempts": 0,
                    "created_at": due,
                    "platform": "test",
                    "last_error": "",
                }
                for i in range(rows)
            ],
        )
        session.commit()


def worker(url: str, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Claim and 'send' until nothing is left; report every id claimed."""
    engine = make_engine(url)
    delivery = OutboxDelivery(engine, SystemClock())
    claimed: list[int] = []
    while batch := delivery.claim("test", limit=100):
        for item in batch:
            delivery.sent(item.id, f"msg-{item.id}")
            claimed.append(item.id)
    engine.dispose()
    results.put(claimed)


def test_three_processes_claim_5000_rows_once(engine: Engine) -> None:
    """No row is delivered twice and none is lost when three workers race for them."""
    seed(engine, ROWS, datetime.now(UTC) - timedelta(seconds=1))
    url = engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [context.Process(target=worker, args=(url, results)) for _ in range(WORKERS)]
    for process in processes:
        process.start()
    claims = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    everything = [i for claim in claims for i in claim]
    assert len(everything) == ROWS  # none lost
    assert len(set(everything)) == ROWS  # none twice
    assert all(claims), "every worker got a share"
    with Session(engine) as session:
        statuses = session.exec(select(OutboxMessage.status)).all()
    assert set(statuses) == {OutboxStatus.SENT}


def test_a_stale_claim_is_taken_over_after_the_lease(engine: Engine) -> None:
    """A worker that died between claiming and reporting does not lose the message."""
    clock = FakeClock(datetime(2026, 11, 27, 3, 0, tzinfo=UTC))
    seed(engine, 3, clock.now())
    delivery = OutboxDelivery(engine, clock)
    assert len(delivery.claim("test")) == 3  # ...and the worker dies here
    assert delivery.claim("test") == []
    clock.advance(LEASE + timedelta(seconds=1))
    retaken = delivery.claim("test")
    assert len(retaken) == 3
    assert {d.attempts for d in retaken} == {2}


def test_retry_later_and_unreachable(engine: Engine) -> None:
    """A failed send comes back after its delay; a blocked person's messages stop."""
    clock = FakeClock(datetime(2026, 11, 27, 3, 0, tzinfo=UTC))
    seed(engine, 2, clock.now())
    delivery = OutboxDelivery(engine, clock)
    first, second = delivery.claim("test")
    delivery.retry_later(first.id, timedelta(seconds=30), "RetryAfter")
    delivery.unreachable(second.person_id, "test")
    blocked_at = clock.now()
    assert delivery.claim("test") == []
    clock.advance(timedelta(seconds=30))
    [again] = delivery.claim("test")
    assert again.id == first.id
    with Session(engine) as session:
        failed = session.get(OutboxMessage, second.id)
        identity = session.exec(
            select(Identity).where(col(Identity.person_id) == second.person_id)
        ).one()
    assert failed is not None and failed.status == OutboxStatus.FAILED
    assert identity.unreachable_at == blocked_at
