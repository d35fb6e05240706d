"""Schema migrations: `gotong db upgrade` applies them; everything else only checks the schema.

Several PostgreSQL instances starting together must not run one schema change side by side,
so only the operator's explicit `gotong db upgrade` migrates a shared database. Alembic is
imported only to migrate: loading it and every migration costs a start-up most of a second,
and `is_current` needs neither.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, which env.py keeps


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration pointing at the shipped migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def is_current(engine: Engine) -> bool:
    """Whether the database is at the newest migration (an empty database is not)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return False
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
        applied = {str(row[0]) for row in rows}
    return applied == shipped_heads()


@cache
def shipped_heads() -> frozenset[str]:
    """The newest revisions among the shipped migrations (what Alembic calls the heads)."""
    revisions: set[str] = set()
    replaced: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        names = _module_constants(path, ("revision", "down_revision"))
        revisions.add(str(names["revision"]))
        down = names.get("down_revision")
        if isinstance(down, str):
            replaced.add(down)
        elif isinstance(down, tuple | list):  # a merge revision names several
            replaced.update(str(each) for each in down)
    return frozenset(revisions - replaced)


def _module_constants(path: Path, names: tuple[str, ...]) -> dict[str, object]:
    """The literal values a module assigns at its top level to these names."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        else:
            continue
        if target in names and value is not None:
            found[target] = ast.literal_eval(value)
    return found


def make_revision(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
