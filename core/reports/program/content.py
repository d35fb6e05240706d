"""What a program report holds: plain values, read once and written in any format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Header:
    """The program, the period reported on (end inclusive) and who runs it."""

    code: str
    name: str
    level: str
    region: str
    start: date
    end: date
    owner: str
    managers: tuple[str, ...]
    currency: str


@dataclass(frozen=True)
class ClosedTask:
    """A task closed as done within the period."""

    number: int
    title: str
    closed_at: datetime
    assignees: str


@dataclass(frozen=True)
class MeetingHeld:
    """A meeting that took place in the period, with how its invitations were answered."""

    number: int
    title: str
    starts_at: datetime
    place: str
    invited: int
    came: int
    declined: int
    unanswered: int


@dataclass(frozen=True)
class IndicatorProgress:
    """An indicator at the end of the period against its target, with the period's gain."""

    code: str
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    value: Decimal
    gain: Decimal
    percent: int
    regions: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class BudgetProgress:
    """A budget line: planned, spent in the period, spent up to its end, and what remains."""

    name: str
    planned: Decimal
    spent_in_period: Decimal
    spent_to_date: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.spent_to_date

    @property
    def used(self) -> int:
        """Whole percent of the plan spent by the end of the period (rounded down)."""
        if self.planned <= 0:
            return 0
        return int(self.spent_to_date * 100 // self.planned)


@dataclass(frozen=True)
class PartnerCommitments:
    """One partner organisation's commitments: asked in the period, fulfilled, overdue, open."""

    handle: str
    name: str
    requested: int
    fulfilled: int
    overdue: int
    open: int


@dataclass(frozen=True)
class FigureTotal:
    """Figures of the period's field updates summed for one unit."""

    unit: str
    total: Decimal
    updates: int


@dataclass(frozen=True)
class OpenIssue:
    """Something overdue at the end of the period: a task, a deadline or a commitment."""

    kind: str  # "task", "deadline" or "commitment"
    number: int
    title: str
    due_at: datetime
    who: str


@dataclass(frozen=True)
class UpdateLine:
    """One field update of the period, for the annex."""

    number: int
    at: datetime
    author: str
    text: str
    figures: tuple[tuple[Decimal, str], ...]


@dataclass
class ProgramReport:
    """Everything a program report says, for one program and one period."""

    header: Header
    made_at: datetime
    timezone: str
    tasks_closed: list[ClosedTask] = field(default_factory=list)
    meetings: list[MeetingHeld] = field(default_factory=list)
    indicators: list[IndicatorProgress] = field(default_factory=list)
    budget: list[BudgetProgress] = field(default_factory=list)
    commitments: list[PartnerCommitments] = field(default_factory=list)
    figures: list[FigureTotal] = field(default_factory=list)
    updates: list[UpdateLine] = field(default_factory=list)
    reporters: int = 0
    open_issues: list[OpenIssue] = field(default_factory=list)

    @property
    def planned(self) -> Decimal:
        return sum((line.planned for line in self.budget), Decimal(0))

    @property
    def spent_in_period(self) -> Decimal:
        return sum((line.spent_in_period for line in self.budget), Decimal(0))

    @property
    def spent_to_date(self) -> Decimal:
        return sum((line.spent_to_date for line in self.budget), Decimal(0))

    @property
    def used(self) -> int:
        """Whole percent of the whole budget spent by the end of the period."""
        planned = self.planned
        return int(self.spent_to_date * 100 // planned) if planned > 0 else 0
