"""Starting Gotong imports only what it uses: no platform it was not given, no Alembic unless
the schema must change, no chart library until a chart is drawn."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from bot.database import MIGRATIONS, is_current, shipped_heads, upgrade

ROOT = Path(__file__).parent.parent
HEAVY = ("slack_bolt", "slack_sdk", "telegram", "alembic", "matplotlib")
# What `gotong --help` must not pay for either: the commands import the database inside.
DATABASE = ("sqlmodel", "sqlalchemy", "pydantic_settings")


def modules_after(code: str, **env: str) -> set[str]:
    """The top-level packages a fresh interpreter has imported after running `code`."""
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )
    return set(done.stdout.split())


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


class TestImports:
    def test_importing_the_command_line_loads_no_platform_alembic_or_charts(self) -> None:
        """`import bot.cli` (what `gotong --help` pays) loads none of the heavy packages."""
        assert modules_after("import bot.cli") & set(HEAVY) == set()

    def test_importing_the_command_line_loads_no_database_code(self) -> None:
        """`gotong --help` costs Typer alone: no SQLModel, SQLAlchemy or settings loader."""
        assert modules_after("import bot.cli") & set(DATABASE) == set()

    def test_polling_telegram_loads_no_web_server(self) -> None:
        """aiohttp's server is for a Telegram webhook only; polling starts without it."""
        assert "aiohttp" not in modules_after("import bot.bootstrap, bot.runner, adapters.telegram")

    def test_building_on_a_current_database_does_not_load_alembic(self, engine: Engine) -> None:
        """`gotong run` on an up-to-date database checks the schema without Alembic."""
        code = (
            "from bot.bootstrap import Schema, build\nfrom bot.settings import Settings\n"
            "build(Settings(), schema=Schema.START).engine.dispose()"
        )
        loaded = modules_after(code, GOTONG_DATABASE_URL=url_of(engine))
        assert "sqlalchemy" in loaded
        assert "alembic" not in loaded


class TestSchemaCheck:
    def test_the_shipped_heads_are_alembics(self) -> None:
        """The quick reading of the migration files finds the heads Alembic finds."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        assert shipped_heads() == set(ScriptDirectory.from_config(config).get_heads())

    def test_a_blank_database_is_not_current(self, blank_database_url: str) -> None:
        """An empty database has no revision, so it is not current."""
        from core.db import make_engine

        engine = make_engine(blank_database_url)
        try:
            assert not is_current(engine)
            upgrade(engine, "0014")
            assert not is_current(engine)
            upgrade(engine)
            assert is_current(engine)
        finally:
            engine.dispose()

    def test_an_unknown_revision_is_not_current(self, engine: Engine) -> None:
        """A database migrated by newer code (a revision not shipped here) is not current."""
        assert is_current(engine)
        with engine.begin() as connection:
            (head,) = connection.execute(text("SELECT version_num FROM alembic_version")).one()
            connection.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
        try:
            assert not is_current(engine)
        finally:  # on PostgreSQL the database is shared by the whole run
            with engine.begin() as connection:
                connection.execute(
                    text("UPDATE alembic_version SET version_num = :head"), {"head": head}
                )
        assert is_current(engine)


class TestHelpText:
    def test_the_help_names_what_the_core_accepts(self) -> None:
        """The columns, kinds and formats spelled out for --help are the core's own."""
        from bot.cli import budget, exports, partners
        from core.measures import budget_import
        from core.people import partner_import
        from core.reports.export import FORMATS, KINDS

        assert ",".join(budget_import.COLUMNS) == budget.COLUMNS_HELP
        assert ",".join(partner_import.COLUMNS) == partners.COLUMNS_HELP
        assert ", ".join(KINDS) == exports.KINDS_HELP
        assert ", ".join(FORMATS) == exports.FORMATS_HELP
