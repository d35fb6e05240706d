"""Periods in words, in both languages, read into a range of days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.reports.periods import Period, read_period, split_period

# A Monday at the end of November 2026: the day the examples are read on.
TODAY = date(2026, 11, 30)


def days(first: str, last: str) -> Period:
    return Period(date.fromisoformat(first), date.fromisoformat(last))


class TestReadPeriod:
    @pytest.mark.parametrize(
        ("words", "expected"),
        [
            ("bulan lalu", days("2026-10-01", "2026-10-31")),
            ("last month", days("2026-10-01", "2026-10-31")),
            ("Bulan Ini", days("2026-11-01", "2026-11-30")),
            ("this month", days("2026-11-01", "2026-11-30")),
            ("bulan depan", days("2026-12-01", "2026-12-31")),
            ("minggu ini", days("2026-11-30", "2026-12-06")),
            ("this week", days("2026-11-30", "2026-12-06")),
            ("minggu lalu", days("2026-11-23", "2026-11-29")),
            ("pekan lalu", days("2026-11-23", "2026-11-29")),
            ("last week", days("2026-11-23", "2026-11-29")),
            ("hari ini", days("2026-11-30", "2026-11-30")),
            ("today", days("2026-11-30", "2026-11-30")),
            ("kemarin", days("2026-11-29", "2026-11-29")),
            ("tahun ini", days("2026-01-01", "2026-12-31")),
            ("this year", days("2026-01-01", "2026-12-31")),
            ("tahun lalu", days("2025-01-01", "2025-12-31")),
            ("2026", days("2026-01-01", "2026-12-31")),
            ("tahun 2025", days("2025-01-01", "2025-12-31")),
            ("November 2026", days("2026-11-01", "2026-11-30")),
            ("bulan November", days("2026-11-01", "2026-11-30")),
            ("Nopember 2026", days("2026-11-01", "2026-11-30")),
            ("Februari 2028", days("2028-02-01", "2028-02-29")),
            ("Q4 2026", days("2026-10-01", "2026-12-31")),
            ("q1 2027", days("2027-01-01", "2027-03-31")),
            ("kuartal 4 2026", days("2026-10-01", "2026-12-31")),
            ("triwulan IV 2026", days("2026-10-01", "2026-12-31")),
            ("triwulan ii 2026", days("2026-04-01", "2026-06-30")),
            ("kuartal lalu", days("2026-07-01", "2026-09-30")),
            ("1-15 Nov", days("2026-11-01", "2026-11-15")),
            ("1 - 15 nov", days("2026-11-01", "2026-11-15")),
            ("1–15 November 2026", days("2026-11-01", "2026-11-15")),
            ("1 Nov 2026 – 15 Jan 2027", days("2026-11-01", "2027-01-15")),
            ("1 Des - 15 Jan 2027", days("2026-12-01", "2027-01-15")),
            ("2026-11-01..2026-11-15", days("2026-11-01", "2026-11-15")),
            ("2026-11-01 s.d. 2026-11-15", days("2026-11-01", "2026-11-15")),
            ("2026-11-01 s/d 2026-11-15", days("2026-11-01", "2026-11-15")),
            ("2026-11-01 - 2026-11-15", days("2026-11-01", "2026-11-15")),
            ("1 Nov sampai 15 Nov", days("2026-11-01", "2026-11-15")),
            ("1 Nov hingga 15 Nov 2026", days("2026-11-01", "2026-11-15")),
            ("Nov 1 to Nov 15", days("2026-11-01", "2026-11-15")),
            ("November sampai dengan Desember 2026", days("2026-11-01", "2026-12-31")),
            ("September to November", days("2026-09-01", "2026-11-30")),
            ("Q3 - Q4", days("2026-07-01", "2026-12-31")),
            ("bulan lalu sampai bulan ini", days("2026-10-01", "2026-11-30")),
            ("5 Nov", days("2026-11-05", "2026-11-05")),
            ("05/11/2026", days("2026-11-05", "2026-11-05")),
            ("2026-11", days("2026-11-01", "2026-11-30")),
            ("11/2026", days("2026-11-01", "2026-11-30")),
        ],
    )
    def test_reads_a_period_in_either_language(self, words: str, expected: Period) -> None:
        """Each phrasing, Indonesian or English, gives the days a manager means by it."""
        assert read_period(words, today=TODAY) == expected

    @pytest.mark.parametrize(
        ("words", "today", "expected"),
        [
            ("November", date(2026, 11, 30), days("2026-11-01", "2026-11-30")),
            ("November", date(2026, 11, 1), days("2026-11-01", "2026-11-30")),
            ("Nov", date(2026, 3, 3), days("2025-11-01", "2025-11-30")),
            ("Des", date(2026, 11, 30), days("2025-12-01", "2025-12-31")),
            ("Q4", date(2026, 5, 1), days("2025-10-01", "2025-12-31")),
            ("Q2", date(2026, 5, 1), days("2026-04-01", "2026-06-30")),
            ("1-15 Des", date(2026, 11, 30), days("2025-12-01", "2025-12-15")),
            ("1 Des - 15 Jan", date(2026, 11, 30), days("2025-12-01", "2026-01-15")),
            ("1 Nov - 15 Des", date(2026, 11, 30), days("2026-11-01", "2026-12-15")),
        ],
    )
    def test_a_period_without_a_year_is_the_latest_that_has_begun(
        self, words: str, today: date, expected: Period
    ) -> None:
        """A month, quarter or range without a year is this year's if it has begun, else last year's."""
        assert read_period(words, today=today) == expected

    @pytest.mark.parametrize(
        "words",
        [
            "",
            "   ",
            "xlsx",
            "tugas",
            "bulan",
            "30 Feb 2026",
            "15-1 Nov",
            "2026-11-15..2026-11-01",
            "Q5 2026",
            "kuartal V",
            "13/2026",
            "1 - 31 Nov",
            "Novembre",
            "bulan lalu xlsx",
            "1-15",
            "sampai 15 Nov",
        ],
    )
    def test_words_that_name_no_period_give_none(self, words: str) -> None:
        """Empty, impossible, backwards or unknown words read as no period at all."""
        assert read_period(words, today=TODAY) is None


class TestSplitPeriod:
    def test_finds_the_period_among_other_words(self) -> None:
        """The period's words leave the list; the words around it stay in order."""
        period, rest = split_period(["tugas", "bulan", "lalu", "xlsx"], today=TODAY)
        assert period == days("2026-10-01", "2026-10-31")
        assert rest == ["tugas", "xlsx"]

    def test_takes_the_longest_reading(self) -> None:
        """ "1-15 Nov 2026" is one range, not the year 2026 with words left over."""
        period, rest = split_period(["1-15", "Nov", "2026", "csv"], today=TODAY)
        assert period == days("2026-11-01", "2026-11-15")
        assert rest == ["csv"]

    def test_no_period_leaves_every_word(self) -> None:
        """Without a period the caller gets every word back, to say which it did not know."""
        assert split_period(["tugas", "kemarinnya"], today=TODAY) == (
            None,
            ["tugas", "kemarinnya"],
        )


class TestPeriodShown:
    @pytest.mark.parametrize(
        ("lang", "first", "last", "expected"),
        [
            ("id", "2026-11-01", "2026-11-30", "1–30 November 2026"),
            ("en", "2026-11-01", "2026-11-30", "1–30 November 2026"),
            ("id", "2026-11-01", "2026-12-15", "1 November – 15 Desember 2026"),
            ("en", "2026-12-01", "2027-01-15", "1 December 2026 – 15 January 2027"),
            ("id", "2026-08-17", "2026-08-17", "17 Agustus 2026"),
        ],
    )
    def test_a_period_reads_back_in_words(
        self, lang: str, first: str, last: str, expected: str
    ) -> None:
        """The resolved days are repeated to the reader in their language."""
        assert days(first, last).in_words(lang) == expected

    def test_bounds_run_from_first_midnight_to_the_one_after_the_last_day(self) -> None:
        """The end is exclusive, so the whole last day is inside, in the reader's zone."""
        start, end = days("2026-11-01", "2026-11-30").bounds("Asia/Jakarta")
        assert start.astimezone(UTC) == datetime(2026, 10, 31, 17, tzinfo=UTC)
        assert end - start == timedelta(days=30)
