"""Digests as rows: planned at each person's hour, fired once, late or skipped after downtime."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from core.clock import FakeClock
from core.db import unit_of_work
from core.digests.rhythm import DAILY, WEEKLY, DigestStatus, next_digest
from core.digests.sweep import DigestSweep, plan_missing
from core.language.i18n import Catalog
from core.models import Digest, OutboxMessage, Person
from core.people import accounts
from core.people.directory import person_by_handle
from tests.chat import Chat

JAKARTA = ZoneInfo("Asia/Jakarta")


def person(role: str, tz: str = "Asia/Jakarta", **settings: str) -> Person:
    return Person(id=1, handle="x", name="X", role=role, timezone=tz, **settings)


class TestRhythm:
    def test_field_worker_skips_weekend_and_christmas(self) -> None:
        """From Thursday 24 Dec 2026 the next is Monday 28 Dec: Fri is Christmas, then a weekend."""
        after = datetime(2026, 12, 24, 7, 0, tzinfo=JAKARTA)
        planned = next_digest(person("field"), after=after)
        assert planned is not None
        assert planned.due_at.astimezone(JAKARTA) == datetime(2026, 12, 28, 6, 30, tzinfo=JAKARTA)
        assert (planned.kind, planned.period) == (DAILY, "2026-12-28")

    def test_manager_gets_the_weekly_on_monday_and_dailies_between(self) -> None:
        """Friday's daily, then Monday's weekly keyed by ISO week, at 07:00 by default."""
        friday = datetime(2026, 12, 4, 6, 0, tzinfo=JAKARTA)
        first = next_digest(person("manager"), after=friday)
        assert first is not None and (first.kind, first.period) == (DAILY, "2026-12-04")
        second = next_digest(person("manager"), after=first.due_at)
        assert second is not None and (second.kind, second.period) == (WEEKLY, "2026-W50")
        assert second.due_at.astimezone(JAKARTA).date() == date(2026, 12, 7)

    @pytest.mark.parametrize("zone", ["Asia/Makassar", "Asia/Jayapura"])
    def test_manager_gets_it_at_their_own_seven(self, zone: str) -> None:
        """WITA and WIT managers are planned at 07:00 where they are, not in Jakarta."""
        after = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)  # Tuesday 04:00 WITA, 05:00 WIT
        planned = next_digest(person("manager", zone), after=after)
        assert planned is not None
        local = planned.due_at.astimezone(ZoneInfo(zone))
        assert (local.hour, local.minute, local.date()) == (7, 0, date(2026, 12, 1))

    def test_partner_only_weekly_and_off_means_none(self) -> None:
        """Partner contacts hear on Monday 08:00; a person who turned digests off never."""
        planned = next_digest(person("partner"), after=datetime(2026, 12, 1, tzinfo=JAKARTA))
        assert planned is not None and planned.kind == WEEKLY
        assert planned.due_at.astimezone(JAKARTA) == datetime(2026, 12, 7, 8, tzinfo=JAKARTA)
        assert next_digest(person("manager", digest_mode="off"), after=planned.due_at) is None


def sweep(engine: Engine, clock: FakeClock) -> DigestSweep:
    return DigestSweep(engine, clock, Catalog())


def outbox_for(engine: Engine, handle: str) -> list[OutboxMessage]:
    with unit_of_work(engine) as s:
        found = person_by_handle(s, handle)
        assert found is not None
        query = select(OutboxMessage).where(OutboxMessage.person_id == found.id)
        return list(s.exec(query.order_by(col(OutboxMessage.id))))


def statuses(engine: Engine, handle: str) -> list[tuple[str, str]]:
    with unit_of_work(engine) as s:
        found = person_by_handle(s, handle)
        assert found is not None
        rows = s.exec(select(Digest).where(Digest.person_id == found.id).order_by(col(Digest.id)))
        return [(d.period, d.status) for d in rows]


class TestSweep:
    def test_zones_get_their_digest_at_their_own_seven(
        self, engine: Engine, clock: FakeClock
    ) -> None:
        """On Monday a WIT manager's weekly goes at 22:00 UTC Sunday, a WITA one's an hour later."""
        clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
        with unit_of_work(engine) as s:
            for handle, zone in (("wita", "Asia/Makassar"), ("wit", "Asia/Jayapura")):
                accounts.add_person(
                    s, now=clock.now(), actor=None, handle=handle, name=handle,
                    role="manager", timezone=zone,
                )  # fmt: skip
        digests = sweep(engine, clock)
        digests.run()
        clock.set(datetime(2026, 11, 29, 21, 59, tzinfo=UTC))
        digests.run()
        assert outbox_for(engine, "wit") == [] and outbox_for(engine, "wita") == []
        clock.set(datetime(2026, 11, 29, 22, 0, tzinfo=UTC))
        digests.run()
        assert [m.dedupe_key.split(":")[-1] for m in outbox_for(engine, "wit")] == ["2026-W49"]
        assert outbox_for(engine, "wita") == []
        clock.set(datetime(2026, 11, 29, 23, 0, tzinfo=UTC))
        digests.run()
        assert len(outbox_for(engine, "wita")) == 1
        # The weekly comes even with nothing to say, and says what to do about it.
        assert "belum punya program" in outbox_for(engine, "wit")[0].text

    def test_empty_daily_is_not_sent(self, chat: Chat, engine: Engine, clock: FakeClock) -> None:
        """A field worker with nothing to do gets no daily digest; the row says empty."""
        clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=JAKARTA))
        digests = sweep(engine, clock)
        digests.run()
        clock.set(datetime(2026, 11, 30, 6, 30, tzinfo=JAKARTA))
        digests.run()
        assert statuses(engine, "kevin")[0] == ("2026-11-30", DigestStatus.EMPTY)
        assert outbox_for(engine, "kevin") == []

    def test_sections_with_nothing_are_left_out(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        """A program with only an overdue task shows that and no other section."""
        chat.send("ani", "/tugas Kirim data penerima @budi besok 17:00 #pkh")
        clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=JAKARTA))
        said = chat.send("ani", "/ringkasan")
        assert "Terlambat:" in said and "@budi" in said
        for absent in ("laporan", "7 hari ke depan", "Komitmen", "Tidak bisa dihubungi"):
            assert absent not in said.text
        assert "done 1" in said.commands

    def test_late_after_downtime_says_how_late(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        """Down from 06:00 to 10:00: the 07:00 digest goes once, marked three hours late."""
        chat.send("ani", "/tugas Kirim data penerima @budi besok 17:00 #pkh")
        clock.set(datetime(2026, 11, 30, 18, 0, tzinfo=JAKARTA))
        digests = sweep(engine, clock)
        digests.run()
        clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=JAKARTA))
        digests.run()
        digests.run()
        sent = outbox_for(engine, "ani")
        assert len(sent) == 1 and "terlambat 3 jam" in sent[0].text
        assert statuses(engine, "ani")[:2] == [
            ("2026-12-01", DigestStatus.LATE),
            ("2026-12-02", DigestStatus.PENDING),
        ]

    def test_skipped_when_the_next_comes_sooner(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        """Down all day: Tuesday's digest is skipped, Wednesday's comes in the morning."""
        chat.send("ani", "/tugas Kirim data penerima @budi besok 17:00 #pkh")
        clock.set(datetime(2026, 11, 30, 18, 0, tzinfo=JAKARTA))
        digests = sweep(engine, clock)
        digests.run()
        clock.set(datetime(2026, 12, 1, 22, 0, tzinfo=JAKARTA))
        digests.run()
        assert outbox_for(engine, "ani") == []
        assert statuses(engine, "ani")[0] == ("2026-12-01", DigestStatus.SKIPPED)


def add_people(engine: Engine, count: int, now: datetime) -> None:
    """`count` field workers, added in one statement each kind (seeding, not a feature)."""
    with unit_of_work(engine) as s:
        s.add_all(
            Person(handle=f"p{i}", name=f"P {i}", role="manager", created_at=now)
            for i in range(count)
        )


class TestOnce:
    def test_restart_while_500_are_sending_sends_none_twice(
        self, engine: Engine, clock: FakeClock
    ) -> None:
        """Two instances sweep together, then a restart finds half the rows unmarked: 500 rows."""
        clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
        add_people(engine, 500, clock.now())
        with unit_of_work(engine) as s:
            assert plan_missing(s, now=clock.now()) == 500
        clock.set(datetime(2026, 11, 30, 7, 0, tzinfo=JAKARTA))
        errors: list[BaseException] = []

        def instance() -> None:
            try:
                DigestSweep(engine, clock, Catalog()).run(batch=50)
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=instance) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] or all("locked" in str(e) for e in errors)
        with unit_of_work(engine) as s:
            # A crash between the outbox insert and the row's mark, as a restart finds it.
            rows = s.exec(select(Digest).where(Digest.period == "2026-W49")).all()
            for row in rows[::2]:
                row.status = DigestStatus.PENDING
                s.add(row)
        sweep(engine, clock).run()
        with Session(engine) as s:
            keys = s.exec(
                select(OutboxMessage.dedupe_key, func.count()).group_by(
                    col(OutboxMessage.dedupe_key)
                )
            ).all()
        assert len(keys) == 500
        assert all(count == 1 for _, count in keys)
        assert all(key.startswith("digest:") and key.endswith(":2026-W49") for key, _ in keys)


class TestDowntimeNotes:
    def test_missed_reminders_and_unreachable_members_reach_the_manager(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        """Budi's task reminders, missed while Gotong was down, and Budi's block show in #pkh."""
        from core.models import Identity, Reminder, ReminderStatus

        chat.send("ani", "/tugas Kirim data penerima @budi senin 17:00 #pkh")
        clock.set(datetime(2026, 11, 30, 18, 0, tzinfo=JAKARTA))
        with unit_of_work(engine) as s:
            budi = person_by_handle(s, "budi")
            assert budi is not None
            for reminder in s.exec(select(Reminder).where(Reminder.person_id == budi.id)):
                reminder.status = ReminderStatus.MISSED  # as the reminder sweep marks them
                s.add(reminder)
            for identity in s.exec(select(Identity).where(Identity.person_id == budi.id)):
                identity.unreachable_at = clock.now()
                s.add(identity)
        said = chat.send("ani", "/ringkasan #pkh")
        assert "Pengingat terlewat saat Gotong mati:" in said
        assert "@budi: Kirim data penerima" in said
        assert "Tidak bisa dihubungi (memblokir Gotong): Budi Santoso (@budi)" in said
        assert "Pengingat terlewat" not in chat.send("ani", "/ringkasan #gizi")
