"""A kind's rows as the writers see them: typed columns, then batches of tuples."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# Column types: how each format writes a value (None is always an empty cell or null).
TEXT = "text"
INT = "int"
FLOAT = "float"
NUMBER = "number"  # an exact Decimal, written with every digit
MONEY = "money"  # a Decimal amount in the program's currency (Rp in a spreadsheet)
MOMENT = "moment"  # an aware datetime, written in the export's time zone
DATE = "date"
BOOL = "bool"


@dataclass(frozen=True)
class Column:
    """One column: its name in every format and the type of its values."""

    name: str
    type: str = TEXT


def columns(*spec: str | tuple[str, str]) -> tuple[Column, ...]:
    """Columns from names (text) and (name, type) pairs."""
    return tuple(Column(s) if isinstance(s, str) else Column(*s) for s in spec)


@dataclass
class Table:
    """A kind's columns and an iterator of row batches, each row a tuple in column order."""

    kind: str
    columns: tuple[Column, ...]
    batches: Iterator[Sequence[Sequence[Any]]]


def no_rows() -> Iterator[Sequence[Sequence[Any]]]:
    """The batches of a kind that has nothing for this query."""
    return iter(())
