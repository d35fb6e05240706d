"""A file with an outbox message: kept in the row, claimed with it, shown on the console."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from adapters.console import FILE_MARK, ConsoleSession
from core.app import Gotong
from core.clock import FakeClock
from core.db import unit_of_work
from core.delivery.claims import OutboxDelivery
from core.delivery.queue import keep_replies
from core.language.i18n import Catalog
from core.messages import DOCUMENT, MAX_ATTACHMENT_BYTES, PHOTO, Attachment, Incoming, Reply
from core.models import OutboxMessage, OutboxStatus
from tests.chat import Chat
from tests.files import NOTE, PICTURE, chart, notifications, queue_with_file


class TestAttachment:
    """What an attachment may be: a photo or a document, bounded, with a plain name."""

    @pytest.mark.parametrize(
        ("kind", "name", "data"),
        [
            ("video", "a.mp4", b"x"),
            (PHOTO, "grafik.png", b""),
            (PHOTO, "grafik.png", bytes(MAX_ATTACHMENT_BYTES + 1)),
            (DOCUMENT, "../etc/passwd", b"x"),
            (DOCUMENT, "", b"x"),
        ],
    )
    def test_what_cannot_be_an_attachment_is_refused(
        self, kind: str, name: str, data: bytes
    ) -> None:
        """Another kind, no bytes, more than the bound, or a path for a name: a ValueError."""
        with pytest.raises(ValueError):
            Attachment(kind, name, data, NOTE)

    def test_the_catalog_has_the_note_in_both_languages(self) -> None:
        """The note that stands in for a refused chart is in the reader's language."""
        catalog = Catalog()
        now = datetime(2026, 11, 27, tzinfo=UTC)
        words = {
            lang: catalog.render("chart.not_sent", lang=lang, tz="UTC", now=now)
            for lang in ("id", "en")
        }
        assert "Grafik" in words["id"] and "chart" in words["en"]


class TestKeptWithTheMessage:
    """The bytes live in the row: whoever claims the message gets the file with it."""

    def test_a_claimed_message_carries_its_file(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        """Queued with a photo; the claim hands over the same kind, name, bytes and note."""
        queue_with_file(
            engine, clock, to="budi", platform=None, text="Ringkasan", attachment=chart()
        )

        (delivery,) = OutboxDelivery(engine, clock).claim_for_reader("console", handle="budi")

        assert delivery.attachment == chart()
        assert delivery.file_refused is None

    def test_a_refused_file_leaves_the_text_with_the_note(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        """The bytes go, the note joins the text, and a later claim sends the text alone."""
        queue_with_file(
            engine, clock, to="budi", platform=None, text="Ringkasan", attachment=chart()
        )
        outbox = OutboxDelivery(engine, clock)
        (delivery,) = outbox.claim_for_reader("console", handle="budi")

        outbox.refuse_file(delivery, "file_too_large")
        outbox.release(delivery.id, "rate limited")
        (again,) = outbox.claim_for_reader("console", handle="budi")

        assert again.text == f"Ringkasan\n\n{NOTE}"
        assert (again.attachment, again.file_refused) == (None, "file_too_large")
        (row,) = notifications(engine)
        assert row.attachment_data is None and row.attachment_kind == PHOTO

    def test_a_reply_with_a_file_is_left_to_the_outbox_sweep(
        self, chat: Chat, engine: Engine, clock: FakeClock
    ) -> None:
        """The adapters' quick path sends text only: the sweep sends file and text together."""
        incoming = Incoming("telegram", "42", "42", "/ringkasan", "9001")
        replies = [Reply("Ringkasan", attachment=chart()), Reply("Selesai")]

        with unit_of_work(engine) as session:
            kept = keep_replies(
                session, incoming, replies, person_id=None, now=clock.now(), answering=True
            )

        assert [r.text for r in kept] == ["Selesai"]
        with Session(engine) as session:
            rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()  # type: ignore[arg-type]
        assert [(r.text, r.status) for r in rows] == [
            ("Ringkasan", OutboxStatus.PENDING),
            ("Selesai", OutboxStatus.SENDING),
        ]
        assert rows[0].attachment_data == PICTURE


class TestConsole:
    """The console writes the file under its files directory and prints the path."""

    def test_a_queued_file_is_written_and_its_path_printed_after_the_text(
        self, chat: Chat, gotong: Gotong, engine: Engine, clock: FakeClock, tmp_path: Path
    ) -> None:
        """The PNG lands in the directory, the path follows the text, the row is sent."""
        queue_with_file(
            engine, clock, to="budi", platform=None, text="Ringkasan", attachment=chart()
        )
        out = io.StringIO()
        console = ConsoleSession(
            gotong,
            outbox=OutboxDelivery(engine, clock),
            who="budi",
            out=out,
            files_dir=tmp_path / "files",
        )

        assert console.deliver() == 1

        (written,) = (tmp_path / "files").iterdir()
        assert written.name.endswith("-grafik.png")
        assert written.read_bytes() == PICTURE
        assert out.getvalue() == f"📨 Ringkasan\n{FILE_MARK}{written.resolve()}\n\n"
        assert [r.status for r in notifications(engine)] == [OutboxStatus.SENT]

    def test_a_file_that_cannot_be_written_leaves_the_text_and_the_note(
        self, chat: Chat, gotong: Gotong, engine: Engine, clock: FakeClock, tmp_path: Path
    ) -> None:
        """The directory is a file: the text still shows, with the note, and the row says why."""
        queue_with_file(
            engine, clock, to="budi", platform=None, text="Ringkasan", attachment=chart()
        )
        blocked = tmp_path / "not-a-directory"
        blocked.write_text("")
        out = io.StringIO()
        console = ConsoleSession(
            gotong, outbox=OutboxDelivery(engine, clock), who="budi", out=out, files_dir=blocked
        )

        assert console.deliver() == 1

        assert out.getvalue() == f"📨 Ringkasan\n\n{NOTE}\n\n"
        (row,) = notifications(engine)
        assert (row.status, row.last_error) == (OutboxStatus.FAILED, "file_not_written")

    def test_a_reply_with_a_file_prints_its_path(self, tmp_path: Path) -> None:
        """A reply the console shows at once writes its file too (the digest previewed here)."""

        class AnswersWithAChart:
            """A front door whose every answer carries a chart."""

            catalog = Catalog()

            def handle(self, incoming: Incoming) -> list[Reply]:
                return [Reply("Ringkasan", attachment=chart())]

            def receive(self, incoming: Incoming) -> bool:
                raise AssertionError("the console hands messages to handle()")

            def process(self, platform: str, event_id: str, *, answering: bool = True) -> list:
                raise AssertionError("the console hands messages to handle()")

            def pending(self, platform: str, limit: int = 100) -> list[str]:
                return []

            def not_received(self, incoming: Incoming) -> list[Reply]:
                return []

        out = io.StringIO()
        console = ConsoleSession(
            AnswersWithAChart(),
            outbox=OutboxDelivery(None, FakeClock(datetime(2026, 11, 27, tzinfo=UTC))),  # type: ignore[arg-type]
            who="ani",
            out=out,
            files_dir=tmp_path,
        )

        console.send("/ringkasan")

        (written,) = tmp_path.iterdir()
        assert out.getvalue() == f"Ringkasan\n{FILE_MARK}{written.resolve()}\n\n"
