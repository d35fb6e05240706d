"""The digest's chart: open and done tasks per program over 8 weeks, as one small PNG."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from core.clock import FakeClock
from core.db import unit_of_work
from core.digests import chart as charts
from core.digests.chart import LABELS, ProgramSeries, chart_attachment, chart_series, render
from core.messages import PHOTO
from core.models import Person, Program, Status, Task
from core.people import programs
from core.people.accounts import add_person

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def size_of(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's header."""
    assert png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def busy_series(
    code: str, scale: int, now: datetime, progress: float | None = None
) -> ProgramSeries:
    """A program with something every week, the numbers growing with `scale`."""
    return ProgramSeries(
        code=code,
        name=f"Program {code}",
        week_ends=charts.week_ends(now),
        done=tuple((week * 7 + scale) % 23 for week in range(8)),
        open=tuple((week * 13 + scale * 3) % 97 for week in range(8)),
        progress=progress,
    )


class TestRender:
    """One PNG for all of a person's programs, small and readable on a phone."""

    def test_one_program_is_a_png_under_100_kb(self, clock: FakeClock) -> None:
        """The PNG signature, and well under the size a weak signal carries quickly."""
        png = render([busy_series("pkh", 5, clock.now())], lang="id")

        assert png.startswith(PNG_SIGNATURE)
        assert len(png) < 100_000

    def test_ten_programs_stay_under_100_kb(self, clock: FakeClock) -> None:
        """Ten panels, half with a progress bar, still one image under 100 KB."""
        series = [
            busy_series(f"prog{n}", n * 11, clock.now(), progress=n / 10 if n % 2 else None)
            for n in range(10)
        ]

        png = render(series, lang="en")

        assert len(png) < 100_000
        _, height = size_of(png)
        assert height <= 1400  # Telegram shrinks a photo to 1,280 px on its long side

    def test_the_width_fits_a_360_px_phone_at_twice_its_density(self, clock: FakeClock) -> None:
        """720 pixels at 200 dpi: 360 points, the width of a small phone's screen."""
        width, _ = size_of(render([busy_series("pkh", 3, clock.now())], lang="id"))

        assert width == round(charts.WIDTH_INCHES * charts.DPI)
        assert width / (charts.DPI / 100) <= 360

    def test_the_same_figures_give_the_same_bytes(self, clock: FakeClock) -> None:
        """No timestamp or version inside: rendering twice is byte for byte the same."""
        series = [busy_series("pkh", 4, clock.now(), progress=0.4)]

        assert render(series, lang="id") == render(series, lang="id")

    def test_progress_is_drawn_only_when_known(self, clock: FakeClock) -> None:
        """A program's progress against its target adds a bar; without it there is none."""
        without = render([busy_series("pkh", 4, clock.now())], lang="id")
        with_progress = render([busy_series("pkh", 4, clock.now(), progress=0.6)], lang="id")

        assert without != with_progress

    def test_the_reader_language_changes_the_words(self, clock: FakeClock) -> None:
        """Indonesian and English readers get their own labels (and month names)."""
        series = [busy_series("pkh", 4, clock.now())]

        assert render(series, lang="id") != render(series, lang="en")

    def test_both_languages_have_the_same_labels(self) -> None:
        """Every word drawn into the chart exists in Indonesian and in English."""
        assert LABELS["id"].keys() == LABELS["en"].keys()

    def test_no_programs_is_still_a_picture(self) -> None:
        """An empty list draws a placeholder rather than failing."""
        assert render([], lang="en").startswith(PNG_SIGNATURE)

    def test_the_chart_goes_as_a_photo_with_its_note(self, clock: FakeClock) -> None:
        """The outbox gets a photo named in the reader's language, with the note for a refusal."""
        png = render([busy_series("pkh", 4, clock.now())], lang="id")

        attachment = chart_attachment(png, lang="id", note="(Grafik tidak terkirim.)")

        assert (attachment.kind, attachment.name, attachment.data) == (PHOTO, "grafik.png", png)


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    """The statements sent to the database while inside."""
    statements: list[str] = []

    def note(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def add_programs(engine: Engine, clock: FakeClock, count: int) -> None:
    with unit_of_work(engine) as s:
        add_person(
            s, now=clock.now(), actor=None, handle="ani", name="Ani", role="manager", language="id"
        )
        for n in range(count):
            programs.add_program(
                s, now=clock.now(), actor=None, code=f"p{n}", name=f"Program {n}", owner="ani"
            )


def add_task(
    engine: Engine,
    *,
    program: str,
    created: datetime,
    closed: datetime | None = None,
    status: str = Status.OPEN,
) -> None:
    with unit_of_work(engine) as s:
        owner = s.exec(select(Person)).first()
        found = s.exec(select(Program).where(Program.code == program)).one()
        assert owner is not None and owner.id is not None
        s.add(
            Task(
                title="t",
                program_id=found.id,
                created_by_id=owner.id,
                status=status,
                created_at=created,
                closed_at=closed,
            )
        )


def all_programs(session: Session) -> list[Program]:
    return list(session.exec(select(Program).order_by(Program.code)))


class TestSeries:
    """What the chart shows, read from the tasks in one query whatever the programs."""

    def test_each_week_counts_tasks_done_in_it_and_open_at_its_end(
        self, engine: Engine, clock: FakeClock
    ) -> None:
        """Done counts in the week it was closed; open counts every week it was still open."""
        add_programs(engine, clock, 1)
        now = clock.now()
        weeks_ago = [now - timedelta(days=7 * n) for n in range(9)]
        # Created 6 weeks ago, done 2 weeks ago; created 3 weeks ago, still open;
        # created 5 weeks ago, cancelled 4 weeks ago; created 20 weeks ago, done 10 weeks ago.
        add_task(
            engine,
            program="p0",
            created=weeks_ago[6],
            closed=weeks_ago[2] - timedelta(days=1),
            status=Status.DONE,
        )
        add_task(engine, program="p0", created=weeks_ago[3] - timedelta(hours=1))
        add_task(
            engine,
            program="p0",
            created=weeks_ago[5],
            closed=weeks_ago[4] - timedelta(days=2),
            status=Status.CANCELLED,
        )
        add_task(
            engine,
            program="p0",
            created=now - timedelta(days=140),
            closed=now - timedelta(days=70),
            status=Status.DONE,
        )

        with Session(engine) as session:
            (series,) = chart_series(session, all_programs(session), now)

        assert series.code == "p0" and series.progress is None
        assert series.week_ends[-1] == now
        # oldest first: weeks ending 7, 6, ... 1, 0 weeks ago
        assert series.done == (0, 0, 0, 0, 0, 1, 0, 0)
        assert series.open == (0, 1, 2, 1, 2, 1, 1, 1)

    def test_a_program_without_tasks_is_all_zeros(self, engine: Engine, clock: FakeClock) -> None:
        """Nothing happened: eight weeks of nothing, still in the order given."""
        add_programs(engine, clock, 2)
        add_task(engine, program="p1", created=clock.now() - timedelta(days=1))

        with Session(engine) as session:
            first, second = chart_series(session, all_programs(session), clock.now())

        assert (first.code, first.done, first.open) == ("p0", (0,) * 8, (0,) * 8)
        assert second.open[-1] == 1

    @pytest.mark.parametrize("how_many", [1, 10])
    def test_one_query_for_any_number_of_programs(
        self, engine: Engine, clock: FakeClock, how_many: int
    ) -> None:
        """One program or ten: the database is asked once."""
        add_programs(engine, clock, how_many)
        for n in range(how_many):
            add_task(engine, program=f"p{n}", created=clock.now() - timedelta(days=3 * n + 1))

        with Session(engine) as session:
            chosen = all_programs(session)
            with counted(engine) as statements:
                series = chart_series(session, chosen, clock.now())

        assert len(series) == how_many
        assert len(statements) == 1
