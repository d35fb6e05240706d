"""The figures in a field update: what was counted or spent, and what the reading had to guess.

Donor reports are built from these, so a number read wrongly is worse than one not read: the
reader names every guess (a bare "2.500.000" taken as money, a number with nothing counted)
so the reply can say it and the person can correct it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from core.language.calendar_words import MONTHS
from core.language.numbers import (
    MULTIPLIER_WORDS,
    bounded,
    multiplier,
    read_number,
    spelled_as_digits,
    tidy,
)

MONEY = "IDR"

# Inside a text: the multiplier must end its word ("500rb", not "500rbx"); "ke-2" and "RT05"
# are names, so a number glued to a letter, a dash or a separator is not read.
_NUMBER = re.compile(
    rf"(?<![\w.,/:-])(?:(?P<cur>rp|idr)\.?\s*)?(?P<num>\d+(?:[.,]\d+)*)"
    rf"(?:(?P<glued>{MULTIPLIER_WORDS})(?![^\W\d_])|\s+(?P<mult>{MULTIPLIER_WORDS})(?![^\W\d_]))?"
    r"(?!\d)(?:\s+(?P<suffix>rupiah)|(?P<dash>,-))?(?P<percent>\s*%)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"\s*([^\W\d_][\w'-]*)")
_LABEL_BEFORE = re.compile(r"(?<![\w#@])([^\W\d_][\w'-]*)\.?\s*[:=]?\s*$")
_CLOCK_OR_DATE = re.compile(r"\d{1,2}[:.]\d{2}(?!\d)|\d{1,2}/\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4}")
# Phone numbers and codes with a leading zero: "0812 3456 7890", "+62 812-3456".
_PHONE = re.compile(r"(?<![\w.,])(?:\+62[\s-]?|0)\d{2,}(?:[\s-]\d{3,})*")
# "penerima=45": the key written before a number is what it counts (an indicator's code).
_KEYED = re.compile(r"(?<![\w=])([^\W\d_][\w-]*)=$")
_DECIMAL_OR_GROUP = re.compile(r"\d{1,3}[.,]\d{3}")
_THOUSANDS = re.compile(r"\d{1,3}([.,])\d{3}(?:\1\d{3})*")

# Multipliers that make an amount money when nothing counted follows ("500rb konsumsi").
_MONEY_MULTIPLIERS = frozenset(
    {"rb", "rbu", "ribu", "jt", "juta", "m", "miliar", "milyar", "triliun", "trilyun", "t"}
    | {"k", "thousand", "mn", "mio", "million", "b", "bn", "billion", "trillion"}
)
# Units of the field, preferred over any other reading. Who or where is counted stands alone
# ("3 KPM tidak di rumah"); a measure takes the goods after it ("45 paket sembako").
COUNTED = frozenset(
    {"kk", "kpm", "jiwa", "orang", "org", "desa", "people", "persons", "households", "villages"}
    | {"pax"}
)
MEASURES = frozenset(
    {"paket", "karung", "kg", "liter", "unit", "lembar", "dus", "rumah", "ton", "sak", "botol"}
    | {"bungkus", "kotak", "box", "pcs", "buah", "ekor", "kaleng", "galon", "set", "kit", "l"}
    | {"packages", "parcels", "sacks", "bags", "units", "sheets", "boxes", "houses", "kits"}
    | {"liters", "litres", "bottles", "tons", "tonnes"}
    | {"pkt", "krg", "ltr", "bks", "lbr"}  # as typed on a phone: paket, karung, liter, ...
)
_MEASURE_GOODS = 2  # "45 paket sembako", "40 rumah warga miskin"
_UNIT_WORDS = 3
# Words that end a unit: prepositions, conjunctions, auxiliaries and negations.
_STOP_WORDS = frozenset(
    {"di", "ke", "dari", "untuk", "dan", "yang", "sudah", "telah", "sedang", "akan", "belum"}
    | {"masih", "dengan", "atau", "pada", "oleh", "serta", "per", "bagi", "kepada", "selesai"}
    | {"sebanyak", "sekitar", "hingga", "sampai", "dalam", "tiap", "setiap", "lagi", "juga"}
    | {"tidak", "tak", "bukan", "nggak", "ngga", "gak", "ga", "enggak", "tdk", "blm", "utk"}
    | {"at", "to", "in", "for", "and", "of", "the", "were", "was", "are", "is", "have", "has"}
    | {"had", "been", "be", "by", "from", "with", "on", "each", "or", "into", "done", "total"}
    | {"not", "no", "never", "didn't", "weren't", "wasn't", "aren't", "isn't", "still"}
    # Words that describe what was counted rather than name it: "12 KK baru", "30 new families".
    | {"baru", "lama", "lainnya", "lebih", "kurang", "saja", "new", "more", "other", "today"}
)
# Verbs of state without a prefix end a unit after a noun ("1,5 ton beras tiba"), but alone
# they are the best label there is ("25 hadir").
_STATE_VERBS = frozenset(
    {"tiba", "datang", "hadir", "pulang", "masuk", "keluar", "habis", "hilang", "sakit", "pindah"}
    | {"lahir", "ada", "siap", "lancar", "aman", "arrived", "arrive", "came", "left", "got"}
)
# Words a label may not be: "dan 12" or "untuk 12" say nothing about what 12 counts.
_NOT_LABELS = (_STOP_WORDS - {"total", "kurang", "lebih", "lagi"}) | {"sebesar", "senilai"}
# Before a number these make it a name or a place in a sequence, not a count: "RT 03", "tahap 2".
NAME_WORDS = frozenset(
    {"rt", "rw", "tahap", "gelombang", "termin", "kloter", "sesi", "putaran", "dusun", "blok"}
    | {"no", "nomor", "nmr", "kelas", "lantai", "pos", "posko", "gang", "gg", "jl", "jalan"}
    | {"tim", "regu", "kelompok", "minggu", "hari", "bulan", "tahun", "jam", "pukul", "tanggal"}
    | {"tgl", "kode", "ruang", "kamar", "km", "batch", "phase", "week", "day", "month", "year"}
    | {"round", "block", "zone", "team", "group", "room", "step", "stage", "level", "code"}
    | {"at", "number", "ke", "periode", "triwulan", "semester", "kuartal", "quarter", "q"}
)
# Nouns that look like verbs.
_NOT_VERBS = frozenset(
    {"dinas", "dinding", "diesel", "diskon", "digital", "dirigen", "diare", "diabetes", "difteri"}
    | {"terminal", "teritori", "terpal", "termos", "medis", "bedding", "seed", "seeds"}
)


@dataclass(frozen=True)
class Figure:
    """A number from an update with what it counts; money is counted in "IDR"."""

    value: Decimal
    unit: str  # "paket sembako", "sisa" (the label before it), "IDR", "%", or "" for nothing
    start: int
    end: int  # character span in the text, label included

    @property
    def money(self) -> bool:
        """Whether the figure is an amount of rupiah."""
        return self.unit == MONEY


@dataclass(frozen=True)
class Doubt:
    """A reading the reply must name so it can be corrected.

    "money_guess": a bare amount read as rupiah; "no_unit": a number with nothing counted;
    "decimal": "2.500" or "2,500" read with a decimal mark by the rules of the reader's language.
    """

    kind: str
    written: str  # the number as the person wrote it
    figure: Figure


@dataclass(frozen=True)
class Reading:
    """What the figures reader understood in a text, and what it is unsure of."""

    figures: tuple[Figure, ...]
    doubts: tuple[Doubt, ...]


def read_figures(
    text: str, *, lang: str = "id", skip: list[tuple[int, int]] | None = None
) -> Reading:
    """The counted things and money in a field update; spans in `skip` (a moment) are left out."""
    figures: list[Figure] = []
    doubts: list[Doubt] = []
    text = spelled_as_digits(text)  # "dua puluh paket" is 20 paket, in the same places
    skip = [*(skip or []), *(m.span() for m in _PHONE.finditer(text))]
    for m in _NUMBER.finditer(text):
        if _overlaps(m.start(), m.end(), skip) or _not_a_count(text, m):
            continue
        if figures and m.start() < figures[-1].end:
            continue  # "5 RT05": already part of the unit before
        # "Rp 2.500" is written the Indonesian way whoever reads it.
        written_in = "id" if (m["cur"] or "").lower() == "rp" else lang
        value = read_number(m["num"], written_in)
        if value is None:
            continue
        label = _label_before(text, m.start(), figures[-1].end if figures else 0)
        if label is not None and label[0].lower() in NAME_WORDS:
            continue  # "RT 03", "tahap 2": a name, not a figure
        if label is not None and label[0].lower() in _NOT_LABELS:
            label = None
        figure, doubt = _figure(text, m, value, label, written_in, skip)
        figures.append(figure)
        if _read_as_decimal(m, written_in):
            doubts.append(Doubt("decimal", m["num"], figure))  # "2.500" is 2,5 in English
        if doubt is not None:
            doubts.append(Doubt(doubt, m.group().strip(), figure))
    # "7 … 7": one note about "7" is enough; each figure is still listed.
    said = {(d.kind, d.written): d for d in reversed(doubts)}
    return Reading(tuple(figures), tuple(d for d in doubts if said[(d.kind, d.written)] is d))


def _figure(
    text: str,
    m: re.Match[str],
    value: Decimal,
    label: tuple[str, int] | None,
    lang: str,
    skip: list[tuple[int, int]],
) -> tuple[Figure, str | None]:
    """The figure one number makes, and the kind of doubt it leaves (None when sure)."""
    start, end = m.start(), m.end()
    times = m["glued"] or m["mult"]
    if m["percent"]:
        return _made(value, "%", start, end), None
    spaced_letter = m["mult"] and times in {"m", "t"}
    if times and not m["cur"] and (spaced_letter or (times == "m" and lang == "id")):
        # "100 m jalan", and "500m" in Indonesian (which writes millions "jt"): metres, a unit.
        times, end = None, m.end("num")
    if times:
        value *= multiplier(times, lang)
    keyed = None if m["cur"] else _KEYED.search(text, max(0, start - 40), start)
    if keyed is not None:
        return _made(value, keyed.group(1), keyed.start(1), end), None
    if m["cur"] or m["suffix"] or m["dash"]:
        return _made(value, MONEY, start, end), None  # "Rp 2,5 jt", "2,5 juta rupiah", "50.000,-"
    unit, unit_end = _unit_after(text, end, skip)
    if times and times.lower() in _MONEY_MULTIPLIERS:
        if unit.split(" ")[0].lower() not in COUNTED | MEASURES:
            return _made(value, MONEY, start, end), None  # "500rb konsumsi": konsumsi is the use
        return _made(value, unit, start, unit_end), None  # "5 ribu orang"
    if unit:
        return _made(value, unit, start, unit_end), None
    if _THOUSANDS.fullmatch(m["num"]) and value == value.to_integral_value() and value >= 1000:
        return _made(value, MONEY, start, end), "money_guess"
    if label is not None:
        return _made(value, label[0], label[1], end), None
    return _made(value, "", start, end), "no_unit"


def _read_as_decimal(m: re.Match[str], lang: str) -> bool:
    """Whether "2.500" or "2,500" was read with a decimal mark, which the writer may not mean."""
    if m["glued"] or m["mult"] or not _DECIMAL_OR_GROUP.fullmatch(m["num"]):
        return False
    return ("," in m["num"]) == (lang == "id")


def _made(value: Decimal, unit: str, start: int, end: int) -> Figure:
    return Figure(value=tidy(bounded(value, str(value))), unit=unit[:80], start=start, end=end)


def _not_a_count(text: str, m: re.Match[str]) -> bool:
    """Clock times, numeric dates, a day or year by a month, and numbers with a leading zero."""
    if m["cur"]:
        return False
    digits = m["num"]
    if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
        return True  # "03", "0812...": a code or a phone number
    if _CLOCK_OR_DATE.match(text, m.start("num")):
        return True
    before = text[: m.start()].split()
    after = text[m.end() :].split()
    near = [w.strip(".,").lower() for w in (before[-1:] + after[:1])]
    return any(w in MONTHS for w in near)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


def _label_before(text: str, pos: int, taken: int) -> tuple[str, int] | None:
    """The word just before a number ("sisa 12", "jumlah: 40") not already in a figure."""
    m = _LABEL_BEFORE.search(text, max(taken, pos - 40), pos)
    return None if m is None else (m.group(1), m.start(1))


def _unit_after(text: str, pos: int, skip: list[tuple[int, int]]) -> tuple[str, int]:
    """The words after a number that say what it counts, and where they end."""
    words: list[str] = []
    end = pos
    limit = _UNIT_WORDS
    while len(words) < limit:
        m = _WORD.match(text, end)
        if m is None or _ends_unit(m.group(1)) or _overlaps(m.start(1), m.end(1), skip):
            break
        word = m.group(1)
        if words and word.lower() in _STATE_VERBS:
            break
        if not words and word.lower() in COUNTED:
            return word, m.end()
        if not words and word.lower() in MEASURES:
            limit = 1 + _MEASURE_GOODS
        words.append(word)
        end = m.end()
    return " ".join(words), end


def _ends_unit(word: str) -> bool:
    """Stop words, negations and verbs end a unit: units are nouns."""
    lower = word.lower()
    if lower in _STOP_WORDS:
        return True
    if lower in _NOT_VERBS or lower in COUNTED or lower in MEASURES:
        return False
    # Passive verbs: disalurkan, diterima, didata, terdata, tersalurkan; delivered, registered.
    passive_id = (lower.startswith("di") and len(lower) >= 5) or (
        lower.startswith("ter") and len(lower) >= 7
    )
    # Active verbs: mengungsi, menerima, membagikan, berangkat (but not beras, mesin, meja).
    active_id = lower.startswith(("me", "ber")) and len(lower) >= 7
    passive_en = lower.endswith("ed") and len(lower) >= 5 and not lower.endswith("eed")
    return passive_id or active_id or passive_en
