"""The golden moments table: what a whole command's moment means and which words stay its title.

Each row of tests/golden/moments.tsv is: the text after the command word, which fixed "now" it
is read at, the expected local moment ("2026-12-05" for a day, "2026-12-05 15:00" for a time,
"ask" when both readings are offered, "none" when the text names no moment) and the title
left over. Run `python tests/test_golden_moments.py` to print the table as read today, to
review a new row before adding it.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.language.grammar import HANDLE, PROGRAM, extract_mentions, squash  # noqa: E402
from core.language.moments import AmbiguousMoment, find_moment  # noqa: E402

TZ = "Asia/Jakarta"
TABLE = Path(__file__).parent / "golden" / "moments.tsv"
NOWS = {
    # Sunday 29 November 2026, six minutes before midnight: "besok" is Monday, "minggu depan"
    # is the week after the one starting tomorrow.
    "sun": datetime(2026, 11, 29, 23, 54, tzinfo=ZoneInfo(TZ)),
    # Monday 30 November 2026, the last day of a month.
    "monthend": datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo(TZ)),
    # Thursday 31 December 2026, the afternoon of the last day of the year.
    "nye": datetime(2026, 12, 31, 16, 0, tzinfo=ZoneInfo(TZ)),
}


def read_row(text: str, now: str) -> tuple[str, str, str]:
    """(expected moment, title, consumed words) for one command text read at NOWS[now]."""
    rest = extract_mentions(text).rest
    try:
        found = find_moment(rest, now=NOWS[now], tz=TZ)
    except AmbiguousMoment:
        return "ask", rest, ""
    if found is None:
        return "none", rest, ""
    start, end, moment = found
    local = moment.at.astimezone(ZoneInfo(TZ))
    shown = local.strftime("%Y-%m-%d %H:%M" if moment.has_time else "%Y-%m-%d")
    return shown, squash(f"{rest[:start]} {rest[end:]}"), rest[start:end]


def _rows() -> list[tuple[str, str, str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as table:
        rows = csv.reader(table, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(r[0], r[1], r[2], r[3]) for r in rows if r and not r[0].startswith("#")]


ROWS = _rows()


@pytest.mark.parametrize(("text", "now", "expected", "title"), ROWS)
def test_golden_moment_and_title(text: str, now: str, expected: str, title: str) -> None:
    """Each row's moment is read as written down, and its title keeps every other word."""
    assert read_row(text, now)[:2] == (expected, title)


@pytest.mark.parametrize(("text", "now"), [(r[0], r[1]) for r in ROWS])
def test_title_and_consumed_words_are_the_whole_text(text: str, now: str) -> None:
    """Title + the moment's words + mentions and #codes give back the input, word for word."""
    _, title, consumed = read_row(text, now)
    mentions = [m.group() for m in HANDLE.finditer(text)] + [
        m.group() for m in PROGRAM.finditer(text)
    ]
    assert Counter(f"{title} {consumed} {' '.join(mentions)}".split()) == Counter(text.split())


def test_table_is_large_bilingual_and_covers_each_now() -> None:
    """At least 200 rows, at each fixed now, with English rows among them."""
    assert len(ROWS) >= 200
    assert {r[1] for r in ROWS} == set(NOWS)
    assert sum("tomorrow" in r[0] or "next" in r[0] or "end of" in r[0] for r in ROWS) >= 40


def test_every_example_of_issue_11_is_a_row() -> None:
    """The phrases reported wrong in issue 11 are all in the table."""
    texts = {r[0] for r in ROWS}
    for example in ISSUE_EXAMPLES:
        assert example in texts


ISSUE_EXAMPLES = [
    "Laporan bulan November 5 Des #sembako",
    "Rapat RT @budi jumat minggu depan",
    "Pencairan tahap 2 @siti awal bulan depan",
    "Posyandu pagi @siti rabu jam 8 pagi",
    "Tes malam @budi jam 7 malam",
    "Pendataan bulan Desember @budi 30 Desember pukul 14.00",
    "besok jam 3",
    "friday at 3",
    "jam setengah 3 sore",
    "jam 3 kurang seperempat sore",
    "jam 3 lewat 15",
    "minggu depan senin jam 8",
    "akhir minggu",
    "akhir bulan ini",
    "end of month",
    "tomorrow 3pm-ish",
    "minggu depan",
    "Evaluasi jumat jam 14.00 90m di",
]


if __name__ == "__main__":
    for text, now in (line.rstrip("\n").split("\t")[:2] for line in sys.stdin if line.strip()):
        expected, title, _ = read_row(text, now)
        print(text, now, expected, title, sep="\t")
