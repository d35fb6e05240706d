"""The report as an A4 PDF, laid out from its Markdown so both say the same words (fpdf2).

The Markdown is Gotong's own (templates/<lang>/program_report.j2): headings, bullets, paragraphs
with **bold**, pipe tables, and `<!-- chart:NAME -->` where a chart goes. DejaVu Sans, which
matplotlib ships, has every letter Indonesian needs, so no font file is kept in the project.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from core.messages import bold_runs

CHART = re.compile(r"^<!-- chart:(\w+) -->$")
HEADING_SIZES = {1: 15, 2: 12.5, 3: 10.5}
BODY_SIZE = 9
TABLE_SIZE = 7.5
LINE = 4.6  # mm: one line of body text
MISSING = "□"
KEEP_WITH_HEADING = 35  # mm of room a heading needs below it, or it starts the next page
MAX_COLUMN = 36  # characters a column is sized for at most; longer text wraps


def font_files() -> tuple[Path, Path]:
    """DejaVu Sans regular and bold, from matplotlib's own data."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def as_pdf(
    markdown: str, *, charts: dict[str, bytes], page_words: str, title: str, made_at: datetime
) -> bytes:
    """The Markdown laid out on A4 pages with `charts` in place; `page_words` is the footer,
    e.g. "Halaman {page} dari {pages}"."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace, TTFFont

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", size=8)
            self.set_text_color(110)
            # fpdf2 puts the page count in place of "{nb}" when the document is done.
            words = page_words.format(page=self.page_no(), pages="{nb}")
            self.cell(0, 6, words, align="C")
            self.set_text_color(0)

    pdf = Document(format="A4", unit="mm")
    regular, bold = font_files()
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    # A letter the font lacks (an emoji, Chinese) is drawn as a box: fpdf2 would otherwise log
    # the missing letters, and a log line holds no words of anyone's message.
    regular_font, bold_font = pdf.fonts["dejavu"], pdf.fonts["dejavuB"]
    assert isinstance(regular_font, TTFFont) and isinstance(bold_font, TTFFont)
    known = set(regular_font.cmap) & set(bold_font.cmap)
    markdown = "".join(c if ord(c) in known or c in "\n\t" else MISSING for c in markdown)
    pdf.set_title(title)
    pdf.set_creation_date(made_at)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    lines = markdown.splitlines()
    position = 0
    while position < len(lines):
        line = lines[position]
        if line.startswith("|"):
            block = []
            while position < len(lines) and lines[position].startswith("|"):
                block.append(lines[position])
                position += 1
            _table(pdf, block, FontFace)
            continue
        position += 1
        chart = CHART.match(line)
        if chart:
            png = charts.get(chart.group(1))
            if png:
                pdf.ln(2)
                pdf.image(io.BytesIO(png), w=pdf.epw)
                pdf.ln(2)
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            if level > 1 and pdf.will_page_break(KEEP_WITH_HEADING):
                pdf.add_page()  # a heading never ends a page without what it heads
            pdf.ln(3 if level > 1 else 0)
            pdf.set_font("DejaVu", "B", HEADING_SIZES.get(level, BODY_SIZE))
            pdf.multi_cell(
                0, HEADING_SIZES.get(level, BODY_SIZE) * 0.5, line.lstrip("# ").strip(), align="L"
            )
            pdf.ln(1)
        elif not line.strip():
            pdf.ln(2)
        else:
            bullet = line.startswith("- ")
            _paragraph(pdf, ("•  " + line[2:]) if bullet else line)
    return bytes(pdf.output())


def _paragraph(pdf: Any, line: str) -> None:
    """One line of text, its **bold** runs in bold, wrapped at the margin."""
    for text, strong in bold_runs(line):
        pdf.set_font("DejaVu", "B" if strong else "", BODY_SIZE)
        pdf.write(LINE, text)
    pdf.ln(LINE)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table(pdf: Any, block: list[str], face: type) -> None:
    """A pipe table: its header row bold and shaded, right-aligned columns as the Markdown says."""
    header, rule, *rows = [_cells(line) for line in block]
    aligns = ["RIGHT" if cell.endswith(":") else "LEFT" for cell in rule]
    # A column is as wide as its longest text (up to a bound), and never narrower than its
    # heading's longest word in bold, so "Diundang" is not broken in two.
    width = [
        max(
            min(max(len(row[n].replace("**", "")) for row in [header, *rows]), MAX_COLUMN),
            max(len(word) for word in header[n].split() or [""]) * 1.7,
        )
        + 3
        for n in range(len(header))
    ]
    pdf.set_font("DejaVu", "", TABLE_SIZE)
    headings = face(emphasis="BOLD", fill_color=(230, 236, 240))
    with pdf.table(
        col_widths=width,
        text_align=aligns,
        headings_style=headings,
        line_height=TABLE_SIZE * 0.5,
        padding=1,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        for cells in [header, *rows]:
            strong = all(c.startswith("**") for c in cells if c)
            row = table.row(style=face(emphasis="BOLD") if strong and cells is not header else None)
            for cell in cells:
                row.cell(cell.replace("**", ""))
    pdf.ln(2)
