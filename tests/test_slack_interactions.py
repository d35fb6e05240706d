"""Slack end to end: buttons, the task form, and answers Slack could not read."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from adapters.slack import SlackAdapter, SlackStartError
from core.app import Gotong
from core.clock import FakeClock
from core.delivery.claims import OutboxDelivery
from core.models import InboxEvent, Task
from tests import slack_harness as harness
from tests.fakes.slack_server import FORM, FakeSlack, block_actions_payload, interaction_form
from tests.slack_harness import BUDI, Desk, config_for, count, read

# The harness's fixtures, used here as they are.
slack = harness.slack
desk = harness.desk


class TestButtons:
    """Notifications carry Block Kit buttons whose value is the command; a click shows the outcome."""

    async def test_done_button_replaces_the_notification(self, desk: Desk) -> None:
        """Task to Budi → "✅ Selesai" (done 1) → clicked: the message now says it is done."""
        await desk.dm("ani", "tugas Kirim data penerima <@U0BUDI> besok 17:00 #pkh")
        (notice,) = await desk.deliver()
        assert notice.action_ids == ["gotong_0"]

        status, body = await desk.click("budi", notice, "done 1")

        assert (status, body) == (200, "")
        (update,) = desk.slack.updates_of(notice.channel, notice.ts)
        assert "Tugas 1 selesai: Kirim data penerima" in read(update)
        assert desk.slack.messages_to(notice.channel) == [notice]  # nothing new posted
        (closed,) = await desk.deliver()
        assert closed.channel == desk.dm_of("ani")
        assert "Tugas 1 selesai (Budi Santoso menutupnya)" in read(closed)

    async def test_meeting_invitation_is_answered_in_english(self, desk: Desk) -> None:
        """Tom gets 👍/👎 buttons (rsvp 1 yes/no) in English; his click tells the organiser."""
        await desk.dm("sarah", "meeting Nutrition review monday 10:00 @unicef #gizi")
        await desk.deliver()
        invitation = desk.slack.last_to(desk.dm_of("tom"))
        assert invitation.button_values == ["rsvp 1 yes", "rsvp 1 no"]
        assert invitation.action_ids == ["gotong_0", "gotong_1"]

        await desk.click("tom", invitation, "rsvp 1 yes")

        (update,) = desk.slack.updates_of(invitation.channel, invitation.ts)
        assert "Noted: you will attend meeting 1" in read(update)
        (notice,) = await desk.deliver()
        assert notice.channel == desk.dm_of("sarah")
        assert "Tom Becker: attending — meeting 1" in read(notice)

    async def test_a_second_click_is_answered_with_the_current_state(self, desk: Desk) -> None:
        """An old copy of the button (another device) still gets an answer, never silence."""
        await desk.dm("ani", "tugas Foto gudang <@U0BUDI> besok")
        (notice,) = await desk.deliver()
        await desk.click("budi", notice, "done 1")

        await desk.click("budi", notice, "done 1")

        updates = desk.slack.updates_of(notice.channel, notice.ts)
        assert len(updates) == 2 and "Tugas 1 sudah selesai" in read(updates[1])

    async def test_slash_command_answer_buttons_work_on_the_ephemeral(self, desk: Desk) -> None:
        """A button on an ephemeral answer is clicked: the outcome replaces it via response URL."""
        await desk.dm("ani", "tugas Foto gudang <@U0BUDI> besok")
        (answer,) = await desk.command("budi", "tugasku")
        assert answer.blocks is not None
        values = [
            e["value"] for b in answer.blocks if b["type"] == "actions" for e in b["elements"]
        ]
        assert values == ["done 1"]

        desk.step()
        payload = block_actions_payload(
            user_id=BUDI,
            action_id="gotong_0",
            value="done 1",
            channel=desk.dm_of("budi"),
            message_ts="1.000001",  # ephemeral messages are not kept by Slack
            response_url=desk.slack.issue_response_url(),
            trigger_id=desk.slack.issue_trigger_id(),
        )
        payload["container"]["is_ephemeral"] = True
        status, _ = await desk.post(interaction_form(payload), FORM)

        assert status == 200
        (outcome,) = desk.slack.responses_to(payload["response_url"])
        assert outcome.replace_original is True
        assert "Tugas 1 selesai: Foto gudang" in read(outcome)


class TestTaskForm:
    """`/gotong tugas` alone opens a form; its submission is the one-line task command."""

    async def test_form_opens_in_the_persons_language(self, desk: Desk) -> None:
        """Indonesian labels for an id-ID Slack user, English ones for en-US."""
        assert await desk.command("ani", "tugas") == []
        assert await desk.command("sarah", "task") == []

        indonesian, english = desk.slack.views
        assert indonesian.callback_id == english.callback_id == "gotong_task_form"
        assert indonesian.view["title"]["text"] == "Tugas baru"
        assert english.view["title"]["text"] == "New task"
        assert [b["block_id"] for b in indonesian.view["blocks"]] == [
            "what",
            "who",
            "due",
            "program",
        ]
        assert indonesian.view["blocks"][1]["element"]["type"] == "multi_users_select"
        assert count(desk.engine, InboxEvent) == 0  # nothing for the core until submitted

    async def test_submitted_form_creates_the_task(self, desk: Desk) -> None:
        """Title, Budi picked as assignee, "besok 17:00", "pkh": the same task as the one-liner."""
        await desk.command("ani", "tugas")

        status, body = await desk.submit_task_form(
            "ani", what="Kirim data penerima", assignees=("budi",), due="besok 17:00", program="pkh"
        )

        assert (status, body) == (200, "")  # acknowledged: the form closes
        (created,) = desk.slack.messages_to(desk.dm_of("ani"))
        assert "Tugas 1 dibuat: Kirim data penerima" in read(created)
        (notice,) = await desk.deliver()
        assert notice.channel == desk.dm_of("budi") and notice.button_values == ["done 1"]
        with Session(desk.engine) as session:
            task = session.exec(select(Task)).one()
        assert task.due_at is not None and task.program_id is not None

    async def test_refusal_arrives_in_the_dm(self, desk: Desk) -> None:
        """A field worker may not give Ani a task: the core refuses and says why, in the DM."""
        await desk.submit_task_form("budi", what="Cek gudang", assignees=("ani",))

        (refusal,) = desk.slack.messages_to(desk.dm_of("budi"))
        assert "Petugas lapangan hanya bisa membuat tugas untuk dirinya sendiri" in read(refusal)
        assert count(desk.engine, Task) == 0

    async def test_expired_trigger_falls_back_to_the_usage(self, desk: Desk) -> None:
        """If Slack will not open the form, the core answers how to write the command."""
        desk.slack.fail("views.open", status=200, error="expired_trigger_id")

        (answer,) = await desk.command("ani", "tugas")

        assert "/tugas" in read(answer)
        assert desk.slack.views == []


class TestUnreadableAnswers:
    """An answer from Slack that is not Slack's JSON (a gateway's error page) stops nothing."""

    @pytest.mark.parametrize(
        ("content_type", "body"),
        [
            ("application/json", "<html><body>502 Bad Gateway</body></html>"),
            ("text/html", "<html><body>502 Bad Gateway</body></html>"),
            ("application/json", '{"ok": true, "user": "U0BUDI"}'),
            ("application/json", '{"ok": true, "user": {"profile": [], "locale": 7}}'),
        ],
        ids=["html-as-json", "html", "user-not-an-object", "odd-fields"],
    )
    async def test_command_is_handled_when_the_profile_lookup_is_unreadable(
        self, desk: Desk, content_type: str, body: str
    ) -> None:
        """users.info answers garbage: the profile is optional, so the command is still answered."""
        desk.slack.answer_garbage("users.info", content_type=content_type, body=body)

        (answer,) = await desk.command("budi", "tugasku")
        (update,) = await desk.dm("budi", "/lapor #pkh 5 paket sembako")

        assert "Tidak ada tugas terbuka" in read(answer)
        assert "Laporan dicatat untuk #pkh" in read(update)
        assert desk.slack.calls_to("users.info")[0].status == 200
        # the fixture checks that nothing failed inside the adapter

    async def test_task_form_falls_back_when_views_open_is_unreadable(self, desk: Desk) -> None:
        """views.open answers garbage: the core answers how to write the command instead."""
        desk.slack.answer_garbage("views.open")

        (answer,) = await desk.command("ani", "tugas")

        assert "/tugas" in read(answer)

    async def test_replies_survive_unreadable_answers(self, desk: Desk) -> None:
        """A reply whose post is answered with garbage is logged and the next one still goes."""
        desk.slack.answer_garbage("chat.postMessage", status=502, content_type="text/html")

        assert await desk.dm("budi", "tugasku") == []
        (answer,) = await desk.dm("budi", "tugasku")

        assert "Tidak ada tugas terbuka" in read(answer)

    async def test_start_with_an_unreadable_auth_test_is_a_clear_error(
        self, slack: FakeSlack, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """auth.test answers garbage: start-up stops with SlackStartError, not a crash."""
        slack.answer_garbage("auth.test")
        adapter = SlackAdapter(
            config_for(slack), gotong=gotong, outbox=OutboxDelivery(engine, clock)
        )

        with pytest.raises(SlackStartError) as caught:
            await adapter.start()

        assert "auth.test" in str(caught.value) and "<html>" not in str(caught.value)
