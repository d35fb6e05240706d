"""read_ahead: the next batch is read on another thread, in order, one at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from core.reports.exports.table import read_ahead


def test_batches_come_in_order_and_all_of_them() -> None:
    assert list(read_ahead(iter(range(1000)))) == list(range(1000))
    assert list(read_ahead(iter(()))) == []


def test_the_next_batch_is_read_while_the_caller_has_this_one() -> None:
    asked: list[int] = []
    second_asked = threading.Event()

    def batches() -> Iterator[int]:
        for n in range(3):
            asked.append(n)
            if n == 1:
                second_asked.set()
            yield n

    ahead = read_ahead(batches())
    assert next(ahead) == 0
    # Batch 1 is being read while the caller still holds batch 0 (no sleep: wait for it).
    assert second_asked.wait(timeout=10)
    assert asked == [0, 1]
    assert list(ahead) == [1, 2]


def test_reading_never_overlaps_and_stops_with_the_caller() -> None:
    inside = threading.Lock()
    read: list[int] = []

    def batches() -> Iterator[int]:
        for n in range(100):
            assert inside.acquire(blocking=False), "two reads at once"
            read.append(n)
            inside.release()
            yield n

    ahead = read_ahead(batches())
    assert [next(ahead) for _ in range(5)] == [0, 1, 2, 3, 4]
    ahead.close()  # the caller stops early: the batch being read is finished, no more
    assert read == [0, 1, 2, 3, 4, 5]
    assert not any(t.name.startswith("export-read") for t in threading.enumerate())


def test_an_error_while_reading_reaches_the_caller() -> None:
    def batches() -> Iterator[int]:
        yield 1
        raise RuntimeError("the database went away")

    ahead = read_ahead(batches())
    assert next(ahead) == 1
    with pytest.raises(RuntimeError, match="went away"):
        next(ahead)
