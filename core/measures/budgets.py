"""A program's budget lines, who may see and spend them, and how far each line has gone.

Budgets are internal. `require_budget` is the one rule every budget command, button and
expense number goes through: a partner contact is answered exactly as for a program that does
not exist, even on a program their organisation is part of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from fractions import Fraction

from sqlmodel import Session, col, select

from core import audit
from core.errors import UserError
from core.models import BudgetLine, BudgetPermission, Expense, Person, Program, Role
from core.people.directory import unknown_program
from core.people.permissions import is_manager, works_on

NAME_MAX = 80  # BudgetLine.name's column


class Need(StrEnum):
    """What a person wants to do with a program's budget."""

    SEE = "see"
    SPEND = "spend"
    MANAGE = "manage"


def line_key(name: str) -> str:
    """A line's name folded for matching: "Honor  Petugas" and "honor petugas" are one line."""
    return " ".join(name.casefold().replace("_", " ").split())


def hidden(session: Session, reader: Person, code: str) -> UserError:
    """The refusal a program that does not exist gets, word for word (it is not among theirs)."""
    return unknown_program(session, reader, code)


def manages(session: Session, person: Person, program: Program) -> bool:
    """Admins, and managers who work on the program, plan its budget."""
    if person.role == Role.ADMIN:
        return True
    return person.role == Role.MANAGER and works_on(session, person, program)


def allowed(session: Session, person: Person, program: Program) -> bool:
    """Whether a manager allowed the person to record the program's spending."""
    return session.get(BudgetPermission, (program.id, person.id)) is not None


def require_budget(session: Session, person: Person, program: Program, need: Need) -> None:
    """Refuse unless the person may `need` the program's budget; the reason is in the refusal."""
    if person.role == Role.PARTNER or person.partner_org_id is not None:
        if works_on(session, person, program):  # their organisation's program: say why
            raise UserError("budget.internal", code=program.code)
        raise hidden(session, person, program.code)
    if manages(session, person, program):
        return
    if is_manager(person):
        raise UserError("permission.not_in_program", code=program.code)
    if need == Need.MANAGE:
        raise UserError("budget.managers_only", code=program.code, role=person.role)
    if not allowed(session, person, program):
        raise UserError("budget.not_allowed", code=program.code, handle=person.handle)


def may_see(session: Session, person: Person, program: Program) -> bool:
    """Whether the person sees the program's budget (in /program, for instance)."""
    try:
        require_budget(session, person, program, Need.SEE)
    except UserError:
        return False
    return True


def lines_of(session: Session, program: Program) -> list[BudgetLine]:
    """The program's budget lines in the order they were added."""
    return list(
        session.exec(
            select(BudgetLine)
            .where(BudgetLine.program_id == program.id)
            .order_by(col(BudgetLine.id))
        )
    )


def line_named(session: Session, program: Program, name: str) -> BudgetLine | None:
    """The program's line called `name` (any case and spacing), if there is one."""
    return session.exec(
        select(BudgetLine).where(
            BudgetLine.program_id == program.id, BudgetLine.key == line_key(name)
        )
    ).first()


def checked_line(name: str, planned: Decimal) -> str:
    """The line's name as it will be kept, once the name and planned amount are acceptable."""
    name = " ".join(name.split())
    if not any(ch.isalpha() for ch in name) or ":" in name:
        raise UserError("budget.bad_name", name=name[:40])
    if len(name) > NAME_MAX:
        raise UserError("common.title_too_long", limit=NAME_MAX, length=len(name))
    if planned <= 0:
        raise UserError("budget.planned_not_positive", name=name)
    return name


def add_line(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    program: Program,
    name: str,
    planned: Decimal,
) -> BudgetLine:
    """A new line on the program's budget; a name already there is refused, not overwritten."""
    require_budget(session, actor, program, Need.MANAGE)
    name = checked_line(name, planned)
    existing = line_named(session, program, name)
    if existing is not None:
        raise UserError(
            "budget.line_exists", name=existing.name, code=program.code, planned=existing.planned
        )
    return _write(session, now=now, actor=actor, program=program, name=name, planned=planned)


def change_line(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    program: Program,
    name: str,
    planned: Decimal,
) -> tuple[BudgetLine, Decimal]:
    """Set a line's planned amount; returns the line and what was planned before."""
    require_budget(session, actor, program, Need.MANAGE)
    name = checked_line(name, planned)
    line = line_named(session, program, name)
    if line is None:
        raise unknown_line(session, program, name)
    before = line.planned
    _set_planned(session, now=now, actor=actor, line=line, planned=planned)
    return line, before


def upsert_line(
    session: Session, *, now: datetime, program: Program, name: str, planned: Decimal
) -> tuple[BudgetLine, str]:
    """Add or update a line by name, for imports: ("added" | "updated" | "unchanged")."""
    name = checked_line(name, planned)
    line = line_named(session, program, name)
    if line is None:
        return _write(session, now=now, actor=None, program=program, name=name, planned=planned), (
            "added"
        )
    if line.planned == planned:
        return line, "unchanged"
    _set_planned(session, now=now, actor=None, line=line, planned=planned)
    return line, "updated"


def unknown_line(session: Session, program: Program, name: str) -> UserError:
    """The refusal of a line the program does not have, naming the lines it has."""
    names = [line.name for line in lines_of(session, program)]
    return UserError("budget.unknown_line", name=name[:40], code=program.code, lines=names)


def _write(
    session: Session,
    *,
    now: datetime,
    actor: Person | None,
    program: Program,
    name: str,
    planned: Decimal,
) -> BudgetLine:
    assert program.id is not None
    line = BudgetLine(
        program_id=program.id,
        name=name,
        key=line_key(name),
        planned=planned,
        created_at=now,
        updated_at=now,
    )
    audit.record(session, at=now, actor=actor, action="budget.add", entity=line)
    return line


def _set_planned(
    session: Session, *, now: datetime, actor: Person | None, line: BudgetLine, planned: Decimal
) -> None:
    before = audit.snapshot(line)
    line.planned, line.updated_at = planned, now
    audit.record(session, at=now, actor=actor, action="budget.change", entity=line, before=before)


def allow(
    session: Session, *, now: datetime, actor: Person, program: Program, person: Person
) -> bool:
    """Let `person` record the program's spending; False when they already could."""
    require_budget(session, actor, program, Need.MANAGE)
    if person.role == Role.PARTNER or person.partner_org_id is not None:
        raise UserError("budget.partner_cannot_spend", handle=person.handle, code=program.code)
    if manages(session, person, program) or allowed(session, person, program):
        return False
    assert program.id is not None and person.id is not None
    grant = BudgetPermission(
        program_id=program.id, person_id=person.id, granted_by_id=actor.id, granted_at=now
    )
    audit.record(session, at=now, actor=actor, action="budget.allow", entity=grant)
    return True


def revoke(
    session: Session, *, now: datetime, actor: Person, program: Program, person: Person
) -> bool:
    """Take back someone's permission to spend; False when they had none."""
    require_budget(session, actor, program, Need.MANAGE)
    grant = session.get(BudgetPermission, (program.id, person.id))
    if grant is None:
        return False
    audit.record(session, at=now, actor=actor, action="budget.revoke", entity=grant)
    session.delete(grant)
    return True


def allowed_people(session: Session, program: Program) -> list[Person]:
    """The people allowed to spend on the program, by handle."""
    return list(
        session.exec(
            select(Person)
            .join(BudgetPermission, col(BudgetPermission.person_id) == Person.id)
            .where(BudgetPermission.program_id == program.id)
            .order_by(col(Person.handle))
        )
    )


# --- how far the money has gone ---------------------------------------------------------------


@dataclass(frozen=True)
class LineState:
    """One line's planned, spent and remaining amounts."""

    line: BudgetLine
    spent: Decimal

    @property
    def planned(self) -> Decimal:
        return self.line.planned

    @property
    def remaining(self) -> Decimal:
        return self.line.planned - self.spent

    @property
    def used(self) -> int:
        return percent(self.spent, self.line.planned)


@dataclass(frozen=True)
class Overview:
    """A program's budget at one moment: each line, the totals and how much of its period passed."""

    program: Program
    lines: list[LineState]
    elapsed: int | None  # percent of the program's period gone; None when the period is unknown

    @property
    def planned(self) -> Decimal:
        return sum((s.planned for s in self.lines), Decimal(0))

    @property
    def spent(self) -> Decimal:
        return sum((s.spent for s in self.lines), Decimal(0))

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.spent

    @property
    def used(self) -> int:
        return percent(self.spent, self.planned)


def percent(part: Decimal, whole: Decimal) -> int:
    """Whole percent, rounded down so that 79.99 % never reads as 80 %."""
    if whole <= 0:
        return 0
    return int((part * 100 / whole).quantize(Decimal(1), rounding=ROUND_DOWN))


def spent_by_line(session: Session, program: Program) -> dict[int, Decimal]:
    """What was spent on each line, reversals left out (summed as Decimal: SQLite keeps text)."""
    spent: dict[int, Decimal] = {}
    rows = session.exec(
        select(Expense).where(Expense.program_id == program.id, col(Expense.reversed_at).is_(None))
    )
    for expense in rows:
        spent[expense.line_id] = spent.get(expense.line_id, Decimal(0)) + expense.amount
    return spent


def elapsed(program: Program, today: date) -> Fraction | None:
    """How much of the program's period has passed by the end of `today` (0 to 1), if known."""
    if program.starts_on is None or program.ends_on is None:
        return None
    total = (program.ends_on - program.starts_on).days + 1
    gone = (today - program.starts_on).days + 1
    return Fraction(min(max(gone, 0), total), total)


def overview(session: Session, program: Program, today: date) -> Overview:
    """The program's budget as it stands."""
    spent = spent_by_line(session, program)
    lines = [
        LineState(line, spent.get(line.id or 0, Decimal(0))) for line in lines_of(session, program)
    ]
    gone = elapsed(program, today)
    return Overview(program, lines, None if gone is None else int(gone * 100))
