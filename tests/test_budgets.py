"""Budgets and expenses, as a chat log: lines planned, money spent, alerts, who may see what."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from core.db import unit_of_work
from core.models import AuditEntry, BudgetLine, Expense, OutboxMessage, Program
from core.people.directory import join_program, person_by_handle
from tests.chat import Chat

JAKARTA = ZoneInfo("Asia/Jakarta")


def expenses_of(engine: Engine) -> list[Expense]:
    with Session(engine) as s:
        return list(s.exec(select(Expense).order_by(col(Expense.id))))


def planned(engine: Engine) -> dict[str, Decimal]:
    with Session(engine) as s:
        return {line.name: line.planned for line in s.exec(select(BudgetLine))}


def set_period(engine: Engine, code: str, starts: date, ends: date) -> None:
    with unit_of_work(engine) as s:
        program = s.exec(select(Program).where(Program.code == code)).one()
        program.starts_on, program.ends_on = starts, ends
        s.add(program)


def alerts_to(engine: Engine, handle: str) -> list[OutboxMessage]:
    """The budget alerts queued for a person, with when each is due."""
    with Session(engine) as s:
        person = person_by_handle(s, handle)
        assert person is not None
        rows = s.exec(
            select(OutboxMessage)
            .where(OutboxMessage.person_id == person.id)
            .order_by(col(OutboxMessage.id))
        )
        return [row for row in rows if "budget-alert" in row.dedupe_key]


@pytest.fixture
def pkh(chat: Chat) -> Chat:
    """#pkh with two lines: transport Rp15.000.000 and honor petugas Rp10.000.000."""
    chat.send("ani", "/anggaran #pkh tambah transport 15.000.000")
    chat.send("ani", "/anggaran #pkh tambah Honor Petugas 10 jt")
    return chat


class TestAnggaran:
    """The budget in Bahasa Indonesia, as a manager keeps it."""

    def test_add_spend_and_see_the_budget(self, chat: Chat, engine: Engine) -> None:
        """Lines added, one expense matched by its words, the overview with totals."""
        said = chat.send("ani", "/anggaran #pkh tambah transport 15.000.000")
        assert "Pos anggaran transport ditambahkan ke #pkh: Rp15.000.000" in said
        chat.send("ani", "/anggaran #pkh tambah honor petugas 10 jt")
        said = chat.send("ani", "/belanja #pkh Rp 2.500.000 transport relawan")
        assert "Belanja 1 dicatat di #pkh: Rp2.500.000 untuk pos transport" in said
        assert "Pos transport: Rp2.500.000 dari Rp15.000.000 (16%), sisa Rp12.500.000" in said
        shown = chat.send("ani", "/anggaran #pkh")
        assert "• transport: Rp2.500.000 dari Rp15.000.000 (16%), sisa Rp12.500.000" in shown
        assert "• honor petugas: Rp0 dari Rp10.000.000 (0%), sisa Rp10.000.000" in shown
        assert "Total: Rp2.500.000 dari Rp25.000.000 terpakai (10%), sisa Rp22.500.000" in shown
        assert "Periode program belum diketahui" in shown

    def test_change_a_line(self, pkh: Chat, engine: Engine) -> None:
        said = pkh.send("ani", "/anggaran #pkh ubah transport 18 jt")
        assert "Pos anggaran transport (#pkh) diubah: Rp15.000.000 → Rp18.000.000" in said
        assert planned(engine)["transport"] == Decimal(18_000_000)

    def test_percent_of_the_period_gone(self, pkh: Chat, engine: Engine) -> None:
        """1 Nov to 30 Dec is 60 days; by the end of 27 Nov, 27 of them are gone: 45 %."""
        set_period(engine, "pkh", date(2026, 11, 1), date(2026, 12, 30))
        assert "Periode program berjalan: 45%" in pkh.send("ani", "/anggaran #pkh")

    def test_program_summary_has_one_budget_line(self, pkh: Chat) -> None:
        pkh.send("ani", "/belanja #pkh 2,5 jt transport")
        said = pkh.send("ani", "/program #pkh")
        assert "Pos anggaran: Rp25.000.000 direncanakan · Rp2.500.000 terpakai (10%)" in said

    def test_reversal_keeps_the_expense(self, pkh: Chat, engine: Engine) -> None:
        """/batal belanja marks it reversed; it stops counting and stays in the audit trail."""
        pkh.send("ani", "/belanja #pkh Rp 2.500.000 transport relawan")
        said = pkh.send("ani", "/batal belanja 1")
        assert "Belanja 1 dibatalkan: Rp2.500.000 tidak lagi dihitung di pos transport" in said
        assert "Pos transport: Rp0 dari Rp15.000.000 (0%)" in said
        [expense] = expenses_of(engine)
        assert expense.reversed_at is not None and expense.amount == Decimal(2_500_000)
        with Session(engine) as s:
            actions = s.exec(select(AuditEntry.action).where(AuditEntry.entity == "expense"))
            assert list(actions) == ["expense.record", "expense.reverse"]


class TestBudgetEnglish:
    """The same in English, as Sarah keeps #gizi."""

    def test_add_spend_show_and_cancel(self, chat: Chat, engine: Engine) -> None:
        said = chat.send("sarah", "/budget #gizi add transport 15,000,000")
        assert "Budget line transport added to #gizi: IDR 15,000,000" in said
        said = chat.send("sarah", "/spend #gizi 2.5m transport volunteers")
        assert "Expense 1 recorded on #gizi: IDR 2,500,000 on line transport" in said
        assert "Wrong? /cancel expense 1" in said
        shown = chat.send("sarah", "/budget #gizi")
        assert "• transport: IDR 2,500,000 of IDR 15,000,000 (16%), IDR 12,500,000 left" in shown
        assert "The program's period is unknown" in shown
        said = chat.send("sarah", "/cancel expense 1")
        assert "Expense 1 reversed: IDR 2,500,000 no longer counts on line transport" in said

    def test_change_and_allow(self, chat: Chat) -> None:
        chat.send("sarah", "/budget #gizi add transport 15,000,000")
        said = chat.send("sarah", "/budget #gizi change transport 18m")
        assert "changed: IDR 15,000,000 → IDR 18,000,000" in said
        said = chat.send("sarah", "/budget #gizi allow @kevin")
        assert "May now record spending on #gizi: Kevin Ong (@kevin)" in said
        assert "allowed you to record spending on #gizi" in chat.inbox("kevin")[-1]
        assert "Expense 1 recorded" in chat.send("kevin", "/spend #gizi 100k transport")


class TestMatching:
    """An expense finds its line by whole words; otherwise the person chooses with a button."""

    def test_case_and_spacing_do_not_matter(self, pkh: Chat, engine: Engine) -> None:
        said = pkh.send("ani", "/belanja #pkh 300.000 HONOR   petugas posyandu")
        assert "untuk pos Honor Petugas" in said

    def test_part_of_a_word_is_not_a_match(self, pkh: Chat, engine: Engine) -> None:
        """ "transportasi" is not the line "transport": the person is asked, nothing is recorded."""
        said = pkh.send("ani", "/belanja #pkh 300.000 transportasi")
        assert 'Pos anggaran #pkh mana untuk "transportasi"?' in said
        assert said.commands == [
            "/belanja #pkh transport: 300.000 transportasi",
            "/belanja #pkh Honor Petugas: 300.000 transportasi",
        ]
        assert expenses_of(engine) == []

    def test_several_matches_ask_and_the_button_records(self, pkh: Chat, engine: Engine) -> None:
        said = pkh.send("ani", "/belanja #pkh Rp 500.000 transport honor petugas")
        assert "cocok dengan beberapa pos anggaran #pkh" in said
        assert expenses_of(engine) == []
        said = pkh.send("ani", said.commands[1], button=True)
        assert "Belanja 1 dicatat di #pkh: Rp500.000 untuk pos Honor Petugas" in said
        [expense] = expenses_of(engine)
        assert expense.text == "transport honor petugas"

    def test_a_long_text_is_asked_without_buttons(self, pkh: Chat, engine: Engine) -> None:
        """Telegram's 64 bytes do not hold the command: the reply says how to type it."""
        text = "bensin dan parkir kendaraan untuk kunjungan rumah di tiga desa"
        said = pkh.send("ani", f"/belanja #pkh 300.000 {text}")
        assert said.commands == []
        assert f"misalnya: /belanja #pkh transport: 300.000 {text}" in said

    def test_english_buttons(self, chat: Chat) -> None:
        chat.send("sarah", "/budget #gizi add transport 15,000,000")
        chat.send("sarah", "/budget #gizi add food 60m")
        said = chat.send("sarah", "/spend #gizi 2.5m fuel")
        assert 'Which budget line of #gizi is "fuel" for?' in said
        assert said.commands == [
            "/spend #gizi transport: 2.5m fuel",
            "/spend #gizi food: 2.5m fuel",
        ]


class TestBadInput:
    """Each: a short reply with a working example, and nothing changed."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("/belanja #pkh Rp 2,5,0 transport", 'Jumlah "Rp 2,5,0" tidak bisa saya baca'),
            ("/belanja #pkh 0 transport", 'Belanja harus lebih dari nol (tertulis "0")'),
            ("/belanja #pkh -500.000 transport", 'lebih dari nol (tertulis "-500.000")'),
            ("/belanja #pkh Rp 0 transport", "Contoh: /belanja #pkh Rp 2.500.000 transport"),
            ("/anggaran #pkh tambah transport 1 jt", "Pos anggaran transport sudah ada di #pkh"),
            ("/anggaran #pkh tambah TRANSPORT 1 jt", "/anggaran #pkh ubah transport 18 jt"),
            ("/anggaran #pkh tambah atk 0", "Jumlah anggaran harus lebih dari nol"),
            ("/anggaran #pkh ubah bensin 2 jt", '#pkh tidak punya pos anggaran "bensin"'),
            ("/batal belanja 9", "Belanja 9 tidak ditemukan"),
        ],
    )
    def test_refused_and_nothing_changed(
        self, pkh: Chat, engine: Engine, text: str, expected: str
    ) -> None:
        before = planned(engine)
        said = pkh.send("ani", text)
        assert expected in said
        examples = ("/belanja #pkh ", "/anggaran #pkh ", "/batal belanja 7")
        assert any(example in said.text for example in examples)
        assert expenses_of(engine) == [] and planned(engine) == before

    def test_no_lines_to_choose_from(self, chat: Chat, engine: Engine) -> None:
        said = chat.send("ani", "/belanja #pkh Rp 2.500.000 transport relawan")
        assert "#pkh belum punya pos anggaran" in said
        assert "/anggaran #pkh tambah transport 15.000.000" in said
        assert expenses_of(engine) == []

    def test_reversing_twice(self, pkh: Chat, engine: Engine) -> None:
        pkh.send("ani", "/belanja #pkh 2,5 jt transport")
        pkh.send("ani", "/batal belanja 1")
        said = pkh.send("ani", "/batal belanja 1")
        assert "Belanja 1 sudah dibatalkan" in said and "tidak ada yang diubah" in said
        assert "/anggaran #pkh" in said

    def test_english_bad_amount(self, chat: Chat) -> None:
        chat.send("sarah", "/budget #gizi add transport 15,000,000")
        said = chat.send("sarah", "/spend #gizi Rp 2,5,0 fuel")
        assert 'I cannot read the amount "Rp 2,5,0"; nothing was recorded.' in said
        assert "Example: /spend #gizi 2.5m transport volunteers" in said


class TestPermissions:
    """Managers of the program plan and spend; others spend when allowed; partners never see."""

    def test_field_worker_spends_only_when_allowed(self, pkh: Chat, engine: Engine) -> None:
        said = pkh.send("budi", "/belanja #pkh Rp 200.000 transport")
        assert "hanya untuk manajer program dan orang yang diizinkan manajer" in said
        assert "/anggaran #pkh izinkan @budi" in said
        said = pkh.send("ani", "/anggaran #pkh izinkan @budi")
        assert "Sekarang boleh mencatat belanja #pkh: Budi Santoso (@budi)" in said
        assert "Belanja 1 dicatat" in pkh.send("budi", "/belanja #pkh Rp 200.000 transport")
        assert "transport" in pkh.send("budi", "/anggaran #pkh")
        refused = pkh.send("budi", "/anggaran #pkh tambah atk 1 jt")
        assert "Hanya manajer program #pkh yang bisa mengatur anggarannya" in refused
        pkh.send("ani", "/anggaran #pkh cabut @budi")
        assert "diizinkan manajer" in pkh.send("budi", "/belanja #pkh Rp 200.000 transport")
        assert len(expenses_of(engine)) == 1

    def test_an_allowed_person_reverses_only_their_own(self, pkh: Chat) -> None:
        pkh.send("ani", "/belanja #pkh Rp 200.000 transport")
        pkh.send("ani", "/anggaran #pkh izinkan @budi")
        assert "Hanya manajer program #pkh" in pkh.send("budi", "/batal belanja 1")
        pkh.send("budi", "/belanja #pkh Rp 100.000 transport")
        assert "Belanja 2 dibatalkan" in pkh.send("budi", "/batal belanja 2")

    def test_manager_of_another_program_is_told_why(self, pkh: Chat) -> None:
        said = pkh.send("sarah", "/budget #pkh")
        assert "You are not on program #pkh" in said or "not registered" in said.text

    def test_partner_sees_nothing_of_the_budget(self, pkh: Chat, engine: Engine) -> None:
        """Harjo's organisation works on #pkh: he is told its budget is internal, and sees no
        amount anywhere; an expense number answers like one that does not exist."""
        pkh.send("ani", "/belanja #pkh Rp 200.000 transport")
        commands = (
            "/anggaran #pkh",
            "/belanja #pkh Rp 1.000 transport",
            "/anggaran #pkh tambah x 1",
        )
        said = {pkh.send("harjo", text).text for text in commands}
        assert said == {
            "Anggaran #pkh bersifat internal: hanya manajer program dan orang yang diizinkan "
            "manajer yang melihatnya. Yang bisa Anda lihat: /program #pkh"
        }
        assert pkh.send("tom", "/budget #pkh").text.startswith("There is no program #pkh.")
        one, seven = pkh.send("harjo", "/batal belanja 1"), pkh.send("harjo", "/batal belanja 7")
        assert one.text == seven.text.replace(" 7 ", " 1 ")
        assert "Pos anggaran" not in pkh.send("harjo", "/program #pkh")
        assert "Pos anggaran" in pkh.send("ani", "/program #pkh")
        assert expenses_of(engine)[0].reversed_at is None

    def test_partner_cannot_be_allowed(self, pkh: Chat) -> None:
        said = pkh.send("ani", "/anggaran #pkh izinkan @harjo")
        assert "@harjo adalah kontak mitra" in said


class TestAlerts:
    """To the program's managers through the outbox, once each, in their working time."""

    def test_80_and_100_percent_each_once(self, pkh: Chat, engine: Engine) -> None:
        pkh.send("ani", "/anggaran #pkh izinkan @budi")
        pkh.send("budi", "/belanja #pkh 11 jt transport")
        assert alerts_to(engine, "ani") == []
        said = pkh.send("budi", "/belanja #pkh 1 jt transport")
        assert "Pos transport sudah terpakai 80% (Rp12.000.000 dari Rp15.000.000)" in said
        pkh.send("budi", "/belanja #pkh 1 jt transport")
        [eighty] = alerts_to(engine, "ani")
        assert "Pos transport sudah terpakai 80%" in eighty.text
        assert "Belanja terakhir dicatat oleh Budi Santoso (@budi)" in eighty.text
        pkh.send("budi", "/belanja #pkh 3 jt transport")
        pkh.send("budi", "/belanja #pkh 1 jt transport")
        texts = [a.text for a in alerts_to(engine, "ani")]
        assert len(texts) == 2 and "🚨 Pos transport sudah terpakai 106%" in texts[1]

    def test_an_alert_waits_for_working_time(self, pkh: Chat, engine: Engine) -> None:
        """Spent on Saturday: Ani hears of it on Monday morning."""
        pkh.clock.advance(timedelta(days=1))
        pkh.send("ani", "/anggaran #pkh izinkan @budi")
        pkh.send("budi", "/belanja #pkh 12 jt transport")
        [alert] = alerts_to(engine, "ani")
        assert alert.due_at == datetime(2026, 11, 30, 8, 0, tzinfo=JAKARTA)

    def test_every_manager_of_the_program_hears(self, pkh: Chat, engine: Engine) -> None:
        with unit_of_work(engine) as s:
            program = s.exec(select(Program).where(Program.code == "pkh")).one()
            sarah = person_by_handle(s, "sarah")
            assert sarah is not None
            join_program(s, program, sarah)
        said = pkh.send("ani", "/belanja #pkh 15 jt transport")
        assert "🚨 Pos transport sudah terpakai 100%" in said
        assert alerts_to(engine, "ani") == []  # she read it in her reply
        [alert] = alerts_to(engine, "sarah")
        assert "Line transport is 100% used (IDR 15,000,000 of IDR 15,000,000)" in alert.text

    def test_spending_too_fast(self, pkh: Chat, engine: Engine) -> None:
        """15 % of the period gone, 20 % spent: more than 1.25 × as fast; said once."""
        set_period(engine, "pkh", date(2026, 11, 1), date(2027, 4, 30))
        pkh.send("ani", "/anggaran #pkh izinkan @budi")
        said = pkh.send("budi", "/belanja #pkh 3 jt transport")
        assert "dibelanjakan terlalu cepat: 20% terpakai, periode baru berjalan 14%" in said
        pkh.send("budi", "/belanja #pkh 100.000 transport")
        [alert] = alerts_to(engine, "ani")
        assert "terlalu cepat" in alert.text

    def test_no_pace_alert_in_the_first_tenth(self, pkh: Chat, engine: Engine) -> None:
        set_period(engine, "pkh", date(2026, 11, 20), date(2027, 11, 19))
        said = pkh.send("ani", "/belanja #pkh 7 jt transport")
        assert "terlalu cepat" not in said
        assert "Periode program berjalan: 2%" in pkh.send("ani", "/anggaran #pkh")


class TestReceipts:
    """A receipt photo with /belanja, or alone within 15 minutes, is kept with the expense."""

    def test_photo_with_the_command(self, pkh: Chat, engine: Engine) -> None:
        said = pkh.send("ani", "/belanja #pkh 2,5 jt transport", photo_file_id="AgAD-struk-1")
        assert "Foto struk tersimpan" in said
        assert expenses_of(engine)[0].photo_file_id == "AgAD-struk-1"

    def test_photo_alone_soon_after(self, pkh: Chat, engine: Engine) -> None:
        pkh.send("budi", "/lapor #pkh 45 paket sembako disalurkan")
        pkh.send("ani", "/belanja #pkh 2,5 jt transport")
        pkh.clock.advance(timedelta(minutes=14))
        said = pkh.send("ani", "", photo_file_id="AgAD-struk-2")
        assert "Foto struk disimpan bersama belanja 1" in said
        assert expenses_of(engine)[0].photo_file_id == "AgAD-struk-2"

    def test_the_newest_of_update_and_expense_takes_it(self, pkh: Chat, engine: Engine) -> None:
        pkh.send("ani", "/anggaran #pkh izinkan @budi")
        pkh.send("budi", "/belanja #pkh 2,5 jt transport")
        pkh.clock.advance(timedelta(minutes=1))
        pkh.send("budi", "/lapor #pkh 45 paket sembako disalurkan")
        said = pkh.send("budi", "", photo_file_id="AgAD-foto")
        assert "Foto struk" not in said
        assert expenses_of(engine)[0].photo_file_id is None

    def test_too_late_for_the_receipt(self, pkh: Chat, engine: Engine) -> None:
        pkh.send("ani", "/belanja #pkh 2,5 jt transport")
        pkh.clock.advance(timedelta(minutes=16))
        pkh.send("ani", "", photo_file_id="AgAD-struk-3")
        assert expenses_of(engine)[0].photo_file_id is None


class TestPrecision:
    """No float on the money path, on SQLite and PostgreSQL alike."""

    def test_a_tenth_ten_times_is_exactly_one(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", "/anggaran #pkh tambah kas kecil 1")
        for _ in range(10):
            chat.send("ani", "/belanja #pkh 0,1 kas kecil")
        amounts = [e.amount for e in expenses_of(engine)]
        assert amounts == [Decimal("0.1")] * 10
        assert sum(amounts, Decimal(0)) == Decimal(1)
        shown = chat.send("ani", "/anggaran #pkh")
        assert "• kas kecil: Rp1 dari Rp1 (100%), sisa Rp0" in shown
