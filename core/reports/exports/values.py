"""Values as the database hands them over, turned into text, numbers and Excel serials fast.

On SQLite, moments and amounts are read as the stored text (no ORM type on the way): a
moment is "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, an amount the Decimal's text. Elsewhere they
come typed (aware datetimes, Decimals). The functions here accept both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

parse = datetime.fromisoformat
# Excel counts days from 1899-12-30.
EXCEL_EPOCH = datetime(1899, 12, 30)


def raw(connection: Connection, column: Any) -> Any:
    """The column as the driver hands it over: on SQLite the stored text (parsed by the
    writer), elsewhere the driver's own value (an aware datetime, a Decimal) without Gotong's
    column type turning each one over again (a third of a PostgreSQL export's time)."""
    if connection.dialect.name == "sqlite":
        return type_coerce(column, String())
    if isinstance(column.type, TypeDecorator):
        return type_coerce(column, column.type.impl_instance)
    return column


def fixed_offset(zone: ZoneInfo) -> timedelta | None:
    """The zone's offset when it has had one offset all this century (WIB, WITA, WIT), else None."""
    offsets = {
        datetime(year, month, 1, tzinfo=zone).utcoffset()
        for year in range(2000, 2101)
        for month in (1, 7)
    }
    found = offsets.pop() if len(offsets) == 1 else None
    return found


def aware(value: Any) -> datetime:
    """A moment as an aware UTC datetime, whichever way it was read."""
    if value.__class__ is str:
        return parse(value).replace(tzinfo=UTC)
    return value


def moment_text(zone: ZoneInfo) -> Callable[[Any], str]:
    """ISO 8601 in `zone` with its offset ("2026-11-29T11:30:29.620866+07:00")."""
    delta = fixed_offset(zone)
    if delta is None:
        return lambda value: aware(value).astimezone(zone).isoformat()
    suffix = datetime(2000, 1, 1, tzinfo=timezone(delta)).isoformat()[-6:]
    hours: dict[str, str] = {}

    def text(value: Any) -> str:
        if value.__class__ is str:
            if whole_hours and len(value) == 26:
                # "2026-11-30 05:59:33.654536": WIB, WITA and WIT move only the date and the
                # hour, so each hour is worked out once and the rest is copied as stored.
                hour = hours.get(value[:13])
                if hour is None:
                    hour = hours[value[:13]] = (parse(value[:13]) + delta).isoformat()[:13]
                rest = value[13:19] if value.endswith(".000000") else value[13:]
                return hour + rest + suffix
            # A fixed offset is plain arithmetic, several times cheaper than a zone lookup.
            return (parse(value) + delta).isoformat() + suffix
        return value.astimezone(fixed).isoformat()

    fixed = timezone(delta)

    whole_hours = delta % timedelta(hours=1) == timedelta(0)
    return text


def moment_serial(zone: ZoneInfo) -> Callable[[Any], float]:
    """The moment as Excel's day number in `zone` (a naive local date-time)."""
    delta = fixed_offset(zone)

    def serial(value: Any) -> float:
        if value.__class__ is str and delta is not None:
            local = parse(value) + delta
        else:
            local = aware(value).astimezone(zone).replace(tzinfo=None)
        return (local - EXCEL_EPOCH).total_seconds() / 86400

    return serial


def decimal(value: Any) -> Decimal:
    """An amount as a Decimal without the storage's trailing zeros (2500000, never 2.5E+6)."""
    amount = value if isinstance(value, Decimal) else Decimal(value)
    return amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount.normalize()


def number_text(value: Any) -> str:
    """An amount with every digit and no exponent."""
    if value.__class__ is str and "E" not in value and not (value[-1] == "0" and "." in value):
        return value
    return format(decimal(value), "f")
