"""Small helpers the kinds share: a model's table, "these ids" as the cheapest condition, and
rows fetched as the driver hands them over."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_
from sqlalchemy.engine import Connection
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


def fetch(connection: Connection, statement: Select[Any]) -> list[Any]:
    """The statement's rows as plain tuples.

    When no selected column needs converting (no result processor on this dialect, as for
    text, integers and the moments `raw` reads as stored), the driver's own tuples are taken
    as they are: building SQLAlchemy's Row objects cost a fifth of a CSV export's time.
    """
    result = connection.execute(statement)
    dialect = connection.dialect
    if any(c.type.result_processor(dialect, None) is not None for c in statement.selected_columns):
        return list(result.all())
    rows = list(result.cursor.fetchall())
    result.close()
    return rows
