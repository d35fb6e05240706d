"""The words people use for days, months and parts of the day, in Bahasa Indonesia and English."""

from __future__ import annotations

from collections.abc import Iterable

MONTHS: dict[str, int] = {
    # Indonesian, with the spellings and abbreviations seen in chats and letters.
    "januari": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "maret": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12,
    # English (abbreviations shared with Indonesian are listed once above).
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7,
    "august": 8, "aug": 8, "october": 10, "oct": 10, "december": 12, "dec": 12,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6,
    "ahad": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4,
    "sat": 5,
}  # fmt: skip

# Days named relative to today, as an offset in days.
DAY_WORDS: dict[str, int] = {
    "hari ini": 0, "today": 0,
    "besok": 1, "bsk": 1, "besuk": 1, "tomorrow": 1, "tmr": 1, "tmrw": 1,
    "lusa": 2, "besok lusa": 2, "day after tomorrow": 2, "the day after tomorrow": 2,
    "kemarin": -1, "kemaren": -1, "yesterday": -1,
}  # fmt: skip

# Parts of the day: the hour used when no hour is written ("besok pagi"), and how a written
# hour is read ("jam 3 sore" is 15:00).
PERIODS: dict[str, str] = {
    "subuh": "subuh", "dini hari": "subuh",
    "pagi": "pagi", "morning": "pagi",
    "siang": "siang", "afternoon": "sore", "noon": "siang", "midday": "siang",
    "sore": "sore",
    "malam": "malam", "evening": "malam", "night": "malam", "tonight": "malam",
}  # fmt: skip
PERIOD_DEFAULT_HOUR = {"subuh": 5, "pagi": 8, "siang": 12, "sore": 15, "malam": 19}

# Units of a relative offset ("3 hari lagi", "in 2 hours"), in minutes; months are special.
OFFSET_UNITS: dict[str, str] = {
    "menit": "minutes", "mnt": "minutes", "minute": "minutes", "minutes": "minutes",
    "min": "minutes", "mins": "minutes",
    "jam": "hours", "hour": "hours", "hours": "hours", "hr": "hours", "hrs": "hours",
    "hari": "days", "day": "days", "days": "days",
    "minggu": "weeks", "pekan": "weeks", "week": "weeks", "weeks": "weeks",
    "bulan": "months", "month": "months", "months": "months",
}  # fmt: skip

# Small numbers written as words; enough for "jam tiga sore", "dua hari lagi", "in two days".
NUMBER_WORDS: dict[str, int] = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11, "dua belas": 12,
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

# Weekday names to write a day back in the language it was written in ("Sabtu 5 Des").
WEEKDAY_NAMES = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

# Words that carry no meaning of their own in a moment phrase but may sit inside one.
FILLERS = frozenset({"pada", "on", "at", "the", "of", "hari", "tanggal", "tgl", "pukul"})


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first so "desember" wins over "des"."""
    return "|".join(w.replace(" ", r"\s+") for w in sorted(words, key=len, reverse=True))
