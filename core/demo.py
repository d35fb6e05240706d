"""A realistic demo workspace: programs at several levels, their people, partners and work."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.delivery import followups
from core.models import CommitmentStatus, PartnerOrg, Person, Program
from core.people import accounts, programs
from core.people.directory import (
    join_program,
    link_partner,
    partner_by_handle,
    person_by_handle,
    program_by_code,
)
from core.work import commitments, deadlines, meetings, tasks, updates

PARTNERS = [
    ("dinsos-demak", "Dinas Sosial Kabupaten Demak", "government", "Demak, Jawa Tengah"),
    ("yayasan-peduli", "Yayasan Peduli Sesama", "ngo", "Semarang"),
    ("karang-taruna", "Karang Taruna Desa Sukamaju", "community", "Desa Sukamaju"),
    ("csr-nusantara", "CSR Bank Nusantara", "private", "Jakarta"),
    ("unicef", "UNICEF Indonesia", "international", "Jakarta"),
    ("pusdi-ugm", "Pusat Studi Kebijakan Sosial UGM", "academic", "Yogyakarta"),
]

PEOPLE = [
    ("admin", "Admin Gotong", "admin", "id", "Asia/Jakarta", None),
    ("ani", "Ani Wijaya", "manager", "id", "Asia/Jakarta", None),
    ("sarah", "Sarah Lim", "manager", "en", "Asia/Jakarta", None),
    ("budi", "Budi Santoso", "field", "id", "Asia/Jakarta", None),
    ("siti", "Siti Rahmawati", "field", "id", "Asia/Jakarta", None),
    ("yohana", "Yohana Tefa", "field", "id", "Asia/Makassar", None),
    ("markus", "Markus Wenda", "field", "id", "Asia/Jayapura", None),
    ("harjo", "Pak Harjo", "partner", "id", "Asia/Jakarta", "dinsos-demak"),
    ("dewi", "Dewi Lestari", "partner", "id", "Asia/Jakarta", "yayasan-peduli"),
    ("tom", "Tom Becker", "partner", "en", "Asia/Jakarta", "unicef"),
]

PROGRAMS = [
    (
        "pkh",
        "Program Keluarga Harapan — pendampingan",
        "national",
        "Indonesia",
        "ani",
        Decimal("2500000000"),
        ["budi", "siti", "yohana", "markus"],
        ["dinsos-demak", "pusdi-ugm"],
    ),
    (
        "sembako",
        "Bantuan sembako Desa Sukamaju",
        "village",
        "Desa Sukamaju, Demak",
        "ani",
        Decimal("150000000"),
        ["budi"],
        ["karang-taruna", "csr-nusantara"],
    ),
    (
        "banjir-demak",
        "Tanggap darurat banjir Demak",
        "district",
        "Kabupaten Demak",
        "ani",
        Decimal("750000000"),
        ["budi", "siti"],
        ["dinsos-demak", "yayasan-peduli"],
    ),
    (
        "gizi-ntt",
        "Perbaikan gizi balita NTT",
        "province",
        "Nusa Tenggara Timur",
        "sarah",
        Decimal("1200000000"),
        ["yohana"],
        ["unicef", "pusdi-ugm"],
    ),
]


def _at(now: datetime, days: int, hour: int, tz: str = "Asia/Jakarta") -> datetime:
    zone = ZoneInfo(tz)
    day = now.astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, 0), tzinfo=zone)


def load(session: Session, *, now: datetime) -> bool:
    """Create the demo workspace unless it is there already; True when it was created."""
    if person_by_handle(session, "ani") is not None:
        return False
    for handle, name, kind, region in PARTNERS:
        accounts.add_partner(
            session, now=now, actor=None, handle=handle, name=name, kind=kind, region=region
        )
    for handle, name, role, lang, tz, partner in PEOPLE:
        accounts.add_person(
            session,
            now=now,
            actor=None,
            handle=handle,
            name=name,
            role=role,
            language=lang,
            timezone=tz,
            partner=partner,
        )
    who = {handle: person_by_handle(session, handle) for handle, *_ in PEOPLE}
    for code, name, level, region, owner, budget, members, partners in PROGRAMS:
        program = programs.add_program(
            session,
            now=now,
            actor=None,
            code=code,
            name=name,
            level=level,
            region=region,
            owner=owner,
            budget=budget,
            starts_on=now.date().replace(month=1, day=1),
        )
        for handle in members:
            join_program(session, program, _person(who, handle))
        for handle in partners:
            org = partner_by_handle(session, handle)
            assert org is not None
            link_partner(session, program, org)
    _work(session, now, who)
    _commitments(session, now, who)
    return True


def _person(who: dict[str, Person | None], handle: str) -> Person:
    person = who[handle]
    assert person is not None
    return person


def _work(session: Session, now: datetime, who: dict[str, Person | None]) -> None:
    ani, sarah = _person(who, "ani"), _person(who, "sarah")
    budi, siti, yohana = _person(who, "budi"), _person(who, "siti"), _person(who, "yohana")
    pkh, sembako = _program(session, "pkh", ani), _program(session, "sembako", ani)
    banjir, gizi = _program(session, "banjir-demak", ani), _program(session, "gizi-ntt", sarah)
    # Created a week ago so some of it can be overdue today.
    past = now - timedelta(days=7)
    overdue = tasks.create(
        session,
        now=past,
        actor=ani,
        title="Verifikasi data penerima PKH Desa Sukamaju",
        assignees=[budi],
        program=pkh,
        due_at=_at(now, -2, 17),
    )
    # Back-dated to be overdue today; its reminders are as if set today (none in the past).
    followups.sync_task(session, now=now, task=overdue.task)
    tasks.create(
        session,
        now=now,
        actor=ani,
        title="Kirim rekap penyaluran sembako minggu ini",
        assignees=[budi, siti],
        program=sembako,
        due_at=_at(now, 1, 17),
    )
    tasks.create(
        session,
        now=now,
        actor=ani,
        title="Cek stok tenda dan selimut di posko",
        assignees=[siti],
        program=banjir,
        due_at=_at(now, 2, 12),
    )
    tasks.create(
        session,
        now=now,
        actor=sarah,
        title="Collect weighing data from posyandu",
        assignees=[yohana],
        program=gizi,
        due_at=_at(now, 5, 15, "Asia/Makassar"),
    )
    meetings.create(
        session,
        now=now,
        actor=ani,
        title="Koordinasi penyaluran bantuan banjir",
        starts_at=_at(now, 3, 10),
        duration=timedelta(hours=2),
        place="Kantor Dinas Sosial Demak",
        link="",
        program=banjir,
        people=[budi, siti],
        orgs=[_org(session, "dinsos-demak"), _org(session, "yayasan-peduli")],
    )
    meetings.create(
        session,
        now=now,
        actor=sarah,
        title="Nutrition programme review",
        starts_at=_at(now, 4, 9),
        duration=timedelta(minutes=90),
        place="",
        link="https://meet.example.org/gizi-ntt",
        program=gizi,
        people=[yohana],
        orgs=[_org(session, "unicef")],
    )
    deadlines.create(
        session,
        now=now,
        actor=ani,
        title="Laporan bulanan PKH ke Kemensos",
        due_at=_at(now, 6, 17),
        program=pkh,
        owner=ani,
    )
    deadlines.create(
        session,
        now=now,
        actor=sarah,
        title="Quarterly donor report",
        due_at=_at(now, 20, 17),
        program=gizi,
        owner=sarah,
    )
    updates.log(
        session,
        now=now - timedelta(days=1),
        actor=budi,
        program=sembako,
        text="45 paket sembako disalurkan di Desa Sukamaju, 3 lansia diantar ke rumah",
    )
    updates.log(
        session,
        now=now - timedelta(hours=5),
        actor=siti,
        program=banjir,
        text="120 KK mengungsi di balai desa, butuh 200 selimut",
    )


def _commitments(session: Session, now: datetime, who: dict[str, Person | None]) -> None:
    """What partners were asked for: one confirmed and partly delivered, one still unanswered."""
    ani, dewi = _person(who, "ani"), _person(who, "dewi")
    kits = commitments.request(
        session,
        now=now - timedelta(days=2),
        actor=ani,
        org=_org(session, "yayasan-peduli"),
        program=_program(session, "banjir-demak", ani),
        what="hygiene kit",
        quantity=Decimal(200),
        money=False,
        unit="hygiene kit",
        due_at=_at(now, 13, 17),
    )
    assert kits.id is not None
    commitments.answer(
        session,
        now=now - timedelta(days=1),
        actor=dewi,
        number=kits.id,
        status=CommitmentStatus.CONFIRMED,
    )
    commitments.receive(
        session, now=now - timedelta(hours=3), actor=dewi, number=kits.id, quantity=Decimal(80)
    )
    commitments.request(
        session,
        now=now,
        actor=ani,
        org=_org(session, "csr-nusantara"),
        program=_program(session, "sembako", ani),
        what="dana CSR",
        quantity=Decimal(25_000_000),
        money=True,
        unit="IDR",
        due_at=_at(now, 18, 17),
    )


def _program(session: Session, code: str, reader: Person) -> Program:
    return program_by_code(session, code, reader)


def _org(session: Session, handle: str) -> PartnerOrg:
    org = partner_by_handle(session, handle)
    assert org is not None
    return org
