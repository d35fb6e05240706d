"""Time zones by the names people use, and moments written out in words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.language.zones import (
    ZONE_ALIASES,
    ZoneError,
    format_day,
    format_moment,
    format_short,
    resolve_zone,
    zone_abbreviation,
)

# Saturday 28 November 2026, 15:00 in Jakarta.
AT = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
# Friday 27 November 2026, 10:00 in Jakarta.
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


class TestResolveZone:
    """Zone names resolve to IANA names whatever their case."""

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("WIB", "Asia/Jakarta"),
            ("wita", "Asia/Makassar"),
            (" Wit ", "Asia/Jayapura"),
            ("Asia/Makassar", "Asia/Makassar"),
            ("asia/makassar", "Asia/Makassar"),
            ("europe/amsterdam", "Europe/Amsterdam"),
            ("UTC", "UTC"),
        ],
    )
    def test_known_names(self, name: str, expected: str) -> None:
        """Aliases and IANA names in any case resolve."""
        assert resolve_zone(name) == expected

    def test_aliases_are_indonesias_three_zones(self) -> None:
        """WIB, WITA and WIT are the aliases."""
        assert ZONE_ALIASES == {
            "WIB": "Asia/Jakarta",
            "WITA": "Asia/Makassar",
            "WIT": "Asia/Jayapura",
        }

    @pytest.mark.parametrize("name", ["Mars/Olympus", "", "WIBB"])
    def test_unknown_zone_raises(self, name: str) -> None:
        """An unknown name raises ZoneError("zone.unknown") naming it."""
        with pytest.raises(ZoneError) as caught:
            resolve_zone(name)
        assert caught.value.key == "zone.unknown"
        assert caught.value.params == {"name": name}


class TestZoneAbbreviation:
    """Zones are named the way their people name them."""

    @pytest.mark.parametrize(
        ("tz", "expected"),
        [
            ("Asia/Jakarta", "WIB"),
            ("Asia/Pontianak", "WIB"),
            ("Asia/Makassar", "WITA"),
            ("Asia/Jayapura", "WIT"),
            ("America/New_York", "EST"),
            ("UTC", "UTC"),
            ("Asia/Tokyo", "UTC+09:00"),
            ("Asia/Kolkata", "UTC+05:30"),
            ("America/St_Johns", "UTC-03:30"),
        ],
    )
    def test_abbreviation(self, tz: str, expected: str) -> None:
        """Indonesian zones get WIB/WITA/WIT, others Babel's short name or a UTC offset."""
        assert zone_abbreviation(tz, AT) == expected


class TestFormatMoment:
    """Moments are written out in words in the person's language and zone."""

    @pytest.mark.parametrize(
        ("tz", "expected"),
        [
            ("Asia/Jakarta", "Sabtu, 28 November 2026 pukul 15.00 WIB"),
            ("Asia/Makassar", "Sabtu, 28 November 2026 pukul 16.00 WITA"),
            ("Asia/Jayapura", "Sabtu, 28 November 2026 pukul 17.00 WIT"),
        ],
    )
    def test_indonesian(self, tz: str, expected: str) -> None:
        """Indonesian: day and month names, "pukul", a dotted time and the zone."""
        assert format_moment(AT, lang="id", tz=tz) == expected

    @pytest.mark.parametrize(
        ("tz", "expected"),
        [
            ("Asia/Jakarta", "Saturday, 28 November 2026 at 15:00 WIB"),
            ("Asia/Makassar", "Saturday, 28 November 2026 at 16:00 WITA"),
            ("Asia/Jayapura", "Saturday, 28 November 2026 at 17:00 WIT"),
        ],
    )
    def test_english(self, tz: str, expected: str) -> None:
        """English: day and month names, "at", a colon time and the zone."""
        assert format_moment(AT, lang="en", tz=tz) == expected

    def test_day_crosses_midnight_by_zone(self) -> None:
        """The same instant can be a different day in another zone."""
        late = datetime(2026, 11, 28, 16, 30, tzinfo=UTC)
        assert format_moment(late, lang="id", tz="Asia/Jayapura") == (
            "Minggu, 29 November 2026 pukul 01.30 WIT"
        )

    @pytest.mark.parametrize(
        ("lang", "expected"),
        [("id", "Sabtu, 28 November 2026"), ("en", "Saturday, 28 November 2026")],
    )
    def test_format_day(self, lang: str, expected: str) -> None:
        """The day alone, without time or zone."""
        assert format_day(AT, lang=lang, tz="Asia/Jakarta") == expected


class TestFormatShort:
    """Moments in lists are compact and relative to today."""

    @pytest.mark.parametrize(
        ("at", "id_text", "en_text"),
        [
            (datetime(2026, 11, 27, 8, 0, tzinfo=UTC), "hari ini 15.00", "today 15:00"),
            (datetime(2026, 11, 28, 2, 0, tzinfo=UTC), "besok 09.00", "tomorrow 09:00"),
            (datetime(2026, 11, 26, 2, 0, tzinfo=UTC), "kemarin 09.00", "yesterday 09:00"),
            (datetime(2026, 11, 30, 3, 0, tzinfo=UTC), "Sen 30 Nov 10.00", "Mon 30 Nov 10:00"),
            (
                datetime(2027, 1, 4, 3, 0, tzinfo=UTC),
                "Sen 4 Jan 2027 10.00",
                "Mon 4 Jan 2027 10:00",
            ),
        ],
    )
    def test_short_forms(self, at: datetime, id_text: str, en_text: str) -> None:
        """Today, tomorrow and yesterday by name; other days abbreviated, the year only if not now's."""
        assert format_short(at, lang="id", tz="Asia/Jakarta", now=NOW) == id_text
        assert format_short(at, lang="en", tz="Asia/Jakarta", now=NOW) == en_text

    def test_today_is_the_persons_today(self) -> None:
        """ "Today" is counted in the person's zone, not in UTC."""
        now = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # already the 28th at 01:00 in WIT
        at = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)  # 09:00 on the 28th in WIT
        assert format_short(at, lang="id", tz="Asia/Jayapura", now=now) == "hari ini 09.00"
