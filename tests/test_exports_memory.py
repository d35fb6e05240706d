"""Memory stays flat whatever the size: 100,000 updates take no more than 10,000 do."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bench.seed import NOW, Scale, seed
from core.db import make_engine, unit_of_work
from core.reports.export import ExportQuery, write_export


def peak(engine: Engine, query: ExportQuery, fmt: str) -> tuple[int, int]:
    """Rows written and the export's peak of Python memory, in bytes."""
    with open(os.devnull, "wb") as out, unit_of_work(engine) as session:
        session.connection()  # the connection's own buffers are not the export's
        tracemalloc.start()
        try:
            count = write_export(session, query, fmt, out, tz="Asia/Jakarta")
            return count, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


# Seeding 100,000 updates and exporting them twice in two formats takes about 20 s of CPU,
# minutes on a busy machine: it runs with GOTONG_SLOW_TESTS=1, as CI does.
@pytest.mark.slow
def test_memory_is_flat_from_ten_to_a_hundred_thousand_rows(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """A tenth of the updates (one month of the year) and all of them peak within 2x, in CSV
    and in JSON Lines: rows are written as they come, never gathered."""
    path = tmp_path / "big.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    seed(engine, dataclasses.replace(Scale.national(0.01), updates=100_000, tasks=10))
    month = ExportQuery(kinds=("updates",), start=NOW - timedelta(days=37), end=NOW)
    everything = ExportQuery(kinds=("updates",))
    for fmt in ("csv", "jsonl"):
        some, small = peak(engine, month, fmt)
        rows, large = peak(engine, everything, fmt)
        assert 8_000 < some < 12_000 and rows == 100_000
        assert large < 2 * small, (fmt, small, large)
    engine.dispose()
