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

from core.language.grammar import HANDLE, PROGRAM, extract_mentions, squash
from core.language.moments import AmbiguousMoment, find_moment
from tests.chat import Chat

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


class TestIssueExamplesInConversation:
    """The commands of issue 11 as a person sends them, on Sunday 29 November 2026 at 23:54."""

    @pytest.fixture(autouse=True)
    def sunday_night(self, chat: Chat) -> None:
        chat.clock.set(NOWS["sun"])

    def test_month_in_title_stays_and_date_is_this_year(self, chat: Chat) -> None:
        """ "Laporan bulan November 5 Des" is due Saturday 5 December 2026, title intact."""
        said = chat.send("ani", "/tenggat Laporan bulan November 5 Des #pkh")
        assert "Tenggat 1 dicatat: Laporan bulan November" in said
        assert "Batas: Sabtu, 5 Desember 2026 pukul 17.00 WIB" in said

    def test_month_in_title_is_not_refused(self, chat: Chat) -> None:
        """A task whose title names December and is due 30 December is accepted."""
        said = chat.send("ani", "/tugas Pendataan bulan Desember @budi 30 Desember pukul 14.00")
        assert "Tugas 1 dibuat: Pendataan bulan Desember" in said
        assert "Tenggat: Rabu, 30 Desember 2026 pukul 14.00 WIB" in said

    def test_friday_of_next_week(self, chat: Chat) -> None:
        """ "jumat minggu depan" is Friday 11 December, and the title keeps only its words."""
        said = chat.send("ani", "/tugas Rapat RT @budi jumat minggu depan")
        assert "Tugas 1 dibuat: Rapat RT\n" in said.text + "\n"
        assert "Tenggat: Jumat, 11 Desember 2026 pukul 17.00 WIB" in said

    def test_start_of_next_month_is_its_first_working_day(self, chat: Chat) -> None:
        """ "awal bulan depan" is Tuesday 1 December at the 17:00 default."""
        said = chat.send("ani", "/tugas Pencairan tahap 2 @budi awal bulan depan")
        assert "Tugas 1 dibuat: Pencairan tahap 2" in said
        assert "Tenggat: Selasa, 1 Desember 2026 pukul 17.00 WIB" in said

    def test_part_of_day_in_title_stays(self, chat: Chat) -> None:
        """Only the moment's own words leave the title: "Posyandu pagi" keeps its "pagi"."""
        said = chat.send("ani", "/tugas Posyandu pagi @budi rabu jam 8 pagi")
        assert "Tugas 1 dibuat: Posyandu pagi" in said
        assert "Tenggat: Rabu, 2 Desember 2026 pukul 08.00 WIB" in said

    def test_afternoon_guess_is_named_in_indonesian(self, chat: Chat) -> None:
        """ "besok jam 3" is 15.00, and the reply says how to ask for the morning."""
        said = chat.send("ani", "/tugas Kirim data @budi besok jam 3")
        assert "Tenggat: Senin, 30 November 2026 pukul 15.00 WIB" in said
        assert "jam 3 saya baca 15.00 — ketik 'jam 3 pagi' kalau maksudnya pagi." in said

    def test_afternoon_guess_is_named_in_english(self, chat: Chat) -> None:
        """ "friday at 3" is 15:00 for an English reader too, and the reply says so."""
        said = chat.send("sarah", "/task Call the district office friday at 3")
        assert "Due: Friday, 4 December 2026 at 15:00 WIB" in said
        assert 'I read "at 3" as 15:00 — type "at 3 am" if you meant the morning.' in said

    def test_morning_correction_is_read_as_morning(self, chat: Chat) -> None:
        """The correction the reply suggests gives 03:00 with no guess named."""
        said = chat.send("ani", "/ingatkan besok jam 3 pagi cek genset")
        assert "Senin, 30 November 2026 pukul 03.00 WIB" in said
        assert "saya baca" not in said

    def test_weekday_and_date_that_disagree_are_asked_with_buttons(self, chat: Chat) -> None:
        """ "Jumat 5 Des" (a Saturday) stores nothing and offers both readings as commands."""
        said = chat.send("ani", "/tugas Rapat RT @budi Jumat 5 Des")
        assert 'Hari dan tanggal pada "Jumat 5 Des" tidak cocok' in said
        assert said.commands == [
            "/tugas Rapat RT @budi Sabtu 5 Des",
            "/tugas Rapat RT @budi Jumat 4 Des",
        ]
        assert "Tugas Anda" not in chat.send("budi", "/tugasku")
        pressed = chat.send("ani", said.commands[1], button=True)
        assert "Tenggat: Jumat, 4 Desember 2026 pukul 17.00 WIB" in pressed

    def test_meeting_link_word_does_not_join_the_title(self, chat: Chat) -> None:
        """The "di" before a link leaves with the link: the title is "Evaluasi"."""
        said = chat.send("ani", "/rapat Evaluasi jumat jam 14.00 90m di https://meet.example/abc")
        assert "Rapat 1 dijadwalkan: Evaluasi\n" in said.text + "\n"
        assert "Waktu: Jumat, 4 Desember 2026 pukul 14.00 WIB (90 menit)" in said
        assert "Tautan: https://meet.example/abc" in said

    def test_approximate_time_is_stored_exactly_and_said(self, chat: Chat) -> None:
        """ "tomorrow 3pm-ish" is stored as 15:00 and the reply says it is exact now."""
        said = chat.send("sarah", "/remind tomorrow 3pm-ish call the warehouse")
        assert "Monday, 30 November 2026 at 15:00 WIB" in said
        assert "is stored as exactly 15:00" in said

    def test_english_reader_is_asked_which_order_a_slash_date_is(self, chat: Chat) -> None:
        """ "5/12" from an English reader may be May 12: both readings are offered."""
        said = chat.send("sarah", "/task Budget review 5/12")
        assert '"5/12" can be read two ways (day first or month first).' in said
        assert said.commands == ["/task Budget review 5 Dec", "/task Budget review May 12"]

    def test_indonesian_reader_writes_day_first(self, chat: Chat) -> None:
        """ "5/12" from an Indonesian reader is 5 December, as Indonesia writes dates."""
        said = chat.send("ani", "/tugas Rekap 5/12")
        assert "Tenggat: Sabtu, 5 Desember 2026 pukul 17.00 WIB" in said

    def test_moving_a_task_names_the_guess_too(self, chat: Chat) -> None:
        """/ubah with "jam 3" moves to 15.00 and says so, as creating does."""
        chat.send("ani", "/tugas Rekap data @budi besok jam 9")
        said = chat.send("ani", "/ubah 1 selasa jam 3")
        assert "sekarang Selasa, 1 Desember 2026 pukul 15.00 WIB" in said
        assert "jam 3 saya baca 15.00" in said
