"""What a digest says, as data: built in batches by `gather`, rendered by `compose`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from core.digests.measures import IndicatorLine, completion
from core.measures.budgets import LineState, Overview
from core.models import (
    Deadline,
    FieldUpdate,
    Meeting,
    PartnerOrg,
    Person,
    Program,
    Reminder,
    Task,
)
from core.work.commitments import Progress


@dataclass(frozen=True)
class Owed:
    """A task, deadline or commitment that is late, with who owes it."""

    what: Task | Deadline | Progress
    by: str  # "@budi, @siti", or a partner organisation's name


@dataclass(frozen=True)
class Received:
    """What a partner delivered against a commitment since the last digest."""

    progress: Progress
    org: PartnerOrg
    quantity: Decimal | None


@dataclass(frozen=True)
class Week:
    """A program's week against the one before: updates, tasks done, deliveries received."""

    updates: tuple[int, int]
    tasks_done: tuple[int, int]
    received: tuple[int, int]


@dataclass
class ProgramSection:
    """One program in a manager's digest; each list left empty when there is nothing to say."""

    program: Program
    overdue: list[Owed] = field(default_factory=list)
    overdue_more: int = 0  # late beyond those named (tables.MAX_OVERDUE)
    update_count: int = 0
    totals: list[tuple[str, Decimal]] = field(default_factory=list)
    latest: list[tuple[FieldUpdate, Person | None]] = field(default_factory=list)
    # Who has not reported in the program's reporting window: the reporting windows fill it.
    missing: list[Person] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    unanswered: list[tuple[Progress, PartnerOrg]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    due_soon: list[tuple[Progress, PartnerOrg]] = field(default_factory=list)
    # Reminders about the program's work missed while Gotong was down, and whose they were.
    missed: list[tuple[Reminder, Person | None]] = field(default_factory=list)
    unreachable: list[Person] = field(default_factory=list)
    week: Week | None = None
    # The budget only for readers who may see it; indicators for every manager.
    budget: Overview | None = None
    warned: list[LineState] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)

    @property
    def progress(self) -> float | None:
        """How far the program is towards its indicators' targets (0 to 1), for the chart."""
        return completion(self.indicators)

    @property
    def quiet(self) -> bool:
        """Nothing new in this program: it takes one line."""
        return not (
            self.overdue
            or self.update_count
            or self.missing
            or self.meetings
            or self.deadlines
            or self.unanswered
            or self.received
            or self.due_soon
            or self.missed
            or self.unreachable
        )


@dataclass
class DigestContent:
    """Everything one person's digest says at one moment."""

    person: Person
    kind: str
    since: datetime
    programs: list[ProgramSection] = field(default_factory=list)
    missed: list[Reminder] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    commitments: list[Progress] = field(default_factory=list)
    org: PartnerOrg | None = None
    # Meetings this person has not answered yet, for their Attend button.
    unanswered_meetings: set[int] = field(default_factory=set)
    # The chart image for a manager's digest; the charts work fills it.
    chart: bytes | None = None
    late: timedelta | None = None

    @property
    def empty(self) -> bool:
        """Nothing at all to say (a daily digest is then not sent)."""
        return (
            all(p.quiet for p in self.programs)
            and not (self.missed or self.tasks or self.meetings or self.reminders)
            and not self.commitments
        )
