"""Numbers and money as people write them, kept as Decimal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.language.numbers import (
    NumberError,
    Quantity,
    find_quantities,
    format_amount,
    format_number,
    parse_amount,
)


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


class TestFindQuantities:
    """The numbers in a field update are found with what they count."""

    def test_unit_stops_at_passive_verb(self) -> None:
        """ "disalurkan" ends the unit."""
        text = "45 paket sembako disalurkan di Desa Sukamaju"
        assert find_quantities(text) == [Quantity(Decimal(45), "paket sembako", 0, 16)]

    def test_money_is_idr(self) -> None:
        """Rupiah amounts are quantities with unit "IDR"."""
        text = "Rp 2,5 juta untuk transport"
        assert find_quantities(text) == [Quantity(Decimal(2500000), "IDR", 0, 11)]

    def test_two_quantities_split_at_conjunction(self) -> None:
        """ "dan" ends the first unit and "terdata" the second."""
        text = "120 KK dan 35 lansia terdata"
        assert find_quantities(text) == [
            Quantity(Decimal(120), "KK", 0, 6),
            Quantity(Decimal(35), "lansia", 11, 20),
        ]

    def test_english_update(self) -> None:
        """English stop words and "-ed" verbs end units too."""
        text = "200 food parcels delivered to 3 villages"
        assert [(q.value, q.unit) for q in find_quantities(text, lang="en")] == [
            (Decimal(200), "food parcels"),
            (Decimal(3), "villages"),
        ]

    def test_unit_is_at_most_three_words_and_stops_at_punctuation(self) -> None:
        """Units take at most three words and never cross a comma."""
        text = "40 rumah warga miskin ekstrem, 12 rusak"
        assert [(q.value, q.unit) for q in find_quantities(text)] == [
            (Decimal(40), "rumah warga miskin"),
            (Decimal(12), "rusak"),
        ]

    def test_thousands_follow_the_language(self) -> None:
        """ "2.500 paket" is 2500 in Indonesian."""
        assert find_quantities("2.500 paket") == [Quantity(Decimal(2500), "paket", 0, 11)]

    def test_dates_and_times_are_not_quantities(self) -> None:
        """Clock times, numeric dates and days or years next to a month are skipped."""
        text = "Rapat 17:00, 30 Des 2026: 10kg beras, 5/12 dan 75% selesai"
        assert [(q.value, q.unit) for q in find_quantities(text)] == [
            (Decimal(10), "kg beras"),
            (Decimal(75), "%"),
        ]

    def test_skip_spans_are_left_out(self) -> None:
        """Spans given in `skip` (the moment phrase) hold no quantities."""
        text = "45 paket besok jam 9"
        assert find_quantities(text, skip=[(9, 20)]) == [Quantity(Decimal(45), "paket", 0, 8)]

    def test_glued_multiplier_and_spaced_letter(self) -> None:
        """ "500rb" multiplies, but "100 m jalan" is 100 of something, not 100 million."""
        assert [(q.value, q.unit) for q in find_quantities("500rb untuk 100 m jalan")] == [
            (Decimal(500000), ""),
            (Decimal(100), "m jalan"),
        ]

    def test_numbers_inside_words_are_not_quantities(self) -> None:
        """ "RT05" is a name, not five of something."""
        assert find_quantities("RT05 selesai") == []


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
