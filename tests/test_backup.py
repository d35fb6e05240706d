"""gotong backup and gotong restore: a consistent copy while Gotong runs, restored onto an empty
database (SQLite or PostgreSQL) with every table's rows counted against the backup."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from bot import backup as backups
from bot.cli import app
from core.db import make_engine, unit_of_work
from core.models import Meeting, Person, Task

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def gotong_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner on a SQLite file holding the demo workspace."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GOTONG_DATABASE_URL", f"sqlite:///{tmp_path / 'live.db'}")
    monkeypatch.setenv("GOTONG_LANGUAGE", "en")
    runner = CliRunner()
    assert runner.invoke(app, ["demo"]).exit_code == 0
    return runner


def counts_of(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        return backups.database_counts(engine)
    finally:
        engine.dispose()


def backed_up(runner: CliRunner, tmp_path: Path) -> Path:
    file = tmp_path / "backup.db"
    result = runner.invoke(app, ["backup", str(file)])
    assert result.exit_code == 0, result.output
    return file


class TestBackup:
    """A SQLite database copied to a new file, its rows counted."""

    def test_backup_prints_the_rows_of_every_table(
        self, gotong_cli: CliRunner, tmp_path: Path
    ) -> None:
        """The file holds what the database holds; the output counts them."""
        file = tmp_path / "backup.db"
        result = gotong_cli.invoke(app, ["backup", str(file)])

        assert result.exit_code == 0, result.output
        live = counts_of(f"sqlite:///{tmp_path / 'live.db'}")
        assert backups.backup_counts(file) == live
        assert live["person"] > 0 and live["meeting"] > 0
        assert f"Backup written to {file}: {sum(live.values())} rows." in result.output
        assert "meetingattendee" in result.output
        assert not file.with_name("backup.db.partial").exists()

    def test_a_backup_is_one_file_not_a_wal_database(
        self, gotong_cli: CliRunner, tmp_path: Path
    ) -> None:
        """The copy is in rollback-journal mode: the one file is the whole backup."""
        file = backed_up(gotong_cli, tmp_path)
        with sqlite3.connect(file) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"

    def test_backup_while_a_write_is_open_holds_only_what_was_committed(
        self, gotong_cli: CliRunner, tmp_path: Path
    ) -> None:
        """A writer holds its transaction open: the backup neither waits nor sees its row."""
        url = f"sqlite:///{tmp_path / 'live.db'}"
        before = counts_of(url)
        engine = make_engine(url)
        try:
            with unit_of_work(engine) as session:
                session.add(Person(handle="rina", name="Rina", role="field", created_at=NOW))
                session.flush()  # BEGIN IMMEDIATE taken, the row written, not committed
                counts = backups.backup(engine, tmp_path / "during.db")
            assert counts == before
            assert counts_of(url)["person"] == before["person"] + 1
        finally:
            engine.dispose()

    @pytest.mark.parametrize("target", ["exists", "no-folder"])
    def test_a_file_that_cannot_be_written_is_one_line_and_status_2(
        self, gotong_cli: CliRunner, tmp_path: Path, target: str
    ) -> None:
        """An existing file is never overwritten; a missing folder is named."""
        file = tmp_path / "old.db"
        file.write_bytes(b"keep me")
        if target == "no-folder":
            file = tmp_path / "missing" / "b.db"
        result = gotong_cli.invoke(app, ["backup", str(file)])

        assert result.exit_code == 2
        flat = " ".join(result.output.split())
        assert ("already exists" if target == "exists" else "cannot be written") in flat
        assert (tmp_path / "old.db").read_bytes() == b"keep me"
        assert not (tmp_path / "missing").exists()

    @pytest.mark.postgres
    def test_postgresql_is_told_how_to_use_pg_dump(
        self, blank_postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """On PostgreSQL: the pg_dump and pg_restore lines, status 2, no file."""
        monkeypatch.setenv("GOTONG_DATABASE_URL", blank_postgres_url)
        monkeypatch.setenv("GOTONG_LANGUAGE", "en")
        file = tmp_path / "pg.dump"
        result = CliRunner().invoke(app, ["backup", str(file)])

        assert result.exit_code == 2
        flat = " ".join(result.output.split())
        assert f"pg_dump --format=custom --no-owner --file {file}" in flat
        assert "pg_restore" in flat and not file.exists()


class TestRestore:
    """A backup onto an empty database: the same rows, checked table by table."""

    def test_backup_then_restore_gives_the_same_rows(
        self, gotong_cli: CliRunner, tmp_path: Path
    ) -> None:
        """Counts equal table by table, and the rows themselves (moments with their zone) too."""
        file = backed_up(gotong_cli, tmp_path)
        target = f"sqlite:///{tmp_path / 'restored.db'}"
        result = gotong_cli.invoke(app, ["restore", str(file)], env={"GOTONG_DATABASE_URL": target})

        assert result.exit_code == 0, result.output
        assert "every table matches the backup" in result.output
        assert counts_of(target) == backups.backup_counts(file)
        self.assert_same_rows(f"sqlite:///{tmp_path / 'live.db'}", target)

    @pytest.mark.postgres
    def test_a_sqlite_backup_restores_into_postgresql(
        self, gotong_cli: CliRunner, tmp_path: Path, blank_postgres_url: str
    ) -> None:
        """The same counts in PostgreSQL; new rows get ids after the restored ones."""
        file = backed_up(gotong_cli, tmp_path)
        result = gotong_cli.invoke(
            app, ["restore", str(file)], env={"GOTONG_DATABASE_URL": blank_postgres_url}
        )

        assert result.exit_code == 0, result.output
        assert counts_of(blank_postgres_url) == backups.backup_counts(file)
        self.assert_same_rows(f"sqlite:///{tmp_path / 'live.db'}", blank_postgres_url)
        engine = make_engine(blank_postgres_url)
        try:
            with unit_of_work(engine) as session:
                last = max(t.id or 0 for t in session.exec(select(Task)))
                task = Task(title="Baru", created_by_id=1, created_at=NOW)
                session.add(task)
                session.flush()
                assert task.id == last + 1
        finally:
            engine.dispose()

    def assert_same_rows(self, source: str, target: str) -> None:
        read = []
        for url in (source, target):
            engine = make_engine(url)
            with Session(engine) as session:
                people = [(p.handle, p.name, p.timezone) for p in session.exec(select(Person))]
                meetings = [
                    (m.id, m.title, m.starts_at, m.sequence)
                    for m in session.exec(select(Meeting).order_by(col(Meeting.id)))
                ]
                read.append((sorted(people), meetings))
            engine.dispose()
        assert read[0] == read[1]

    def test_a_database_with_rows_is_refused_and_left_alone(
        self, gotong_cli: CliRunner, tmp_path: Path
    ) -> None:
        """Restoring onto the live database itself: status 2, its rows as they were."""
        file = backed_up(gotong_cli, tmp_path)
        live = f"sqlite:///{tmp_path / 'live.db'}"
        before = counts_of(live)
        result = gotong_cli.invoke(app, ["restore", str(file)])

        assert result.exit_code == 2
        assert "The database is not empty" in " ".join(result.output.split())
        assert counts_of(live) == before

    @pytest.mark.parametrize("kind", ["text", "missing", "plain-sqlite", "old-revision"])
    def test_what_is_not_a_backup_of_this_schema_is_refused(
        self, gotong_cli: CliRunner, tmp_path: Path, kind: str
    ) -> None:
        """A text file, no file, a SQLite file without Gotong's tables, an older revision:
        one message, status 2, and the target database not even created."""
        file = tmp_path / "candidate.db"
        if kind == "text":
            file.write_text("nama,peran\nani,manager\n")
        elif kind == "plain-sqlite":
            with sqlite3.connect(file) as connection:
                connection.execute("CREATE TABLE notes (id INTEGER)")
        elif kind == "old-revision":
            file = backed_up(gotong_cli, tmp_path)
            with sqlite3.connect(file) as connection:
                connection.execute("UPDATE alembic_version SET version_num = '0015'")
        target = tmp_path / "target.db"
        result = gotong_cli.invoke(
            app, ["restore", str(file)], env={"GOTONG_DATABASE_URL": f"sqlite:///{target}"}
        )

        assert result.exit_code == 2, result.output
        flat = " ".join(result.output.split())
        expected = {
            "text": "is not a Gotong backup",
            "missing": "cannot be read",
            "plain-sqlite": "is not a Gotong backup",
            "old-revision": "was made at schema revision 0015",
        }[kind]
        assert expected in flat
        assert (
            not target.exists()
            or inspect(make_engine(f"sqlite:///{target}")).get_table_names() == []
        )

    def test_rows_that_do_not_arrive_are_reported_with_status_1(
        self, gotong_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If a table's rows went missing on the way, the check names it and exits 1."""
        file = backed_up(gotong_cli, tmp_path)
        copy = backups._copy
        monkeypatch.setattr(
            backups,
            "_copy",
            lambda table, reading, writing: (
                None if table.name == "auditentry" else copy(table, reading, writing)
            ),
        )
        result = gotong_cli.invoke(
            app,
            ["restore", str(file)],
            env={"GOTONG_DATABASE_URL": f"sqlite:///{tmp_path / 'restored.db'}"},
        )

        assert result.exit_code == 1
        assert "do not match the backup in: auditentry" in " ".join(result.output.split())
