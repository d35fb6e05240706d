"""Fixtures: a migrated database on SQLite and PostgreSQL, a fixed clock, a chat driver."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import SQLModel
from typer.testing import CliRunner

from bot.database import upgrade
from core.app import Gotong
from core.clock import FakeClock
from core.db import make_engine
from tests.chat import Chat
from tests.debug_capture import (  # noqa: F401  (autouse: the whole suite logs at DEBUG)
    Watched,
    debug_for_the_whole_suite,
    no_secret_or_text_logged,
)
from tests.logs import debug_logs  # noqa: F401  (a fixture for several test files)

# Friday 27 November 2026, 10:00 in Jakarta.
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests (real processes killed mid-burst) run when GOTONG_SLOW_TESTS is set (CI sets it)."""
    if os.environ.get("GOTONG_SLOW_TESTS"):
        return
    skip = pytest.mark.skip(reason="slow: set GOTONG_SLOW_TESTS=1 to run it (CI does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _postgres_url() -> str:
    return os.environ.get("GOTONG_TEST_DATABASE_URL") or DEFAULT_PG


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "gotong.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this run, dropped at the end."""
    server = _postgres_url()
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:
        admin.dispose()
        reason = (
            f"PostgreSQL not reachable at {admin.url.render_as_string()} ({type(error).__name__})"
        )
        if os.environ.get("GOTONG_REQUIRE_POSTGRES"):
            pytest.fail(reason + "; GOTONG_REQUIRE_POSTGRES is set")
        pytest.skip(reason + "; set GOTONG_TEST_DATABASE_URL to run these tests on PostgreSQL")
    name = f"gotong_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database: every database test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "gotong.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    engine = make_engine(request.getfixturevalue("postgres_database"))
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield engine
    engine.dispose()


@contextmanager
def _blank_postgres() -> Iterator[str]:
    admin = create_engine(_postgres_url(), isolation_level="AUTOCOMMIT")
    name = f"gotong_blank_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def blank_postgres_url(postgres_database: str) -> Iterator[str]:
    """A PostgreSQL database nothing has migrated yet (skipped, or failed, without a server)."""
    with _blank_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nothing has migrated yet (for the migration commands), on both databases."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    yield request.getfixturevalue("blank_postgres_url")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def gotong(engine: Engine, clock: FakeClock) -> Gotong:
    return Watched(engine, clock)


@pytest.fixture
def chat(gotong: Gotong, engine: Engine, clock: FakeClock) -> Chat:
    """A small workspace and a driver that talks to it as any of its people."""
    driver = Chat(gotong, engine, clock)
    driver.setup_workspace()
    return driver


@pytest.fixture
def gotong_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner on a fresh SQLite file with the demo workspace loaded, speaking English."""
    from bot.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GOTONG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("GOTONG_LANGUAGE", "en")
    runner = CliRunner()
    assert runner.invoke(app, ["demo"]).exit_code == 0
    return runner
