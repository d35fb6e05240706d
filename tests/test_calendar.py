"""Calendar files: a meeting's invitation, move and cancellation carry an .ics that calendars
read as one event (same UID, growing SEQUENCE), in each reader's own zone; exports stream."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from adapters.console import FILE_MARK, ConsoleSession
from core.db import unit_of_work
from core.delivery.claims import OutboxDelivery
from core.delivery.firing import ReminderSweep
from core.delivery.queue import attachment_of
from core.errors import UserError
from core.language.i18n import Catalog
from core.messages import DOCUMENT, Attachment
from core.models import Deadline, Identity, Meeting, OutboxMessage
from core.people.directory import person_by_handle
from core.reports import calendar, calendar_export
from core.reports.calendar_export import write_calendar
from tests.chat import Chat

MAKASSAR, JAYAPURA = ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")


def files_for(engine: Engine, handle: str) -> list[Attachment]:
    """The files queued for a person, oldest first."""
    with Session(engine) as s:
        person = person_by_handle(s, handle)
        assert person is not None
        rows = s.exec(
            select(OutboxMessage)
            .where(OutboxMessage.person_id == person.id, col(OutboxMessage.chat_id).is_(None))
            .order_by(col(OutboxMessage.id))
        )
        return [a for a in (attachment_of(r) for r in rows) if a is not None]


def the_event(data: bytes) -> tuple[Calendar, Event]:
    """The calendar read back with icalendar, and its one event."""
    parsed = Calendar.from_ical(data)
    (event,) = parsed.events
    return parsed, event


def move_to(engine: Engine, handle: str, zone: str) -> None:
    with unit_of_work(engine) as s:
        person = person_by_handle(s, handle)
        assert person is not None
        person.timezone = zone
        s.add(person)


def meeting_row(engine: Engine, number: int) -> Meeting:
    with Session(engine) as s:
        found = s.get(Meeting, number)
        assert found is not None
        return found


class TestInvitation:
    """Each invited person gets the meeting as a file their calendar adds."""

    def test_invitation_carries_an_ics_in_the_readers_language(self, chat: Chat) -> None:
        """rapat-1.ics for an Indonesian reader, meeting-1.ics for an English one; a document."""
        chat.send("ani", "/rapat Koordinasi mitra senin 10:00 @budi @sarah #pkh")
        (budis,) = files_for(chat.engine, "budi")
        (sarahs,) = files_for(chat.engine, "sarah")
        assert (budis.kind, budis.name) == (DOCUMENT, "rapat-1.ics")
        assert (sarahs.kind, sarahs.name) == (DOCUMENT, "meeting-1.ics")
        assert "Berkas kalender" in budis.note and "calendar file" in sarahs.note
        assert "/hadir 1" in str(the_event(budis.data)[1]["DESCRIPTION"])
        assert "/attend 1" in str(the_event(sarahs.data)[1]["DESCRIPTION"])

    def test_the_file_holds_what_the_database_holds(self, chat: Chat) -> None:
        """UID, SEQUENCE 0, start and end, summary, place, organiser and attendees' answers."""
        chat.send(
            "ani", "/rapat Koordinasi mitra senin 10:00 90 menit @budi @dinsos #pkh di Balai Desa"
        )
        parsed, event = the_event(files_for(chat.engine, "budi")[0].data)
        meeting = meeting_row(chat.engine, 1)

        assert str(parsed["METHOD"]) == "REQUEST" and "Gotong" in str(parsed["PRODID"])
        assert str(event["UID"]) == "meeting-1@gotong"
        assert int(event["SEQUENCE"]) == meeting.sequence == 0
        assert event.start == meeting.starts_at
        assert event.end - event.start == timedelta(minutes=90)
        assert (str(event["SUMMARY"]), str(event["LOCATION"])) == ("Koordinasi mitra", "Balai Desa")
        assert str(event["STATUS"]) == "CONFIRMED"
        assert event["ORGANIZER"].params["CN"] == "Ani Wijaya"
        attendees = {str(a.params["CN"]): str(a.params["PARTSTAT"]) for a in event["ATTENDEE"]}
        assert attendees == {
            "Budi Santoso": "NEEDS-ACTION",
            "Pak Harjo (Dinas Sosial Demak)": "NEEDS-ACTION",
        }
        assert all(str(a).startswith("tag:gotong,2026:person:") for a in event["ATTENDEE"])
        assert all(a.params["RSVP"] == "FALSE" for a in event["ATTENDEE"])
        assert "#pkh Program Keluarga Harapan" in str(event["DESCRIPTION"])

    def test_each_reader_gets_the_moment_in_their_own_zone(self, chat: Chat) -> None:
        """Monday 10:00 WIB is 11:00 Asia/Makassar for Yohana (WITA), 12:00 Asia/Jayapura (WIT)."""
        move_to(chat.engine, "budi", "Asia/Jayapura")
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi @yohana #pkh")
        _, yohanas = the_event(files_for(chat.engine, "yohana")[0].data)
        parsed, budis = the_event(files_for(chat.engine, "budi")[0].data)

        assert yohanas.start == datetime(2026, 11, 30, 11, 0, tzinfo=MAKASSAR)
        assert yohanas["DTSTART"].params["TZID"] == "Asia/Makassar"
        assert budis.start == datetime(2026, 11, 30, 12, 0, tzinfo=JAYAPURA)
        assert budis["DTSTART"].params["TZID"] == "Asia/Jayapura"
        (zone,) = parsed.timezones
        assert str(zone["TZID"]) == "Asia/Jayapura"
        assert budis.start.astimezone(UTC) == datetime(2026, 11, 30, 3, 0, tzinfo=UTC)

    def test_indonesian_characters_survive(self, chat: Chat) -> None:
        """Titles and places with any letters come back as written, in UTF-8."""
        chat.send(
            "ani",
            "/rapat Rapat koordinasi – gizi & pangan senin 10:00 @budi #pkh di Balai Desa Sukamaju–Ñ",
        )
        data = files_for(chat.engine, "budi")[0].data
        _, event = the_event(data)
        assert str(event["SUMMARY"]) == "Rapat koordinasi – gizi & pangan"
        assert str(event["LOCATION"]) == "Balai Desa Sukamaju–Ñ"
        assert "Sukamaju–Ñ".encode() in data.replace(b"\r\n ", b"")

    def test_a_link_goes_to_the_location_when_there_is_no_place(self, chat: Chat) -> None:
        """An online meeting's link is its location and its URL."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi https://meet.example.org/abc")
        _, event = the_event(files_for(chat.engine, "budi")[0].data)
        assert str(event["LOCATION"]) == str(event["URL"]) == "https://meet.example.org/abc"


class TestChanges:
    """A moved or cancelled meeting replaces the event in the calendar that holds it."""

    def test_a_move_sends_the_same_uid_with_a_higher_sequence(self, chat: Chat) -> None:
        """After /ubah the file has the new start, the same UID and SEQUENCE 1, then 2."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi #pkh")
        chat.send("ani", "/ubah rapat 1 selasa 14:00")
        chat.send("ani", "/ubah rapat 1 rabu 09:00")
        invited, moved, moved_again = (the_event(f.data)[1] for f in files_for(chat.engine, "budi"))

        assert {str(e["UID"]) for e in (invited, moved, moved_again)} == {"meeting-1@gotong"}
        assert [int(e["SEQUENCE"]) for e in (invited, moved, moved_again)] == [0, 1, 2]
        assert moved.start == datetime(2026, 12, 1, 14, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
        assert moved_again.start == meeting_row(chat.engine, 1).starts_at
        assert meeting_row(chat.engine, 1).sequence == 2

    def test_a_cancellation_sends_method_cancel(self, chat: Chat) -> None:
        """/batal rapat: METHOD:CANCEL, STATUS:CANCELLED, the same UID, a higher SEQUENCE."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi @sarah #pkh")
        chat.send("ani", "/batal rapat 1")
        _, cancelled = files_for(chat.engine, "sarah")
        parsed, event = the_event(cancelled.data)

        assert str(parsed["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert (str(event["UID"]), int(event["SEQUENCE"])) == ("meeting-1@gotong", 1)
        assert "/attend" not in str(event["DESCRIPTION"])

    def test_a_refused_change_queues_no_file(self, chat: Chat) -> None:
        """A move into the past changes nothing: no notice, no file, the sequence stays."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi #pkh")
        said = chat.send("ani", "/ubah rapat 1 kemarin 10:00")
        assert "sudah lewat" in said.text
        assert len(files_for(chat.engine, "budi")) == 1
        assert meeting_row(chat.engine, 1).sequence == 0

    def test_reminders_carry_no_file(self, chat: Chat) -> None:
        """The reminder before a meeting is text only: nothing in the calendar changed."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi #pkh")
        chat.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
        assert ReminderSweep(chat.engine, chat.clock, Catalog()).run().sent >= 1
        with Session(chat.engine) as s:
            budi = person_by_handle(s, "budi")
            assert budi is not None
            rows = list(
                s.exec(
                    select(OutboxMessage)
                    .where(OutboxMessage.person_id == budi.id)
                    .order_by(col(OutboxMessage.id))
                )
            )
        assert len(rows) >= 2, "the reminder was queued"
        assert rows[0].attachment_name == "rapat-1.ics"
        assert [r.attachment_name for r in rows[1:]] == [None] * (len(rows) - 1)


class TestWords:
    """The words written into a file are in both languages."""

    def test_both_languages_have_the_same_words(self) -> None:
        """Every key in Indonesian exists in English, and the file names differ by language."""
        assert calendar.WORDS["id"].keys() == calendar.WORDS["en"].keys()
        assert calendar.meeting_file_name(7, "id") == "rapat-7.ics"
        assert calendar.meeting_file_name(7, "en") == "meeting-7.ics"


def exported(engine: Engine, **filters: object) -> tuple[int, Calendar]:
    out = io.BytesIO()
    with Session(engine) as s:
        count = write_calendar(s, out=out, **filters)  # type: ignore[arg-type]
    return count, Calendar.from_ical(out.getvalue())


class TestExport:
    """write_calendar: meetings and deadlines as one published calendar, filtered."""

    def prepare(self, chat: Chat) -> None:
        chat.send("ani", "/rapat Koordinasi PKH senin 10:00 @budi @dinsos #pkh")
        chat.send("sarah", "/meeting Nutrition review tuesday 9:00 @kevin @unicef #gizi")
        chat.send("ani", "/rapat Tanpa program rabu 10:00 @budi")
        chat.send("ani", "/tenggat Laporan bulanan ke Dinsos 30 Des #pkh")
        chat.send("sarah", "/deadline Gizi survey 15 Dec 12:00 #gizi")

    def test_every_meeting_and_deadline_is_one_event(self, chat: Chat) -> None:
        """Five rows, five events, each UID from its row; METHOD:PUBLISH; one VTIMEZONE."""
        self.prepare(chat)
        count, parsed = exported(chat.engine, kinds=("meetings", "deadlines"), tz="Asia/Makassar")
        with Session(chat.engine) as s:
            meetings = list(s.exec(select(Meeting).order_by(col(Meeting.id))))
            deadlines = list(s.exec(select(Deadline).order_by(col(Deadline.id))))

        assert count == len(parsed.events) == 5
        assert str(parsed["METHOD"]) == "PUBLISH"
        assert [str(z["TZID"]) for z in parsed.timezones] == ["Asia/Makassar"]
        by_uid = {str(e["UID"]): e for e in parsed.events}
        for meeting in meetings:
            event = by_uid[f"meeting-{meeting.id}@gotong"]
            assert event.start == meeting.starts_at
            assert event["DTSTART"].params["TZID"] == "Asia/Makassar"
            assert str(event["SUMMARY"]) == meeting.title
        for deadline in deadlines:
            event = by_uid[f"deadline-{deadline.id}@gotong"]
            assert event.start == deadline.due_at
            assert str(event["TRANSP"]) == "TRANSPARENT"
        assert by_uid["deadline-1@gotong"].start == datetime(
            2026, 12, 30, 18, 0, tzinfo=MAKASSAR
        ), "a deadline with no time is due at 17:00 in its owner's zone (WIB)"

    def test_filters_by_program_range_and_partner(self, chat: Chat) -> None:
        """#pkh only; a range on each row's own moment; a partner's invitations, no deadlines."""
        self.prepare(chat)
        count, parsed = exported(
            chat.engine, kinds=("meetings", "deadlines"), programs=("pkh",), tz="WIB"
        )
        assert count == 2
        assert {str(e["UID"]) for e in parsed.events} == {"meeting-1@gotong", "deadline-1@gotong"}

        start = datetime(2026, 12, 1, tzinfo=ZoneInfo("Asia/Jakarta"))
        count, parsed = exported(
            chat.engine, kinds=("meetings",), start=start, end=start + timedelta(days=1), tz="WIB"
        )
        assert [str(e["SUMMARY"]) for e in parsed.events] == ["Nutrition review"]

        count, parsed = exported(
            chat.engine, kinds=("meetings", "deadlines"), partner="unicef", tz="WIB"
        )
        assert [str(e["UID"]) for e in parsed.events] == ["meeting-2@gotong"]

    def test_the_same_rows_give_the_same_bytes(self, chat: Chat) -> None:
        """Without `now`, each DTSTAMP is the row's creation: an export is reproducible."""
        self.prepare(chat)
        first, second = io.BytesIO(), io.BytesIO()
        with Session(chat.engine) as s:
            write_calendar(s, kinds=("meetings", "deadlines"), out=first, tz="WIB")
            write_calendar(s, kinds=("meetings", "deadlines"), out=second, tz="WIB")
        assert first.getvalue() == second.getvalue()

    def test_batches_cover_every_row_once(
        self, chat: Chat, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With batches of two, five rows still give five events, none twice."""
        self.prepare(chat)
        monkeypatch.setattr(calendar_export, "BATCH", 2)
        count, parsed = exported(chat.engine, kinds=("meetings", "deadlines"), tz="WIB")
        uids = [str(e["UID"]) for e in parsed.events]
        assert count == 5 and len(set(uids)) == 5

    def test_an_empty_export_is_a_calendar_with_no_events(self, chat: Chat) -> None:
        """No rows: a valid VCALENDAR that calendars open, and 0."""
        count, parsed = exported(chat.engine, kinds=("meetings",), tz="WIB")
        assert count == 0 and parsed.events == []

    @pytest.mark.parametrize(
        ("filters", "key"),
        [
            ({"kinds": ("tasks",)}, "calendar.unknown_kind"),
            ({"kinds": ("meetings",), "programs": ("nope",)}, "common.unknown_program"),
            ({"kinds": ("meetings",), "partner": "nobody"}, "common.unknown_handle"),
        ],
    )
    def test_what_cannot_be_exported_is_refused_before_writing(
        self, chat: Chat, filters: dict[str, object], key: str
    ) -> None:
        """An unknown kind, program or partner: a UserError, and nothing written."""
        out = io.BytesIO()
        with Session(chat.engine) as s, pytest.raises(UserError) as refused:
            write_calendar(s, out=out, tz="WIB", **filters)  # type: ignore[arg-type]
        assert refused.value.key == key and out.getvalue() == b""


class TestConsole:
    """On the console the invitation's file is written out and its path printed."""

    def test_the_invitation_prints_the_path_of_its_ics(self, chat: Chat, tmp_path: Path) -> None:
        """Budi's console shows the invitation, then the path of rapat-1.ics, which reads back."""
        with unit_of_work(chat.engine) as s:
            # Budi on no chat platform: his messages wait for his console.
            for identity in s.exec(select(Identity).where(Identity.external_id == "budi")):
                s.delete(identity)
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi #pkh")
        out = io.StringIO()
        console = ConsoleSession(
            chat.gotong,
            outbox=OutboxDelivery(chat.engine, chat.clock),
            who="budi",
            out=out,
            files_dir=tmp_path / "files",
        )

        assert console.deliver() == 1

        (written,) = (tmp_path / "files").iterdir()
        assert written.name.endswith("-rapat-1.ics")
        assert f"{FILE_MARK}{written.resolve()}" in out.getvalue()
        assert "Undangan rapat" in out.getvalue()
        assert str(the_event(written.read_bytes())[1]["UID"]) == "meeting-1@gotong"
