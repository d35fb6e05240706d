"""Time zones by the names people use (WIB, WITA, WIT) and moments written out in words."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date, get_timezone_name

from core.errors import UserError


class ZoneError(UserError):
    """A time zone name that is not known."""


ZONE_ALIASES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}

# Indonesia's own abbreviations, which CLDR (and so Babel) does not give.
_INDONESIAN_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}
_OFFSET_NAME = re.compile(r"[+-]\d{4}|GMT[+-].*")


def resolve_zone(name: str) -> str:
    """The IANA name for "WIB", "wita", "Asia/Makassar" or "asia/makassar"; raises ZoneError."""
    cleaned = name.strip()
    alias = ZONE_ALIASES.get(cleaned.upper())
    if alias:
        return alias
    found = _zones_by_lower_name().get(cleaned.lower())
    if found is None:
        raise ZoneError("zone.unknown", name=name)
    return found


@functools.cache
def _zones_by_lower_name() -> dict[str, str]:
    # available_timezones() reads the whole zone database, so it is read once.
    return {zone.lower(): zone for zone in available_timezones()}


def zone_abbreviation(tz: str, at: datetime) -> str:
    """The short name of zone `tz` at `at`: "WIB", "WITA", "WIT", "EST" or "UTC+09:00"."""
    if tz in _INDONESIAN_ABBREVIATIONS:
        return _INDONESIAN_ABBREVIATIONS[tz]
    local = at.astimezone(ZoneInfo(tz))
    name = get_timezone_name(local, width="short", locale="en")
    if not _OFFSET_NAME.fullmatch(name):
        return name
    offset = local.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    hours, minutes = divmod(abs(offset).seconds // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _locale(lang: str) -> str:
    return "id" if lang == "id" else "en"


def _clock(local: datetime, lang: str) -> str:
    # Indonesian writes the time with a dot (15.00), English with a colon.
    return local.strftime("%H.%M" if lang == "id" else "%H:%M")


@functools.lru_cache(maxsize=4096)
def _written(day: date, pattern: str, locale: str) -> str:
    # Babel looks its locale data up again on every call; lists of moments repeat a few days.
    return format_date(day, pattern, locale=locale)


def format_day(at: datetime, *, lang: str, tz: str) -> str:
    """The day of `at` in the person's zone: "Sabtu, 28 November 2026"."""
    local = at.astimezone(ZoneInfo(tz))
    return _written(local.date(), "EEEE, d MMMM y", _locale(lang))


def format_moment(at: datetime, *, lang: str, tz: str) -> str:
    """A moment in full: "Sabtu, 28 November 2026 pukul 15.00 WIB"."""
    local = at.astimezone(ZoneInfo(tz))
    word = "pukul" if lang == "id" else "at"
    day = format_day(at, lang=lang, tz=tz)
    return f"{day} {word} {_clock(local, lang)} {zone_abbreviation(tz, at)}"


def format_short(at: datetime, *, lang: str, tz: str, now: datetime) -> str:
    """A moment compactly for lists: "besok 09.00", "Sen 30 Nov 10.00" (year only if not now's)."""
    zone = ZoneInfo(tz)
    local, today = at.astimezone(zone), now.astimezone(zone).date()
    near = {
        0: ("hari ini", "today"),
        1: ("besok", "tomorrow"),
        -1: ("kemarin", "yesterday"),
    }.get((local.date() - today).days)
    if near:
        day = near[0] if lang == "id" else near[1]
    else:
        pattern = "EEE d MMM" if local.year == today.year else "EEE d MMM y"
        day = _written(local.date(), pattern, _locale(lang))
    return f"{day} {_clock(local, lang)}"
