"""The chart that goes with a manager's digest: per program, open and done tasks week by week.

One small PNG for all of a person's programs, made to be read on a 360-px-wide phone: one
panel per program (small multiples), large type, only the labels a reader needs, words in
the reader's language. The text of the digest stands on its own; the chart shows the trend.

matplotlib is imported inside `render`, so that starting Gotong (and `gotong --help`) does
not pay for it; its object API with the Agg canvas is used, never pyplot, whose global
state is not safe across the threads the core runs in.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_date
from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from core.digests.content import DigestContent
from core.messages import PHOTO, Attachment
from core.models import Program, Role, Status, Task

WEEKS = 8
# 3.6 inches at 200 dpi: 720 pixels, which a phone 360 px wide shows at twice its density,
# so the type set in points below reads as it would on a 360-px screen, and stays sharp.
WIDTH_INCHES = 3.6
DPI = 200
PANEL_INCHES = 1.15  # the height of one program's panel
HEADER_INCHES = 0.85  # the title and legend above the panels, and the first panel's title
# Characters of a program's code that fit above its panel, by the number of columns (a code
# may have 32).
TITLE_ROOM = {1: 30, 2: 15}
MAX_PANELS = 12  # more programs than this are in the text; the chart would be unreadable
DONE_COLOUR = "#2e7d32"
OPEN_COLOUR = "#ef6c00"
PROGRESS_COLOUR = "#1565c0"
PALETTE = 48  # colours in the PNG: the four above, black, and their anti-aliased edges

# The chart's few words. Kept here, not in the template catalog, because they are drawn into
# the picture rather than sent as text; tests hold both languages to the same words.
LABELS = {
    "id": {
        "title": "Tugas, 8 minggu terakhir",
        "done": "selesai",
        "open": "terbuka",
        "progress": "capaian",
    },
    "en": {
        "title": "Tasks, last 8 weeks",
        "done": "done",
        "open": "open",
        "progress": "progress",
    },
}


@dataclass(frozen=True)
class ProgramSeries:
    """One program's weeks, oldest first: tasks done in each week, tasks open at its end.

    `progress` (0 to 1) is the program's mean indicator completion (each indicator capped at
    its target), from the digest's sections; None (no indicators) draws no progress bar.
    """

    code: str
    name: str
    week_ends: tuple[datetime, ...]
    done: tuple[int, ...]
    open: tuple[int, ...]
    progress: float | None = None


def week_ends(now: datetime, weeks: int = WEEKS) -> tuple[datetime, ...]:
    """The ends of the last `weeks` seven-day weeks, oldest first; the last one is `now`."""
    return tuple(now - timedelta(days=7 * (weeks - 1 - n)) for n in range(weeks))


def chart_series(
    session: Session, programs: Sequence[Program], now: datetime
) -> list[ProgramSeries]:
    """Each program's open and done tasks over the last 8 weeks, in the order given.

    One query whatever the number of programs: each week is a sum over the program's tasks,
    grouped by program, so the database sends back one short row per program.
    """
    ends = week_ends(now)
    ids = [p.id for p in programs if p.id is not None]
    if not ids:
        return []
    rows = session.exec(
        select(col(Task.program_id), *_done_sums(ends), *_open_sums(ends))
        .where(col(Task.program_id).in_(ids), col(Task.created_at) <= now)
        .group_by(col(Task.program_id))
    ).all()
    counts: dict[int, tuple[int, ...]] = {
        row[0]: tuple(int(n or 0) for n in row[1:]) for row in rows
    }
    series = []
    for program in programs:
        found = counts.get(program.id or 0, (0,) * (2 * WEEKS))
        series.append(
            ProgramSeries(
                code=program.code,
                name=program.name,
                week_ends=ends,
                done=found[:WEEKS],
                open=found[WEEKS:],
            )
        )
    return series


def _done_sums(ends: tuple[datetime, ...]) -> list[Any]:
    """Per week: tasks marked done within it."""
    closed = col(Task.closed_at)
    return [
        func.sum(
            case(
                (
                    and_(
                        col(Task.status) == Status.DONE,
                        closed > end - timedelta(days=7),
                        closed <= end,
                    ),
                    1,
                ),
                else_=0,
            )
        )
        for end in ends
    ]


def _open_sums(ends: tuple[datetime, ...]) -> list[Any]:
    """Per week: tasks that existed and were not yet closed at its end."""
    closed = col(Task.closed_at)
    return [
        func.sum(
            case(
                (
                    and_(
                        col(Task.created_at) <= end,
                        or_(closed.is_(None), closed > end),
                        or_(col(Task.status) != Status.CANCELLED, closed.is_not(None)),
                    ),
                    1,
                ),
                else_=0,
            )
        )
        for end in ends
    ]


def render(series: Sequence[ProgramSeries], *, lang: str) -> bytes:
    """One PNG for all the programs: a panel each, done as bars and open as a line."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    words = LABELS.get(lang, LABELS["id"])
    shown = list(series)[:MAX_PANELS]
    columns = 1 if len(shown) <= 3 else 2
    rows = max(1, math.ceil(len(shown) / columns))
    height = HEADER_INCHES + rows * PANEL_INCHES
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.text(0.03, 1 - 0.2 / height, words["title"], fontsize=10, weight="bold", va="top")
    legend = 1 - 0.42 / height
    figure.text(0.03, legend, f"■ {words['done']}", fontsize=8, va="top", color=DONE_COLOUR)
    figure.text(0.36, legend, f"● {words['open']}", fontsize=8, va="top", color=OPEN_COLOUR)
    if any(program.progress is not None for program in shown):
        figure.text(
            0.66, legend, f"▬ {words['progress']}", fontsize=8, va="top", color=PROGRESS_COLOUR
        )
    grid = figure.add_gridspec(
        rows,
        columns,
        left=0.09 if columns == 1 else 0.07,
        right=0.97,
        bottom=0.35 / height,
        top=1 - HEADER_INCHES / height,
        hspace=0.75,
        wspace=0.3,
    )
    for number, program in enumerate(shown):
        axes = figure.add_subplot(grid[number // columns, number % columns])
        _panel(
            axes,
            program,
            words,
            lang=lang,
            bottom=number // columns == rows - 1,
            room=TITLE_ROOM[columns],
        )
    if not shown:
        figure.text(0.5, 0.4, "—", fontsize=14, ha="center")
    return _png(figure)


def _png(figure: Any) -> bytes:
    """The figure as a PNG of a few dozen colours: a third of the full-colour size, no visible
    loss for flat bars and lines, and no metadata, so the same figures give the same bytes."""
    from PIL import Image

    figure.canvas.draw()
    pixels = Image.frombuffer(
        "RGBA", figure.canvas.get_width_height(), figure.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
    )
    out = io.BytesIO()
    pixels.convert("RGB").quantize(colors=PALETTE).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _panel(
    axes: Any,
    program: ProgramSeries,
    words: dict[str, str],
    *,
    lang: str,
    bottom: bool,
    room: int,
) -> None:
    """One program: bars of tasks done per week, a line of tasks open at each week's end."""
    weeks = range(len(program.week_ends))
    axes.bar(weeks, program.done, color=DONE_COLOUR, width=0.7)
    axes.plot(weeks, program.open, color=OPEN_COLOUR, marker="o", markersize=3, linewidth=1.6)
    top = max([*program.done, *program.open, 1])
    axes.set_ylim(0, top * 1.25)
    axes.set_yticks([0, top])
    axes.tick_params(labelsize=7, length=2, pad=1)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if program.progress is not None:
        room -= 4  # the percentage on the right
    code = program.code if len(program.code) < room else program.code[: room - 2] + "…"
    axes.set_title(f"#{code}", fontsize=9, loc="left", pad=3, weight="bold")
    if program.progress is not None:
        share = min(max(program.progress, 0.0), 1.0)
        axes.axhline(top * 1.22, xmin=0, xmax=share, color=PROGRESS_COLOUR, linewidth=3)
        axes.set_title(
            f"{round(share * 100)}%",
            fontsize=7,
            loc="right",
            pad=3,
            color=PROGRESS_COLOUR,
        )
    last = len(program.week_ends) - 1
    axes.set_xticks([0, last] if bottom else [])
    if bottom:
        axes.set_xticklabels(
            [_day(program.week_ends[0], lang), _day(program.week_ends[last], lang)]
        )


def _day(moment: datetime, lang: str) -> str:
    return format_date(moment.date(), "d MMM", locale=lang if lang in LABELS else "id")


def chart_attachment(png: bytes, *, lang: str, note: str) -> Attachment:
    """The chart as a photo for the outbox; `note` stands in for it if the platform refuses it."""
    return Attachment(PHOTO, "grafik.png" if lang == "id" else "chart.png", png, note)


def add_charts(session: Session, contents: Sequence[DigestContent], now: datetime) -> None:
    """Draw the chart of every manager's digest that wants one (charts on, programs in it).

    One query for all of them (chart_series over every program named); the drawing itself is
    the cost, about a tenth of a second each, so only digests being sent or previewed ask.
    """
    wanted = [
        c
        for c in contents
        if c.person.charts and c.programs and c.person.role in (Role.MANAGER, Role.ADMIN)
    ]
    programs = {s.program.id: s.program for c in wanted for s in c.programs}
    series = {s.code: s for s in chart_series(session, list(programs.values()), now)}
    for content in wanted:
        drawn = [
            replace(series[s.program.code], progress=s.progress)
            for s in content.programs[:MAX_PANELS]
        ]
        content.chart = render(drawn, lang=content.person.language)
