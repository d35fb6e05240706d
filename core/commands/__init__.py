"""The command table: canonical command name -> handler."""

from __future__ import annotations

from collections.abc import Callable

from core.commands import deadlines, meetings, queries, reminders, tasks, updates
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
    "program": queries.program,
    "partners": queries.partners,
    "help": queries.help_,
    "settings": queries.settings,
    "start": queries.start,
}
