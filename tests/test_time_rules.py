"""The time rules table, one test row per rule, and what the moment reader says it guessed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.language.calendar_dates import month_first_readings
from core.language.calendar_words import FILLERS
from core.language.moments import AmbiguousMoment, Moment, MomentError, parse_moment
from core.language.time_rules import CLOCK_RULES, DAY_RULES

JAKARTA = "Asia/Jakarta"


def _local(moment: Moment) -> str:
    return moment.at.astimezone(ZoneInfo(JAKARTA)).strftime("%Y-%m-%d %H:%M")


SUNDAY_NIGHT = datetime(2026, 11, 29, 23, 54, tzinfo=ZoneInfo(JAKARTA))

# One row per rule of core.language.time_rules, read on Sunday 29 November 2026 at 23:54.
RULE_ROWS = [
    ("minggu depan", "2026-12-07 00:00"),
    ("pekan depan", "2026-12-07 00:00"),
    ("minggu yang akan datang", "2026-12-07 00:00"),
    ("next week", "2026-12-07 00:00"),
    ("awal minggu depan", "2026-12-07 00:00"),
    ("start of next week", "2026-12-07 00:00"),
    ("awal minggu", "2026-11-30 00:00"),
    ("awal pekan", "2026-11-30 00:00"),
    ("tengah minggu", "2026-12-02 00:00"),
    ("tengah pekan", "2026-12-02 00:00"),
    ("midweek", "2026-12-02 00:00"),
    ("akhir minggu", "2026-12-05 00:00"),
    ("akhir minggu ini", "2026-12-05 00:00"),
    ("akhir pekan", "2026-12-05 00:00"),
    ("akhir pekan ini", "2026-12-05 00:00"),
    ("weekend", "2026-12-05 00:00"),
    ("this weekend", "2026-12-05 00:00"),
    ("akhir minggu depan", "2026-12-12 00:00"),
    ("end of the week", "2026-12-04 00:00"),
    ("end of this week", "2026-12-04 00:00"),
    ("bulan depan", "2026-12-29 00:00"),
    ("next month", "2026-12-29 00:00"),
    ("awal bulan", "2026-12-01 00:00"),
    ("awal bulan depan", "2026-12-01 00:00"),
    ("start of next month", "2026-12-01 00:00"),
    ("early next month", "2026-12-01 00:00"),
    ("tengah bulan", "2026-12-15 00:00"),
    ("tengah bulan depan", "2026-12-15 00:00"),
    ("mid next month", "2026-12-15 00:00"),
    ("akhir bulan", "2026-11-30 00:00"),
    ("akhir bulan ini", "2026-11-30 00:00"),
    ("end of month", "2026-11-30 00:00"),
    ("end of the month", "2026-11-30 00:00"),
    ("end of this month", "2026-11-30 00:00"),
    ("akhir bulan depan", "2026-12-31 00:00"),
    ("end of next month", "2026-12-31 00:00"),
    ("akhir tahun", "2026-12-31 00:00"),
    ("akhir tahun ini", "2026-12-31 00:00"),
    ("end of the year", "2026-12-31 00:00"),
    ("end of this year", "2026-12-31 00:00"),
    ("akhir tahun depan", "2027-12-31 00:00"),
    ("end of next year", "2027-12-31 00:00"),
    ("awal tahun depan", "2027-01-04 00:00"),  # 1 January is New Year's Day
    ("start of next year", "2027-01-04 00:00"),
    ("early next year", "2027-01-04 00:00"),
    ("jumat minggu depan", "2026-12-11 00:00"),
    ("minggu depan senin jam 8", "2026-12-07 08:00"),
    ("friday next week", "2026-12-11 00:00"),
    ("next week wednesday 10:00", "2026-12-09 10:00"),
    ("rabu minggu ini", "2026-12-02 00:00"),
    ("jam setengah 3 sore", "2026-11-30 14:30"),
    ("jam 3 kurang seperempat sore", "2026-11-30 14:45"),
    ("jam 9 lewat seperempat pagi", "2026-11-30 09:15"),
    ("jam 4 kurang 10 sore", "2026-11-30 15:50"),
    ("jam 3 lewat 15", "2026-11-30 15:15"),
    ("jam 8 lebih 20 menit malam", "2026-11-30 20:20"),
    ("half past 3 pm", "2026-11-30 15:30"),
    ("quarter past 9 am", "2026-11-30 09:15"),
    ("a quarter to 5 pm", "2026-11-30 16:45"),
    ("besok jam setengah 1 siang", "2026-11-30 12:30"),
    ("tomorrow 3pm-ish", "2026-11-30 15:00"),
    ("besok jam 3an sore", "2026-11-30 15:00"),
]


class TestTimeRules:
    """Every line of the time rules table reads as its row says."""

    @pytest.mark.parametrize(("phrase", "expected"), RULE_ROWS)
    def test_rule_row(self, phrase: str, expected: str) -> None:
        """The phrase gives its local moment, seen from Sunday night."""
        assert _local(parse_moment(phrase, now=SUNDAY_NIGHT, tz=JAKARTA)) == expected

    def test_every_day_rule_has_a_row(self) -> None:
        """No day rule goes untested: each one's words are a row above."""
        rows = {" ".join(w for w in p.split() if w not in FILLERS) for p, _ in RULE_ROWS}
        assert set(DAY_RULES) <= rows

    def test_every_clock_rule_has_a_row(self) -> None:
        """No clock rule goes untested: each one matches some row above."""
        for pattern, _ in CLOCK_RULES:
            assert any(pattern.search(p.lower()) for p, _ in RULE_ROWS), pattern.pattern

    @pytest.mark.parametrize("phrase", ["besok jam 3 lewat 75", "jam 2 kurang 60 sore"])
    def test_minutes_past_59_are_reported(self, phrase: str) -> None:
        """A clock rule with more than 59 minutes is an unclear time, never rolled over."""
        with pytest.raises(MomentError) as caught:
            parse_moment(phrase, now=SUNDAY_NIGHT, tz=JAKARTA)
        assert caught.value.key == "moment.time_unclear"


class TestGuesses:
    """What the reader chose for the person is carried with the moment, to be said in the reply."""

    @pytest.mark.parametrize(
        ("phrase", "written", "expected"),
        [
            ("besok jam 3", "jam 3", "2026-11-30 15:00"),
            ("friday at 3", "at 3", "2026-12-04 15:00"),
            ("jam 6", "jam 6", "2026-11-30 18:00"),
            ("jam setengah 3", "jam setengah 3", "2026-11-30 14:30"),
            ("jam tiga", "jam tiga", "2026-11-30 15:00"),
        ],
    )
    def test_hour_one_to_six_is_afternoon_and_named(
        self, phrase: str, written: str, expected: str
    ) -> None:
        """An hour 1-6 with no part of the day is after noon, with a guess naming the words."""
        moment = parse_moment(phrase, now=SUNDAY_NIGHT, tz=JAKARTA)
        assert _local(moment) == expected
        assert [(g.kind, g.written) for g in moment.guesses] == [("afternoon", written)]

    @pytest.mark.parametrize(
        "phrase", ["besok jam 3 pagi", "jam 3 subuh", "3am", "jam 03.00", "jam 7", "15.00"]
    )
    def test_hour_with_its_part_of_day_is_no_guess(self, phrase: str) -> None:
        """A part of the day, am/pm, a leading zero or an hour past 6 leaves nothing to guess."""
        assert parse_moment(phrase, now=SUNDAY_NIGHT, tz=JAKARTA).guesses == ()

    def test_weekday_and_date_that_disagree_give_both_readings(self) -> None:
        """ "Jumat 5 Des" when 5 December is a Saturday is not chosen between."""
        with pytest.raises(AmbiguousMoment) as caught:
            parse_moment("Jumat 5 Des", now=SUNDAY_NIGHT, tz=JAKARTA)
        assert caught.value.readings == ("Sabtu 5 Des", "Jumat 4 Des")

    def test_english_weekday_clash_is_answered_in_english(self) -> None:
        """The readings keep the language the weekday was written in."""
        with pytest.raises(AmbiguousMoment) as caught:
            parse_moment("friday 5 Dec", now=SUNDAY_NIGHT, tz=JAKARTA)
        assert caught.value.readings == ("saturday 5 Dec", "friday 4 Dec")


class TestMonthFirstReadings:
    """For a reader who may write the month first, "5/12" has two readings."""

    @pytest.mark.parametrize(
        ("phrase", "readings"),
        [
            ("5/12", ("5 Dec", "May 12")),
            ("tgl 5/12 jam 9", ("tgl 5 Dec jam 9", "tgl May 12 jam 9")),
            ("12/05/2026", ("12 May 2026", "Dec 5 2026")),
        ],
    )
    def test_both_readings(self, phrase: str, readings: tuple[str, str]) -> None:
        """Day first and month first, each written out with the month's name."""
        assert month_first_readings(phrase) == readings

    @pytest.mark.parametrize("phrase", ["5/5", "25/12", "5/13", "Kamis, 3/12", "5 Dec", "besok"])
    def test_one_reading(self, phrase: str) -> None:
        """Equal parts, a part above 12, a weekday that settles it or no slash: nothing to ask."""
        assert month_first_readings(phrase) is None
