"""The report's two charts, in the digest chart's house style: indicators against their target,
and each budget line's plan against what was spent. PNGs for the PDF, drawn at A4 width.

matplotlib is imported only when a chart is drawn (as in core.digests.chart), with its object
API and the Agg canvas, never pyplot.
"""

from __future__ import annotations

from typing import Any

from core.digests.chart import DONE_COLOUR, OPEN_COLOUR, PROGRESS_COLOUR
from core.digests.chart import _png as png_of
from core.reports.program.content import BudgetProgress, IndicatorProgress
from core.reports.program.words import words

WIDTH_INCHES = 7.0
BAR_INCHES = 0.42  # the height one indicator or budget line takes
DPI = 150
MAX_BARS = 15  # more than this is in the tables; a chart of more would be unreadable
NAME_ROOM = 32


def _figure(bars: int) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = 0.9 + BAR_INCHES * max(bars, 1)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.32, right=0.95, top=1 - 0.45 / height, bottom=0.45 / height)
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=8)
    return figure, axes


def _short(name: str) -> str:
    return name if len(name) <= NAME_ROOM else name[: NAME_ROOM - 1] + "…"


def indicator_chart(indicators: list[IndicatorProgress], *, lang: str) -> bytes | None:
    """Each indicator's share of its target as a bar, the target as a line; None without any."""
    shown = indicators[:MAX_BARS]
    if not shown:
        return None
    figure, axes = _figure(len(shown))
    rows = list(range(len(shown)))[::-1]
    shares = [min(i.percent, 150) for i in shown]
    axes.barh(rows, shares, color=PROGRESS_COLOUR, height=0.6)
    axes.axvline(100, color=OPEN_COLOUR, linewidth=1.2, linestyle="--")
    for row, indicator, share in zip(rows, shown, shares, strict=True):
        axes.text(share + 2, row, f"{indicator.percent}%", va="center", fontsize=8)
    axes.set_yticks(rows, [_short(i.name) for i in shown])
    axes.set_xlim(0, max(160, max(shares) + 25))
    axes.set_xlabel("%", fontsize=8)
    figure.suptitle(words(lang)["chart_indicators"], fontsize=10, weight="bold", x=0.02, ha="left")
    return bytes(png_of(figure))


def budget_chart(lines: list[BudgetProgress], *, lang: str) -> bytes | None:
    """Each line's plan and spending to date as a pair of bars; None without lines."""
    shown = lines[:MAX_BARS]
    if not shown:
        return None
    said = words(lang)
    figure, axes = _figure(len(shown))
    rows = list(range(len(shown)))[::-1]
    top = max([float(b.planned) for b in shown] + [float(b.spent_to_date) for b in shown] + [1])
    axes.barh(
        [r + 0.18 for r in rows],
        [float(b.planned) / top * 100 for b in shown],
        height=0.34,
        color="#b0bec5",
        label=said["planned"],
    )
    axes.barh(
        [r - 0.18 for r in rows],
        [float(b.spent_to_date) / top * 100 for b in shown],
        height=0.34,
        color=DONE_COLOUR,
        label=said["spent_to_date"],
    )
    for row, line in zip(rows, shown, strict=True):
        axes.text(
            float(line.spent_to_date) / top * 100 + 1,
            row - 0.18,
            f"{line.used}%",
            va="center",
            fontsize=7,
        )
    axes.set_yticks(rows, [_short(b.name) for b in shown])
    axes.set_xlim(0, 115)
    axes.set_xticks([])
    axes.legend(fontsize=7, loc="lower right", frameon=False)
    figure.suptitle(said["chart_budget"], fontsize=10, weight="bold", x=0.02, ha="left")
    return bytes(png_of(figure))
