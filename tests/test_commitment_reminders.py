"""Commitments remind, nudge and escalate by themselves: the partner's contacts are nudged
after 2 working days without an answer (the manager told), reminded before a confirmed due
moment, and at due the manager decides: 7 more days, or cancel."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from core.db import unit_of_work
from core.delivery.firing import ReminderSweep
from core.delivery.worktime import holiday_name
from core.language.i18n import Catalog
from core.models import (
    Commitment,
    CommitmentStatus,
    OutboxMessage,
    Person,
    Reminder,
    ReminderStatus,
)
from core.people import accounts
from tests.chat import Chat

WIB = ZoneInfo("Asia/Jakarta")
ASK = "/komitmen @dinsos 200 paket sembako sebelum 10 Des #pkh"  # due Thu 10 Dec 17:00 WIB
EXTEND = "extend 1 2026-12-10T10:00Z"  # the Extend button of that due moment


@pytest.fixture
def two_contacts(chat: Chat) -> Chat:
    """Dinas Sosial Demak with a second contact on Gotong, Sri, besides Pak Harjo."""
    with unit_of_work(chat.engine) as s:
        sri = accounts.add_person(
            s,
            now=chat.clock.now(),
            actor=None,
            handle="sri",
            name="Sri Wahyuni",
            role="partner",
            language="id",
            timezone="WIB",
            partner="dinsos",
        )
        accounts.link_identity(s, person=sri, platform="test", external_id="sri")
    return chat


def sweep(chat: Chat) -> int:
    """Fire what is due now; how many messages that made."""
    fired = ReminderSweep(chat.engine, chat.clock, Catalog()).run()
    return fired.sent + fired.late


def planned(engine: Engine) -> list[tuple[str, str, datetime]]:
    """(person, label, moment in WIB) of every pending commitment reminder, in time order."""
    with Session(engine) as s:
        rows = s.exec(
            select(Person.handle, Reminder.label, Reminder.due_at)
            .join(Person, col(Person.id) == Reminder.person_id)
            .where(
                Reminder.subject_type == "commitment",
                Reminder.status == ReminderStatus.PENDING,
            )
            .order_by(col(Reminder.due_at), col(Person.handle), col(Reminder.label))
        ).all()
    return [(handle, label, due.astimezone(WIB)) for handle, label, due in rows]


def last_buttons(engine: Engine, handle: str) -> list[str]:
    """The commands on the buttons of the latest message queued for a person."""
    with Session(engine) as s:
        row = s.exec(
            select(OutboxMessage)
            .join(Person, col(Person.id) == OutboxMessage.person_id)
            .where(Person.handle == handle)
            .order_by(col(OutboxMessage.id).desc())
        ).first()
    assert row is not None
    return [b["command"] for line in row.buttons for b in line]


def due_of(engine: Engine, number: int) -> datetime:
    with Session(engine) as s:
        found = s.get(Commitment, number)
        assert found is not None
        return found.due_at.astimezone(WIB)


def at(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


class TestPlanned:
    """Which reminders each state of a commitment wants, and when."""

    def test_request_plans_nudges_manager_note_and_escalation(self, two_contacts: Chat) -> None:
        """Asked on Friday 10:00: nudged Tuesday 10:00 (two working days), escalated at due."""
        two_contacts.send("ani", ASK)
        assert planned(two_contacts.engine) == [
            ("ani", "unanswered", at(1, 10)),
            ("harjo", "nudge", at(1, 10)),
            ("sri", "nudge", at(1, 10)),
            ("ani", "escalation", at(10, 17)),
            ("harjo", "due", at(10, 17)),
            ("sri", "due", at(10, 17)),
        ]

    def test_confirmed_is_reminded_3_days_and_1_day_before(self, two_contacts: Chat) -> None:
        """Once confirmed, no nudge: each contact hears 3 days and 1 day before due."""
        two_contacts.send("ani", ASK)
        two_contacts.send("harjo", "/konfirmasi 1")
        assert planned(two_contacts.engine) == [
            ("harjo", "3d", at(7, 17)),
            ("sri", "3d", at(7, 17)),
            ("harjo", "1d", at(9, 17)),
            ("sri", "1d", at(9, 17)),
            ("ani", "escalation", at(10, 17)),
            ("harjo", "due", at(10, 17)),
            ("sri", "due", at(10, 17)),
        ]

    def test_moving_the_due_moment_moves_its_reminders(self, chat: Chat) -> None:
        chat.send("ani", ASK)
        chat.send("harjo", "/konfirmasi 1")
        chat.send("ani", "/ubah komitmen 1 17 Des")
        assert planned(chat.engine) == [
            ("harjo", "3d", at(14, 17)),
            ("harjo", "1d", at(16, 17)),
            ("ani", "escalation", at(17, 17)),
            ("harjo", "due", at(17, 17)),
        ]

    @pytest.mark.parametrize(
        ("who", "closing"),
        [("budi", "/terima 1 200"), ("ani", "/batal komitmen 1"), ("harjo", "/tolak 1 stok habis")],
        ids=["fulfilled", "cancelled", "declined"],
    )
    def test_closing_cancels_every_reminder(self, chat: Chat, who: str, closing: str) -> None:
        chat.send("ani", ASK)
        if who == "budi":
            chat.send("harjo", "/konfirmasi 1")
        chat.send(who, closing)
        assert planned(chat.engine) == []

    def test_a_refused_proposal_counts_two_working_days_from_the_refusal(self, chat: Chat) -> None:
        """The partner proposed a date on Monday, the manager refused it Tuesday 14:00: the
        partner is asked again from then, so the nudge comes Thursday 14:00."""
        chat.send("ani", ASK)
        chat.clock.set(at(30, 9, month=11))
        chat.send("harjo", "/usul 1 20 Des")
        assert [p[1] for p in planned(chat.engine)] == ["escalation", "due"]
        chat.clock.set(at(1, 14))
        assert "Usulan ditolak" in chat.send("ani", "/tolak 1")
        assert planned(chat.engine)[:2] == [
            ("ani", "unanswered", at(3, 14)),
            ("harjo", "nudge", at(3, 14)),
        ]

    def test_nudge_skips_the_weekend_and_christmas(self, two_contacts: Chat) -> None:
        """Asked Thursday 24 Dec (cuti bersama), then Christmas Friday and the weekend: the
        two working days are Monday 28 and Tuesday 29 December."""
        assert holiday_name(at(24, 10).date()) is not None  # cuti bersama Natal
        assert holiday_name(at(25, 10).date()) is not None  # Natal
        assert holiday_name(at(28, 10).date()) is None
        two_contacts.clock.set(at(24, 10))
        two_contacts.send("ani", "/komitmen @dinsos 200 hygiene kit sebelum 15 Jan #pkh")
        nudges = [p for p in planned(two_contacts.engine) if p[1] in ("nudge", "unanswered")]
        assert nudges == [
            ("ani", "unanswered", at(29, 10)),
            ("harjo", "nudge", at(29, 10)),
            ("sri", "nudge", at(29, 10)),
        ]

    def test_escalation_comes_after_a_weekend_due_moment_never_before(self, chat: Chat) -> None:
        """Due on Saturday 09:00: the escalation waits for Monday morning (it is only true once
        the moment passed), and a nudge that would come after due is left to it."""
        chat.send("ani", "/komitmen @dinsos pinjam balai desa sabtu 09:00 #pkh")
        assert planned(chat.engine) == [
            ("ani", "escalation", at(30, 8, month=11)),
            ("harjo", "due", at(30, 8, month=11)),
        ]

    def test_a_contacts_new_quiet_hours_replan_the_nudge(self, chat: Chat) -> None:
        """Pak Harjo is quiet until 10:30: his nudge, and the manager's note with it, move."""
        chat.send("ani", ASK)
        chat.send("harjo", "/atur jam-tenang 20:00-10:30")
        assert planned(chat.engine)[:2] == [
            ("ani", "unanswered", at(1, 10, 30)),
            ("harjo", "nudge", at(1, 10, 30)),
        ]


class TestFiring:
    """What the fired reminders say, and the buttons they carry."""

    def test_nudge_reaches_each_contact_once_and_the_manager_is_told(
        self, two_contacts: Chat
    ) -> None:
        chat = two_contacts
        chat.send("ani", ASK)
        chat.clock.set(at(1, 9, 59))
        assert sweep(chat) == 0
        chat.clock.set(at(1, 10))
        assert sweep(chat) == 3
        nudge = chat.inbox("sri")[-1]
        assert "Komitmen 1 menunggu jawaban Anda: 200 paket sembako untuk Dinas Sosial Demak" in (
            nudge
        )
        assert "Program: #pkh — Program Keluarga Harapan" in nudge
        assert "Tenggat: Kamis, 10 Desember 2026 pukul 17.00 WIB" in nudge
        assert last_buttons(chat.engine, "sri") == ["confirm 1", "propose 1", "reject 1"]
        told = chat.inbox("ani")[-1]
        assert "Komitmen 1 belum dijawab oleh Dinas Sosial Demak: 200 paket sembako" in told
        assert "Pengingat dikirim ke Pak Harjo, Sri Wahyuni." in told
        chat.clock.advance(timedelta(hours=1))
        assert sweep(chat) == 0  # once

    def test_the_manager_hears_who_could_not_be_nudged(self, chat: Chat) -> None:
        """A contact with no account yet, and an organisation nobody speaks for, are named."""
        with unit_of_work(chat.engine) as s:
            accounts.add_person(
                s,
                now=chat.clock.now(),
                actor=None,
                handle="rina",
                name="Rina",
                role="partner",
                partner="dinsos",
            )
            accounts.add_partner(
                s,
                now=chat.clock.now(),
                actor=None,
                handle="desa",
                name="Desa Sukamaju",
                kind="community",
            )
        chat.send("ani", "/program #pkh tambah @desa")
        chat.send("ani", ASK)
        chat.send("ani", "/komitmen @desa pinjam balai desa 10 Des #pkh")
        chat.clock.set(at(1, 10))
        sweep(chat)
        first, second = chat.inbox("ani")[-2:]
        assert "Pengingat dikirim ke Pak Harjo." in first
        assert "• Rina (@rina) belum terhubung ke Gotong; pengingatnya menunggu." in first
        assert "Komitmen 2 belum dijawab oleh Desa Sukamaju" in second
        assert "Belum ada kontak Desa Sukamaju di Gotong; hubungi mereka langsung" in second

    def test_confirmed_reminders_in_english_carry_no_buttons(self, chat: Chat) -> None:
        chat.send("sarah", "/commit @unicef 50 hygiene kits by Dec 10 #gizi")
        chat.send("tom", "/confirm 1")
        chat.clock.set(at(7, 17))
        assert sweep(chat) == 1
        reminder = chat.inbox("tom")[-1]
        assert "Commitment 1 due in 3 days: 50 hygiene kits from UNICEF Indonesia" in reminder
        assert "Due: Thursday, 10 December 2026 at 17:00 WIB" in reminder
        assert "Program: #gizi — Gizi balita NTT" in reminder
        assert last_buttons(chat.engine, "tom") == []

    def test_escalation_at_due_with_extend_and_cancel(self, chat: Chat) -> None:
        """At due the manager is asked to decide; the partner hears, kindly, what remains."""
        chat.send("ani", ASK)
        chat.send("harjo", "/konfirmasi 1")
        chat.send("budi", "/terima 1 150")
        chat.clock.set(at(10, 16, 59))
        sweep(chat)
        assert not any("belum terpenuhi" in m for m in chat.inbox("ani"))
        chat.clock.set(at(10, 17))
        assert sweep(chat) == 2
        escalation = chat.inbox("ani")[-1]
        assert "Komitmen 1 belum terpenuhi saat tenggat: 200 paket sembako dari Dinas" in (
            escalation
        )
        assert "Masih kurang 50 paket dari 200." in escalation
        assert last_buttons(chat.engine, "ani") == [EXTEND, "cancel commitment 1"]
        note = chat.inbox("harjo")[-1]
        assert "Tenggat komitmen 1 sudah tiba" in note
        assert "Masih kurang 50 paket dari 200. Bila ada kendala, kabari Ani Wijaya." in note
        assert last_buttons(chat.engine, "harjo") == []

    def test_a_yes_no_commitment_note_says_not_received(self, chat: Chat) -> None:
        chat.send("ani", "/komitmen @dinsos pinjam balai desa senin 09:00 #pkh")
        chat.clock.set(at(30, 9, month=11))
        assert sweep(chat) == 2
        assert "Belum diterima." in chat.inbox("harjo")[-1]
        # Never answered: the note still offers the answers.
        assert last_buttons(chat.engine, "harjo") == ["confirm 1", "propose 1", "reject 1"]

    def test_a_commitment_closed_behind_the_plan_fires_nothing(self, chat: Chat) -> None:
        chat.send("ani", ASK)
        with unit_of_work(chat.engine) as s:
            found = s.get(Commitment, 1)
            assert found is not None
            found.status = CommitmentStatus.FULFILLED
            s.add(found)
        chat.clock.set(at(10, 17))
        assert sweep(chat) == 0


class TestEscalationButtons:
    """Extend moves the due moment 7 days once per press of one escalation; Cancel closes."""

    def escalate(self, chat: Chat) -> None:
        chat.send("ani", ASK)
        chat.clock.set(at(10, 17))
        sweep(chat)

    def test_extend_moves_due_seven_days_and_tells_the_partner(self, chat: Chat) -> None:
        self.escalate(chat)
        said = chat.send("ani", EXTEND, button=True)
        assert "Komitmen 1 (200 paket sembako) diperpanjang 7 hari" in said
        assert "Kamis, 17 Desember 2026 pukul 17.00 WIB" in said
        assert "Diberi tahu: Pak Harjo (@harjo)" in said
        assert "memindah tenggat komitmen 1" in chat.inbox("harjo")[-1]
        assert due_of(chat.engine, 1) == at(17, 17)
        assert ("ani", "escalation", at(17, 17)) in planned(chat.engine)

    def test_a_second_press_does_not_extend_again(self, chat: Chat) -> None:
        self.escalate(chat)
        chat.send("ani", EXTEND, button=True)
        told = len(chat.inbox("harjo"))
        again = chat.send("ani", EXTEND, button=True)
        assert "sudah berubah menjadi Kamis, 17 Desember 2026 pukul 17.00 WIB" in again
        assert "tidak diperpanjang lagi" in again
        assert due_of(chat.engine, 1) == at(17, 17)
        assert len(chat.inbox("harjo")) == told

    def test_typed_extend_counts_from_the_current_due_moment(self, chat: Chat) -> None:
        self.escalate(chat)
        chat.send("ani", EXTEND, button=True)
        chat.send("ani", "/perpanjang 1")
        assert due_of(chat.engine, 1) == at(24, 17)

    def test_only_managers_extend_and_never_a_closed_commitment(self, chat: Chat) -> None:
        self.escalate(chat)
        assert "Hanya manajer program" in chat.send("harjo", EXTEND, button=True)
        chat.send("ani", "cancel commitment 1", button=True)
        assert "sudah dibatalkan" in chat.send("ani", EXTEND, button=True)
        assert due_of(chat.engine, 1) == at(10, 17)

    def test_cancel_closes_and_a_second_press_says_so(self, chat: Chat, engine: Engine) -> None:
        self.escalate(chat)
        said = chat.send("ani", "cancel commitment 1", button=True)
        assert "Komitmen 1 dibatalkan" in said
        assert "membatalkan komitmen 1" in chat.inbox("harjo")[-1]
        assert "sudah dibatalkan" in chat.send("ani", "cancel commitment 1", button=True)
        assert planned(engine) == []

    def test_extend_without_a_number_shows_an_example(self, chat: Chat) -> None:
        assert "Contoh: /perpanjang 12" in chat.send("ani", "/perpanjang")
        assert "Example: /extend 12" in chat.send("sarah", "/extend soon")


class TestUnansweredConversation:
    """Nobody answers over Christmas; Gotong nudges, then escalates, and the manager extends."""

    def test_request_nudge_escalation_extend(self, two_contacts: Chat) -> None:
        chat = two_contacts
        chat.clock.set(at(24, 10))
        said = chat.send("ani", "/komitmen @dinsos 200 hygiene kit sebelum 8 Jan #pkh")
        assert "Diberi tahu: Pak Harjo (@harjo), Sri Wahyuni (@sri)" in said
        chat.clock.set(at(28, 17))
        assert sweep(chat) == 0  # one working day only: Christmas and the weekend do not count
        chat.clock.set(at(29, 10))
        assert sweep(chat) == 3
        for contact in ("harjo", "sri"):
            assert "Komitmen 1 menunggu jawaban Anda: 200 hygiene kit" in chat.inbox(contact)[-1]
        assert "Pengingat dikirim ke Pak Harjo, Sri Wahyuni." in chat.inbox("ani")[-1]
        chat.clock.set(at(8, 17, month=1, year=2027))
        assert sweep(chat) == 3
        escalation = chat.inbox("ani")[-1]
        assert "Komitmen 1 belum terpenuhi saat tenggat" in escalation
        assert "Status: menunggu jawaban mitra" in escalation
        assert "Masih kurang 200 hygiene kit dari 200." in escalation
        [extend, cancel] = last_buttons(chat.engine, "ani")
        assert cancel == "cancel commitment 1"
        said = chat.send("ani", extend, button=True)
        assert "diperpanjang 7 hari: tenggat kini Jumat, 15 Januari 2027 pukul 17.00 WIB" in said
        for contact in ("harjo", "sri"):
            assert "ke Jumat, 15 Januari 2027 pukul 17.00 WIB" in chat.inbox(contact)[-1]
