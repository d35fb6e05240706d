"""Migrations are explicit: `gotong db upgrade` migrates; nothing else migrates a shared database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect
from typer.testing import CliRunner

from bot.cli import app
from bot.database import is_current, upgrade
from core.db import make_engine

OUTDATED_EN = "The database schema is not up to date. Run: gotong db upgrade"
OUTDATED_ID = "Skema basis data belum mutakhir. Jalankan: gotong db upgrade"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner in its own working directory, errors in English."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GOTONG_LANGUAGE", "en")
    return CliRunner()


@pytest.fixture
def opened() -> Iterator[list[Engine]]:
    """Engines a test opens to look at a database, disposed at the end."""
    engines: list[Engine] = []
    yield engines
    for engine in engines:
        engine.dispose()


def on(url: str, opened: list[Engine]) -> Engine:
    engine = make_engine(url)
    opened.append(engine)
    return engine


def revision_of(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def use(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("GOTONG_DATABASE_URL", url)


class TestDbUpgrade:
    def test_upgrade_brings_a_blank_database_to_the_newest_schema(
        self,
        cli: CliRunner,
        blank_database_url: str,
        monkeypatch: pytest.MonkeyPatch,
        opened: list[Engine],
    ) -> None:
        """`gotong db upgrade` migrates SQLite and PostgreSQL alike, and a second run is harmless."""
        use(monkeypatch, blank_database_url)
        for _ in range(2):
            result = cli.invoke(app, ["db", "upgrade"])
            assert result.exit_code == 0, result.output
            assert "Database is up to date." in result.output
        assert is_current(on(blank_database_url, opened))


class TestStartingOnSqlite:
    """The quick start's `gotong run` (and `chat`) migrate a SQLite file themselves."""

    def test_run_migrates_a_new_sqlite_file(
        self,
        cli: CliRunner,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        opened: list[Engine],
    ) -> None:
        """`gotong run --demo` on a fresh machine just works."""
        url = f"sqlite:///{tmp_path / 'new.db'}"
        use(monkeypatch, url)
        result = cli.invoke(app, ["run", "--demo"], input="/agenda\n")
        assert result.exit_code == 0, result.output
        assert "Agenda 7 hari ke depan:" in result.output
        assert is_current(on(url, opened))

    def test_chat_migrates_an_outdated_sqlite_file(
        self,
        cli: CliRunner,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        opened: list[Engine],
    ) -> None:
        """A SQLite file one migration behind is brought up to date before the conversation."""
        url = f"sqlite:///{tmp_path / 'old.db'}"
        upgrade(on(url, opened), "0005")
        use(monkeypatch, url)
        result = cli.invoke(app, ["chat", "--as", "budi"], input="")
        assert "No person @budi" in result.output  # past the schema, at the person
        assert is_current(on(url, opened))


class TestPostgresqlIsMigratedByTheOperator:
    """Instances starting together on one PostgreSQL database must not migrate it side by side."""

    @pytest.mark.parametrize("command", [["run"], ["chat", "--as", "budi"], ["demo"]])
    def test_an_outdated_schema_is_refused_in_one_line(
        self,
        cli: CliRunner,
        blank_postgres_url: str,
        monkeypatch: pytest.MonkeyPatch,
        opened: list[Engine],
        command: list[str],
    ) -> None:
        """One migration behind: the command names `gotong db upgrade` and changes nothing."""
        engine = on(blank_postgres_url, opened)
        upgrade(engine, "0005")
        use(monkeypatch, blank_postgres_url)
        result = cli.invoke(app, command, input="")
        assert result.exit_code == 1
        assert result.output.strip().splitlines() == [OUTDATED_EN]
        assert revision_of(engine) == "0005"

    def test_an_empty_database_is_refused_in_gotong_language(
        self,
        cli: CliRunner,
        blank_postgres_url: str,
        monkeypatch: pytest.MonkeyPatch,
        opened: list[Engine],
    ) -> None:
        """Never migrated: `gotong run` creates no table and says what to do, in Indonesian too."""
        use(monkeypatch, blank_postgres_url)
        monkeypatch.setenv("GOTONG_LANGUAGE", "id")
        result = cli.invoke(app, ["run"], input="")
        assert result.exit_code == 1
        assert result.output.strip().splitlines() == [OUTDATED_ID]
        assert inspect(on(blank_postgres_url, opened)).get_table_names() == []

    def test_after_db_upgrade_run_starts(
        self,
        cli: CliRunner,
        blank_postgres_url: str,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Once the operator has migrated, `gotong run --demo` serves the console."""
        use(monkeypatch, blank_postgres_url)
        assert cli.invoke(app, ["db", "upgrade"]).exit_code == 0
        result = cli.invoke(app, ["run", "--demo"], input="/agenda\n")
        assert result.exit_code == 0, result.output
        assert "Agenda 7 hari ke depan:" in result.output


class TestReadOnlyCommands:
    """Listings and exports never migrate, on SQLite either."""

    @pytest.mark.parametrize(
        "command",
        [
            ["people", "list"],
            ["partners", "list"],
            ["programs", "list"],
            ["export", "tasks"],
        ],
    )
    def test_a_blank_database_is_left_alone(
        self,
        cli: CliRunner,
        blank_database_url: str,
        monkeypatch: pytest.MonkeyPatch,
        opened: list[Engine],
        command: list[str],
    ) -> None:
        """No table is created; the answer is the one line naming `gotong db upgrade`."""
        use(monkeypatch, blank_database_url)
        result = cli.invoke(app, command)
        assert result.exit_code == 1
        assert result.output.strip().splitlines() == [OUTDATED_EN]
        assert inspect(on(blank_database_url, opened)).get_table_names() == []

    def test_an_outdated_database_keeps_its_revision(
        self,
        cli: CliRunner,
        blank_database_url: str,
        monkeypatch: pytest.MonkeyPatch,
        opened: list[Engine],
    ) -> None:
        """One migration behind: `gotong export` refuses rather than migrating."""
        engine = on(blank_database_url, opened)
        upgrade(engine, "0005")
        use(monkeypatch, blank_database_url)
        result = cli.invoke(app, ["export", "people"])
        assert result.exit_code == 1
        assert result.output.strip().splitlines() == [OUTDATED_EN]
        assert revision_of(engine) == "0005"
