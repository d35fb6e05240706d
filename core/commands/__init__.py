"""The command table: canonical command name -> handler."""

from __future__ import annotations

from collections.abc import Callable

from core.commands import (
    accounts,
    budgets,
    digests,
    exports,
    indicators,
    partners,
    program_report,
    programs,
    queries,
)
from core.commands.work import (
    answers,
    commitments,
    deadlines,
    meetings,
    reminders,
    reporting,
    tasks,
    updates,
)
from core.context import Context

Handler = Callable[[Context, str], None]

HANDLERS: dict[str, Handler] = {
    "task": tasks.task,
    "mytasks": tasks.my_tasks,
    "done": tasks.done,
    "cancel": tasks.cancel,
    "meeting": meetings.meeting,
    "attend": meetings.attend,
    "decline": meetings.decline,
    "rsvp": meetings.rsvp,
    "deadline": deadlines.deadline,
    "report": updates.report,
    "remind": reminders.remind,
    "reminders": reminders.list_reminders,
    "agenda": queries.agenda,
    "late": queries.late,
    "program": programs.program,
    "partners": partners.partners_command,
    "help": queries.help_,
    "settings": queries.settings,
    "start": accounts.start,
    "link": accounts.link,
    "group": accounts.group,
    "snooze": reminders.snooze,
    "move": tasks.move,
    "commitment": commitments.commitment,
    "confirm": answers.confirm,
    "propose": answers.propose,
    "reject": answers.reject,
    "received": commitments.received,
    "extend": commitments.extend,
    "digest": digests.digest,
    "nudge": reporting.nudge,
    "budget": budgets.budget,
    "spend": budgets.spend,
    "indicator": indicators.indicator,
    "programreport": program_report.program_report,
    "export": exports.export_command,
    "waiting": accounts.waiting,
}

# Replies to these concern only the sender: sent in a group, they go to the sender privately.
PERSONAL = frozenset(
    {"mytasks", "reminders", "remind", "snooze", "agenda", "late", "settings", "help", "start"}
    | {"link", "digest", "programreport", "export"}
)
