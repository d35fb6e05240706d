"""The shape of the code: the core stays free of platforms and schedulers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.language.i18n import Catalog

CORE = Path(__file__).parent.parent / "core"
FORBIDDEN = {"telegram", "slack_bolt", "slack_sdk", "apscheduler", "bot", "adapters", "aiohttp"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_imports_no_platform_or_scheduler(path: Path) -> None:
    """core/ never imports a platform SDK, the scheduler, the wiring or the adapters."""
    assert not imported_roots(path) & FORBIDDEN


FRAME = {"models", "types", "db", "clock", "errors", "messages", "audit", "inbox", "eventlog"}
# Each room of core/ and the rooms it may import (core/README.md draws the same table).
ROOMS: dict[str, set[str]] = {
    "frame": {"frame"},
    "language": {"frame", "language"},
    "delivery": {"frame", "language", "delivery"},
    "people": {"frame", "language", "delivery", "people"},
    "work": {"frame", "language", "delivery", "people", "work"},
    "reports": {"frame", "language", "reports"},
}


def room_of(module: str) -> str:
    """The room of a core module given as a dotted name ("core.work.tasks" -> "work")."""
    parts = module.split(".")
    if len(parts) > 2 and parts[1] in ROOMS:
        return parts[1]
    if len(parts) > 1 and parts[1] in FRAME:
        return "frame"
    return "entry"  # commands, context, app, demo: they may use every room


def core_imports(path: Path) -> set[str]:
    """The core modules `path` imports, as dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("core"):
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("core")}
    return found


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_rooms_import_only_the_rooms_below(path: Path) -> None:
    """language needs only the frame, delivery also language, people also delivery, work also
    people: so a room can be read (and tested) knowing only the rooms below it."""
    module = ".".join(("core", *path.relative_to(CORE).with_suffix("").parts))
    room = room_of(module)
    if room == "entry":
        return
    wrong = {m for m in core_imports(path) if room_of(m) not in ROOMS[room]}
    assert not wrong, f"{module} ({room}) may import only {sorted(ROOMS[room])}"


def test_core_rooms_stay_small() -> None:
    """No room of core/ grows past about a dozen modules."""
    for room in [CORE, *(p for p in CORE.iterdir() if p.is_dir() and p.name != "__pycache__")]:
        modules = [p for p in room.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= 12, f"{room.name}/ has {len(modules)} modules"


def test_both_languages_define_the_same_messages() -> None:
    """Every message key exists in Indonesian and in English."""
    catalog = Catalog()
    assert catalog.keys("id") == catalog.keys("en")
