"""What platforms show outside replies, in each language: the "/" command menu and forms."""

from __future__ import annotations

from datetime import UTC, datetime

from core.language.grammar import COMMANDS, HELP_ORDER
from core.language.i18n import Catalog

# Menu descriptions show no moments, so they need no real "now".
NO_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)


def command_menu(catalog: Catalog, lang: str) -> list[tuple[str, str]]:
    """(command name in `lang`, description) for every command, in help order."""
    menu: list[tuple[str, str]] = []
    for canonical in HELP_ORDER:
        names = COMMANDS[canonical]
        name = names[1] if lang == "en" else names[0]
        if any(listed == name for listed, _ in menu):
            continue  # /ingatkan both reminds and nudges: one entry, the first command's
        menu.append((name, catalog.render(f"menu.{canonical}", lang=lang, tz="UTC", now=NO_MOMENT)))
    return menu


TASK_FORM_FIELDS = (
    "title", "submit", "close", "what", "what_hint", "who", "who_hint",
    "due", "due_hint", "program", "program_hint",
)  # fmt: skip


def task_form_labels(catalog: Catalog, lang: str) -> dict[str, str]:
    """The task form's title, buttons, labels and hints in `lang`."""
    return {
        field: catalog.render(f"form.task_{field}", lang=lang, tz="UTC", now=NO_MOMENT)
        for field in TASK_FORM_FIELDS
    }
