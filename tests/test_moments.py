"""Moments and durations written in words, in Bahasa Indonesia and English."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.language.moments import (
    Moment,
    MomentError,
    find_duration,
    find_moment,
    parse_duration,
    parse_moment,
)

JAKARTA = "Asia/Jakarta"
# A Friday morning.
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo(JAKARTA))

# (phrase, expected local "YYYY-MM-DD HH:MM", has_time), seen from NOW in Jakarta.
INDONESIAN = [
    ("besok", "2026-11-28 00:00", False),
    ("lusa", "2026-11-29 00:00", False),
    ("hari ini", "2026-11-27 00:00", False),
    ("nanti malam", "2026-11-27 19:00", True),
    ("malam ini", "2026-11-27 19:00", True),
    ("besok jam 3 sore", "2026-11-28 15:00", True),
    ("besok 3 sore", "2026-11-28 15:00", True),
    ("besok jam 9 pagi", "2026-11-28 09:00", True),
    ("jam 8 malam", "2026-11-27 20:00", True),
    ("jam 12 siang", "2026-11-27 12:00", True),
    ("besok jam 2 siang", "2026-11-28 14:00", True),
    ("besok jam 15:00", "2026-11-28 15:00", True),
    ("besok jam 15.00", "2026-11-28 15:00", True),
    ("Besok pukul 15.00", "2026-11-28 15:00", True),
    ("lusa jam 9 pagi", "2026-11-29 09:00", True),
    ("senin depan 10:00", "2026-11-30 10:00", True),
    ("senin 10:00", "2026-11-30 10:00", True),
    ("rabu depan jam 13.00", "2026-12-02 13:00", True),
    ("Selasa jam 9 pagi", "2026-12-01 09:00", True),
    ("Sabtu sore", "2026-11-28 15:00", True),
    ("minggu depan", "2026-11-30 00:00", False),  # Monday of next week (issue 11)
    ("hari Minggu", "2026-11-29 00:00", False),
    ("3 hari lagi", "2026-11-30 00:00", False),
    ("dua hari lagi", "2026-11-29 00:00", False),
    ("seminggu lagi", "2026-12-04 00:00", False),
    ("dalam 3 hari", "2026-11-30 00:00", False),
    ("2 jam lagi", "2026-11-27 12:00", True),
    ("30 menit lagi", "2026-11-27 10:30", True),
    ("setengah jam lagi", "2026-11-27 10:30", True),
    ("tgl 5 Des", "2026-12-05 00:00", False),
    ("tanggal 5 Desember", "2026-12-05 00:00", False),
    ("tgl 5", "2026-12-05 00:00", False),
    ("tgl 31", "2026-12-31 00:00", False),
    ("5/12", "2026-12-05 00:00", False),
    ("5-12-2026", "2026-12-05 00:00", False),
    ("Jumat, 4 Desember 2026", "2026-12-04 00:00", False),
    ("hari Jumat tanggal 4 Desember", "2026-12-04 00:00", False),
    ("besok jam 10.00 WITA", "2026-11-28 09:00", True),
    ("30 Desember pukul 14.00", "2026-12-30 14:00", True),
    ("30 Des jam 14", "2026-12-30 14:00", True),
    ("17 Agustus 2027", "2027-08-17 00:00", False),
    ("5 Jan", "2027-01-05 00:00", False),
    ("27 Nov", "2026-11-27 00:00", False),
    ("hari ini jam 8 malam", "2026-11-27 20:00", True),
    ("Jumat jam 14.30", "2026-11-27 14:30", True),
    ("Jumat jam 9", "2026-12-04 09:00", True),
    ("Jumat", "2026-12-04 00:00", False),
    ("jam 9", "2026-11-28 09:00", True),
    ("pukul 07.30", "2026-11-28 07:30", True),
    ("jam 12 malam", "2026-11-28 00:00", True),
    ("jam 1 malam", "2026-11-28 01:00", True),
    ("besok pagi", "2026-11-28 08:00", True),
    ("besok malam jam 8", "2026-11-28 20:00", True),
    ("jam tiga sore", "2026-11-27 15:00", True),
    ("akhir bulan", "2026-11-30 00:00", False),
    ("bulan depan", "2026-12-27 00:00", False),
]
ENGLISH = [
    ("tomorrow", "2026-11-28 00:00", False),
    ("today", "2026-11-27 00:00", False),
    ("day after tomorrow", "2026-11-29 00:00", False),
    ("tomorrow 5pm", "2026-11-28 17:00", True),
    ("tomorrow at 17:00", "2026-11-28 17:00", True),
    ("tomorrow morning", "2026-11-28 08:00", True),
    ("tomorrow evening", "2026-11-28 19:00", True),
    ("tomorrow noon", "2026-11-28 12:00", True),
    ("next friday 9am", "2026-12-04 09:00", True),
    ("friday 9am", "2026-12-04 09:00", True),
    ("friday 3pm", "2026-11-27 15:00", True),
    ("this friday", "2026-11-27 00:00", False),
    ("monday", "2026-11-30 00:00", False),
    ("next monday at 10:30", "2026-11-30 10:30", True),
    ("wednesday 2:30pm", "2026-12-02 14:30", True),
    ("sunday 8 in the morning", "2026-11-29 08:00", True),
    ("in 3 days", "2026-11-30 00:00", False),
    ("in 2 hours", "2026-11-27 12:00", True),
    ("in 30 minutes", "2026-11-27 10:30", True),
    ("in an hour", "2026-11-27 11:00", True),
    ("in a week", "2026-12-04 00:00", False),
    ("2 days from now", "2026-11-29 00:00", False),
    ("next week", "2026-11-30 00:00", False),  # Monday of next week (issue 11)
    ("next month", "2026-12-27 00:00", False),
    ("end of month", "2026-11-30 00:00", False),
    ("Dec 5 14:00", "2026-12-05 14:00", True),
    ("5 Dec", "2026-12-05 00:00", False),
    ("the 5th", "2026-12-05 00:00", False),
    ("5th of December", "2026-12-05 00:00", False),
    ("December 5th, 2026", "2026-12-05 00:00", False),
    ("2026-12-05", "2026-12-05 00:00", False),
    ("January 5", "2027-01-05 00:00", False),
    ("December 30 at 2pm", "2026-12-30 14:00", True),
    ("Dec 24 at 7:30 pm", "2026-12-24 19:30", True),
    ("30 Dec 2026 10am", "2026-12-30 10:00", True),
    ("today 8pm", "2026-11-27 20:00", True),
    ("tonight", "2026-11-27 19:00", True),
    ("5pm", "2026-11-27 17:00", True),
    ("9am", "2026-11-28 09:00", True),
    ("midnight", "2026-11-28 00:00", True),
]


def _local(moment: Moment, tz: str = JAKARTA) -> str:
    return moment.at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


class TestParseMoment:
    """A whole phrase is read into an aware UTC moment and whether it named a time."""

    @pytest.mark.parametrize(("phrase", "expected", "has_time"), INDONESIAN + ENGLISH)
    def test_golden_phrase_reads_as_expected(
        self, phrase: str, expected: str, has_time: bool
    ) -> None:
        """Each golden phrase gives its exact local moment and has_time."""
        moment = parse_moment(phrase, now=NOW, tz=JAKARTA)
        assert (_local(moment), moment.has_time) == (expected, has_time)

    def test_golden_table_is_large_and_bilingual(self) -> None:
        """The golden table keeps at least 70 phrases, both languages well represented."""
        assert len(INDONESIAN) + len(ENGLISH) >= 70
        assert min(len(INDONESIAN), len(ENGLISH)) >= 35

    def test_moment_is_aware_utc_and_keeps_the_phrase(self) -> None:
        """The moment is in UTC and carries the phrase as written."""
        moment = parse_moment("besok jam 3 sore", now=NOW, tz=JAKARTA)
        assert moment.at == datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
        assert moment.at.utcoffset() == timedelta(0)
        assert moment.text == "besok jam 3 sore"

    @pytest.mark.parametrize(
        ("phrase", "noted"),
        [
            ("1 Nov", True),  # passed this year (today is 27 Nov): read as 2027, and said so
            ("Nov 3 10:00", True),
            ("1/11", True),
            ("5 Jan", False),  # next year, but plainly meant: January comes next
            ("1 Nov 2027", False),  # the year written
            ("1/11/27", False),
            ("akhir tahun depan", False),  # next year, as asked
            ("5 Des", False),
        ],
    )
    def test_a_date_read_next_year_far_off_is_said(self, phrase: str, noted: bool) -> None:
        """A date without its year that passed this year is never moved a year on silently."""
        moment = parse_moment(phrase, now=NOW, tz=JAKARTA)
        notes = [g for g in moment.guesses if g.kind == "next_year"]
        assert bool(notes) == noted
        if notes:
            assert notes[0].year == 2027 and notes[0].written == phrase

    def test_day_only_is_local_midnight_in_utc(self) -> None:
        """A day without a time is 00:00 local, which is the previous evening in UTC."""
        moment = parse_moment("besok", now=NOW, tz=JAKARTA)
        assert moment.at == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
        assert not moment.has_time

    def test_now_in_any_zone_is_seen_from_the_persons_zone(self) -> None:
        """`now` may be in UTC; "besok" is counted from the person's local date."""
        late_evening_utc = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)  # 03:00 on the 28th in WIB
        moment = parse_moment("besok", now=late_evening_utc, tz=JAKARTA)
        assert _local(moment) == "2026-11-29 00:00"


class TestRelativeMoments:
    """Amounts of time from now count from this very second, not from the start of the minute."""

    @pytest.mark.parametrize(
        ("phrase", "later"),
        [
            ("1 menit lagi", timedelta(minutes=1)),
            ("10 menit lagi", timedelta(minutes=10)),
            ("2 jam lagi", timedelta(hours=2)),
            ("setengah jam lagi", timedelta(minutes=30)),
            ("in 10 minutes", timedelta(minutes=10)),
            ("in 2 hours", timedelta(hours=2)),
        ],
    )
    def test_offset_counts_from_now_to_the_second(self, phrase: str, later: timedelta) -> None:
        """At 10:00:45, "1 menit lagi" is 10:01:45, not 10:01:00 (which fires 15 seconds on)."""
        now = NOW + timedelta(seconds=45)
        moment = parse_moment(phrase, now=now, tz=JAKARTA)
        assert moment.at == now + later
        assert moment.has_time

    def test_found_in_a_command_counts_to_the_second(self) -> None:
        """The same holds for an offset found inside a reminder's text."""
        now = NOW + timedelta(seconds=59)
        found = find_moment("ingatkan 1 menit lagi cek gudang", now=now, tz=JAKARTA)
        assert found is not None
        assert found[2].at == now + timedelta(minutes=1)


class TestOtherZones:
    """Phrases mean local time in the person's own zone."""

    @pytest.mark.parametrize(
        ("tz", "utc_hour"),
        [("Asia/Jakarta", 2), ("Asia/Makassar", 1), ("Asia/Jayapura", 0)],
    )
    def test_besok_jam_9_is_nine_local(self, tz: str, utc_hour: int) -> None:
        """ "besok jam 9" is 09:00 in WIB, WITA and WIT alike."""
        moment = parse_moment("besok jam 9", now=NOW, tz=tz)
        assert moment.at == datetime(2026, 11, 28, utc_hour, 0, tzinfo=UTC)

    def test_time_alone_rolls_by_the_local_clock(self) -> None:
        """At 12:00 WIT, "jam 11" has passed there and means tomorrow."""
        moment = parse_moment("jam 11", now=NOW, tz="Asia/Jayapura")
        assert _local(moment, "Asia/Jayapura") == "2026-11-28 11:00"

    def test_zone_outside_indonesia(self) -> None:
        """Any IANA zone works, e.g. Europe/Amsterdam."""
        moment = parse_moment("tomorrow 9am", now=NOW, tz="Europe/Amsterdam")
        assert moment.at == datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


class TestMomentErrors:
    """Phrases that cannot be read raise MomentError with a key that says why."""

    @pytest.mark.parametrize(
        "phrase", ["31 Februari", "30 Feb", "32 Des", "29 Feb 2027", "31/4", "0 Des", "12/25"]
    )
    def test_impossible_date_is_refused_not_rolled_over(self, phrase: str) -> None:
        """A date that does not exist is reported, never moved into the next month."""
        with pytest.raises(MomentError) as caught:
            parse_moment(phrase, now=NOW, tz=JAKARTA)
        assert caught.value.key == "moment.no_such_date"
        assert caught.value.params == {"phrase": phrase}

    @pytest.mark.parametrize(
        "phrase",
        ["besok jam 25", "besok jam", "13pm", "jam 9 sore", "17:75", "besok jam 15.00 jam 16.00"],
    )
    def test_unreadable_time_is_reported_not_dropped(self, phrase: str) -> None:
        """A written time that cannot be read is an error, not midnight or the current time."""
        with pytest.raises(MomentError) as caught:
            parse_moment(phrase, now=NOW, tz=JAKARTA)
        assert caught.value.key == "moment.time_unclear"

    @pytest.mark.parametrize("phrase", ["", "Rapat", "kapan-kapan", "Desember", "2026", "soon"])
    def test_non_moment_is_not_understood(self, phrase: str) -> None:
        """Words that name no day or time are not understood."""
        with pytest.raises(MomentError) as caught:
            parse_moment(phrase, now=NOW, tz=JAKARTA)
        assert caught.value.key == "moment.not_understood"


def _found(text: str) -> tuple[str, str, bool] | None:
    found = find_moment(text, now=NOW, tz=JAKARTA)
    if found is None:
        return None
    start, end, moment = found
    assert moment.text == text[start:end]
    return text[start:end], _local(moment), moment.has_time


class TestFindMoment:
    """The moment phrase is found inside a whole command, and numbers in titles are left alone."""

    @pytest.mark.parametrize(
        ("text", "span", "expected", "has_time"),
        [
            ("Kirim 200 paket besok 17:00", "besok 17:00", "2026-11-28 17:00", True),
            ("besok jam 9 telepon kepala desa", "besok jam 9", "2026-11-28 09:00", True),
            (
                "Rapat koordinasi besok 10:00 2j di Kantor Desa",
                "besok 10:00",
                "2026-11-28 10:00",
                True,
            ),
            ("Rapat besok 10:00 selama 2 jam", "besok 10:00", "2026-11-28 10:00", True),
            ("Bagikan 200 paket 5 Des", "5 Des", "2026-12-05 00:00", False),
            ("Kirim 200 5 Des 2026 ke posko", "5 Des 2026", "2026-12-05 00:00", False),
            ("ingatkan saya 3 hari lagi soal laporan", "3 hari lagi", "2026-11-30 00:00", False),
            ("Rapat RT 05/02 besok", "besok", "2026-11-28 00:00", False),
            (
                "Survey lansia, Jumat, 4 Desember 2026 jam 8 pagi.",
                "Jumat, 4 Desember 2026 jam 8 pagi",
                "2026-12-04 08:00",
                True,
            ),
            ("nanti malam kirim data", "nanti malam", "2026-11-27 19:00", True),
            ("Kirim laporan.\nBesok rapat", "Besok", "2026-11-28 00:00", False),
            ("Meeting with partners at 5pm tomorrow", "at 5pm tomorrow", "2026-11-28 17:00", True),
            ("Call the mayor next friday 9am", "next friday 9am", "2026-12-04 09:00", True),
            ("Follow up in 2 hours", "in 2 hours", "2026-11-27 12:00", True),
            ("Bayar Rp 2.500.000 besok", "besok", "2026-11-28 00:00", False),
            ("Training on 5 Dec at the hall", "on 5 Dec", "2026-12-05 00:00", False),
            ("Kirim data kemarin", "kemarin", "2026-11-26 00:00", False),
            ("Kegiatan tgl 17-8-2027 di desa", "tgl 17-8-2027", "2027-08-17 00:00", False),
            ("Kegiatan 5.12.2026 di desa", "5.12.2026", "2026-12-05 00:00", False),
            ("Kamis, 3/12 jam 9", "Kamis, 3/12 jam 9", "2026-12-03 09:00", True),
        ],
    )
    def test_finds_the_moment_span(
        self, text: str, span: str, expected: str, has_time: bool
    ) -> None:
        """The span covers exactly the moment words, and the moment is read from them."""
        assert _found(text) == (span, expected, has_time)

    @pytest.mark.parametrize(
        "text",
        [
            "Laporan tahap 2",
            "Rapat RT 05",
            "Progres 12/25 desa",
            "Laporan minggu ini",
            "Target Desember 2026",
            "Beli 5 jam dinding",
            "Posyandu buka jam 8-12",
            "Update: 45 paket at 3 villages",
            "Distribusi 200 paket sembako",
            "",
        ],
    )
    def test_numbers_in_titles_are_not_moments(self, text: str) -> None:
        """Text with no moment words gives None."""
        assert find_moment(text, now=NOW, tz=JAKARTA) is None

    @pytest.mark.parametrize(
        ("text", "key"),
        [
            ("Distribusi 31 Februari", "moment.no_such_date"),
            ("Rapat besok jam 25", "moment.time_unclear"),
        ],
    )
    def test_wrong_moment_words_raise(self, text: str, key: str) -> None:
        """Moment words that are there but wrong raise instead of being skipped."""
        with pytest.raises(MomentError) as caught:
            find_moment(text, now=NOW, tz=JAKARTA)
        assert caught.value.key == key


class TestDurations:
    """Durations read in both languages, and found inside a command."""

    @pytest.mark.parametrize(
        ("phrase", "minutes"),
        [
            ("2j", 120),
            ("2 jam", 120),
            ("90m", 90),
            ("90 menit", 90),
            ("2h", 120),
            ("1,5 jam", 90),
            ("1.5h", 90),
            ("1 jam 30 menit", 90),
            ("1 jam dan 30 menit", 90),
            ("45 mnt", 45),
            ("1h30", 90),
            ("2 hours", 120),
            ("30 min", 30),
            ("setengah jam", 30),
        ],
    )
    def test_parse_duration(self, phrase: str, minutes: int) -> None:
        """Each written form gives its length."""
        assert parse_duration(phrase) == timedelta(minutes=minutes)

    @pytest.mark.parametrize("phrase", ["", "abc", "0 jam", "2 jamu", "1 jam 2 jam", "jam"])
    def test_bad_duration_is_not_understood(self, phrase: str) -> None:
        """Anything else raises MomentError("duration.not_understood")."""
        with pytest.raises(MomentError) as caught:
            parse_duration(phrase)
        assert caught.value.key == "duration.not_understood"

    def test_find_duration_in_a_meeting_command(self) -> None:
        """The duration token after the time is found with its span."""
        text = "Rapat 10:00 2j di Kantor Desa"
        assert find_duration(text) == (12, 14, timedelta(hours=2))

    @pytest.mark.parametrize("text", ["cek 2 jam lagi", "in 2 hours", "jalan 5/2", "Rapat RT05"])
    def test_relative_moments_are_not_durations(self, text: str) -> None:
        """ "2 jam lagi" and "in 2 hours" say when, not how long."""
        assert find_duration(text) is None
