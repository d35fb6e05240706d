"""Where a benchmark runs: a temporary SQLite file, a scratch PostgreSQL database, or a given URL.

`database_at("postgresql")` creates a database of its own on 127.0.0.1:5432 and drops it after;
its name starts with $BENCH_DATABASE_PREFIX (default "gotong_bench"), so that runs sharing the
server can tell theirs apart.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"


@contextmanager
def database_at(database: str | None, label: str = "bench") -> Iterator[str]:
    """A database URL: None is a new SQLite file, "postgresql" a new PostgreSQL database (both
    removed afterwards); anything else is a URL used as it is and kept."""
    if database is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / f'{label}.db'}"
    elif database == "postgresql":
        with scratch_postgres(label) as url:
            yield url
    else:
        yield database


@contextmanager
def scratch_postgres(label: str) -> Iterator[str]:
    """A database of its own on the local PostgreSQL, dropped afterwards."""
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "gotong_bench")
    name = f"{prefix}_{label}_{secrets.token_hex(4)}"
    admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def seeded(url: str, factor: float) -> bool:
    """Upgrade the database and seed it at `factor` unless it holds people; whether it seeded."""
    from bench.seed import Scale, seed
    from bot.database import upgrade
    from core.db import make_engine

    engine = make_engine(url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            if connection.execute(text("SELECT count(*) FROM person")).scalar_one():
                return False
        seed(engine, Scale.national(factor))
        return True
    finally:
        engine.dispose()
