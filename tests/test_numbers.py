"""Numbers and money as people write them, kept as Decimal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session

from core.language.figures import Figure, Reading, read_figures
from core.language.numbers import (
    NumberError,
    format_amount,
    format_number,
    parse_amount,
    spelled_as_digits,
)
from core.models import Commitment
from tests.chat import Chat


class TestParseAmount:
    """Amounts in Indonesian and English forms read to exact Decimals."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2.500.000", "2500000"),
            ("2,5 jt", "2500000"),
            ("Rp 2,5 juta", "2500000"),
            ("Rp2.500.000", "2500000"),
            ("Rp. 500rb", "500000"),
            ("Rp2.500.000,-", "2500000"),
            ("1,5 M", "1500000000"),
            ("500rb", "500000"),
            ("500 ribu", "500000"),
            ("2,500,000", "2500000"),
            ("2.5m", "2500000"),
            ("1,5 m", "1500000"),
            ("2.5 million", "2500000"),
            ("10k", "10000"),
            ("1 miliar", "1000000000"),
            ("3 T", "3000000000000"),
            ("3 triliun", "3000000000000"),
            ("IDR 2.500.000", "2500000"),
            ("2.500", "2500"),
            ("2,500", "2.5"),
            ("2,5", "2.5"),
            ("2.500.000,50", "2500000.5"),
            ("750rbu", "750000"),
            ("45", "45"),
        ],
    )
    def test_indonesian_reading(self, text: str, expected: str) -> None:
        """With lang="id" a dot before three digits groups thousands and a comma is decimal."""
        value = parse_amount(text)
        assert isinstance(value, Decimal)
        assert value == Decimal(expected)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2,500,000", "2500000"),
            ("2,500", "2500"),
            ("2.500", "2.5"),
            ("2.5m", "2500000"),
            ("2.5M", "2500000"),
            ("2.5 million", "2500000"),
            ("10k", "10000"),
            ("1.5 billion", "1500000000"),
            ("IDR 2,500,000.50", "2500000.5"),
            ("2.500.000", "2500000"),
        ],
    )
    def test_english_reading(self, text: str, expected: str) -> None:
        """With lang="en" a comma before three digits groups thousands and M is million."""
        assert parse_amount(text, lang="en") == Decimal(expected)

    def test_whole_amounts_have_no_decimal_places(self) -> None:
        """A multiplied amount is a whole Decimal, not 2500000.0."""
        assert str(parse_amount("2,5 jt")) == "2500000"

    @pytest.mark.parametrize(
        "text", ["abc", "", "1.2.3,4,5", "2..5", "12.34.567", "Rp", "2,5 jt jt", "-5"]
    )
    def test_junk_raises(self, text: str) -> None:
        """Anything that is not an amount raises NumberError("number.not_understood")."""
        with pytest.raises(NumberError) as caught:
            parse_amount(text)
        assert caught.value.key == "number.not_understood"
        assert caught.value.params == {"text": text}


def _read(text: str, lang: str = "id") -> list[tuple[Decimal, str]]:
    return [(f.value, f.unit) for f in read_figures(text, lang=lang).figures]


class TestReadFigures:
    """The numbers in a field update are found with what they count."""

    def test_unit_stops_at_passive_verb(self) -> None:
        """ "disalurkan" ends the unit."""
        text = "45 paket sembako disalurkan di Desa Sukamaju"
        assert read_figures(text).figures == (Figure(Decimal(45), "paket sembako", 0, 16),)

    def test_money_is_idr(self) -> None:
        """Rupiah amounts are figures with unit "IDR"."""
        figure = read_figures("Rp 2,5 juta untuk transport").figures[0]
        assert figure == Figure(Decimal(2500000), "IDR", 0, 11)
        assert figure.money

    def test_two_figures_split_at_conjunction(self) -> None:
        """ "dan" ends the first unit and "terdata" the second."""
        assert read_figures("120 KK dan 35 lansia terdata").figures == (
            Figure(Decimal(120), "KK", 0, 6),
            Figure(Decimal(35), "lansia", 11, 20),
        )

    def test_english_update(self) -> None:
        """English stop words and "-ed" verbs end units too."""
        assert _read("200 food parcels delivered to 3 villages", "en") == [
            (Decimal(200), "food parcels"),
            (Decimal(3), "villages"),
        ]

    def test_unit_is_at_most_three_words_and_stops_at_punctuation(self) -> None:
        """Units take at most three words and never cross a comma."""
        assert _read("40 rumah warga miskin ekstrem, 12 rusak") == [
            (Decimal(40), "rumah warga miskin"),
            (Decimal(12), "rusak"),
        ]

    def test_thousands_follow_the_language(self) -> None:
        """ "2.500 paket" is 2500 in Indonesian."""
        assert read_figures("2.500 paket").figures == (Figure(Decimal(2500), "paket", 0, 11),)

    def test_dates_and_times_are_not_figures(self) -> None:
        """Clock times, numeric dates and days or years next to a month are skipped."""
        text = "Rapat 17:00, 30 Des 2026: 10kg beras, 5/12 dan 75% selesai"
        assert _read(text) == [(Decimal(10), "kg beras"), (Decimal(75), "%")]

    def test_skip_spans_are_left_out(self) -> None:
        """Spans given in `skip` (the moment phrase) hold no figures."""
        text = "45 paket besok jam 9"
        assert read_figures(text, skip=[(9, 20)]).figures == (Figure(Decimal(45), "paket", 0, 8),)

    def test_glued_multiplier_is_money_and_spaced_letter_a_unit(self) -> None:
        """ "500rb" is Rp500.000 (it used to be a unit-less 500000), "100 m jalan" 100 metres."""
        assert _read("500rb untuk 100 m jalan") == [
            (Decimal(500000), "IDR"),
            (Decimal(100), "m jalan"),
        ]

    def test_numbers_inside_words_are_not_figures(self) -> None:
        """ "RT05" is a name, not five of something."""
        assert read_figures("RT05 selesai").figures == ()

    def test_names_and_codes_are_not_figures(self) -> None:
        """A number after RT, tahap or jam, with a leading zero or after a dash names a thing."""
        text = "Rapat RT 03 tahap 2, hubungi 0812 3456, posyandu ke-2"
        assert read_figures(text) == Reading((), ())


class TestWhatTheReaderIsUnsureOf:
    """Every guess is named, so the reply can say it."""

    def test_bare_thousands_group_is_money_with_a_doubt(self) -> None:
        """ "2.500.000" alone is read as Rp2.500.000 and the reading is flagged."""
        reading = read_figures("2.500.000")
        assert reading.figures == (Figure(Decimal(2500000), "IDR", 0, 9),)
        assert [(d.kind, d.written) for d in reading.doubts] == [("money_guess", "2.500.000")]

    def test_bare_small_number_has_no_unit_and_says_so(self) -> None:
        """A lone "45" is kept as a bare number, flagged so the person can add the unit."""
        reading = read_figures("45")
        assert reading.figures == (Figure(Decimal(45), "", 0, 2),)
        assert [d.kind for d in reading.doubts] == ["no_unit"]

    def test_money_forms_and_labelled_counts_are_sure(self) -> None:
        """Rp, rb, jt and a label before a number leave nothing to doubt."""
        assert read_figures("Rp 2,5 jt dan 500rb, sisa 12").doubts == ()

    def test_label_span_starts_at_the_label(self) -> None:
        """ "sisa 12" spans the label and the number."""
        assert read_figures("sisa 12").figures == (Figure(Decimal(12), "sisa", 0, 7),)


class TestFormatting:
    """Amounts and numbers are shown the way each language writes them."""

    def test_amount_in_indonesian(self) -> None:
        """Rupiah in Indonesian: "Rp2.500.000", no decimals."""
        assert format_amount(Decimal("2500000"), lang="id") == "Rp2.500.000"

    def test_amount_in_english(self) -> None:
        """Rupiah in English: "IDR 2,500,000", no decimals."""
        assert format_amount(Decimal("2500000"), lang="en") == "IDR 2,500,000"

    def test_rupiah_fraction_is_rounded(self) -> None:
        """Rupiah shows no decimals even when the amount has some."""
        assert format_amount(Decimal("2500000.6"), lang="id") == "Rp2.500.001"

    def test_other_currency_keeps_its_decimals(self) -> None:
        """Other currencies use Babel's usual format."""
        assert format_amount(Decimal("12.5"), lang="en", currency="USD") == "$12.50"

    @pytest.mark.parametrize(("lang", "expected"), [("id", "2.500,5"), ("en", "2,500.5")])
    def test_number(self, lang: str, expected: str) -> None:
        """Plain numbers use the language's separators."""
        assert format_number(Decimal("2500.5"), lang=lang) == expected


def test_rupiah_sign_means_indonesian_forms_for_english_readers() -> None:
    """An English reader's "Rp 1,5 M" is still 1.5 miliar: the Rp says how it was written."""
    assert parse_amount("Rp 1,5 M", lang="en") == Decimal(1_500_000_000)
    assert parse_amount("Rp 2.500.000", lang="en") == Decimal(2_500_000)


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet="0123456789.,:/-%+ RpjtrbMkKsiaKPMdn", max_size=40) | st.text(max_size=40))
def test_any_text_gives_ordered_figures_inside_it(text: str) -> None:
    """Whatever is typed, figures lie inside the text in order, or the number is refused."""
    try:
        reading = read_figures(text)
    except NumberError as error:
        assert error.key == "number.too_large"
        return
    end = 0
    for figure in reading.figures:
        assert end <= figure.start < figure.end <= len(text)
        end = figure.end
    assert {d.figure for d in reading.doubts} <= set(reading.figures)


class TestNumbersInWords:
    """Numbers typed as words are read like digits, and nothing else moves."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("dua puluh paket sembako", [(Decimal(20), "paket sembako")]),
            ("dua belas KK didata", [(Decimal(12), "KK")]),
            ("seratus dua puluh tiga jiwa", [(Decimal(123), "jiwa")]),
            ("seribu dua ratus lima puluh KK", [(Decimal(1250), "KK")]),
            ("lima juta untuk transport", [(Decimal(5_000_000), "IDR")]),
            ("Rp dua juta lima ratus ribu", [(Decimal(2_500_000), "IDR")]),
            ("nol tenda tersisa", [(Decimal(0), "tenda")]),
            ("twelve families visited", [(Decimal(12), "families")]),
            ("twenty-five kits", [(Decimal(25), "kits")]),
            ("two hundred and fifty kits delivered", [(Decimal(250), "kits")]),
            ("zero tents left", [(Decimal(0), "tents")]),
        ],
    )
    def test_spelled_numbers_become_figures(
        self, text: str, expected: list[tuple[Decimal, str]]
    ) -> None:
        """Indonesian and English number words give the same figures as digits would."""
        reading = read_figures(text, lang="id" if "twelve" not in text else "en")
        assert [(f.value, f.unit) for f in reading.figures] == expected

    @pytest.mark.parametrize(
        "text",
        [
            "salah satu warga sakit",
            "one of the villages",
            "kedua desa",
            "jeruk limau",
            "Satuan",
            "Kecamatan Pulau Seribu Utara",
            "warga Kampung Lima",
            "Desa Tiga Ratus",
        ],
    )
    def test_articles_and_other_words_are_not_counts(self, text: str) -> None:
        """ "satu"/"one" alone are articles, and words that merely contain a number are words."""
        assert read_figures(text).figures == ()

    def test_every_other_character_keeps_its_place(self) -> None:
        """The digits are padded to the words' length, so spans stay spans of the original."""
        text = "dua puluh paket, lima KK"
        spelled = spelled_as_digits(text)
        assert len(spelled) == len(text)
        assert spelled == "20        paket, 5    KK"

    def test_two_numbers_side_by_side_are_not_added(self) -> None:
        """ "tiga tujuh" is two numbers (3 and 7), not ten; "five and six" is 5 and 6."""
        assert spelled_as_digits("tiga tujuh").split() == ["3", "7"]
        assert spelled_as_digits("five and six").split() == ["5", "and", "6"]

    def test_a_commitment_quantity_in_words(self, chat: Chat, engine: Engine) -> None:
        """ "lima ratus paket sembako" asks for 500 paket, not a yes/no favour."""
        said = chat.send("ani", "/komitmen @dinsos lima ratus paket sembako sebelum 10 Des #pkh")
        assert "500 paket sembako" in said
        with Session(engine) as s:
            found = s.get(Commitment, 1)
            assert found is not None and str(found.quantity) == "500"


def test_units_written_in_other_cases_are_one_total(chat: Chat) -> None:
    """ "120 KK" and "30 kk" are one family count in the program summary: 150 KK, as first
    written, not two lines."""
    chat.send("budi", "/lapor #pkh 120 KK sudah menerima bantuan")
    chat.send("budi", "/lapor #pkh 30 kk di Desa Bogorame")
    said = chat.send("ani", "/program #pkh")
    assert "150 KK" in said
    assert "30 kk" not in said and "120 KK" not in said


def test_the_same_doubt_is_said_once() -> None:
    """ "7 … 7": two figures, one note that "7" has no unit."""
    reading = read_figures("{{ 7*7 }}")
    assert [f.value for f in reading.figures] == [Decimal(7), Decimal(7)]
    assert [(d.kind, d.written) for d in reading.doubts] == [("no_unit", "7")]
