"""The report as Markdown, from templates/<lang>/program_report.j2 (the PDF is laid out from it)."""

from __future__ import annotations

from core.language.i18n import Catalog
from core.messages import unescape_markup
from core.reports.program.content import ProgramReport

# Updates listed in the annex of the Markdown and the PDF (about five A4 pages, and laying out
# a table cell in fpdf2 costs milliseconds); the workbook holds every one.
ANNEX_LIMIT = 100


def as_markdown(report: ProgramReport, catalog: Catalog, *, lang: str) -> str:
    """The whole report as Markdown in `lang`, ending with a newline."""
    text = catalog.render(
        "program_report.markdown",
        lang=lang,
        tz=report.timezone,
        now=report.made_at,
        r=report,
        annex_limit=ANNEX_LIMIT,
    )
    # The catalog keeps people's asterisks from becoming chat markup; a file shows them as typed.
    return unescape_markup(text) + "\n"
