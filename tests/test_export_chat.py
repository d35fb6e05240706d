"""/ekspor (/export) in chat: what was understood, the file itself, who may, and bad input."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import icalendar
import pytest
from openpyxl import load_workbook

from core.commands import exports
from core.messages import DOCUMENT, Attachment
from tests import slack_harness, telegram_harness
from tests.chat import Chat, Said
from tests.slack_harness import Desk, read
from tests.telegram_harness import ANI, Chats

tg = telegram_harness.tg
chats = telegram_harness.chats
_retry_after_as_timedelta = telegram_harness._retry_after_as_timedelta
slack = slack_harness.slack
desk = slack_harness.desk


def the_file(said: Said) -> Attachment:
    """The one document a reply carries."""
    (attachment,) = [r.attachment for r in said.replies if r.attachment is not None]
    assert attachment.kind == DOCUMENT
    return attachment


def no_file(said: Said) -> None:
    assert len(said.replies) == 1
    assert said.replies[0].attachment is None


def sheet_rows(attachment: Attachment) -> list[tuple]:
    book = load_workbook(io.BytesIO(attachment.data), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def csv_rows(attachment: Attachment) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(attachment.data.decode("utf-8"))))


def last_month_and_now(chat: Chat) -> None:
    """Two updates in October (Budi) and one in November (Yohana) for #pkh."""
    chat.clock.advance(timedelta(days=-30))
    chat.send("budi", "/lapor #pkh 45 paket sembako disalurkan di Desa Sukamaju")
    chat.send("budi", "/lapor #pkh 12 KPM dikunjungi di Desa Wonorejo")
    chat.clock.advance(timedelta(days=30))
    chat.send("yohana", "/lapor #pkh 30 balita ditimbang")


class TestManager:
    def test_commitments_without_a_period_look_ahead(self, chat: Chat) -> None:
        """Asked without a period, commitments (dated by when they are due) cover 3 months."""
        chat.send("ani", "/komitmen @dinsos 200 paket sembako 20 Des #pkh")
        said = chat.send("ani", "/ekspor #pkh komitmen csv")
        assert "bulan ini dan dua bulan berikutnya" in said
        assert [row["what"] for row in csv_rows(the_file(said))] == ["paket sembako"]

    def test_meetings_as_a_calendar_file(self, chat: Chat) -> None:
        """/ekspor #pkh rapat ics: this month's meeting as an event a calendar app reads."""
        chat.send("ani", "/rapat Koordinasi penyaluran bantuan banjir besok 10:00 @budi #pkh")
        said = chat.send("ani", "/ekspor #pkh rapat ics")
        attachment = the_file(said)
        assert attachment.name.endswith(".ics")
        calendar = icalendar.Calendar.from_ical(attachment.data)
        (event,) = calendar.walk("VEVENT")
        assert str(event["SUMMARY"]) == "Koordinasi penyaluran bantuan banjir"
        assert str(event["UID"]).startswith("meeting-")

    def test_last_month_as_a_spreadsheet_with_what_was_understood(self, chat: Chat) -> None:
        """/ekspor #pkh bulan lalu xlsx: October's updates only, and the reply says so in words."""
        last_month_and_now(chat)

        said = chat.send("ani", "/ekspor #pkh bulan lalu xlsx")

        assert "Ekspor laporan lapangan #pkh" in said
        assert "Periode: 1–31 Oktober 2026" in said
        assert "Format: XLSX · 2 baris" in said
        attachment = the_file(said)
        assert attachment.name == "pkh-updates-2026-10.xlsx"
        rows = sheet_rows(attachment)
        texts = [row[rows[0].index("text")] for row in rows[1:]]
        assert sorted(texts) == sorted(
            [
                "45 paket sembako disalurkan di Desa Sukamaju",
                "12 KPM dikunjungi di Desa Wonorejo",
            ]
        )

    def test_english_manager_gets_a_csv_of_this_months_tasks(self, chat: Chat) -> None:
        """/export #gizi tasks this month csv: the English reply, the tasks as CSV rows."""
        chat.send("sarah", "/task Weigh toddlers in Kupang @kevin tomorrow 5pm #gizi")
        chat.send("ani", "/tugas Kirim data penerima @budi besok 17:00 #pkh")

        said = chat.send("sarah", "/export #gizi tasks this month csv")

        assert "Export of tasks #gizi" in said
        assert "Period: 1–30 November 2026" in said
        assert "Format: CSV · 1 row" in said
        attachment = the_file(said)
        assert attachment.name == "gizi-tasks-2026-11.csv"
        (row,) = csv_rows(attachment)
        assert (row["title"], row["program"]) == ("Weigh toddlers in Kupang", "gizi")

    def test_without_a_period_it_is_this_month_and_says_how_to_ask_another(
        self, chat: Chat
    ) -> None:
        """No period: this month, with the dates, and an example for another period."""
        last_month_and_now(chat)

        said = chat.send("ani", "/ekspor #pkh")

        assert "Periode: 1–30 November 2026 (bulan ini; periode lain: /ekspor #pkh bulan lalu)" in (
            said
        )
        assert "1 baris" in said
        assert the_file(said).name == "pkh-updates-2026-11.xlsx"

    def test_an_empty_period_gives_the_headers_and_says_so(self, chat: Chat) -> None:
        """Nothing in the range: still a file, with its column headers, and a short note."""
        last_month_and_now(chat)

        said = chat.send("ani", "/ekspor #pkh laporan Q1 2026 csv")

        assert "Periode: 1 Januari – 31 Maret 2026" in said
        assert "0 baris" in said
        assert "berkasnya hanya berisi judul kolom" in said
        header = the_file(said).data.decode("utf-8").splitlines()
        assert len(header) == 1 and "text" in header[0]

    def test_a_manager_may_keep_one_partners_rows(self, chat: Chat) -> None:
        """/ekspor #pkh komitmen @dinsos: only that organisation's commitments, as JSON."""
        chat.send("ani", "/komitmen @dinsos 200 paket sembako sebelum 10 Des #pkh")
        chat.send("ani", "/komitmen @unicef 50 timbangan sebelum 10 Des #pkh")

        said = chat.send("ani", "/ekspor #pkh komitmen @dinsos Q4 2026 json")

        assert "hanya @dinsos" in said
        rows = json.loads(the_file(said).data)
        assert [(r["partner"], r["what"]) for r in rows] == [("dinsos", "paket sembako")]

    def test_a_file_over_the_limit_is_refused_with_a_narrower_example(
        self, chat: Chat, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Too big for chat: no file, half the period as an example, and the server command."""
        last_month_and_now(chat)
        monkeypatch.setattr(exports, "FILE_LIMIT", 200)

        said = chat.send("ani", "/ekspor #pkh bulan lalu csv")

        no_file(said)
        assert "terlalu besar untuk chat" in said
        assert "/ekspor #pkh laporan 2026-10-01..2026-10-16" in said
        assert "gotong export updates --program pkh --from 2026-10-01 --to 2026-10-31" in said


class TestPartner:
    def test_a_partner_gets_only_their_organisations_commitments(self, chat: Chat) -> None:
        """Pak Harjo (dinsos) asks without naming anything: dinsos's commitments, nobody else's."""
        chat.send("ani", "/komitmen @dinsos 200 paket sembako sebelum 10 Des #pkh")
        chat.send("ani", "/komitmen @unicef 50 timbangan sebelum 10 Des #pkh")

        said = chat.send("harjo", "/ekspor komitmen bulan depan")

        assert "Ekspor komitmen #pkh · hanya @dinsos" in said
        rows = sheet_rows(the_file(said))
        partner = rows[0].index("partner")
        assert [row[partner] for row in rows[1:]] == ["dinsos"]

    def test_another_programs_rows_answer_like_a_program_that_does_not_exist(
        self, chat: Chat
    ) -> None:
        """Tom (unicef, on #gizi) asking for #pkh hears what an unknown #code gets."""
        said = chat.send("tom", "/export #pkh commitments")

        no_file(said)
        assert "There is no program #pkh" in said

    def test_a_partner_exports_commitments_and_meetings_only(self, chat: Chat) -> None:
        """Field updates are not a partner's rows: refused with a working example."""
        said = chat.send("harjo", "/ekspor #pkh laporan")

        no_file(said)
        assert "hanya komitmen dan rapat" in said
        assert "/ekspor komitmen bulan ini" in said

    def test_a_partner_cannot_name_another_organisation(self, chat: Chat) -> None:
        """@unicef from a dinsos contact changes nothing: their own rows are all they get."""
        said = chat.send("harjo", "/ekspor komitmen @unicef")

        no_file(said)
        assert "data organisasi Anda sendiri" in said


class TestRefusals:
    def test_a_field_worker_is_told_who_can(self, chat: Chat) -> None:
        """Budi gets no file, and the name of his program's manager."""
        said = chat.send("budi", "/ekspor #pkh bulan lalu")

        no_file(said)
        assert "hanya untuk manajer" in said
        assert "Ani Wijaya (@ani)" in said

    @pytest.mark.parametrize(
        ("who", "text", "expected"),
        [
            ("ani", "/ekspor #pkh bulan kemarinnya", '"bulan kemarinnya" bukan jenis, format'),
            ("ani", "/ekspor #pkh laporan ics", "ics (kalender) hanya untuk rapat dan tenggat"),
            ("ani", "/ekspor #pkh bulan lalu pdf", "PDF adalah laporan program: /laporan #pkh"),
            ("sarah", "/export #gizi pdf", "a PDF is the program report: /programreport #gizi"),
            ("ani", "/ekspor #pkh tugas rapat", "Anda menyebut tugas, rapat"),
            ("ani", "/ekspor #pkh pengingat", "gotong export reminders"),
            ("ani", "/ekspor #xyz bulan lalu", "Program #xyz tidak ada"),
            ("ani", "/ekspor #pkh 2026-11-15..2026-11-01", '"2026-11-15..2026-11-01"'),
            ("sarah", "/export #gizi last fortnight", '"last fortnight" is not a kind'),
            ("sarah", "/export #gizi updates ics", "for meetings and deadlines only"),
            ("sarah", "/export #gizi csv json", "you named csv, json"),
        ],
    )
    def test_bad_input_gets_a_short_answer_with_an_example_and_no_file(
        self, chat: Chat, who: str, text: str, expected: str
    ) -> None:
        """Each mistake: one reply in the reader's language, an example, nothing exported."""
        said = chat.send(who, text)

        no_file(said)
        assert expected in said
        assert "/ekspor #" in said or "/export #" in said or "/program #" in said


class TestPlatforms:
    async def test_telegram_sends_the_file_as_a_document(self, chats: Chats) -> None:
        """sendDocument to Ani with the CSV and the reply as its caption."""
        await chats.say("budi", "/lapor #pkh 45 paket sembako disalurkan")
        await chats.say("ani", "/ekspor #pkh bulan ini csv")

        sent = [m for m in await chats.deliver() if m.chat_id == ANI]

        (document,) = [m for m in sent if m.method == "sendDocument"]
        assert document.file is not None
        assert document.file.filename == "pkh-updates-2026-11.csv"
        (row,) = csv.DictReader(io.StringIO(document.file.data.decode("utf-8")))
        assert row["text"] == "45 paket sembako disalurkan"
        assert "Periode: 1–30 November 2026" in "\n".join(m.visible_text for m in sent)

    async def test_slack_uploads_the_file_into_the_dm(self, desk: Desk) -> None:
        """files_upload_v2 into Ani's DM with the spreadsheet, then the reply's text."""
        await desk.dm("ani", "ekspor #pkh tugas bulan ini")
        posted = [m for m in await desk.deliver() if m.channel == desk.dm_of("ani")]

        (shared,) = desk.slack.files.shared_in(desk.dm_of("ani"))
        assert shared.filename == "pkh-tasks-2026-11.xlsx"
        assert load_workbook(io.BytesIO(shared.data), read_only=True).worksheets[0]
        assert any("Ekspor tugas #pkh" in read(m) for m in posted)
