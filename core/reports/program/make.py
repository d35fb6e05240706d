"""A program report as a file: its name, its bytes and a short summary, in any of three formats."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from core.language.i18n import Catalog
from core.models import Program
from core.reports.program.charts import budget_chart, indicator_chart
from core.reports.program.content import ProgramReport
from core.reports.program.gather import gather
from core.reports.program.markdown import as_markdown
from core.reports.program.pdf import as_pdf
from core.reports.program.words import words

FORMATS = ("pdf", "xlsx", "md")


@dataclass(frozen=True)
class ReportFile:
    """A rendered report and the data it came from."""

    name: str
    data: bytes
    report: ProgramReport


def file_name(code: str, start: date, end: date, fmt: str, *, lang: str) -> str:
    """ "laporan-pkh-2026-11.pdf" for a calendar month, else with both dates."""
    stem = "laporan" if lang == "id" else "report"
    last = monthrange(start.year, start.month)[1]
    whole_month = start.day == 1 and end == start.replace(day=last)
    period = f"{start:%Y-%m}" if whole_month else f"{start}_{end}"
    return f"{stem}-{code}-{period}.{fmt}"


def render(report: ProgramReport, catalog: Catalog, *, fmt: str, lang: str) -> bytes:
    """The report's bytes in `fmt` (pdf, xlsx or md) and `lang`."""
    if fmt == "xlsx":
        from core.reports.program.workbook import as_xlsx

        return as_xlsx(report, lang=lang)
    markdown = as_markdown(report, catalog, lang=lang)
    if fmt == "md":
        return markdown.encode("utf-8")
    charts = {
        name: png
        for name, png in (
            ("indicators", indicator_chart(report.indicators, lang=lang)),
            ("budget", budget_chart(report.budget, lang=lang)),
        )
        if png is not None
    }
    return as_pdf(
        markdown,
        charts=charts,
        page_words=words(lang)["page"],
        title=f"{report.header.name} (#{report.header.code})",
        made_at=report.made_at,
    )


def make_report(
    session: Session,
    catalog: Catalog,
    *,
    program: Program,
    start: date,
    end: date,
    fmt: str,
    lang: str,
    tz: str,
    now: datetime,
) -> ReportFile:
    """Gather the program's report for the period and render it."""
    report = gather(session, program=program, start=start, end=end, tz=tz, now=now)
    data = render(report, catalog, fmt=fmt, lang=lang)
    return ReportFile(file_name(program.code, start, end, fmt, lang=lang), data, report)
