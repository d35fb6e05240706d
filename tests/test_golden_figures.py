"""Golden table of field updates: the figures each must give, in both languages.

Each row is `language | update text | figures`, figures separated by ";". A figure is
`value unit` ("45 paket sembako"), `Rp value` for money, `value _` for a bare number and
`-` for none. "?money", "?unit" or "?decimal" after a figure says the reader must name it as a
guess (a bare amount read as money, a number with nothing counted, "2.500" read as 2,5 in
English). Every example of issue 11 is here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.language.figures import MONEY, read_figures

TABLE = """
# The issue's examples
id | sudah salurkan 45 paket sembako di Desa Sukamaju, sisa 12 | 45 paket sembako; 12 sisa
id | 2.500.000 | Rp 2500000 ?money
id | /lapor #sembako 2.500.000 | Rp 2500000 ?money
id | Rp 2,5 jt untuk transport dan 500rb konsumsi | Rp 2500000; Rp 500000
id | 45 paket sembako disalurkan, 3 KPM tidak di rumah | 45 paket sembako; 3 KPM
# Money in every Indonesian form
id | Rp2.500.000 untuk transport relawan | Rp 2500000
id | Rp 2.500.000,- untuk konsumsi | Rp 2500000
id | Rp. 750.000 biaya sewa tenda | Rp 750000
id | ongkos kirim 50.000,- dibayar | Rp 50000
id | biaya transport 350rb | Rp 350000
id | konsumsi 750rbu | Rp 750000
id | sewa mobil 1,2 jt | Rp 1200000
id | sewa mobil 1,2jt | Rp 1200000
id | dana desa 1,5 M | Rp 1500000000
id | anggaran 2 miliar untuk bantuan | Rp 2000000000
id | terkumpul 3 juta dari warga | Rp 3000000
id | donasi 500 ribu dari gereja | Rp 500000
id | 2,5 juta rupiah untuk beras | Rp 2500000
id | IDR 1.000.000 dari CSR | Rp 1000000
id | 500 rupiah per kg | Rp 500
id | bayar 150.000 ke tukang | Rp 150000 ?money
id | total belanja 1.250.000 | Rp 1250000 ?money
id | /lapor 12.500 | Rp 12500 ?money
id | Rp 100rb dan Rp 50rb | Rp 100000; Rp 50000
id | uang makan 25rb x 40 orang | Rp 25000; 40 orang
# Counts with field units
id | 120 KK dan 35 lansia terdata | 120 KK; 35 lansia
id | 12 KK baru terdata di Desa Sukamaju | 12 KK
id | Sudah 12 KK terdata di RT 03 | 12 KK
id | 30 balita ditimbang hari ini | 30 balita
id | 50 jiwa mengungsi ke balai desa | 50 jiwa
id | 25 orang hadir di rapat | 25 orang
id | 3 orang tidak hadir | 3 orang
id | 10 karung beras diterima | 10 karung beras
id | 10kg beras dan 5 liter minyak | 10 kg beras; 5 liter minyak
id | 2 dus air mineral dibagikan | 2 dus air mineral
id | 200 lembar terpal sudah dibagi | 200 lembar terpal
id | 4 unit genset menyala | 4 unit genset
id | 40 rumah warga miskin ekstrem, 12 rusak | 40 rumah warga miskin; 12 rusak
id | 3 desa terdampak banjir | 3 desa
id | 2.500 paket disalurkan | 2500 paket
id | 1.200 KPM menerima BPNT | 1200 KPM
id | 5 ribu orang mengungsi | 5000 orang
id | 2 juta jiwa terdampak | 2000000 jiwa
id | 45 paket sembako belum disalurkan | 45 paket sembako
id | 8 KPM nggak ada di rumah | 8 KPM
id | 6 KPM bukan warga sini | 6 KPM
id | 15 paket sembako untuk 15 KK | 15 paket sembako; 15 KK
id | 75% data sudah diverifikasi | 75 %
id | 0,5 kg garam per KK | 0.5 kg garam
id | 1,5 ton beras tiba di gudang | 1.5 ton beras
id | 100 m jalan rusak | 100 m jalan rusak
id | 500m saluran air diperbaiki | 500 m saluran air
id | sumbangan 2M dari perusahaan | Rp 2000000000
id | 20 relawan berangkat pagi ini | 20 relawan
id | 7 ibu hamil diperiksa | 7 ibu hamil
id | 9 posko dibuka | 9 posko
id | udah 20 pkt sembako, 3 org blm ketemu | 20 pkt sembako; 3 org
id | 4 krg beras + 10 ltr minyak | 4 krg beras; 10 ltr minyak
# A label before a bare number
id | sisa 12 | 12 sisa
id | tersisa 8 | 8 tersisa
id | jumlah: 40 | 40 jumlah
id | hadir 25, absen 3 | 25 hadir; 3 absen
id | stok beras 30, minyak 12 | 30 beras; 12 minyak
id | penerima 150 | 150 penerima
id | rusak 4 dan hilang 2 | 4 rusak; 2 hilang
id | kurang 5 lagi | 5 kurang
id | bantuan Rp 300rb per KK untuk 45 KK | Rp 300000; 45 KK
id | 25 hadir, 3 izin | 25 hadir; 3 izin
id | Desa Sukamaju RW 3 sudah 20 KK | 20 KK
id | distribusi tertunda 3 hari | 3 hari
id | rumah No. 12 sudah dikunjungi | -
id | 1,5 ton beras tiba di gudang kecamatan | 1.5 ton beras
# Numbers that name things, and moments
id | Rapat RT 05 membahas jadwal posyandu | -
id | Laporan tahap 2 penyaluran bantuan pangan untuk 120 KK | 120 KK
id | Penyaluran gelombang 3 selesai | -
id | posyandu ke-2 bulan ini | -
id | hubungi 0812 3456 7890 | -
id | Rapat 17:00 di balai desa | -
id | kegiatan 30 Des 2026 di posko | -
id | data per 5/12 sudah masuk | -
id | RT05 selesai didata | -
id | kunjungan jam 9 ke rumah Bu Sari | -
id | minggu 2 distribusi lancar | -
# Bare numbers with nothing counted
id | 45 | 45 _ ?unit
id | sudah 45 | 45 _ ?unit
id | dan 12 | 12 _ ?unit
# English updates
en | 200 food parcels delivered to 3 villages | 200 food parcels; 3 villages
en | 45 parcels delivered, 3 families not at home | 45 parcels; 3 families
en | Rp 2.500.000 spent on transport | Rp 2500000
en | IDR 2,500,000.50 for fuel | Rp 2500000.5
en | 2.5m for transport | Rp 2500000
en | 10k for snacks | Rp 10000
en | 1.5 billion from the district | Rp 1500000000
en | 2,500,000 | Rp 2500000 ?money
en | 2,500 parcels delivered | 2500 parcels
en | 2.500 parcels delivered | 2.5 parcels ?decimal
en | 1.500 | 1.5 _ ?decimal ?unit
id | 2,500 paket diterima | 2.5 paket ?decimal
id | 1,5 kg gula | 1.5 kg gula
en | 30 children weighed today | 30 children
en | 12 households registered | 12 households
en | 25 people attended the meeting | 25 people
en | remaining 12 | 12 remaining
en | total 45 | 45 total
en | 3 million people affected | 3000000 people
en | 20 volunteers were trained | 20 volunteers
en | 5 sacks rice received | 5 sacks rice
en | 60% of data verified | 60 %
en | meeting at 17:00 with phase 2 team | -
en | 45 | 45 _ ?unit
en | Rp 1,5 M from CSR | Rp 1500000000
en | 500rb for snacks | Rp 500000
en | 4 houses not reached | 4 houses
en | 8 boxes of soap | 8 boxes
en | 25 present, 3 absent | 25 present; 3 absent
en | Rp 300rb per household for 45 households | Rp 300000; 45 households
en | 12 families still waiting | 12 families
en | 150 hygiene kits handed over to the village office | 150 hygiene kits
en | 40 households did not receive aid | 40 households
en | 2 trucks arrived with 300 sacks of rice | 2 trucks; 300 sacks
en | spent Rp 750.000 on fuel and 250rb on food | Rp 750000; Rp 250000
en | budget left 12,000,000 | Rp 12000000 ?money
en | 5 boats and 20 volunteers deployed | 5 boats; 20 volunteers
en | absent 4 | 4 absent
en | 1,200 people registered in 3 villages | 1200 people; 3 villages
en | 45 food parcels, 3 families not home | 45 food parcels; 3 families
en | 7 pregnant women checked | 7 pregnant women
en | RT 04 done, 35 houses visited | 35 houses
"""

_DOUBTS = {"?money": "money_guess", "?unit": "no_unit", "?decimal": "decimal"}


def _expected(cell: str) -> tuple[list[tuple[Decimal, str]], list[str]]:
    """The figures and doubts a table cell asks for."""
    figures: list[tuple[Decimal, str]] = []
    doubts: list[str] = []
    for item in [] if cell == "-" else cell.split(";"):
        words = item.split()
        doubts += [_DOUBTS[w] for w in words if w in _DOUBTS]
        words = [w for w in words if w not in _DOUBTS]
        if words[0] == "Rp":
            figures.append((Decimal(words[1]), MONEY))
        else:
            unit = " ".join(words[1:])
            figures.append((Decimal(words[0]), "" if unit == "_" else unit))
    return figures, doubts


ROWS = [
    tuple(cell.strip() for cell in line.split("|"))
    for line in TABLE.splitlines()
    if line.strip() and not line.startswith("#")
]


def test_the_table_is_large_enough() -> None:
    """At least 80 updates, in both languages, as issue 11 asks."""
    assert len(ROWS) >= 80
    assert {lang for lang, _, _ in ROWS} == {"id", "en"}


@pytest.mark.parametrize(("lang", "text", "cell"), ROWS, ids=[row[1] for row in ROWS])
def test_golden_update(lang: str, text: str, cell: str) -> None:
    """The reader finds exactly the figures in the table, and names exactly its guesses."""
    reading = read_figures(text, lang=lang)
    figures, doubts = _expected(cell)
    assert [(f.value, f.unit) for f in reading.figures] == figures
    assert [d.kind for d in reading.doubts] == doubts


@pytest.mark.parametrize(("lang", "text", "cell"), ROWS, ids=[row[1] for row in ROWS])
def test_spans_hold_what_was_read(lang: str, text: str, cell: str) -> None:
    """Each figure's span lies in the text, in order, and starts or ends at its number."""
    end = 0
    for figure in read_figures(text, lang=lang).figures:
        assert end <= figure.start < figure.end <= len(text)
        assert any(ch.isdigit() for ch in text[figure.start : figure.end])
        end = figure.end
