"""The shape of the code: the core stays free of platforms and schedulers."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from core.language.i18n import Catalog

ROOT = Path(__file__).parent.parent
CORE = ROOT / "core"
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


FRAME = {
    "imports",
    "models",
    "types",
    "db",
    "clock",
    "errors",
    "messages",
    "audit",
    "inbox",
    "eventlog",
}
# Each room of core/ and the rooms it may import (core/README.md draws the same table).
ROOMS: dict[str, set[str]] = {
    "frame": {"frame"},
    "language": {"frame", "language"},
    "delivery": {"frame", "language", "delivery"},
    "people": {"frame", "language", "delivery", "people"},
    "work": {"frame", "language", "delivery", "people", "work"},
    "measures": {"frame", "language", "delivery", "people", "work", "measures"},
    "digests": {"frame", "language", "delivery", "people", "work", "measures", "digests"},
    # Reports read what every other room keeps (the program report sums measures as digests do).
    "reports": {"frame", "language", "delivery", "people", "work", "measures", "digests"}
    | {"reports"},
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
    """No package of core/, at any depth, grows past about a dozen modules."""
    for room in [CORE, *(p for p in CORE.rglob("*") if p.is_dir() and p.name != "__pycache__")]:
        modules = [p for p in room.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= 12, f"{room.name}/ has {len(modules)} modules"


def test_both_languages_define_the_same_messages() -> None:
    """Every message key exists in Indonesian and in English."""
    catalog = Catalog()
    assert catalog.keys("id") == catalog.keys("en")


BOT = ROOT / "bot"
# What only the composition root (bot/bootstrap.py) builds.
COLLABORATORS = {
    "Gotong",
    "Catalog",
    "make_engine",
    "OutboxDelivery",
    "ReminderSweep",
    "DigestSweep",
    "NudgeSweep",
    "Leadership",
    "CoreJobs",
    "ConsoleSession",
    "TelegramAdapter",
    "TelegramConfig",
    "SlackAdapter",
    "SlackConfig",
}


def constructed(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


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
    [
        p
        for p in sorted(BOT.rglob("*.py"))
        if "migrations" not in p.parts and p.name != "bootstrap.py"
    ],
    ids=lambda p: str(p.relative_to(BOT)),
)
def test_only_the_composition_root_builds_collaborators(path: Path) -> None:
    """bot/bootstrap.py builds engines, the core, delivery, adapters and jobs; nothing else does."""
    assert not constructed(path) & COLLABORATORS


def test_the_command_line_imports_no_platform_package() -> None:
    """`gotong --help` and the console pay for Telegram and Slack only when they are configured,
    and for matplotlib only when a chart is drawn."""
    probe = (
        "import sys; from typer.testing import CliRunner; from bot.cli import app; "
        "CliRunner().invoke(app, ['--help']); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'telegram', 'slack_bolt', "
        "'slack_sdk', 'matplotlib'}) + sorted(m for m in sys.modules if m.startswith(('adapters.telegram', "
        "'adapters.slack'))))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert found.stdout.strip() == "[]"


def test_the_root_names_platforms_as_the_adapters_do() -> None:
    """bootstrap spells the platform names so that naming one imports nothing."""
    from adapters.slack import PLATFORM as SLACK
    from adapters.telegram import PLATFORM as TELEGRAM
    from bot import bootstrap

    assert (bootstrap.TELEGRAM, bootstrap.SLACK) == (TELEGRAM, SLACK)


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
    assert members == {"handle", "receive", "process", "pending", "not_received"}
    assert all(callable(getattr(Gotong, name)) for name in members)


CODE = [ROOT / "core", ROOT / "adapters", ROOT / "bot", ROOT / "bench", ROOT / "tests"]


def long_modules() -> list[str]:
    """Modules over 400 lines; migrations and the fake platforms (and their own tests) aside."""
    found = []
    for folder in CODE:
        for path in folder.rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or "fakes" in parts or path.name.startswith("test_fake_"):
                continue
            if len(path.read_text(encoding="utf-8").splitlines()) > 400:
                found.append(str(path.relative_to(ROOT)))
    return sorted(found)


def test_no_module_is_over_400_lines() -> None:
    """A module is read at one sitting; past 400 lines it is two modules."""
    assert long_modules() == []


LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


def plain_log_calls(path: Path) -> list[int]:
    """Lines where a module calls `log.info(...)` and the like instead of `event(...)`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in LOG_METHODS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "log"
    ]


@pytest.mark.parametrize(
    "path", sorted(ADAPTERS.rglob("*.py")), ids=lambda p: str(p.relative_to(ADAPTERS))
)
def test_adapters_log_named_events_only(path: Path) -> None:
    """A plain line is quoted whole by the formatter; a named event with fields can be grepped."""
    assert plain_log_calls(path) == []


# Things people name by number; only core/people/visibility.py opens them by that number.
NUMBERED = {"Task", "Meeting", "Deadline", "Commitment", "FieldUpdate", "Reminder"}
BY_NUMBER = sorted(
    [*(CORE / "commands").glob("*.py"), *(CORE / "work").glob("*.py"), *CORE.glob("[ac]*.py")]
)


def lookups_by_number(source: str) -> list[int]:
    """Lines that call `<anything>.get(Task|Meeting|..., ...)`: a numbered thing opened directly.

    A grep-level check: it sees `session.get(Task, n)` whatever the session is called, not a
    `select(Task).where(Task.id == n)` written to get round it.
    """
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.args
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id in NUMBERED
    ]


def test_the_lookup_check_sees_a_direct_lookup() -> None:
    """The check below would catch a handler that opens a commitment by the number typed."""
    source = "def confirm(ctx, n):\n    found = ctx.session.get(Commitment, n)\n"
    assert lookups_by_number(source) == [2]
    assert lookups_by_number("found = session.get(Program, found.program_id)\n") == []


@pytest.mark.parametrize("path", BY_NUMBER, ids=lambda p: str(p.relative_to(CORE)))
def test_numbered_things_are_opened_through_visibility(path: Path) -> None:
    """Commands and services open a task, meeting, deadline, commitment, update or reminder by
    its number only through core.people.visibility, the one rule that answers "not found"."""
    assert lookups_by_number(path.read_text(encoding="utf-8")) == []
