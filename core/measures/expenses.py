"""Expenses: money spent against a budget line, read from chat, reversed but never deleted.

The amount is read with the number rules of core.language.numbers and kept as Decimal from the
message to the database and back: no float anywhere on the money path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from core import audit
from core.errors import UserError
from core.language.numbers import NumberError, parse_amount
from core.measures.budgets import Need, line_key, line_named, require_budget, unknown_line
from core.models import BudgetLine, Expense, Person, Program

TEXT_MAX = 300  # Expense.text's column
# A receipt photo sent on its own within this long after an expense belongs to it.
MEDIA_WINDOW = timedelta(minutes=15)
# The longest way an amount is written: "Rp 2,5 juta rupiah".
_AMOUNT_WORDS = 4
_MARKED = re.compile(r"^(?:rp|idr)\.?(?:\d[\d.,]*)?$", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[^\w\s]")
_NEGATIVE = re.compile(r"^[-−](?:rp\.?\s*)?\d", re.IGNORECASE)


@dataclass(frozen=True)
class Spending:
    """An amount found in a message, as written and as read, and the words around it."""

    amount: Decimal
    written: str
    rest: str


def read_spending(text: str, *, lang: str, area: str = "expense") -> Spending:
    """The amount in `text` ("Rp 2.500.000", "2,5 jt", "2.5m") and the words that are not it.

    A span marked as money (Rp, IDR) wins over a bare number, so "3 relawan Rp 300.000" is
    300.000. An amount that cannot be read, or one not above zero, is refused with the
    message of `area` ("expense" or "budget"), whose example fits the command.
    """
    words = text.split()
    negative = next((word for word in words if _NEGATIVE.match(word)), None)
    if negative is not None:
        raise UserError(f"{area}.not_positive", text=negative[:40])
    marked = [i for i, w in enumerate(words) if _MARKED.match(w)]
    bare = [i for i, w in enumerate(words) if w[:1].isdigit()]
    for start in [*marked, *bare]:
        for size in range(min(_AMOUNT_WORDS, len(words) - start), 0, -1):
            written = " ".join(words[start : start + size])
            try:
                amount = parse_amount(written, lang=lang)
            except NumberError:
                continue
            if amount <= 0:
                raise UserError(f"{area}.not_positive", text=written)
            rest = " ".join(words[:start] + words[start + size :])
            return Spending(amount, written, rest)
        if start in marked or start == bare[0]:
            raise UserError(f"{area}.bad_amount", text=" ".join(words[start : start + 2])[:40])
    raise UserError(f"{area}.usage")


def named_line(session: Session, program: Program, text: str) -> tuple[BudgetLine | None, str]:
    """The line named before a colon ("transport: Rp 2.500.000 bensin") and the words after it.

    The buttons that ask which line write it so. Words with digits before a colon are not a
    line's name ("Rp 2.500.000 bensin: motor"), so they leave the text as it was.
    """
    name, colon, rest = text.partition(":")
    if not colon or not name.strip() or any(ch.isdigit() for ch in name):
        return None, text
    line = line_named(session, program, name)
    if line is None:
        raise unknown_line(session, program, name.strip())
    return line, rest.strip()


def matching_lines(lines: list[BudgetLine], text: str) -> list[BudgetLine]:
    """The lines whose name `text` holds as whole words, in any case and spacing."""
    words = line_key(_PUNCTUATION.sub(" ", text)).split()
    folded = f" {' '.join(words)} "
    found = []
    for line in lines:
        key = line_key(_PUNCTUATION.sub(" ", line.key))
        if key and (f" {key} " in folded or key.replace(" ", "") in words):
            found.append(line)
    return found


def record(
    session: Session,
    *,
    now: datetime,
    actor: Person,
    program: Program,
    line: BudgetLine,
    amount: Decimal,
    text: str,
    photo_file_id: str | None,
) -> Expense:
    """Record money spent on a line by someone allowed to spend on the program."""
    require_budget(session, actor, program, Need.SPEND)
    if amount <= 0:
        raise UserError("expense.not_positive", text=str(amount))
    if len(text) > TEXT_MAX:
        raise UserError("common.too_long", limit=TEXT_MAX, length=len(text))
    assert program.id is not None and line.id is not None and actor.id is not None
    expense = Expense(
        program_id=program.id,
        line_id=line.id,
        amount=amount,
        text=text,
        photo_file_id=photo_file_id[:256] if photo_file_id else None,
        recorded_by_id=actor.id,
        recorded_at=now,
    )
    audit.record(session, at=now, actor=actor, action="expense.record", entity=expense)
    return expense


def visible(session: Session, reader: Person, number: int) -> Expense:
    """Expense `number` for the people who see its program's budget; anyone else: not found."""
    found = session.get(Expense, number)
    program = session.get(Program, found.program_id) if found is not None else None
    if found is None or program is None:
        raise UserError("expense.not_found", number=number)
    try:
        require_budget(session, reader, program, Need.SEE)
    except UserError:
        raise UserError("expense.not_found", number=number) from None
    return found


def reverse(session: Session, *, now: datetime, actor: Person, number: int) -> Expense:
    """Reverse an expense (kept, marked reversed): its recorder or a manager of the program."""
    expense = visible(session, actor, number)
    program = session.get(Program, expense.program_id)
    assert program is not None
    if expense.recorded_by_id != actor.id:
        require_budget(session, actor, program, Need.MANAGE)
    if expense.reversed_at is not None:
        raise UserError(
            "expense.already_reversed", number=number, at=expense.reversed_at, code=program.code
        )
    before = audit.snapshot(expense)
    expense.reversed_at, expense.reversed_by_id = now, actor.id
    audit.record(
        session, at=now, actor=actor, action="expense.reverse", entity=expense, before=before
    )
    return expense


def latest(session: Session, *, author: Person, since: datetime) -> Expense | None:
    """The author's most recent expense (not reversed) since a moment, for a late receipt photo."""
    return session.exec(
        select(Expense)
        .where(
            Expense.recorded_by_id == author.id,
            col(Expense.recorded_at) >= since,
            col(Expense.reversed_at).is_(None),
        )
        .order_by(col(Expense.recorded_at).desc(), col(Expense.id).desc())
    ).first()


def attach_photo(
    session: Session, *, now: datetime, actor: Person, expense: Expense, photo_file_id: str
) -> None:
    """Keep the receipt's photo (the platform's file id) with the expense."""
    before = audit.snapshot(expense)
    expense.photo_file_id = photo_file_id[:256]
    audit.record(
        session, at=now, actor=actor, action="expense.photo", entity=expense, before=before
    )
