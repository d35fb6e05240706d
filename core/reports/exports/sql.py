"""Small helpers the kinds share: a model's table, and "these ids" as the cheapest condition."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, and_
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a model: plain SELECTs of tuples are several times faster than ORM."""
    return model.__table__  # type: ignore[attr-defined]


def among(column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column` is one of `ids`: a range scan when they are dense (a whole page of a table),
    an IN list when they are scattered (a page of one program's rows in a big table).

    The range may take rows of ids not asked for; callers look rows up by id, so those are
    only ignored.
    """
    low, high = min(ids), max(ids)
    if high - low < 2 * len(ids):
        return and_(column >= low, column <= high)
    return column.in_(ids)
