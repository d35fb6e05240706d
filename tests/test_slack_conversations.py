"""Slack end to end: start-up, every command family in both languages, mentions in channels.

The harness (tests/slack_harness.py) runs the real adapter against the fake Slack.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from adapters.slack import SlackAdapter, SlackStartError
from core.app import Gotong
from core.clock import FakeClock
from core.delivery.claims import OutboxDelivery
from core.models import InboxEvent, Task
from tests import slack_harness as harness
from tests.fakes.slack_server import JSON, FakeSlack, app_mention_event, url_verification
from tests.slack_harness import BUDI, PKH_CHANNEL, Desk, config_for, count, read, running

# The harness's fixtures, used here as they are.
slack = harness.slack
desk = harness.desk


class TestStartUp:
    """Start-up checks the token, and needs a way to hear from Slack."""

    async def test_http_mode_checks_the_token_and_listens(self, desk: Desk) -> None:
        """auth.test first; then bolt answers Slack's url_verification on the events path."""
        assert desk.slack.calls_to("auth.test")[0].status == 200
        assert desk.adapter.bot_user_id == "U0GOTONGBOT"

        status, text = await desk.post(json.dumps(url_verification("c-42")), JSON)

        assert (status, json.loads(text)) == (200, {"challenge": "c-42"})

    async def test_base_url_without_trailing_slash_works(
        self, slack: FakeSlack, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """SLACK_API_BASE_URL written without the final "/" still reaches the API."""
        adapter = await running(slack, gotong, engine, clock, api_base_url=slack.api_url[:-1])
        await adapter.stop()

        assert [c.status for c in slack.calls_to("auth.test")] == [200]

    async def test_unreadable_body_is_refused(self, desk: Desk) -> None:
        """A body that says JSON but is not: 400, nothing processed."""
        status, _ = await desk.post("{not json", JSON)

        assert status == 400
        assert count(desk.engine, InboxEvent) == 0

    async def test_wrong_token_is_refused_without_showing_it(
        self, slack: FakeSlack, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """A token Slack does not know stops start-up; the error names the setting, not the token."""
        adapter = SlackAdapter(
            config_for(slack, bot_token="xoxb-wrong-token-123"),
            gotong=gotong,
            outbox=OutboxDelivery(engine, clock),
        )

        with pytest.raises(SlackStartError) as caught:
            await adapter.start()

        assert "SLACK_BOT_TOKEN" in str(caught.value) and "invalid_auth" in str(caught.value)
        assert "xoxb-wrong" not in str(caught.value)

    async def test_no_app_token_and_no_signing_secret_is_a_clear_error(
        self, slack: FakeSlack, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Without either there is no way to receive: say which settings are missing."""
        adapter = SlackAdapter(
            config_for(slack, signing_secret=None),
            gotong=gotong,
            outbox=OutboxDelivery(engine, clock),
        )

        with pytest.raises(
            SlackStartError, match=r"SLACK_APP_TOKEN \(Socket Mode\) or SLACK_SIGNING_SECRET"
        ):
            await adapter.start()


CHAT_LOGS = {
    # (who, text in the DM, expected in the answer, also as /gotong)
    "id": [
        ("ani", "tugas Kirim data penerima <@U0BUDI> besok 17:00 #pkh", "Tugas 1 dibuat", True),
        ("budi", "tugasku", "Tugas Anda (1):", True),
        ("budi", "/selesai 1", "Tugas 1 selesai: Kirim data penerima", True),
        (
            "ani",
            "rapat Koordinasi mitra senin 10:00 <@U0BUDI|budi> @dinsos #pkh",
            "Rapat 1 dijadwalkan",
            True,
        ),
        ("budi", "/hadir 1", "Tercatat: Anda hadir di rapat 1", True),
        ("harjo", "tidakhadir 1", "Tercatat: Anda tidak hadir di rapat 1", True),
        ("ani", "/tenggat Laporan bulanan 30 Des #pkh", "Tenggat 1 dicatat: Laporan bulanan", True),
        ("budi", "/lapor #pkh 45 paket sembako disalurkan", "• 45 paket sembako", True),
        ("budi", "Sudah 12 KK terdata di RT 03", "Laporan dicatat untuk #pkh", False),
        (
            "budi",
            "/ingatkan besok jam 9 telepon kepala desa",
            "Saya akan mengingatkan Anda pada Sabtu",
            True,
        ),
        ("budi", "/pengingat", "telepon kepala desa", True),
        ("ani", "agenda", "Agenda 7 hari ke depan:", True),
        ("ani", "terlambat", "Tidak ada yang terlambat.", True),
        ("ani", "program #pkh", "#pkh — Program Keluarga Harapan", True),
        ("ani", "mitra", "@dinsos — Dinas Sosial Demak", True),
        ("ani", "bantuan", "Perintah Gotong", True),
        ("budi", "/atur zona WITA", "Zona waktu Anda sekarang Asia/Makassar", True),
        ("ani", "batal rapat 1", "Rapat 1 dibatalkan", True),
    ],
    "en": [
        ("sarah", "task Weigh toddlers <@U0KEVIN> tomorrow 9am #gizi", "Task 1 created", True),
        ("kevin", "mytasks", "Your tasks (1):", True),
        ("kevin", "/done 1", "Task 1 done: Weigh toddlers", True),
        (
            "sarah",
            "meeting Nutrition review monday 10:00 <@U0KEVIN> @unicef #gizi",
            "Meeting 1 scheduled",
            True,
        ),
        ("kevin", "/attend 1", "Noted: you will attend meeting 1", True),
        ("tom", "decline 1", "Noted: you will not attend meeting 1", True),
        ("sarah", "/deadline Donor report 30 Dec #gizi", "Deadline 1 set: Donor report", True),
        ("kevin", "/report #gizi 30 toddlers weighed", "• 30 toddlers", True),
        ("kevin", "12 toddlers weighed in Oebobo", "Update logged for #gizi", False),
        ("kevin", "/remind tomorrow 9am call the midwife", "I will remind you on Saturday", True),
        ("kevin", "/reminders", "call the midwife", True),
        ("sarah", "agenda", "Agenda for the next 7 days:", True),
        ("sarah", "late", "Nothing is overdue.", True),
        ("sarah", "program #gizi", "#gizi — Gizi balita NTT", True),
        ("sarah", "partners", "@unicef — UNICEF Indonesia", True),
        ("sarah", "help", "Gotong commands", True),
        ("kevin", "/set timezone WITA", "Your time zone is now Asia/Makassar", True),
        ("sarah", "cancel meeting 1", "Meeting 1 cancelled", True),
    ],
}


class TestCommandFamilies:
    """Every command family works on Slack, in Indonesian and in English, typed or slashed."""

    @pytest.mark.parametrize("lang", ["id", "en"])
    async def test_a_working_week_in_the_dm(self, desk: Desk, lang: str) -> None:
        """Each DM gets exactly one answer, in the sender's DM, containing what it should."""
        for who, text, expected, _ in CHAT_LOGS[lang]:
            posted = await desk.dm(who, text)
            assert [m.channel for m in posted] == [desk.dm_of(who)], text
            assert expected in read(posted[0]), text
        delivered = await desk.deliver()
        assert delivered  # notices for assignees, organisers and attendees went out
        assert count(desk.engine, InboxEvent) == len(CHAT_LOGS[lang])

    @pytest.mark.parametrize("lang", ["id", "en"])
    async def test_a_working_week_by_slash_command(self, desk: Desk, lang: str) -> None:
        """`/gotong <command>` from the DM: one ephemeral answer on the command's response URL."""
        lines = [line for line in CHAT_LOGS[lang] if line[3]]
        for who, text, expected, _ in lines:
            answers = await desk.command(who, text.lstrip("/"))
            assert [a.response_type for a in answers] == ["ephemeral"], text
            assert expected in read(answers[0]), text
        assert desk.slack.posted == []  # everything went to response URLs
        assert await desk.deliver()
        assert count(desk.engine, InboxEvent) == len(lines)

    async def test_markup_characters_come_back_escaped(self, desk: Desk) -> None:
        """A title with <, > and & (escaped by Slack on the way in) is shown as typed."""
        (created,) = await desk.dm("ani", "tugas Cek &lt;stok&gt; &amp; harga <@U0BUDI> besok")

        assert "Cek &lt;stok&gt; &amp; harga" in created.visible_text  # mrkdwn, escaped once
        assert "Cek <stok> & harga" in read(created)
        with Session(desk.engine) as session:
            assert session.exec(select(Task)).one().title == "Cek <stok> & harga"

    async def test_bold_becomes_mrkdwn_and_every_message_has_a_fallback(self, desk: Desk) -> None:
        """`**bold**` from the core is `*bold*` in mrkdwn; text is always sent with blocks."""
        await desk.dm("ani", "tugas Foto gudang <@U0BUDI> besok")
        (notice,) = await desk.deliver()

        assert "*Tugas baru dari Ani Wijaya:*" in notice.visible_text
        assert "**" not in notice.visible_text
        assert notice.text and notice.blocks


class TestMentions:
    """Slack user mentions become Gotong people; @handles typed out work too."""

    async def test_slack_mention_assigns_the_task_to_that_person(self, desk: Desk) -> None:
        """`<@U0BUDI>` is @budi: the notice goes to Budi's DM with a done button."""
        (created,) = await desk.dm("ani", "tugas Survei harga <@U0BUDI> besok 10:00")
        (notice,) = await desk.deliver()

        assert "Tugas 1 dibuat: Survei harga" in read(created)
        assert notice.channel == desk.dm_of("budi")
        assert notice.button_values == ["done 1"]

    async def test_unknown_slack_account_is_named_in_the_answer(self, desk: Desk) -> None:
        """An account not linked to Gotong stays as @U…; the core says it does not know it."""
        (answer,) = await desk.dm("ani", "tugas Survei harga <@U0GHOST|ghost> besok")

        assert "Saya tidak mengenal @u0ghost" in read(answer)
        assert count(desk.engine, Task) == 0

    async def test_mention_in_a_channel_is_answered_there(self, desk: Desk) -> None:
        """`@gotong lapor ...` in a channel: the answer is posted in that channel."""
        (answer,) = await desk.mention("budi", "lapor #pkh 7 paket sembako")

        assert answer.channel == PKH_CHANNEL and answer.ephemeral_user is None
        assert "• 7 paket sembako" in read(answer)

    async def test_mention_in_a_thread_is_answered_in_the_thread(self, desk: Desk) -> None:
        """A mention inside a thread gets its answer in that thread."""
        desk.step()
        event = app_mention_event(
            BUDI, "lapor #pkh 3 paket", PKH_CHANNEL, "2.000200", thread_ts="1.000100"
        )

        await desk.post(json.dumps(desk.slack.event(event)), JSON)

        (answer,) = desk.slack.messages_to(PKH_CHANNEL)
        assert answer.thread_ts == "1.000100"

    async def test_personal_answer_in_a_channel_is_ephemeral(self, desk: Desk) -> None:
        """`@gotong tugasku` in a channel is answered to the asker only."""
        (answer,) = await desk.mention("budi", "tugasku")

        assert (answer.method, answer.ephemeral_user) == ("chat.postEphemeral", BUDI)
        assert desk.slack.messages_to(PKH_CHANNEL, ephemeral=False) == []

    async def test_slash_command_in_a_channel_answers_the_channel(self, desk: Desk) -> None:
        """`/gotong lapor` in a channel is shown there; `/gotong tugasku` only to the asker."""
        (report,) = await desk.command("budi", "lapor #pkh 9 paket", channel=PKH_CHANNEL)
        (mine,) = await desk.command("budi", "tugasku", channel=PKH_CHANNEL)

        assert report.response_type == "in_channel" and "• 9 paket" in read(report)
        assert mine.response_type == "ephemeral" and "Tidak ada tugas terbuka" in read(mine)

    async def test_bot_and_edited_messages_are_ignored(self, desk: Desk) -> None:
        """Edits, bot posts and other subtypes never reach the core."""
        dm = desk.dm_of("budi")
        for extra in ({"subtype": "message_changed"}, {"bot_id": "B0OTHER"}):
            event = desk.slack.dm_event(BUDI, "tugasku")
            event["event"].update(extra)
            assert (await desk.post(json.dumps(event), JSON))[0] == 200

        assert desk.slack.messages_to(dm) == []
        assert count(desk.engine, InboxEvent) == 0
