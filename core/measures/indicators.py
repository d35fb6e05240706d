"""A program's indicators: what it counts, against which target, and where it stands.

Values come from field updates (core.measures.indicator_values). Exact decimals throughout: the
values are summed in Python because SQLite keeps them as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, col, select

from core import audit
from core.errors import UserError
from core.models import Combine, Indicator, IndicatorValue, Person, Program, Role
from core.people.directory import program_by_code, unknown_program
from core.people.permissions import require_manager, require_program_access, works_on

CODE = re.compile(r"^[a-z][a-z0-9_\-]{0,31}$")
BAR_WIDTH = 8
NAME_LIMIT = 200
UNIT_LIMIT = 80


def region_key(region: str) -> str:
    """A region as compared: "Desa  sukamaju" and "desa Sukamaju" are one place."""
    return " ".join(region.split()).casefold()


def visible_program(session: Session, reader: Person, code: str) -> Program:
    """Program `#code` if the reader may see its indicators.

    A partner contact sees only programs their organisation is part of; any other answers
    exactly like a program that does not exist.
    """
    program = program_by_code(session, code, reader)
    if reader.role == Role.PARTNER and not works_on(session, reader, program):
        raise unknown_program(session, reader, program.code)
    require_program_access(session, reader, program)
    return program


def of_program(session: Session, program: Program) -> list[Indicator]:
    """A program's indicators in the order they were defined."""
    return list(
        session.exec(
            select(Indicator).where(Indicator.program_id == program.id).order_by(col(Indicator.id))
        )
    )


@dataclass(frozen=True)
class Definition:
    """What a manager wrote to define an indicator."""

    code: str
    name: str
    unit: str
    target: Decimal
    baseline: Decimal = Decimal(0)
    combine: str = Combine.SUM
    by_region: bool = False


def define(
    session: Session, *, now: datetime, actor: Person, program: Program, wanted: Definition
) -> Indicator:
    """Add an indicator to a program (managers and admins only)."""
    require_manager(actor, "indicator")
    require_program_access(session, actor, program)
    code = wanted.code.lower()
    if not CODE.match(code):
        raise UserError("indicator.bad_code", code=wanted.code[:40], program=program.code)
    if any(i.code == code for i in of_program(session, program)):
        raise UserError("indicator.code_taken", code=code, program=program.code)
    if wanted.target <= 0:
        raise UserError("indicator.bad_target", code=code, program=program.code)
    if len(wanted.name) > NAME_LIMIT or len(wanted.unit) > UNIT_LIMIT:
        raise UserError("common.title_too_long", limit=NAME_LIMIT, length=len(wanted.name))
    assert program.id is not None and actor.id is not None
    indicator = Indicator(
        program_id=program.id,
        code=code,
        name=wanted.name or wanted.unit or code,
        unit=wanted.unit,
        target=wanted.target,
        baseline=wanted.baseline,
        combine=wanted.combine,
        by_region=wanted.by_region,
        created_by_id=actor.id,
        created_at=now,
    )
    audit.record(session, at=now, actor=actor, action="indicator.define", entity=indicator)
    return indicator


@dataclass
class Standing:
    """An indicator's value now, against its target, and by region when disaggregated."""

    indicator: Indicator
    value: Decimal
    regions: list[tuple[str, Decimal]] = field(default_factory=list)
    flagged: int = 0

    @property
    def percent(self) -> int:
        """The value as a whole percentage of the target (never negative)."""
        share = self.value * 100 / self.indicator.target
        return max(int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP)), 0)

    @property
    def bar(self) -> str:
        """The percentage as eight blocks: "████░░░░" (full at the target and beyond)."""
        filled = min(BAR_WIDTH, (self.percent * BAR_WIDTH + 50) // 100)
        return "█" * filled + "░" * (BAR_WIDTH - filled)


def counted_values(session: Session, indicator: Indicator) -> list[IndicatorValue]:
    """The values that count: every one not withdrawn, oldest first."""
    return list(
        session.exec(
            select(IndicatorValue)
            .where(
                IndicatorValue.indicator_id == indicator.id,
                col(IndicatorValue.withdrawn_at).is_(None),
            )
            .order_by(col(IndicatorValue.recorded_at), col(IndicatorValue.id))
        )
    )


def combined(combine: str, values: list[Decimal]) -> Decimal:
    """Values (oldest first) made one by the indicator's rule."""
    if combine == Combine.LATEST:
        return values[-1]
    if combine == Combine.MAX:
        return max(values)
    return sum(values, Decimal(0))


def standing(session: Session, indicator: Indicator) -> Standing:
    """Where an indicator stands: its rule applied per region, regions added up.

    The baseline is where a sum starts, and the value of a latest or max rule with nothing
    reported yet.
    """
    return standing_of(indicator, counted_values(session, indicator))


def standing_of(indicator: Indicator, values: list[IndicatorValue]) -> Standing:
    """Where an indicator stands given its counted values (oldest first), read in one go for
    many indicators by the digests."""
    flagged = sum(1 for v in values if v.review == "flagged")
    if not indicator.by_region:
        if not values:
            return Standing(indicator, indicator.baseline, flagged=flagged)
        value = combined(indicator.combine, [v.value for v in values])
        if indicator.combine == Combine.SUM:
            value += indicator.baseline
        return Standing(indicator, value, flagged=flagged)
    by_key: dict[str, list[IndicatorValue]] = {}
    for v in values:
        by_key.setdefault(v.region_key, []).append(v)
    regions = [
        (rows[0].region, combined(indicator.combine, [v.value for v in rows]))
        for rows in by_key.values()
    ]
    regions.sort(key=lambda pair: (pair[0] == "", region_key(pair[0])))
    total = sum((value for _, value in regions), Decimal(0))
    if indicator.combine == Combine.SUM or not regions:
        total += indicator.baseline
    return Standing(indicator, total, regions, flagged)


def standings(session: Session, program: Program) -> list[Standing]:
    """Every indicator of a program with where it stands."""
    return [standing(session, indicator) for indicator in of_program(session, program)]
