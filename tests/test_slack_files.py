"""Slack end to end: a message's file is shared with files_upload_v2 (upload URL, upload,
complete) before its text, and a file Slack refuses still leaves the text with the person."""

from __future__ import annotations

from datetime import timedelta

from core.messages import Button
from core.models import OutboxStatus
from tests import slack_harness as harness
from tests.fakes.slack_records import PostedMessage
from tests.files import NOTE, PICTURE, chart, notifications, queue_with_file
from tests.slack_harness import Desk, read

slack = harness.slack
desk = harness.desk

DIGEST = "**Ringkasan #pkh**\n2 tugas terlambat"


async def sweep(desk: Desk) -> list[PostedMessage]:
    """One outbox sweep, a few seconds on; every message Slack took in it."""
    desk.step()
    before = len(desk.slack.posted)
    await desk.adapter.deliver_once()
    return desk.slack.posted[before:]


def methods(desk: Desk) -> list[tuple[str, str | None]]:
    """The Web API calls made, with the error each got (None: ok)."""
    return [(c.method, c.error) for c in desk.slack.calls if c.method != "auth.test"]


class TestSharedFiles:
    """The image appears in the person's DM, then the text with its buttons."""

    async def test_the_file_goes_up_in_three_steps_then_the_text(self, desk: Desk) -> None:
        """getUploadURLExternal, the upload, completeUploadExternal into the DM; then the text."""
        queue_with_file(
            desk.engine,
            desk.clock,
            to="budi",
            platform="slack",
            text=DIGEST,
            attachment=chart(),
            buttons=((Button("Tandai selesai", "done 1"),),),
        )

        (text,) = await sweep(desk)

        (shared,) = desk.slack.files.shared_in(desk.dm_of("budi"))
        assert (shared.filename, shared.data) == ("grafik.png", PICTURE)
        assert methods(desk) == [
            ("conversations.open", None),  # files are shared in the DM's id, never a user's
            ("files.getUploadURLExternal", None),
            ("files.completeUploadExternal", None),
            ("chat.postMessage", None),
        ]
        assert text.channel == desk.dm_of("budi")
        assert read(text).startswith("Ringkasan #pkh\n2 tugas terlambat")
        assert text.button_values == ["done 1"]
        (row,) = notifications(desk.engine)
        assert row.status == OutboxStatus.SENT

    async def test_a_rate_limited_share_waits_and_the_file_goes_once(self, desk: Desk) -> None:
        """429 on completing the upload: the message waits Retry-After, then goes once."""
        queue_with_file(
            desk.engine, desk.clock, to="budi", platform="slack", text=DIGEST, attachment=chart()
        )
        desk.slack.fail("files.completeUploadExternal", status=429, retry_after=3)

        assert await sweep(desk) == []
        (row,) = notifications(desk.engine)
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
        desk.clock.advance(timedelta(seconds=2))
        (text,) = await sweep(desk)

        assert len(desk.slack.files.shared_in(desk.dm_of("budi"))) == 1
        assert read(text).startswith("Ringkasan #pkh")
        assert notifications(desk.engine)[0].status == OutboxStatus.SENT

    async def test_a_text_sent_in_pieces_after_the_file_resumes_after_it(self, desk: Desk) -> None:
        """The text fails after the file went: the retry posts the text, not the file again."""
        queue_with_file(
            desk.engine, desk.clock, to="budi", platform="slack", text=DIGEST, attachment=chart()
        )
        desk.slack.fail("chat.postMessage", status=500)

        assert await sweep(desk) == []
        desk.clock.advance(timedelta(seconds=10))
        (text,) = await sweep(desk)

        assert len(desk.slack.files.shared_in(desk.dm_of("budi"))) == 1
        assert read(text).startswith("Ringkasan #pkh")
        assert [m for m, _ in methods(desk)].count("files.getUploadURLExternal") == 1


class TestRefusedFiles:
    """Slack will not take the file: the text arrives with a note; the row says why."""

    async def test_a_file_over_the_upload_limit_leaves_the_text_and_the_note(
        self, desk: Desk
    ) -> None:
        """The upload URL answers 413: nothing is shared, the text goes with the note at once."""
        desk.slack.files.max_bytes = len(PICTURE) - 1
        queue_with_file(
            desk.engine, desk.clock, to="budi", platform="slack", text=DIGEST, attachment=chart()
        )

        (text,) = await sweep(desk)
        assert await sweep(desk) == []

        assert desk.slack.files.shared == []
        assert read(text) == f"Ringkasan #pkh\n2 tugas terlambat\n\n{NOTE}"
        (row,) = notifications(desk.engine)
        assert (row.status, row.last_error) == (OutboxStatus.FAILED, "file_too_large")

    async def test_a_file_slack_answers_with_an_error_is_named_in_the_row(self, desk: Desk) -> None:
        """An error about the file itself (Slack's code) is the row's reason; the text goes."""
        queue_with_file(
            desk.engine, desk.clock, to="budi", platform="slack", text=DIGEST, attachment=chart()
        )
        desk.slack.fail("files.getUploadURLExternal", status=200, error="invalid_arguments")

        (text,) = await sweep(desk)

        assert read(text).endswith(NOTE)
        (row,) = notifications(desk.engine)
        assert (row.status, row.last_error) == (OutboxStatus.FAILED, "invalid_arguments")
