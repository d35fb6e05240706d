"""The gotong command, driven as an admin would from a terminal."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from core.db import make_engine, unit_of_work
from core.models import AuditEntry
from tests.fakes.telegram_server import FakeTelegram
from tests.logs import DebugLogs


@pytest.fixture
def gotong_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner on a fresh SQLite file in its own working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GOTONG_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("GOTONG_LANGUAGE", "en")
    return CliRunner()


class TestDirectory:
    """people, partners and programs: add and list."""

    def test_add_and_list(self, gotong_cli: CliRunner) -> None:
        result = gotong_cli.invoke(
            app, ["partners", "add", "dinsos", "--name", "Dinas Sosial", "--kind", "government"]
        )
        assert result.exit_code == 0, result.output
        result = gotong_cli.invoke(
            app,
            [
                "people",
                "add",
                "harjo",
                "--name",
                "Pak Harjo",
                "--role",
                "partner",
                "--partner",
                "dinsos",
            ],
        )
        assert "Added @harjo (partner)." in result.output
        gotong_cli.invoke(
            app, ["people", "add", "ani", "--name", "Ani", "--role", "manager", "--tz", "WITA"]
        )
        result = gotong_cli.invoke(
            app,
            [
                "programs",
                "add",
                "pkh",
                "--name",
                "PKH",
                "--level",
                "national",
                "--owner",
                "ani",
                "--budget",
                "Rp 1,5 M",
            ],
        )
        assert "Added program #pkh (national)." in result.output
        assert "IDR 1,500,000,000" in gotong_cli.invoke(app, ["programs", "list"]).output
        listing = gotong_cli.invoke(app, ["people", "list"]).output
        assert "Asia/Makassar" in listing and "dinsos" in listing

    def test_join_says_what_was_stored_and_suggests_handles(
        self, gotong_cli: CliRunner, tmp_path: Path
    ) -> None:
        """The chat and the CLI share one service: same checks, same audit trail."""
        gotong_cli.invoke(app, ["demo"])
        result = gotong_cli.invoke(app, ["programs", "join", "gizi-ntt", "@siti", "unicef"])
        assert "Updated #gizi-ntt: added @siti; already in: @unicef." in result.output
        result = gotong_cli.invoke(app, ["programs", "join", "gizi-ntt", "@sitti"])
        assert result.exit_code == 1
        assert "Did you mean @siti?" in " ".join(result.output.split())
        with unit_of_work(make_engine(f"sqlite:///{tmp_path / 'cli.db'}")) as session:
            joins = session.exec(select(AuditEntry).where(AuditEntry.action == "program.join"))
            assert len(joins.all()) == 1

    def test_bad_values_are_explained(self, gotong_cli: CliRunner) -> None:
        result = gotong_cli.invoke(app, ["people", "add", "x", "--name", "X", "--role", "boss"])
        assert result.exit_code == 1
        assert (
            'Unknown role "boss". Choose one of: admin, manager, field, partner.' in result.output
        )
        result = gotong_cli.invoke(
            app, ["people", "add", "Bad Handle!", "--name", "X", "--role", "field"]
        )
        assert "is not a valid handle" in result.output
        result = gotong_cli.invoke(
            app, ["programs", "add", "pkh", "--name", "PKH", "--budget", "lots"]
        )
        assert 'I cannot read the number "lots"' in result.output


class TestDemoChatExport:
    """The demo workspace, a piped conversation and exports."""

    def test_demo_is_idempotent(self, gotong_cli: CliRunner) -> None:
        assert "Demo workspace loaded." in gotong_cli.invoke(app, ["demo"]).output
        assert "already there" in gotong_cli.invoke(app, ["demo"]).output
        people = json.loads(gotong_cli.invoke(app, ["export", "people"]).output)
        assert len(people) == len({p["handle"] for p in people}) == 10

    def test_piped_chat_answers_each_line(self, gotong_cli: CliRunner) -> None:
        gotong_cli.invoke(app, ["demo"])
        result = gotong_cli.invoke(app, ["chat", "--as", "budi"], input="/tugasku\n/help task\n")
        assert result.exit_code == 0, result.output
        assert "Tugas Anda (" in result.output
        assert "/tugas (/task)" in result.output

    def test_chat_delivers_messages_queued_for_the_person(self, gotong_cli: CliRunner) -> None:
        gotong_cli.invoke(app, ["demo"])
        gotong_cli.invoke(
            app, ["chat", "--as", "ani"], input="/tugas Cek gudang @budi besok 17:00\n"
        )
        result = gotong_cli.invoke(app, ["chat", "--as", "budi"], input="")
        assert "📨 📌 Tugas baru dari Ani Wijaya: Cek gudang" in result.output

    def test_chat_as_unknown_person_fails_clearly(self, gotong_cli: CliRunner) -> None:
        result = gotong_cli.invoke(app, ["chat", "--as", "nobody"], input="")
        assert result.exit_code == 1
        assert "No person @nobody" in result.output

    def test_export_json_and_csv_with_offsets(self, gotong_cli: CliRunner) -> None:
        gotong_cli.invoke(app, ["demo"])
        tasks = json.loads(gotong_cli.invoke(app, ["export", "tasks", "--format", "json"]).output)
        assert tasks[0]["due_at"].endswith("+07:00")
        assert tasks[0]["program"] == "pkh"
        rows = list(
            csv.DictReader(
                io.StringIO(
                    gotong_cli.invoke(app, ["export", "meetings", "--format", "csv"]).output
                )
            )
        )
        assert {"id", "title", "starts_at", "people", "organisations"} <= set(rows[0])
        for kind in ("deadlines", "updates", "reminders", "partners", "programs", "outbox"):
            assert gotong_cli.invoke(app, ["export", kind]).exit_code == 0
        for kind in ("updates", "indicators"):
            assert gotong_cli.invoke(app, ["export", kind, "--format", "csv"]).exit_code == 0
            assert gotong_cli.invoke(app, ["export", kind]).exit_code == 0
        written = gotong_cli.invoke(app, ["export", "commitments", "--format", "csv"]).output
        [kits, csr] = list(csv.DictReader(io.StringIO(written)))
        assert (kits["quantity"], kits["received"], kits["partner"]) == (
            "200",
            "80",
            "yayasan-peduli",
        )
        assert csr["due_at"].endswith("+07:00") and csr["money"] == "True"
        [kits, csr] = json.loads(gotong_cli.invoke(app, ["export", "commitments"]).output)
        assert (kits["quantity"], kits["received"], csr["quantity"]) == (200, 80, 25000000)
        assert gotong_cli.invoke(app, ["export", "nonsense"]).exit_code == 2

    def test_run_with_demo_serves_the_console(self, gotong_cli: CliRunner) -> None:
        result = gotong_cli.invoke(app, ["run", "--demo"], input="/agenda\n")
        assert result.exit_code == 0, result.output
        assert "Agenda 7 hari ke depan:" in result.output


class TestInvite:
    """gotong invite prints a one-time code that onboards through chat."""

    def test_invite_prints_a_code(self, gotong_cli: CliRunner) -> None:
        gotong_cli.invoke(app, ["demo"])
        result = gotong_cli.invoke(
            app, ["invite", "--role", "partner", "--partner", "unicef", "--program", "gizi-ntt"]
        )
        assert result.exit_code == 0, result.output
        assert "Invitation code: " in result.output
        assert "(role partner, valid 7 days, one use)" in result.output
        assert "/mulai " in result.output

    def test_invite_for_a_person_added_on_the_command_line_links_to_them(
        self, gotong_cli: CliRunner
    ) -> None:
        gotong_cli.invoke(app, ["demo"])
        gotong_cli.invoke(app, ["people", "add", "wati", "--name", "Wati", "--role", "field"])
        result = gotong_cli.invoke(app, ["invite", "--person", "@wati"])
        assert result.exit_code == 0, result.output
        assert "(for @wati, valid 7 days, one use)" in result.output
        unknown = gotong_cli.invoke(app, ["invite", "--person", "nobody"])
        assert unknown.exit_code == 1
        assert "No person @nobody. See: gotong people list" in unknown.output

    def test_partner_invite_needs_an_organisation(self, gotong_cli: CliRunner) -> None:
        result = gotong_cli.invoke(app, ["invite", "--role", "partner"])
        assert result.exit_code == 1
        assert "A partner contact must belong to a partner organisation." in result.output


@pytest.fixture
def telegram_in_a_thread() -> Iterator[FakeTelegram]:
    """The fake Bot API on its own event loop, for commands that run theirs (asyncio.run)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = FakeTelegram(bot_username="GotongTestBot")
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(5)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


class TestLogsAtDebug:
    def test_invite_at_debug_writes_no_token(
        self,
        debug_logs: DebugLogs,
        gotong_cli: CliRunner,
        telegram_in_a_thread: FakeTelegram,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """PTB logs "Set Bot API URL: …/bot<TOKEN>" at DEBUG; Gotong's handler never writes it."""
        tg = telegram_in_a_thread
        monkeypatch.setenv("GOTONG_LOG_LEVEL", "DEBUG")
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", tg.token)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", tg.base_url)
        monkeypatch.setenv("TELEGRAM_FILE_BASE_URL", tg.base_file_url)

        result = gotong_cli.invoke(app, ["invite", "--role", "field"])

        assert result.exit_code == 0, result.output
        assert "https://t.me/GotongTestBot?start=" in result.output
        assert "level=debug" in result.output  # the log was on, and written to stderr
        assert tg.token not in result.output and tg.token.split(":")[1] not in result.output


class TestCliRefusals:
    """CLI errors follow GOTONG_LANGUAGE and show terminal examples, never chat commands."""

    def test_chat_accepts_a_leading_at(self, gotong_cli: CliRunner) -> None:
        """`--as @budi` names @budi, as handles are written in chat."""
        gotong_cli.invoke(app, ["demo"])
        result = gotong_cli.invoke(app, ["chat", "--as", "@budi"], input="/tugasku\n")
        assert result.exit_code == 0, result.output
        assert "Tugas Anda (" in result.output

    def test_unknown_handle_shows_a_cli_example(self, gotong_cli: CliRunner) -> None:
        """Joining an unknown handle points to the listing commands, not to /tugas."""
        gotong_cli.invoke(app, ["demo"])
        result = gotong_cli.invoke(app, ["programs", "join", "sembako", "nobody"])
        assert result.exit_code == 1
        assert "No person or partner @nobody. See: gotong people list" in result.output
        assert "/tugas" not in result.output

    def test_errors_follow_gotong_language(
        self, gotong_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With GOTONG_LANGUAGE=id every CLI error is Indonesian, the hand-written ones too."""
        monkeypatch.setenv("GOTONG_LANGUAGE", "id")
        gotong_cli.invoke(app, ["demo"])
        result = gotong_cli.invoke(app, ["programs", "join", "nothing", "budi"])
        assert "Program #nothing tidak ada. Lihat: gotong programs list" in result.output
        result = gotong_cli.invoke(app, ["chat", "--as", "@nobody"], input="")
        assert "Tidak ada orang @nobody" in result.output
        result = gotong_cli.invoke(app, ["export", "nonsense"])
        assert result.exit_code == 2
        assert 'Jenis "nonsense" tidak dikenal' in result.output
        result = gotong_cli.invoke(
            app, ["programs", "add", "x1", "--name", "X", "--start", "31-12-2026"]
        )
        assert '"31-12-2026" bukan tanggal' in result.output

    def test_what_was_done_follows_gotong_language(
        self, gotong_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Success lines too: people, partners, programs and joins in Indonesian."""
        monkeypatch.setenv("GOTONG_LANGUAGE", "id")
        said = gotong_cli.invoke(
            app, ["people", "add", "rina", "--name", "Rina", "--role", "field"]
        ).output
        assert "@rina ditambahkan (" in said
        said = gotong_cli.invoke(
            app, ["partners", "add", "pkk", "--name", "PKK", "--kind", "komunitas"]
        ).output
        assert "Mitra @pkk ditambahkan (" in said
        said = gotong_cli.invoke(app, ["programs", "add", "air", "--name", "Air bersih"]).output
        assert "Program #air ditambahkan (" in said
        said = gotong_cli.invoke(app, ["programs", "join", "air", "rina", "pkk", "rina"]).output
        assert "#air diperbarui: ditambahkan @rina, @pkk" in said
        said = gotong_cli.invoke(app, ["programs", "join", "air", "rina"]).output
        assert "ditambahkan tidak ada; sudah anggota: @rina." in said
        said = gotong_cli.invoke(app, ["demo"]).output
        assert "Ruang kerja demo " in said and "Coba: gotong chat --as ani" in said
        said = gotong_cli.invoke(app, ["invite", "--role", "field"]).output
        assert "Kode undangan: " in said and "peran field, berlaku 7 hari" in said
        assert "Atau kirim ke bot: /mulai " in said
