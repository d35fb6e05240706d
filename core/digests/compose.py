"""A digest's content as the reader reads it: text in their language, and its buttons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from core.digests.chart import chart_attachment
from core.digests.content import DigestContent
from core.language.i18n import Catalog
from core.messages import Attachment, Button
from core.models import Role, Task

# A phone screen of buttons; the rest can be typed (`done 12`).
MAX_BUTTONS = 6
PER_ROW = 3


@dataclass(frozen=True)
class Composed:
    """What is sent: the text, its buttons, and the chart image when there is one."""

    text: str
    buttons: tuple[tuple[Button, ...], ...]
    chart: Attachment | None = None


def compose(catalog: Catalog, content: DigestContent, *, now: datetime) -> Composed:
    """The digest rendered for its reader at `now`."""
    person = content.person
    which = {Role.FIELD: "field", Role.PARTNER: "partner"}.get(Role(person.role), "manager")
    text = catalog.render(
        f"digest.{which}", lang=person.language, tz=person.timezone, now=now, d=content
    )
    # Sections each end their own paragraph; one blank line between them reads best on a phone.
    text = re.sub(r"\n{3,}", "\n\n", text)
    commands = _actions(content)[:MAX_BUTTONS]
    buttons = [
        Button(
            catalog.render(label, lang=person.language, tz=person.timezone, now=now, command=cmd),
            cmd,
        )
        for label, cmd in commands
    ]
    rows = tuple(tuple(buttons[i : i + PER_ROW]) for i in range(0, len(buttons), PER_ROW))
    chart = None
    if content.chart is not None and person.charts:
        note = catalog.render("chart.not_sent", lang=person.language, tz=person.timezone, now=now)
        chart = chart_attachment(content.chart, lang=person.language, note=note)
    return Composed(text, rows, chart)


def _actions(content: DigestContent) -> list[tuple[str, str]]:
    """One tap per thing the reader can finish: their tasks done, their meetings attended,
    a nudge to each member who has not reported."""
    if content.person.role == Role.FIELD:
        return [("button.done_n", f"done {t.id}") for t in content.tasks] + [
            ("button.attend_n", f"attend {m.id}")
            for m in content.meetings
            if m.id in content.unanswered_meetings
        ]
    done = [
        ("button.done_n", f"done {o.what.id}")
        for section in content.programs
        for o in section.overdue
        if isinstance(o.what, Task) and o.what.created_by_id == content.person.id
    ]
    nudges = [
        ("button.nudge_n", f"nudge @{p.handle} #{section.program.code}")
        for section in content.programs
        for p in section.missing
    ]
    return done + nudges
