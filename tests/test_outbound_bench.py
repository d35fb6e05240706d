"""The outbound benchmark runs end to end at a small size (its figures are not judged here)."""

from __future__ import annotations

import asyncio

import pytest

from bench.outbound_bench import Setup, delivery_run, morning_run


@pytest.fixture(autouse=True)
def _retry_after_as_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


def test_the_outbound_bench_delivers_everything_and_prints_its_figures() -> None:
    """A few messages within one window: all delivered, no 429, one row per figure."""
    rows = asyncio.run(delivery_run(Setup(10.0, 1, False), messages=40, chats=20, group=3))

    names = [name for name, _value, _target in rows]
    assert names == [
        "outbound private, SQLite, 1 instance",
        "outbound group, SQLite, 1 instance",
        "outbound 429 answers, SQLite, 1 instance",
    ]
    assert rows[2][1].startswith("0 (over a limit: none; 0 not sent)")


def test_the_morning_peak_bench_delivers_every_wave() -> None:
    """Three waves (WIT, WITA, WIB) of a few digests each: a multiple for each wave."""
    ((name, value, target),) = asyncio.run(morning_run(Setup(10.0, 1, False), digests=30))

    assert name == "morning peak, 30 digests, SQLite, 1 instance"
    assert "waves WIT, WITA, WIB" in value and target == "<= 1.05"
