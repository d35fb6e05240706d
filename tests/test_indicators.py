"""Indicators, as a chat log: a manager defines them, field updates feed them, values are checked."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from core.models import FieldUpdate, Indicator, IndicatorValue, OutboxMessage, Review
from core.people.directory import person_by_handle
from tests.chat import Chat, unmarked

PENERIMA = (
    '/indikator #pkh tambah penerima "Keluarga penerima manfaat" keluarga target 1200 baseline 0'
)
POSYANDU = (
    '/indikator #pkh tambah posyandu "Posyandu aktif" posyandu target 40 terakhir per wilayah'
)
RECIPIENTS = (
    '/indicator #gizi add recipients "Beneficiary families" families target 1200 baseline 0'
)


def values(engine: Engine) -> list[IndicatorValue]:
    with Session(engine) as s:
        return list(s.exec(select(IndicatorValue).order_by(col(IndicatorValue.id))))


def count_of(engine: Engine, table: type) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(table)).one()


def notices(engine: Engine, handle: str) -> list[OutboxMessage]:
    """The notifications queued for a person (not replies), oldest first."""
    with Session(engine) as s:
        person = person_by_handle(s, handle)
        assert person is not None
        return list(
            s.exec(
                select(OutboxMessage)
                .where(OutboxMessage.person_id == person.id, col(OutboxMessage.chat_id).is_(None))
                .order_by(col(OutboxMessage.id))
            )
        )


class TestIndikator:
    """Defining, reporting and reading indicators in Bahasa Indonesia."""

    def test_define_then_show_value_against_target(self, chat: Chat) -> None:
        """The reply repeats what was defined; /indikator shows value, target, bar and percent."""
        said = chat.send("ani", PENERIMA)
        assert "Indikator penerima ditambahkan ke #pkh: Keluarga penerima manfaat" in said
        assert "Target 1.200 keluarga · baseline 0 · digabung: jumlah" in said
        shown = chat.send("budi", "/indikator #pkh")
        assert "penerima — Keluarga penerima manfaat" in shown
        assert "0 / 1.200 keluarga  ░░░░░░░░ 0% (jumlah)" in shown

    def test_explicit_report_says_what_was_counted(self, chat: Chat) -> None:
        """`penerima=45` counts at once and the reply names the indicator and the region."""
        chat.send("ani", PENERIMA)
        chat.send("ani", POSYANDU)
        said = chat.send("budi", "/lapor #pkh posyandu=4 desa=Sukamaju")
        assert "Dihitung: posyandu +4 (Sukamaju) · salah? /batal lapor 1" in said
        said = chat.send("budi", "/lapor #pkh penerima=45 pembagian tahap 2")
        assert "Dihitung: penerima +45 · salah? /batal lapor 2" in said
        assert "• 45 penerima" in said

    def test_plain_update_matches_by_unit_and_by_name(self, chat: Chat) -> None:
        """ "30 keluarga" is penerima by its unit, "12 keluarga penerima manfaat" by its name."""
        chat.send("ani", PENERIMA)
        said = chat.send("budi", "30 keluarga menerima bantuan, 3 KPM tidak di rumah")
        assert "Dihitung: penerima +30" in said
        assert "Tidak cocok dengan indikator: 3 KPM" in said
        said = chat.send("budi", "/lapor #pkh 12 keluarga penerima manfaat didata")
        assert "Dihitung: penerima +12" in said
        assert "42 / 1.200 keluarga" in chat.send("ani", "/indikator #pkh")

    def test_no_indicators_no_word_about_matching(self, chat: Chat) -> None:
        """A program without indicators gets the reply it always had: nothing about matching."""
        said = chat.send("yohana", "/lapor #gizi 30 balita ditimbang")
        assert "Dihitung" not in said and "indikator" not in said.text

    def test_two_indicators_of_one_unit_count_neither(self, chat: Chat) -> None:
        """A figure two indicators could take is counted for none, and the reply asks for a code."""
        chat.send("ani", PENERIMA)
        chat.send("ani", '/indikator #pkh tambah graduasi "Keluarga graduasi" keluarga target 100')
        said = chat.send("budi", "/lapor #pkh 5 keluarga")
        assert "cocok dengan beberapa indikator (penerima, graduasi)" in said
        assert "misalnya penerima=5" in said
        assert values(chat.engine) == []

    def test_regions_are_one_place_whatever_the_case_and_spacing(self, chat: Chat) -> None:
        """ "Desa  sukamaju" and "desa Sukamaju" are one region, shown as first written."""
        chat.send("ani", '/indikator #pkh tambah kpm "KPM didampingi" kpm target 100 per wilayah')
        chat.send("budi", '/lapor #pkh kpm=10 desa="Desa  Sukamaju"')
        chat.send("budi", '/lapor #pkh kpm=5 desa="desa sukamaju"')
        chat.send("budi", "/lapor #pkh kpm=7 kecamatan=Wedung")
        shown = chat.send("ani", "/indikator #pkh")
        assert "22 / 100 kpm  ██░░░░░░ 22% (jumlah)" in shown
        assert "• Desa Sukamaju: 15" in shown
        assert "• Wedung: 7" in shown

    def test_latest_takes_the_newest_value_per_region(self, chat: Chat) -> None:
        """With `terakhir`, each region keeps its newest value and regions add up."""
        chat.send("ani", POSYANDU)
        chat.send("budi", "/lapor #pkh posyandu=4 desa=Sukamaju")
        chat.send("yohana", "/lapor #pkh posyandu=2 desa=Bulusari")
        chat.clock.advance(timedelta(hours=1))
        chat.send("budi", "/lapor #pkh posyandu=6 desa=sukamaju")
        shown = chat.send("ani", "/indikator #pkh")
        assert "8 / 40 posyandu  ██░░░░░░ 20% (terakhir)" in shown
        assert "• Bulusari: 2" in shown and "• Sukamaju: 6" in shown

    def test_max_takes_the_largest_and_sum_starts_at_the_baseline(self, chat: Chat) -> None:
        """`maks` keeps the largest value; a sum adds to its baseline; 52% fills four blocks."""
        chat.send("ani", '/indikator #pkh tambah cakupan "Cakupan" persen target 100 maks')
        chat.send(
            "ani", '/indikator #pkh tambah penerima "Penerima" keluarga target 1200 baseline 600'
        )
        for value in ("40", "75", "60"):
            chat.send("budi", f"/lapor #pkh cakupan={value}")
        chat.send("budi", "/lapor #pkh penerima=24")
        shown = chat.send("ani", "/indikator #pkh")
        assert "75 / 100 persen  ██████░░ 75% (maks)" in shown
        assert "624 / 1.200 keluarga  ████░░░░ 52% (jumlah)" in shown

    def test_program_summary_has_one_indicators_line(self, chat: Chat) -> None:
        """/program #pkh gains a line with each indicator's percentage, only once there are some."""
        assert "Indikator:" not in chat.send("ani", "/program #pkh")
        chat.send("ani", PENERIMA)
        chat.send("budi", "/lapor #pkh penerima=600")
        assert "Indikator: penerima 50% · /indikator #pkh" in chat.send("ani", "/program #pkh")


class TestBadInput:
    """Each mistake gets a short reply with an example that works, and changes nothing."""

    def test_definition_mistakes(self, chat: Chat, engine: Engine) -> None:
        """A code that exists, a zero target, an unknown combine word, an unreadable number."""
        chat.send("ani", PENERIMA)
        cases = {
            PENERIMA: "sudah punya indikator penerima; tidak ada yang diubah",
            '/indikator #pkh tambah lulus "Lulus" orang target 0': "Target indikator harus lebih dari nol",
            '/indikator #pkh tambah lulus "Lulus" orang target 10 rata': 'Saya tidak mengenal "rata"',
            '/indikator #pkh tambah lulus "Lulus" orang target 1,2,0': 'Angka "1,2,0" tidak bisa saya baca',
            "/indikator #pkh tambah lulus": "Tulis kode, nama dalam tanda kutip, satuan, lalu target",
        }
        for typed, expected in cases.items():
            said = chat.send("ani", typed)
            assert expected in said, typed
            assert "/indikator #pkh" in said, typed
        assert count_of(engine, Indicator) == 1

    def test_report_mistakes_save_nothing(self, chat: Chat, engine: Engine) -> None:
        """An unknown code, an unreadable value, a region for an indicator without regions."""
        chat.send("ani", PENERIMA)
        cases = {
            "/lapor #pkh lulusan=45": '#pkh tidak punya indikator "lulusan"',
            "/lapor #pkh penerima=4,5,0": 'Nilai "4,5,0" untuk penerima tidak bisa saya baca',
            "/lapor #pkh penerima=45 desa=Sukamaju": "Indikator penerima tidak dirinci per wilayah",
        }
        for typed, expected in cases.items():
            said = chat.send("budi", typed)
            assert expected in said, typed
            assert "penerima=" in said, typed
        assert count_of(engine, FieldUpdate) == 0 and values(engine) == []

    def test_field_worker_cannot_define(self, chat: Chat, engine: Engine) -> None:
        """Only managers define indicators; the refusal says why."""
        said = chat.send("budi", PENERIMA)
        assert "Hanya manajer yang bisa membuat indikator" in said
        assert count_of(engine, Indicator) == 0


def flag_one(chat: Chat) -> int:
    """Budi reports 10 three times, then 200: the last value is flagged. Returns its number."""
    chat.send("ani", PENERIMA)
    for _ in range(3):
        chat.send("budi", "/lapor #pkh penerima=10")
    said = chat.send("budi", "/lapor #pkh penerima=200")
    assert (
        "penerima +200 tampak tidak wajar: tetap dicatat, dan manajer diminta memeriksanya" in said
    )
    return 4


class TestOutliers:
    """A value far from the reporter's usual is kept, and the managers are asked about it."""

    def test_ten_times_the_median_reaches_the_manager_with_two_buttons(self, chat: Chat) -> None:
        """The notice names the value, the reporter and the update, with Benar and Hapus."""
        number = flag_one(chat)
        [notice] = notices(chat.engine, "ani")
        text = unmarked(notice.text)
        assert "Nilai yang tampak tidak wajar di #pkh: penerima +200 dari Budi Santoso" in text
        assert "lebih dari 10× nilai biasanya" in text
        assert [b["command"] for b in notice.buttons[0]] == [
            f"indicator correct {number}",
            f"indicator remove {number}",
        ]
        assert [b["label"] for b in notice.buttons[0]] == ["✅ Benar", "🗑️ Hapus"]
        assert "230 / 1.200" in chat.send("ani", "/indikator #pkh")
        assert "1 nilai menunggu pemeriksaan manajer" in chat.send("ani", "/indikator #pkh")

    def test_too_few_earlier_values_or_ordinary_ones_are_not_flagged(self, chat: Chat) -> None:
        """Two earlier values are not enough history; nine times the median is ordinary."""
        chat.send("ani", PENERIMA)
        for value in ("10", "10", "500"):
            chat.send("budi", f"/lapor #pkh penerima={value}")
        chat.send("budi", "/lapor #pkh penerima=90")
        assert notices(chat.engine, "ani") == []

    def test_negative_for_a_sum_is_flagged(self, chat: Chat) -> None:
        """A negative value of a sum is kept but flagged."""
        chat.send("ani", PENERIMA)
        said = chat.send("budi", "/lapor #pkh penerima=-5")
        assert "penerima -5 tampak tidak wajar (negatif)" in said
        [notice] = notices(chat.engine, "ani")
        assert "(@budi), nilainya negatif. Laporan 1" in unmarked(notice.text)

    def test_notice_waits_for_the_managers_working_time(self, chat: Chat) -> None:
        """Flagged on a Friday night, the notice is due on Monday morning."""
        chat.clock.set(datetime(2026, 11, 27, 22, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
        flag_one(chat)
        [notice] = notices(chat.engine, "ani")
        due = notice.due_at.astimezone(ZoneInfo("Asia/Jakarta"))
        assert (due.weekday(), due.hour) == (0, 8)

    def test_benar_keeps_it_and_a_second_press_changes_nothing(self, chat: Chat) -> None:
        """Benar unflags the value; pressing again says it was already checked."""
        number = flag_one(chat)
        said = chat.send("ani", f"indicator correct {number}", button=True)
        assert f"Nilai {number} (penerima +200) dibenarkan dan tetap dihitung" in said
        assert "penerima kini 230 / 1.200 (19%)" in said
        assert values(chat.engine)[-1].review == Review.CONFIRMED
        again = chat.send("ani", f"indicator remove {number}", button=True)
        assert f"Nilai {number} sudah diperiksa dan dibenarkan; tidak ada yang diubah" in again
        assert values(chat.engine)[-1].withdrawn_at is None

    def test_hapus_withdraws_the_value(self, chat: Chat) -> None:
        """Hapus takes the value out of the count; a second press says so."""
        number = flag_one(chat)
        said = chat.send("ani", f"indicator remove {number}", button=True)
        assert "dihapus dari hitungan" in said and "penerima kini 30 / 1.200 (3%)" in said
        again = chat.send("ani", f"indicator correct {number}", button=True)
        assert f"Nilai {number} sudah dihapus dari hitungan; tidak ada yang diubah" in again

    def test_buttons_refuse_who_may_not_answer(self, chat: Chat) -> None:
        """A field worker is refused; a partner of another program is told it does not exist."""
        number = flag_one(chat)
        said = chat.send("budi", f"indicator correct {number}", button=True)
        assert f"Hanya manajer yang bisa memeriksa nilai indikator {number}" in said
        said = chat.send("tom", f"indicator remove {number}", button=True)
        assert f"Indicator value {number} was not found" in said
        missing = chat.send("tom", "indicator remove 99", button=True)
        assert missing.text == said.text.replace(f"value {number} ", "value 99 ")
        assert values(chat.engine)[-1].review == Review.FLAGGED


class TestWithdrawal:
    """/batal lapor takes an update and its values out of the count, keeping them on record."""

    def test_author_withdraws_and_values_stop_counting(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", POSYANDU)
        chat.send("budi", "/lapor #pkh posyandu=4 desa=Sukamaju")
        said = chat.send("budi", "/batal lapor 1")
        assert "Laporan 1 untuk #pkh ditarik; tidak dihitung lagi: posyandu +4 (Sukamaju)" in said
        assert "0 / 40 posyandu" in chat.send("ani", "/indikator #pkh")
        assert count_of(engine, FieldUpdate) == 1
        assert values(engine)[0].withdrawn_at is not None
        again = chat.send("budi", "/batal lapor 1")
        assert "Laporan 1 sudah ditarik" in again and "tidak ada yang diubah" in again

    def test_who_may_withdraw(self, chat: Chat) -> None:
        """Another field worker may not; someone off the program is told it does not exist;
        a manager may, and the author is told."""
        chat.send("ani", PENERIMA)
        chat.send("budi", "/lapor #pkh penerima=45")
        assert "Hanya pengirim laporan 1 atau manajer" in chat.send("yohana", "/batal lapor 1")
        assert "Update 1 was not found" in chat.send("kevin", "/cancel update 1")
        said = chat.send("ani", "/batal lapor 1")
        assert "Laporan 1 untuk #pkh ditarik" in said
        assert "Ani Wijaya (@ani) menarik laporan Anda 1" in chat.inbox("budi")[-1]


class TestVisibility:
    """Everyone on a program sees its indicators; a partner only their organisation's programs."""

    def test_partner_sees_only_programs_of_their_organisation(self, chat: Chat) -> None:
        chat.send("ani", PENERIMA)
        assert "penerima — Keluarga penerima manfaat" in chat.send("harjo", "/indikator #pkh")
        hidden = chat.send("tom", "/indicator #pkh")
        missing = chat.send("tom", "/indicator #nope")
        assert "There is no program #pkh" in hidden
        assert hidden.text.replace("#pkh", "#nope") == missing.text


class TestIndicatorsInEnglish:
    """The same day in English."""

    def test_define_report_and_read(self, chat: Chat) -> None:
        said = chat.send("sarah", RECIPIENTS)
        assert "Indicator recipients added to #gizi: Beneficiary families" in said
        assert "Target 1,200 families · baseline 0 · combined: sum" in said
        said = chat.send("kevin", "/report #gizi recipients=45")
        assert "Counted: recipients +45 · wrong? /cancel update 1" in said
        said = chat.send("kevin", "/report #gizi 30 families reached, 4 volunteers")
        assert "Counted: recipients +30" in said
        assert "Matched no indicator: 4 volunteers" in said
        shown = chat.send("tom", "/indicator #gizi")
        assert "75 / 1,200 families  ░░░░░░░░ 6% (sum)" in shown

    def test_bad_input_in_english(self, chat: Chat) -> None:
        chat.send("sarah", RECIPIENTS)
        assert "target must be more than zero" in chat.send(
            "sarah", '/indicator #gizi add kids "Kids" kids target 0'
        )
        assert 'I do not know "average" here' in chat.send(
            "sarah", '/indicator #gizi add kids "Kids" kids target 10 average'
        )
        said = chat.send("kevin", "/report #gizi recipients=45 village=Oesao")
        assert "Indicator recipients is not broken down by region" in said
        assert "/report #gizi recipients=45" in said
        said = chat.send("kevin", "/report #gizi kids=4")
        assert '#gizi has no indicator "kids", so this update was not saved' in said

    def test_by_region_and_withdrawal(self, chat: Chat) -> None:
        chat.send(
            "sarah", '/indicator #gizi add posts "Active posts" posts target 10 latest by region'
        )
        said = chat.send("kevin", "/report #gizi posts=3 village=Oesao")
        assert "Counted: posts +3 (Oesao)" in said
        said = chat.send("kevin", "/cancel update 1")
        assert "Update 1 for #gizi withdrawn; no longer counted: posts +3 (Oesao)" in said


class TestPrecision:
    """Values stay exact decimals on SQLite and PostgreSQL."""

    def test_a_tenth_ten_times_is_one(self, chat: Chat) -> None:
        chat.send("ani", '/indikator #pkh tambah skor "Skor" poin target 1')
        for _ in range(10):
            chat.send("budi", "/lapor #pkh skor=0,1")
        assert "1 / 1 poin  ████████ 100% (jumlah)" in chat.send("ani", "/indikator #pkh")
        assert sum(v.value for v in values(chat.engine)) == Decimal("1")
