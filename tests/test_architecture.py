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
