"""The values field updates give a program's indicators, the ones that look wrong, withdrawals.

An update feeds indicators two ways: written out (`penerima=45 desa=Sukamaju`), or through
its figures when what a figure counts is an indicator's unit, name or code (`45 keluarga`).
What was counted goes back in the reply, so a mismatch is seen at once.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from core import audit
from core.errors import UserError
from core.language.figures import MONEY, Figure, read_figures
from core.language.grammar import REGION_KEYS
from core.language.numbers import NumberError, parse_amount
from core.measures.indicators import of_program, region_key
from core.models import (
    Combine,
    FieldUpdate,
    Indicator,
    IndicatorValue,
    Person,
    Program,
    ProgramMember,
    Review,
    Role,
)
from core.people.permissions import is_manager, works_on

# `key=value`, the value in quotes when it has spaces: desa="Suka Maju".
PAIR = re.compile(r"(?<![\w=])([^\W\d_][\w-]*)\s*=\s*(\"[^\"]*\"|[^\s=\"]+)")
REGION_LIMIT = 120
# A value this many times the reporter's usual one (their median) is checked by a manager.
OUTLIER_FACTOR = 10
OUTLIER_HISTORY = 3


@dataclass(frozen=True)
class Pair:
    """One `key=value` of an update, where it stands in the text."""

    key: str
    written: str
    start: int
    end: int


def read_pairs(text: str) -> list[Pair]:
    """The `key=value` pairs of an update, values without their quotes or trailing commas."""
    pairs = []
    for m in PAIR.finditer(text):
        written = m.group(2).strip('"').rstrip(".,;:!?")
        pairs.append(Pair(m.group(1).lower(), " ".join(written.split()), m.start(), m.end()))
    return pairs


@dataclass
class Counting:
    """What an update counted, what it could not place, and what waits for a manager."""

    has_indicators: bool = False
    region: str = ""
    counted: list[tuple[Indicator, IndicatorValue]] = field(default_factory=list)
    unmatched: list[Figure] = field(default_factory=list)
    ambiguous: list[tuple[Figure, list[Indicator]]] = field(default_factory=list)

    @property
    def worth_saying(self) -> bool:
        """Whether the reply has anything to say about indicators (a figure without one matters
        only in a program that has indicators)."""
        return bool(self.counted or self.ambiguous or (self.has_indicators and self.unmatched))

    @property
    def flagged(self) -> list[tuple[Indicator, IndicatorValue]]:
        """The values kept but sent to the managers because they look wrong."""
        return [(i, v) for i, v in self.counted if v.review == Review.FLAGGED]


def count_update(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    program: Program,
    update: FieldUpdate,
) -> Counting:
    """Give the program's indicators the values an update holds; refuse what cannot be read."""
    indicators = of_program(session, program)
    pairs = read_pairs(update.text)
    if not indicators and not pairs:
        return Counting()
    counting = Counting(has_indicators=bool(indicators))
    wanted: list[tuple[Indicator, Decimal]] = []
    for pair in pairs:
        if pair.key in REGION_KEYS:
            counting.region = counting.region or pair.written[:REGION_LIMIT]
            continue
        indicator = _by_code(indicators, pair.key, program)
        wanted.append((indicator, _value(pair, indicator, actor.language)))
    spans = [(p.start, p.end) for p in pairs]
    for figure in read_figures(update.text, lang=actor.language).figures:
        if figure.unit in ("", MONEY) or any(a < figure.end and figure.start < b for a, b in spans):
            continue
        found = matching(indicators, figure.unit)
        if len(found) == 1:
            wanted.append((found[0], figure.value))
        elif found:
            counting.ambiguous.append((figure, found))
        else:
            counting.unmatched.append(figure)
    if counting.region:
        plain = next((i for i, _ in wanted if not i.by_region), None)
        if plain is not None:
            raise UserError("indicator.no_regions", code=plain.code, program=program.code)
    for indicator, value in wanted:
        counting.counted.append(
            (indicator, _record(session, now, actor, update, indicator, value, counting.region))
        )
    return counting


def matching(indicators: list[Indicator], unit: str) -> list[Indicator]:
    """The indicators whose unit, name or code is what a figure counts (any case or spacing)."""
    said = region_key(unit)
    return [i for i in indicators if said in {region_key(i.unit), region_key(i.name), i.code}]


def _by_code(indicators: list[Indicator], code: str, program: Program) -> Indicator:
    found = next((i for i in indicators if i.code == code), None)
    if found is None:
        codes = [i.code for i in indicators]
        raise UserError("indicator.unknown_code", code=code[:32], program=program.code, codes=codes)
    return found


def _value(pair: Pair, indicator: Indicator, lang: str) -> Decimal:
    """The number after `code=`: "45", "1.200", "-3", "2,5"; refused when it cannot be read."""
    written = pair.written
    sign = -1 if written.startswith("-") else 1
    try:
        return sign * parse_amount(written.lstrip("-"), lang=lang)
    except NumberError as error:
        if error.key == "number.too_large":
            raise
        raise UserError("indicator.bad_value", code=indicator.code, written=written[:40]) from error


def _record(
    session: Session,
    now: datetime,
    actor: Person,
    update: FieldUpdate,
    indicator: Indicator,
    value: Decimal,
    region: str,
) -> IndicatorValue:
    assert indicator.id is not None and update.id is not None and actor.id is not None
    key = region_key(region) if indicator.by_region else ""
    row = IndicatorValue(
        indicator_id=indicator.id,
        update_id=update.id,
        reporter_id=actor.id,
        region=first_spelling(session, indicator, key) or region if key else "",
        region_key=key,
        value=value,
        recorded_at=now,
        review=Review.FLAGGED if looks_wrong(session, indicator, actor, value) else Review.NONE,
    )
    audit.record(session, at=now, actor=actor, action="indicator.value", entity=row)
    return row


def first_spelling(session: Session, indicator: Indicator, key: str) -> str | None:
    """How a region was first written for this indicator, so one place has one name."""
    return session.exec(
        select(IndicatorValue.region)
        .where(IndicatorValue.indicator_id == indicator.id, IndicatorValue.region_key == key)
        .order_by(col(IndicatorValue.id))
    ).first()


def looks_wrong(session: Session, indicator: Indicator, reporter: Person, value: Decimal) -> bool:
    """Negative for a sum, or over ten times the reporter's median (with three values before)."""
    if value < 0 and indicator.combine == Combine.SUM:
        return True
    earlier = [
        row.value
        for row in session.exec(
            select(IndicatorValue).where(
                IndicatorValue.indicator_id == indicator.id,
                IndicatorValue.reporter_id == reporter.id,
                col(IndicatorValue.withdrawn_at).is_(None),
            )
        )
    ]
    if len(earlier) < OUTLIER_HISTORY:
        return False
    usual = statistics.median(earlier)
    return usual > 0 and value > OUTLIER_FACTOR * usual


def managers_of(session: Session, program: Program) -> list[Person]:
    """Who answers for a program: its owner and the managers on it (else every admin)."""
    members = select(ProgramMember.person_id).where(ProgramMember.program_id == program.id)
    found = list(
        session.exec(
            select(Person)
            .where(
                (col(Person.id) == program.owner_id)
                | (col(Person.id).in_(members) & col(Person.role).in_(_MANAGING))
            )
            .order_by(col(Person.id))
        )
    )
    if found:
        return found
    return list(session.exec(select(Person).where(Person.role == Role.ADMIN)))


_MANAGING = (Role.MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class Reviewed:
    """A value a manager answered for, with its indicator and program."""

    value: IndicatorValue
    indicator: Indicator
    program: Program


def review(session: Session, *, now: datetime, actor: Person, number: int, keep: bool) -> Reviewed:
    """A manager keeps a flagged value (Benar) or withdraws it (Hapus); never answered twice."""
    found = _value_for(session, actor, number)
    if not is_manager(actor):
        raise UserError("indicator.managers_only_review", number=number)
    value = found.value
    if value.withdrawn_at is not None:
        raise UserError("indicator.already_removed", number=number)
    if value.review != Review.FLAGGED:
        raise UserError("indicator.already_confirmed", number=number)
    before = audit.snapshot(value)
    if keep:
        value.review = Review.CONFIRMED
    else:
        value.withdrawn_at = now
    action = "indicator.confirm" if keep else "indicator.remove"
    audit.record(session, at=now, actor=actor, action=action, entity=value, before=before)
    return found


def _value_for(session: Session, reader: Person, number: int) -> Reviewed:
    """Value `number` if the reader works on its program; otherwise as if it did not exist."""
    value = session.get(IndicatorValue, number)
    indicator = session.get(Indicator, value.indicator_id) if value is not None else None
    program = session.get(Program, indicator.program_id) if indicator is not None else None
    if value is None or indicator is None or program is None:
        raise UserError("indicator.value_not_found", number=number)
    if not (is_manager(reader) or works_on(session, reader, program)):
        raise UserError("indicator.value_not_found", number=number)
    return Reviewed(value, indicator, program)


def withdraw(
    session: Session, *, now: datetime, actor: Person, number: int
) -> tuple[FieldUpdate, Program, list[tuple[Indicator, IndicatorValue]]]:
    """Withdraw update `number` and the values it gave (its author or a manager); kept, audited."""
    update = session.get(FieldUpdate, number)
    program = session.get(Program, update.program_id) if update is not None else None
    if update is None or program is None:
        raise UserError("update.not_found", number=number)
    mine = update.author_id == actor.id
    if not (mine or is_manager(actor) or works_on(session, actor, program)):
        raise UserError("update.not_found", number=number)
    if not (mine or is_manager(actor)):
        raise UserError("update.not_yours", number=number)
    if update.withdrawn_at is not None:
        raise UserError("update.already_withdrawn", number=number, at=update.withdrawn_at)
    before = audit.snapshot(update)
    update.withdrawn_at = now
    audit.record(
        session, at=now, actor=actor, action="update.withdraw", entity=update, before=before
    )
    withdrawn = []
    rows = session.exec(
        select(IndicatorValue, Indicator)
        .join(Indicator, col(Indicator.id) == IndicatorValue.indicator_id)
        .where(IndicatorValue.update_id == number, col(IndicatorValue.withdrawn_at).is_(None))
        .order_by(col(IndicatorValue.id))
    ).all()
    for value, indicator in rows:
        before = audit.snapshot(value)
        value.withdrawn_at = now
        audit.record(
            session, at=now, actor=actor, action="indicator.withdraw", entity=value, before=before
        )
        withdrawn.append((indicator, value))
    return update, program, withdrawn
