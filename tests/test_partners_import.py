"""Importing the partner directory from CSV: good, duplicate and broken rows, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select
from typer.testing import CliRunner

from bot.cli import app
from core.clock import FakeClock
from core.db import make_engine, unit_of_work
from core.errors import UserError
from core.models import AuditEntry, PartnerContact, PartnerOrg
from core.people import accounts, partner_import

HEADER = "handle,name,kind,region,contact_name,contact_phone,contact_email\n"
GOOD = (
    HEADER
    + "pmi-demak,PMI Kabupaten Demak,pemerintah,Demak,Pak Joko,0812-3456-7890,joko@example.org\n"
    + "pmi-demak,PMI Kabupaten Demak,pemerintah,Demak,Bu Rina,+62 813 2222 3333,\n"
    + "pmi-demak,PMI Kabupaten Demak,pemerintah,Demak,Pak Joko,+62 812 3456 7890,\n"
    + 'bank-jateng,"Bank Jateng, Cabang Demak",private,Demak,,,\n'
)


def imported(engine: Engine, clock: FakeClock, text: str) -> partner_import.ImportResult:
    with unit_of_work(engine) as session:
        rows = partner_import.read_rows(text)
        return partner_import.import_rows(session, now=clock.now(), actor=None, rows=rows)


def directory(engine: Engine) -> list[tuple[str, str, str, str, list[str]]]:
    """Every organisation with its kind, region and contacts' names, by handle."""
    with unit_of_work(engine) as session:
        found = []
        for org in session.exec(select(PartnerOrg).order_by(col(PartnerOrg.handle))):
            contacts = session.exec(
                select(PartnerContact.name).where(PartnerContact.partner_org_id == org.id)
            )
            found.append((org.handle, org.name, org.kind, org.region, sorted(contacts)))
        return found


class TestImportRows:
    """The import service, on SQLite and PostgreSQL."""

    def test_good_rows_with_a_duplicate_contact(self, engine: Engine, clock: FakeClock) -> None:
        """The same contact written twice (0812… and +62 812…) is kept once."""
        result = imported(engine, clock, GOOD)
        assert result.rejected == []
        assert [(a.line, a.organisation, a.contact_added) for a in result.accepted] == [
            (2, "added", True),
            (3, "unchanged", True),
            (4, "unchanged", False),
            (5, "added", False),
        ]
        assert directory(engine) == [
            ("bank-jateng", "Bank Jateng, Cabang Demak", "private", "Demak", []),
            ("pmi-demak", "PMI Kabupaten Demak", "government", "Demak", ["Bu Rina", "Pak Joko"]),
        ]

    def test_second_import_upserts_by_handle(self, engine: Engine, clock: FakeClock) -> None:
        imported(engine, clock, GOOD)
        again = imported(
            engine, clock, HEADER + "pmi-demak,PMI Demak,ngo,Jawa Tengah,Pak Joko,0812-3456-7890,\n"
        )
        assert [(a.organisation, a.contact_added) for a in again.accepted] == [("updated", False)]
        assert directory(engine)[1][:4] == ("pmi-demak", "PMI Demak", "ngo", "Jawa Tengah")
        with unit_of_work(engine) as session:
            updates = session.exec(select(AuditEntry).where(AuditEntry.action == "partner.update"))
            assert len(updates.all()) == 1

    def test_broken_rows_are_rejected_whole_with_their_line(
        self, engine: Engine, clock: FakeClock
    ) -> None:
        with unit_of_work(engine) as session:
            accounts.add_person(
                session, now=clock.now(), actor=None, handle="budi", name="Budi", role="field"
            )
        text = (
            HEADER
            + "pmi-demak,PMI Kabupaten Demak,pemerintah,Demak,Pak Joko,0812-3456-7890,\n"
            + "pmi-demak,PMI Demak,pemerintah,Demak,Bu Rina,0813-2222-3333,\n"
            + "palang,Palang Merah,relawan,,,,\n"
            + "budi,Budi Foundation,ngo,,,,\n"
            + "pkk,PKK Desa,komunitas,,Bu Ani,12,\n"
            + "lazis,Lazis,ngo,,Pak Ali,,ali@nowhere\n"
            + "rumah,Rumah Zakat,ngo,,Pak Umar,,\n"
            + ",Tanpa Handle,ngo,,,,\n"
            + "desa,Kantor Desa,pemerintah,,,0812-3456-7890,\n"
        )
        result = imported(engine, clock, text)
        assert [a.line for a in result.accepted] == [2]
        assert [(r.line, r.error.key) for r in result.rejected] == [
            (3, "partners.import_org_differs"),
            (4, "directory.bad_kind"),
            (5, "partners.not_an_org"),
            (6, "partners.bad_phone"),
            (7, "partners.bad_email"),
            (8, "partners.import_no_reach"),
            (9, "partners.import_missing"),
            (10, "partners.import_missing"),
        ]

    def test_a_wrong_header_is_refused(self) -> None:
        with pytest.raises(UserError) as refused:
            partner_import.read_rows("handle,name,kind\npmi,PMI,ngo\n")
        assert refused.value.key == "partners.import_header"

    def test_line_numbers_count_quoted_line_breaks(self) -> None:
        rows = partner_import.read_rows(HEADER + 'a,"Two\nlines",ngo,,,,\n\nb,B,ngo,,,,\n')
        assert [r.line for r in rows] == [2, 5]


@pytest.fixture
def gotong_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner on a fresh SQLite file in its own working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GOTONG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("GOTONG_LANGUAGE", "en")
    return CliRunner()


class TestPartnersImportCommand:
    """gotong partners import FILE.csv, driven as an admin would."""

    def test_prints_the_rows_accepted(self, gotong_cli: CliRunner, tmp_path: Path) -> None:
        (tmp_path / "partners.csv").write_text(GOOD, encoding="utf-8")
        result = gotong_cli.invoke(app, ["partners", "import", "partners.csv"])
        assert result.exit_code == 0, result.output
        assert "line 2: @pmi-demak added; contact Pak Joko added" in result.output
        assert "line 4: @pmi-demak already there; contact Pak Joko already there" in result.output
        assert "Imported 4 rows." in result.output
        contacts = gotong_cli.invoke(app, ["partners", "contacts", "pmi-demak"]).output
        assert "Pak Joko" in contacts and "+62 813 2222 3333" in contacts

    def test_any_rejected_row_imports_nothing(self, gotong_cli: CliRunner, tmp_path: Path) -> None:
        (tmp_path / "partners.csv").write_text(
            GOOD + "palang,Palang Merah,relawan,,,,\npkk,PKK,komunitas,,Bu Ani,12,\n",
            encoding="utf-8",
        )
        result = gotong_cli.invoke(app, ["partners", "import", "partners.csv"])
        assert result.exit_code == 1
        output = " ".join(result.output.split())
        assert 'line 6: Unknown partner kind "relawan". Choose one of: government' in output
        assert 'line 7: The phone number "12" cannot be used' in output
        assert "Nothing was imported: 2 of 6 rows rejected." in output
        assert directory(make_engine(f"sqlite:///{tmp_path / 'cli.db'}")) == []

    def test_the_example_file_imports(self, gotong_cli: CliRunner) -> None:
        example = Path(__file__).parent.parent / "examples" / "partners.csv"
        result = gotong_cli.invoke(app, ["partners", "import", str(example)])
        assert result.exit_code == 0, result.output

    def test_exported_contacts_import_again(self, gotong_cli: CliRunner, tmp_path: Path) -> None:
        """`gotong export contacts --format csv` writes the import's own columns: a round trip."""
        (tmp_path / "partners.csv").write_text(GOOD, encoding="utf-8")
        gotong_cli.invoke(app, ["partners", "import", "partners.csv"])
        exported = gotong_cli.invoke(app, ["export", "contacts", "--format", "csv"])
        assert exported.exit_code == 0, exported.output
        lines = exported.output.splitlines()
        assert lines[0] == HEADER.strip()
        assert '"Bank Jateng, Cabang Demak",private,Demak,,,' in lines[1]
        assert lines[2] == (
            "pmi-demak,PMI Kabupaten Demak,government,Demak,Pak Joko,0812-3456-7890,joko@example.org"
        )
        (tmp_path / "again.csv").write_text(exported.output, encoding="utf-8")
        again = gotong_cli.invoke(app, ["partners", "import", "again.csv"])
        assert again.exit_code == 0, again.output
        assert "contact Bu Rina already there" in again.output

    def test_unreadable_file(self, gotong_cli: CliRunner) -> None:
        result = gotong_cli.invoke(app, ["partners", "import", "missing.csv"])
        assert result.exit_code == 2
        assert "cannot be read" in result.output
