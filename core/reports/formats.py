"""How exported rows are written: JSON and CSV with exact numbers."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

Row = dict[str, Any]


def as_json(rows: list[Row]) -> str:
    """Rows as a JSON array (indented by two) whose Decimals are numbers with every digit.

    json would need a float for a number, and a float cannot hold 16 digits and 4 decimals.
    """

    def cell(value: Any) -> str:
        if isinstance(value, Decimal):
            return format(value, "f")
        return json.dumps(value, ensure_ascii=False)

    if not rows:
        return "[]"
    items = [
        "  {\n"
        + ",\n".join(
            f"    {json.dumps(key, ensure_ascii=False)}: {cell(v)}" for key, v in row.items()
        )
        + "\n  }"
        for row in rows
    ]
    return "[\n" + ",\n".join(items) + "\n]"


def as_csv_row(row: Row) -> Row:
    """A row for CSV: Decimals as plain digits ("2500000", never "2.5E+6")."""
    return {key: format(v, "f") if isinstance(v, Decimal) else v for key, v in row.items()}
