"""Exports of the domain for reports, analysts and backups: the public face of the engine in
core.reports.exports (kinds, formats, the query, write_export), and a list for small uses."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from core.reports.exports.engine import SOURCES, WRITERS, iter_rows, write_export
from core.reports.exports.query import (
    EXTRA_KINDS,
    FORMATS,
    KIND_WORDS,
    KINDS,
    ExportQuery,
    kind_named,
)

__all__ = [
    "EXTRA_KINDS",
    "FORMATS",
    "KINDS",
    "KIND_WORDS",
    "SOURCES",
    "WRITERS",
    "ExportQuery",
    "export",
    "iter_rows",
    "kind_named",
    "write_export",
]


def export(session: Session, kind: str, *, tz: str) -> list[dict[str, Any]]:
    """Every row of one kind as plain values, in a list: for tests and small tables only."""
    return list(iter_rows(session, ExportQuery(kinds=(kind,)), tz=tz))
