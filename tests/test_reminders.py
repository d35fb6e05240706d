"""Reminders fire on time in each person's zone; Gotong's own ones respect working time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from core.delivery.firing import ReminderSweep
from core.language.i18n import Catalog
from core.models import OutboxMessage, Reminder, ReminderStatus
from tests.chat import Chat

WIB = ZoneInfo("Asia/Jakarta")


def sweep(chat: Chat) -> ReminderSweep:
    return ReminderSweep(chat.engine, chat.clock, Catalog())


def pending(engine: Engine, person: str) -> list[tuple[str, str, datetime]]:
    """(subject, label, local due moment in WIB) of a person's pending reminders."""
    from core.models import Person

    with Session(engine) as session:
        rows = session.exec(
            select(Reminder)
            .join(Person, col(Person.id) == Reminder.person_id)
            .where(Person.handle == person, Reminder.status == ReminderStatus.PENDING)
            .order_by(col(Reminder.due_at))
        )
        return [(r.subject_type or "personal", r.label, r.due_at.astimezone(WIB)) for r in rows]


class TestFiring:
    """A due reminder becomes one outbox message, at its moment and not before."""

    def test_personal_reminder_fires_within_one_sweep_not_before(self, chat: Chat) -> None:
        chat.send("budi", "/ingatkan 2 jam lagi telepon kepala desa")
        chat.clock.advance(timedelta(hours=1, minutes=59))
        assert sweep(chat).run().sent == 0
        assert chat.inbox("budi") == []
        chat.clock.advance(timedelta(minutes=1))
        assert sweep(chat).run().sent == 1
        [message] = chat.inbox("budi")
        assert message == "⏰ Pengingat: telepon kepala desa"
        assert sweep(chat).run().sent == 0  # never twice

    def test_reminders_fire_in_each_persons_zone(self, chat: Chat) -> None:
        chat.send("yohana", "/ingatkan besok jam 9 timbang balita")  # 09:00 WITA = 08:00 WIB
        chat.send("budi", "/ingatkan besok jam 9 rapat RT")  # 09:00 WIB
        chat.clock.set(datetime(2026, 11, 28, 8, 0, tzinfo=WIB))
        sweep(chat).run()
        assert chat.inbox("yohana") == ["⏰ Pengingat: timbang balita"]
        assert chat.inbox("budi") == []
        chat.clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=WIB))
        sweep(chat).run()
        assert chat.inbox("budi") == ["⏰ Pengingat: rapat RT"]

    def test_wit_zone(self, chat: Chat) -> None:
        chat.send("sarah", "/set timezone WIT")
        chat.send("sarah", "/remind tomorrow 7am call Jayapura office")  # 07:00 WIT = 05:00 WIB
        chat.clock.set(datetime(2026, 11, 28, 4, 59, tzinfo=WIB))
        assert sweep(chat).run().sent == 0
        chat.clock.set(datetime(2026, 11, 28, 5, 0, tzinfo=WIB))
        assert sweep(chat).run().sent == 1

    def test_reminder_buttons_snooze_and_task_done(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", "/tugas Kirim data @budi senin 17:00 #pkh")
        chat.clock.set(datetime(2026, 11, 30, 17, 0, tzinfo=WIB))
        sweep(chat).run()
        with Session(engine) as session:
            row = session.exec(
                select(OutboxMessage).where(col(OutboxMessage.dedupe_key).startswith("reminder:"))
            ).all()[-1]
        commands = [b["command"] for line in row.buttons for b in line]
        assert commands[0] == "done 1"
        assert {c.split()[-1] for c in commands[1:]} == {"20m", "1h", "3h", "morning", "week"}
        assert all(len(c.encode()) <= 64 for c in commands)


class TestWorkingTime:
    """Gotong's own reminders wait out quiet hours, weekends and public holidays."""

    def test_task_reminders_day_before_morning_and_at_due(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", "/tugas Kirim data @budi rabu 15:00 #pkh")
        assert pending(engine, "budi") == [
            ("task", "day_before", datetime(2026, 12, 1, 8, 0, tzinfo=WIB)),
            ("task", "due", datetime(2026, 12, 2, 15, 0, tzinfo=WIB)),
        ]

    def test_weekend_moves_at_due_reminder_before_the_deadline(
        self, chat: Chat, engine: Engine
    ) -> None:
        """A task due on Saturday is reminded in Friday's working time, not on Monday after it."""
        chat.send("ani", "/tugas Cek gudang @budi sabtu 09:00")  # due Saturday 28 Nov
        assert pending(engine, "budi") == [
            ("task", "due", datetime(2026, 11, 27, 20, 59, tzinfo=WIB))
        ]

    def test_reminder_moved_before_the_deadline_says_it_is_coming(self, chat: Chat) -> None:
        """The moved "at due time" reminder fires on Friday and says the task is due soon."""
        chat.send("ani", "/tugas Cek gudang @budi sabtu 09:00")
        chat.clock.set(datetime(2026, 11, 27, 20, 59, tzinfo=WIB))
        assert sweep(chat).run().sent == 1
        [message] = [m for m in chat.inbox("budi") if "Cek gudang" in m and "tenggat —" in m]
        assert message.startswith("📌 Segera tenggat — tugas")
        assert "Sabtu, 28 November 2026 pukul 09.00 WIB" in message

    def test_quiet_hours_move_a_reminder_earlier_not_past_its_moment(
        self, chat: Chat, engine: Engine
    ) -> None:
        """A meeting at 07:30 has its 1-hour reminder (06:30, quiet) the evening before."""
        chat.send("ani", "/rapat Koordinasi selasa 07:30 @budi")
        assert pending(engine, "budi") == [
            ("meeting", "24h", datetime(2026, 11, 30, 7, 30, tzinfo=WIB)),
            ("meeting", "1h", datetime(2026, 11, 30, 20, 59, tzinfo=WIB)),
        ]

    def test_quiet_morning_moves_later_when_still_before_the_moment(
        self, chat: Chat, engine: Engine
    ) -> None:
        """A reminder at 06:30 for a meeting at 09:30 still waits for the working morning."""
        chat.send("ani", "/rapat Koordinasi selasa 09:30 @budi")
        chat.send("budi", "/atur jam-tenang 20:00-09:00")
        assert ("meeting", "1h", datetime(2026, 12, 1, 9, 0, tzinfo=WIB)) in pending(engine, "budi")

    def test_public_holiday_and_cuti_bersama_are_days_off(self, chat: Chat, engine: Engine) -> None:
        chat.clock.set(datetime(2026, 12, 20, 10, 0, tzinfo=WIB))
        chat.send("ani", "/tenggat Laporan akhir tahun 28 Des #pkh")  # 3 days before = 25 Dec
        assert pending(engine, "ani") == [
            # 25 Dec (Natal) -> 26, 27 weekend -> Monday 28 Dec morning; 1 day before = 27 Dec (Sunday) -> 28 Dec morning too
            ("deadline", "3d", datetime(2026, 12, 28, 8, 0, tzinfo=WIB)),
            ("deadline", "1d", datetime(2026, 12, 28, 8, 0, tzinfo=WIB)),
        ]

    def test_personal_reminders_keep_their_exact_moment(self, chat: Chat, engine: Engine) -> None:
        chat.send("budi", "/ingatkan sabtu jam 23:00 cek pompa air")
        assert pending(engine, "budi") == [
            ("personal", "", datetime(2026, 11, 28, 23, 0, tzinfo=WIB))
        ]

    def test_changing_quiet_hours_moves_pending_reminders(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", "/rapat Koordinasi selasa 09:30 @budi")  # 1 h before = 08:30
        assert ("meeting", "1h", datetime(2026, 12, 1, 8, 30, tzinfo=WIB)) in pending(
            engine, "budi"
        )
        assert "Baik." in chat.send("budi", "/atur jam-tenang 20:00-09:00")
        assert ("meeting", "1h", datetime(2026, 12, 1, 9, 0, tzinfo=WIB)) in pending(engine, "budi")

    def test_working_days_setting(self, chat: Chat, engine: Engine) -> None:
        chat.send("budi", "/atur hari-kerja senin-sabtu")
        chat.send("ani", "/tugas Cek gudang @budi sabtu 17:00")
        assert ("task", "due", datetime(2026, 11, 28, 17, 0, tzinfo=WIB)) in pending(engine, "budi")
        assert "Sen, Sel, Rab, Kam, Jum, Sab" in chat.send("budi", "/atur")


class TestFollowing:
    """Reminders follow what they remind of."""

    def test_moving_a_task_moves_its_reminders(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", "/tugas Kirim data @budi rabu 15:00 #pkh")
        said = chat.send("ani", "/ubah 1 kamis 10:00")
        assert (
            "Tenggat tugas 1 (Kirim data) sekarang Kamis, 3 Desember 2026 pukul 10.00 WIB." in said
        )
        assert pending(engine, "budi") == [
            ("task", "day_before", datetime(2026, 12, 2, 8, 0, tzinfo=WIB)),
            ("task", "due", datetime(2026, 12, 3, 10, 0, tzinfo=WIB)),
        ]
        assert "Ani Wijaya mengubah tenggat tugas 1" in chat.inbox("budi")[-1]

    def test_closing_a_task_cancels_them(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", "/tugas Kirim data @budi rabu 15:00")
        chat.send("budi", "/selesai 1")
        assert pending(engine, "budi") == []

    def test_declining_a_meeting_cancels_ones_own_reminders(
        self, chat: Chat, engine: Engine
    ) -> None:
        chat.send("ani", "/rapat Koordinasi selasa 10:00 @budi @yohana")
        chat.send("budi", "/tidakhadir 1")
        assert [r for r in pending(engine, "budi") if r[0] == "meeting"] == []
        assert len([r for r in pending(engine, "yohana") if r[0] == "meeting"]) == 2

    def test_moving_a_meeting_moves_everyones_and_tells_them(
        self, chat: Chat, engine: Engine
    ) -> None:
        chat.send("ani", "/rapat Koordinasi selasa 10:00 @budi")
        assert (
            "Rapat 1 (Koordinasi) dipindah ke Rabu, 2 Desember 2026 pukul 10.00 WIB."
            in chat.send("ani", "/ubah rapat 1 rabu 10:00")
        )
        assert ("meeting", "1h", datetime(2026, 12, 2, 9, 0, tzinfo=WIB)) in pending(engine, "budi")
        assert "Ani Wijaya memindah rapat 1" in chat.inbox("budi")[-1]

    def test_snooze_requeues(self, chat: Chat, engine: Engine) -> None:
        chat.send("budi", "/ingatkan 1 jam lagi telepon kepala desa")
        chat.clock.advance(timedelta(hours=1))
        sweep(chat).run()
        said = chat.send("budi", "snooze 1 20m", button=True)
        assert "Pengingat 1 ditunda sampai Jumat, 27 November 2026 pukul 11.20 WIB." in said
        chat.clock.advance(timedelta(minutes=20))
        assert sweep(chat).run().sent == 1
        assert chat.inbox("budi") == ["⏰ Pengingat: telepon kepala desa"] * 2
        said = chat.send("budi", "/tunda 1 besok")
        assert "Sabtu, 28 November 2026 pukul 08.00 WIB" in said

    def test_closed_subject_cancels_a_due_reminder_instead_of_firing(self, chat: Chat) -> None:
        chat.send("ani", "/tugas Kirim data @budi senin 17:00")
        chat.clock.set(datetime(2026, 11, 30, 16, 0, tzinfo=WIB))
        chat.send("budi", "/selesai 1")
        chat.clock.set(datetime(2026, 11, 30, 17, 0, tzinfo=WIB))
        assert sweep(chat).run() == sweep(chat).run()  # nothing left to fire
        assert all("Sudah tenggat" not in m for m in chat.inbox("budi"))


class TestLateness:
    """After downtime: late reminders say so; very late ones wait for the digest."""

    def test_late_reminder_says_how_late(self, chat: Chat) -> None:
        chat.send("budi", "/ingatkan 1 jam lagi telepon kepala desa")
        chat.clock.advance(timedelta(hours=3))
        fired = sweep(chat).run()
        assert fired.late == 1
        assert chat.inbox("budi") == ["⏰ Pengingat: telepon kepala desa (terlambat 2 jam)"]

    def test_too_late_is_missed_not_sent(self, chat: Chat, engine: Engine) -> None:
        chat.send("kevin", "/remind in 1 hour call the clinic")
        chat.clock.advance(timedelta(hours=14))
        assert sweep(chat).run().missed == 1
        assert chat.inbox("kevin") == []
        with Session(engine) as session:
            assert session.exec(select(Reminder.status)).all() == [ReminderStatus.MISSED]

    def test_english_late_note(self, chat: Chat) -> None:
        chat.send("kevin", "/remind in 1 hour call the clinic")
        chat.clock.advance(timedelta(hours=1, minutes=45))
        sweep(chat).run()
        assert chat.inbox("kevin") == ["⏰ Reminder: call the clinic (45 minutes late)"]


class TestDaftarPengingat:
    """/pengingat lists 15 a page: Gotong's own reminders for many tasks add up."""

    def test_pages_with_a_next_button(self, chat: Chat) -> None:
        for hour in range(8, 8 + 17):
            chat.send("budi", f"/ingatkan 3 Des jam {hour % 24}:00 telepon kader {hour}")
        said = chat.send("budi", "/pengingat")
        assert said.text.startswith("Pengingat Anda (17), halaman 1 dari 2:")
        assert said.text.count("\n⏰ ") == 15
        assert "… dan 2 lagi. Berikutnya: /pengingat 2" in said
        assert said.commands[-1] == "reminders 2"
        said = chat.send("budi", "/pengingat 2")
        assert said.text.startswith("Pengingat Anda (17), halaman 2 dari 2:")
        assert said.text.count("\n⏰ ") == 2 and "reminders 3" not in said.commands
        assert chat.send("budi", "/pengingat 3").text == (
            "Tidak ada halaman 3: daftar pengingat Anda 2 halaman. Contoh: /pengingat 2"
        )
        assert chat.send("budi", "/pengingat 0").text.startswith("Tidak ada halaman 0")
        assert "/reminders 2: the next page" in chat.send("sarah", "/reminders soon")
