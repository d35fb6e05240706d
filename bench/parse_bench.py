"""Cost of reading moments: per golden phrase (parse_moment) and per whole command (find_moment).

The whole commands are a sample of real ones and every row of tests/golden/moments.tsv.

Run from the project root as `python bench/parse_bench.py`. Prints mean and p99 in ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

# A script's own folder comes first on sys.path; the project root is needed for core and tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.language.grammar import extract_mentions
from core.language.moments import AmbiguousMoment, find_moment, parse_moment
from tests.test_golden_moments import NOWS, ROWS
from tests.test_moments import ENGLISH, INDONESIAN

TZ = "Asia/Jakarta"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo(TZ))
ROUNDS = 200

COMMANDS = [
    "Kirim 200 paket sembako ke Desa Sukamaju besok 17:00 @budi",
    "Rapat koordinasi penyaluran BLT besok jam 10 pagi 2j di Kantor Desa",
    "besok jam 9 telepon kepala desa soal data penerima",
    "Laporan tahap 2 penyaluran bantuan pangan untuk 120 KK",
    "Rapat RT 05 membahas jadwal posyandu",
    "Verifikasi data lansia tgl 5 Des pukul 13.00 di balai warga",
    "Tenggat laporan keuangan 30 Desember pukul 14.00",
    "Ingatkan saya 3 hari lagi untuk cek stok beras di gudang",
    "Survey rumah tidak layak huni Jumat, 4 Desember 2026 jam 8 pagi.",
    "Distribusi 45 paket sembako disalurkan di Desa Sukamaju, 35 lansia terdata",
    "Kunjungan lapangan senin depan 10:00 bersama pendamping PKH",
    "Kirim rekap penerima bantuan nanti malam",
    "Call the district office tomorrow at 17:00 about the food parcels",
    "Partner meeting next friday 9am with the village heads",
    "Deliver 300 hygiene kits to Posko 3 in 2 hours",
    "Budget review December 30 at 2pm, Rp 2,5 juta for transport",
    "Submit the phase 2 report for 120 households",
    "Follow up with Ibu Sari on the 45 parcels delivered today 8pm",
    "Training for 20 cadres on 5 Dec at the community hall",
    "Check the warehouse stock",
]


def _measure(call: Callable[[], object]) -> float:
    start = time.perf_counter_ns()
    call()
    return (time.perf_counter_ns() - start) / 1e6


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


def run(scale: str = "small", database: str | None = None) -> list[tuple[str, str, str]]:
    """p99 of parsing a moment, finding one in a command and reading an update's figures (no
    database: the same figures for both)."""
    from core.language.figures import read_figures
    from tests.test_golden_figures import ROWS as FIGURE_ROWS

    rounds = ROUNDS if scale == "national" else ROUNDS // 10
    parse_moment("30 Desember pukul 14.00", now=NOW, tz=TZ)  # loads dateparser's data
    phrases = [phrase for phrase, _, _ in INDONESIAN + ENGLISH]
    parsed = [
        _measure(lambda p=p: parse_moment(p, now=NOW, tz=TZ))
        for _ in range(rounds)
        for p in phrases
    ]
    found = [
        _measure(lambda t=t: find_moment(t, now=NOW, tz=TZ))
        for _ in range(rounds)
        for t in COMMANDS
    ]
    figures = [
        _measure(lambda t=text, lang=lang: read_figures(t, lang=lang))
        for _ in range(rounds)
        for lang, text, _ in FIGURE_ROWS
    ]
    return [
        ("parse: parse_moment p99, golden phrases", f"{_p99(parsed):.2f} ms", ""),
        ("parse: find_moment p99, whole commands", f"{_p99(found):.2f} ms", ""),
        ("parse: read_figures p99, golden updates", f"{_p99(figures):.2f} ms", "<= 2 ms"),
    ]


def _report(label: str, samples: list[float]) -> None:
    p99 = statistics.quantiles(samples, n=100)[98]
    print(f"{label:<44} mean {statistics.fmean(samples):6.3f} ms   p99 {p99:6.3f} ms")


def main() -> None:
    """Time parse_moment over the golden phrases and find_moment over whole commands."""
    first = _measure(lambda: parse_moment("30 Desember pukul 14.00", now=NOW, tz=TZ))
    print(f"{'first parse (loads dateparser data)':<44} {first:6.1f} ms")

    phrases = [phrase for phrase, _, _ in INDONESIAN + ENGLISH]
    samples: dict[str, list[float]] = {"id": [], "en": []}
    for _ in range(ROUNDS):
        for phrase, _, _ in INDONESIAN:
            samples["id"].append(_measure(lambda p=phrase: parse_moment(p, now=NOW, tz=TZ)))
        for phrase, _, _ in ENGLISH:
            samples["en"].append(_measure(lambda p=phrase: parse_moment(p, now=NOW, tz=TZ)))
    _report(f"parse_moment, {len(phrases)} golden phrases", samples["id"] + samples["en"])
    _report(f"  Indonesian ({len(INDONESIAN)})", samples["id"])
    _report(f"  English ({len(ENGLISH)})", samples["en"])

    whole = [
        _measure(lambda t=text: find_moment(t, now=NOW, tz=TZ))
        for _ in range(ROUNDS)
        for text in COMMANDS
    ]
    _report(f"find_moment, {len(COMMANDS)} whole commands", whole)

    rows = [(extract_mentions(text).rest, NOWS[now]) for text, now, _, _ in ROWS]
    golden = [
        _measure(lambda t=text, n=now: _find(t, n))
        for _ in range(ROUNDS // 4)
        for text, now in rows
    ]
    _report(f"find_moment, {len(ROWS)} golden moments rows", golden)


def _find(text: str, now: datetime) -> object:
    try:
        return find_moment(text, now=now, tz=TZ)
    except AmbiguousMoment as doubt:  # "Jumat 5 Des": asked, which costs the same to find
        return doubt


def bench_figures() -> None:
    """Time read_figures over the golden update texts (issue 11: under 2 ms p99 per message)."""
    from core.language.figures import read_figures
    from tests.test_golden_figures import ROWS

    samples = [
        _measure(lambda t=text, lang=lang: read_figures(t, lang=lang))
        for _ in range(ROUNDS)
        for lang, text, _ in ROWS
    ]
    _report(f"read_figures, {len(ROWS)} golden updates", samples)


if __name__ == "__main__":
    main()
    bench_figures()
