"""The same work in English: replies follow each person's language, commands either."""

from __future__ import annotations

from datetime import timedelta

from tests.chat import Chat


class TestEnglish:
    """English speakers get English replies, whichever command names they type."""

    def test_manager_creates_task_and_indonesian_assignee_reads_indonesian(
        self, chat: Chat
    ) -> None:
        said = chat.send("sarah", "/task Collect weighing data @kevin @yohana tomorrow 5pm #gizi")
        assert "Task 1 created: Collect weighing data" in said
        assert "For: Kevin Ong (@kevin), Yohana Tefa (@yohana)" in said
        assert "Due: Saturday, 28 November 2026 at 17:00 WIB" in said
        assert "New task from Sarah Lim" in chat.inbox("kevin")[0]
        # Yohana reads Indonesian, in her own time zone (WITA).
        assert "Tugas baru dari Sarah Lim" in chat.inbox("yohana")[0]
        assert "Sabtu, 28 November 2026 pukul 18.00 WITA" in chat.inbox("yohana")[0]

    def test_done_and_my_tasks(self, chat: Chat) -> None:
        chat.send("sarah", "/task Call posyandu @kevin in 3 days")
        assert "Your tasks (1):" in chat.send("kevin", "/mytasks")
        assert "Task 1 done: Call posyandu" in chat.send("kevin", "/done 1")
        assert "No open tasks." in chat.send("kevin", "/tugasku")

    def test_meeting_with_partner_in_english(self, chat: Chat) -> None:
        said = chat.send(
            "sarah", "/meeting Nutrition review next friday 9am 90m at Kupang office @unicef #gizi"
        )
        assert "Meeting 1 scheduled: Nutrition review" in said
        assert "When: Friday, 4 December 2026 at 09:00 WIB (90 minutes)" in said
        assert "Place: Kupang office" in said
        [invitation] = chat.inbox("tom")
        assert "On behalf of: UNICEF Indonesia" in invitation
        assert "Noted: you will attend meeting 1" in chat.send("tom", "/attend 1")
        assert "Tom Becker: attending — meeting 1" in chat.inbox("sarah")[0]

    def test_deadline_report_reminder(self, chat: Chat) -> None:
        assert "Deadline 1 set: Donor report" in chat.send(
            "sarah", "/deadline Donor report Dec 5 14:00 #gizi"
        )
        said = chat.send("kevin", "/report #gizi 2,500 children weighed in Kupang")
        assert "Update logged for #gizi" in said
        assert "• 2,500 children" in said
        said = chat.send("kevin", "/remind in 2 hours call the clinic")
        assert "Reminder 3: call the clinic" in said  # 1 and 2: the deadline's, for Sarah
        assert "Friday, 27 November 2026 at 12:00 WIB" in said
        assert "Your reminders (1):" in chat.send("kevin", "/reminders")
        assert "Reminder 3 cancelled" in chat.send("kevin", "/cancel reminder 3")

    def test_agenda_late_program_help_settings(self, chat: Chat) -> None:
        chat.send("sarah", "/meeting Review monday 10:00 @kevin #gizi")
        assert "Meeting 1: Review #gizi" in chat.send("kevin", "/agenda")
        chat.send("sarah", "/task Send photos @kevin today 12:00 #gizi")
        chat.clock.advance(timedelta(days=1))
        assert "Overdue — your programs:" in chat.send("sarah", "/late")
        assert "#gizi — Gizi balita NTT" in chat.send("sarah", "/program #gizi")
        assert "/task — create a task" in chat.send("sarah", "/help")
        assert "Example: /meeting" in chat.send("sarah", "/help rapat")
        assert "Your time zone is now Asia/Jayapura" in chat.send("sarah", "/set timezone WIT")
        assert "Baik, saya akan menjawab dalam Bahasa Indonesia." in chat.send(
            "sarah", "/set language id"
        )
