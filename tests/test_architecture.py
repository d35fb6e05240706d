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


def test_both_languages_define_the_same_messages() -> None:
    """Every message key exists in Indonesian and in English."""
    catalog = Catalog()
    assert catalog.keys("id") == catalog.keys("en")


ADAPTERS = Path(__file__).parent.parent / "adapters"
PLATFORMS = ("telegram", "slack")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize(
    "path", sorted(ADAPTERS.rglob("*.py")), ids=lambda p: str(p.relative_to(ADAPTERS))
)
def test_adapters_reach_the_core_through_the_front_door(path: Path) -> None:
    """Adapters talk to the core through adapters.front_door.FrontDoor, never core.app."""
    assert "core.app" not in imported_modules(path)


@pytest.mark.parametrize(
    "path",
    sorted(p for platform in PLATFORMS for p in (ADAPTERS / platform).glob("*.py")),
    ids=lambda p: str(p.relative_to(ADAPTERS)),
)
def test_platform_modules_stay_under_300_lines(path: Path) -> None:
    """A platform package is transport, translation and rendering, each readable at a sitting."""
    assert len(path.read_text(encoding="utf-8").splitlines()) < 300


def test_the_core_satisfies_the_front_door() -> None:
    """Gotong has every member the adapters' Protocol names (mypy checks the signatures)."""
    from adapters.front_door import FrontDoor
    from core.app import Gotong

    members = {
        name
        for name in vars(FrontDoor)
        if not name.startswith("_") and callable(getattr(FrontDoor, name))
    }
    assert members == {"handle", "receive", "process", "pending"}
    assert all(callable(getattr(Gotong, name)) for name in members)
