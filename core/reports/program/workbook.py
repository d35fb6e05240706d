"""The report as an XLSX workbook (openpyxl): a summary sheet and one sheet per section.

Numbers stay numbers and money has a currency format, so an analyst can add them up; moments
are real date-times in the report's time zone; every header row is bold and frozen.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from core.reports.program.content import ProgramReport
from core.reports.program.words import words

MONEY = {"IDR": '"Rp" #,##0', "USD": '"$" #,##0.00', "EUR": '"€" #,##0.00'}
MOMENT = "yyyy-mm-dd hh:mm"
DAY = "yyyy-mm-dd"
PERCENT = '0"%"'
WIDEST = 60


def as_xlsx(report: ProgramReport, *, lang: str) -> bytes:
    """The workbook's bytes."""
    from openpyxl import Workbook

    said = words(lang)
    zone = ZoneInfo(report.timezone)
    money = MONEY.get(report.header.currency, "#,##0.00")
    book = Workbook()
    summary = book.active
    summary.title = said["summary"]
    h = report.header
    for label, value in [
        (said["program"], f"#{h.code}"),
        (said["name"], h.name),
        (said["level"], said.get(f"level_{h.level}", h.level)),
        (said["region"], h.region),
        (said["from"], h.start),
        (said["to"], h.end),
        (said["owner"], h.owner),
        (said["managers"], ", ".join(h.managers)),
        (said["made"], _local(report.made_at, zone)),
        (said["tasks"], len(report.tasks_closed)),
        (said["meetings"], len(report.meetings)),
        (said["updates"], len(report.updates)),
        (said["planned"], report.planned),
        (said["spent_in_period"], report.spent_in_period),
        (said["spent_to_date"], report.spent_to_date),
        (said["issues"], len(report.open_issues)),
    ]:
        summary.append([label, _cell(value)])
        summary.cell(summary.max_row, 1).font = _bold()
    for row in range(summary.max_row - 3, summary.max_row):
        summary.cell(row, 2).number_format = money
    for row in (5, 6):
        summary.cell(row, 2).number_format = DAY
    summary.cell(9, 2).number_format = MOMENT
    _widths(summary)
    formats: dict[str, str] = {"money": money, "moment": MOMENT, "percent": PERCENT}

    def sheet(name: str, headers: list[tuple[str, str]], rows: list[list[Any]]) -> None:
        page = book.create_sheet(said[name][:31])
        page.append([said[key] for key, _ in headers])
        for cell in page[1]:
            cell.font = _bold()
        page.freeze_panes = "A2"
        for row in rows:
            page.append([_cell(v) for v in row])
        for column, (_, kind) in enumerate(headers, start=1):
            if kind in formats:
                for (cell,) in page.iter_rows(min_row=2, min_col=column, max_col=column):
                    cell.number_format = formats[kind]
        if rows:
            page.auto_filter.ref = page.dimensions
        _widths(page)

    sheet(
        "tasks",
        [("number", ""), ("title", ""), ("done_on", "moment"), ("by", "")],
        [[t.number, t.title, _local(t.closed_at, zone), t.assignees] for t in report.tasks_closed],
    )
    sheet(
        "meetings",
        [
            ("number", ""),
            ("title", ""),
            ("when", "moment"),
            ("place", ""),
            ("invited", ""),
            ("came", ""),
            ("declined", ""),
            ("unanswered", ""),
        ],
        [
            [
                m.number,
                m.title,
                _local(m.starts_at, zone),
                m.place,
                m.invited,
                m.came,
                m.declined,
                m.unanswered,
            ]
            for m in report.meetings
        ],
    )
    sheet(
        "indicators",
        [
            ("code", ""),
            ("name", ""),
            ("unit", ""),
            ("baseline", ""),
            ("target", ""),
            ("value", ""),
            ("gain", ""),
            ("reached", "percent"),
        ],
        [
            [i.code, i.name, i.unit, i.baseline, i.target, i.value, i.gain, i.percent]
            for i in report.indicators
        ],
    )
    sheet(
        "regions",
        [("code", ""), ("region", ""), ("value", ""), ("unit", "")],
        [[i.code, region, value, i.unit] for i in report.indicators for region, value in i.regions],
    )
    sheet(
        "budget",
        [
            ("line", ""),
            ("planned", "money"),
            ("spent_in_period", "money"),
            ("spent_to_date", "money"),
            ("remaining", "money"),
            ("used", "percent"),
        ],
        [
            [b.name, b.planned, b.spent_in_period, b.spent_to_date, b.remaining, b.used]
            for b in report.budget
        ],
    )
    sheet(
        "commitments",
        [
            ("partner", ""),
            ("name", ""),
            ("requested", ""),
            ("fulfilled", ""),
            ("overdue", ""),
            ("open", ""),
        ],
        [
            [f"@{c.handle}", c.name, c.requested, c.fulfilled, c.overdue, c.open]
            for c in report.commitments
        ],
    )
    sheet(
        "figures",
        [("unit", ""), ("total", ""), ("updates", "")],
        [[f.unit, f.total, f.updates] for f in report.figures],
    )
    sheet(
        "issues",
        [("kind", ""), ("number", ""), ("title", ""), ("due", "moment"), ("who", "")],
        [
            [said[o.kind], o.number, o.title, _local(o.due_at, zone), o.who]
            for o in report.open_issues
        ],
    )
    sheet(
        "annex",
        [
            ("number", ""),
            ("when", "moment"),
            ("by", ""),
            ("text", ""),
            ("quantity", ""),
            ("unit", ""),
        ],
        [
            [u.number, _local(u.at, zone), u.author, u.text, q, unit]
            for u in report.updates
            for q, unit in (u.figures or ((None, ""),))
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A moment as the report's zone shows it, without the zone (Excel has none)."""
    return moment.astimezone(zone).replace(tzinfo=None)


def _cell(value: Any) -> Any:
    # openpyxl writes a Decimal as a number; an int-valued one reads best without ".0".
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)


def _widths(page: Any) -> None:
    """Each column as wide as its longest text (up to a bound), so nothing hides behind ####."""
    from openpyxl.utils import get_column_letter

    for number, column in enumerate(page.iter_cols(values_only=True), start=1):
        longest = max((len(str(v)) for v in column if v is not None), default=8)
        page.column_dimensions[get_column_letter(number)].width = min(longest + 3, WIDEST)
