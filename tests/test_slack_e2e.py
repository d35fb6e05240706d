"""The real Slack adapter (slack-bolt and slack_sdk over loopback) against the fake Slack.

Each test talks to Gotong the way people do on Slack: signed HTTP requests (events, the
slash command, button clicks, form submissions) or Socket Mode envelopes reach the running
adapter, the real core handles them, and the test reads what the fake Slack recorded. The
fake's pacing clock is the core's FakeClock, so rate limits are tested by moving time.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.http_retry import builtin_async_handlers
from sqlalchemy import Engine, func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from adapters.slack import SlackAdapter, SlackConfig, SlackStartError
from adapters.slack import outbox as slack_outbox
from bot.settings import Settings
from core.app import Gotong
from core.clock import FakeClock
from core.db import unit_of_work
from core.delivery.claims import OutboxDelivery
from core.delivery.firing import ReminderSweep
from core.messages import Incoming, Reply
from core.models import (
    FieldUpdate,
    Identity,
    InboxEvent,
    OutboxMessage,
    OutboxStatus,
    Person,
    Task,
)
from core.people import accounts, invites
from core.people.directory import person_by_handle
from tests.fakes.slack_records import MessageUpdate, PostedMessage, ResponsePost
from tests.fakes.slack_server import (
    FORM,
    JSON,
    FakeSlack,
    app_mention_event,
    block_actions_payload,
    interaction_form,
    post_to_app,
    url_verification,
    view_submission_payload,
)
from tests.logs import DebugLogs
from tests.workspace import NOTIFICATION, queue_raw
from tests.workspace import add_workspace as shared_workspace

SECRET = "gotong-test-signing-secret"
USERS = {
    "ani": "U0ANI",
    "sarah": "U0SARAH",
    "budi": "U0BUDI",
    "kevin": "U0KEVIN",
    "harjo": "U0HARJO",
    "tom": "U0TOM",
}
ANI, SARAH, BUDI, KEVIN, HARJO, TOM = USERS.values()
RINA = "U0RINA"  # a stranger in the workspace
PKH_CHANNEL = "C0PKH"
ENGLISH = {"sarah", "kevin", "tom"}


def add_workspace(engine: Engine, clock: FakeClock) -> None:
    """The shared workspace, everyone on Slack."""
    shared_workspace(engine, clock, platform="slack", accounts=USERS)


def add_slack_users(slack: FakeSlack) -> None:
    for handle, user in USERS.items():
        first = handle.capitalize()
        locale = "en-US" if handle in ENGLISH else "id-ID"
        slack.add_user(user, first, f"{first} Test", locale=locale)
    slack.add_user(RINA, "Rina_W", "Rina Wulandari", locale="en-US")
    slack.add_channel(PKH_CHANNEL, "pkh-demak")


def read(message: PostedMessage | ResponsePost | MessageUpdate) -> str:
    """What a person reads: the mrkdwn without its bold marks and entities."""
    text = message.visible_text.replace("*", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def count(engine: Engine, model: type[Any]) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def statuses(engine: Engine) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(NOTIFICATION).order_by(col(OutboxMessage.id))
        )
        return [row.status for row in rows]


@dataclass
class Desk:
    """People on Slack talking to the running adapter, and what the fake Slack saw."""

    slack: FakeSlack
    adapter: SlackAdapter
    clock: FakeClock
    engine: Engine

    def user(self, who: str) -> str:
        return USERS.get(who, who)

    def dm_of(self, who: str) -> str:
        return self.slack.dm_channel(self.user(who))

    def step(self) -> None:
        """A couple of seconds pass between messages, as between people typing."""
        self.clock.advance(timedelta(seconds=2))

    async def post(self, body: bytes | str, content_type: str, **options: Any) -> tuple[int, str]:
        """POST to the adapter as Slack would, then wait until the work it started is done."""
        url = self.adapter.http_url
        assert url is not None
        answer = await post_to_app(url, body, content_type, SECRET, **options)
        await self.adapter.idle()
        return answer

    async def dm(self, who: str, text: str, **options: Any) -> list[PostedMessage]:
        """Write to the app in one's DM; what the app posted in answer."""
        self.step()
        before = len(self.slack.posted)
        event = self.slack.dm_event(self.user(who), text)
        status, _ = await self.post(json.dumps(event), JSON, **options)
        assert status == 200
        return self.slack.posted[before:]

    async def mention(self, who: str, text: str, channel: str = PKH_CHANNEL) -> list[PostedMessage]:
        """Mention the app in a channel; what the app posted in answer."""
        self.step()
        before = len(self.slack.posted)
        event = app_mention_event(
            self.user(who), text, channel, f"{int(time.time())}.000{len(self.slack.posted)}"
        )
        status, _ = await self.post(json.dumps(self.slack.event(event)), JSON)
        assert status == 200
        return self.slack.posted[before:]

    async def command(
        self, who: str, text: str, *, channel: str | None = None
    ) -> list[ResponsePost]:
        """`/gotong <text>`; what was posted to the command's response URL."""
        self.step()
        fields = self.slack.slash_command(self.user(who), text, channel_id=channel)
        status, body = await self.post(urlencode(fields), FORM)
        assert (status, body) == (200, "")  # acknowledged empty: the answer comes after
        return self.slack.responses_to(fields["response_url"])

    async def click(self, who: str, message: PostedMessage, value: str) -> tuple[int, str]:
        """Click the button whose command is `value` on a message the app posted."""
        assert value in message.button_values, message.button_values
        self.step()
        action_id = message.action_ids[message.button_values.index(value)]
        payload = self.slack.button_click(
            self.user(who), message.channel, message.ts, action_id, value=value
        )
        return await self.post(interaction_form(payload), FORM)

    async def submit_task_form(
        self,
        who: str,
        *,
        what: str,
        assignees: tuple[str, ...] = (),
        due: str = "",
        program: str = "",
        metadata: str = "tugas",
    ) -> tuple[int, str]:
        """Fill in and submit the task form as `who`."""
        self.step()
        payload = view_submission_payload(
            user_id=self.user(who),
            callback_id="gotong_task_form",
            private_metadata=metadata,
            trigger_id=self.slack.issue_trigger_id(),
            state_values={
                "what": {"value": {"type": "plain_text_input", "value": what}},
                "who": {
                    "value": {
                        "type": "multi_users_select",
                        "selected_users": [self.user(a) for a in assignees],
                    }
                },
                "due": {"value": {"type": "plain_text_input", "value": due or None}},
                "program": {"value": {"type": "plain_text_input", "value": program or None}},
            },
        )
        return await self.post(interaction_form(payload), FORM)

    async def deliver(self) -> list[PostedMessage]:
        """One outbox sweep, a few seconds after the last thing happened; what it posted."""
        self.step()
        before = len(self.slack.posted)
        sent = await self.adapter.deliver_once()
        assert sent == len(self.slack.posted) - before
        return self.slack.posted[before:]

    def texts(self, who: str) -> list[str]:
        return [read(m) for m in self.slack.messages_to(self.dm_of(who))]


def config_for(slack: FakeSlack, **overrides: Any) -> SlackConfig:
    settings: dict[str, Any] = {
        "bot_token": slack.bot_token,
        "signing_secret": SECRET,
        "api_base_url": slack.api_url,
        "http_listen": "127.0.0.1:0",
    }
    return SlackConfig(**(settings | overrides))


@pytest.fixture
async def slack(clock: FakeClock) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(clock=lambda: clock.now().timestamp()) as fake:
        add_slack_users(fake)
        yield fake


async def running(
    slack: FakeSlack, gotong: Gotong, engine: Engine, clock: FakeClock, **config: Any
) -> SlackAdapter:
    adapter = SlackAdapter(
        config_for(slack, **config),
        gotong=gotong,
        outbox=OutboxDelivery(engine, clock),
        monotonic=lambda: clock.now().timestamp(),
    )
    await adapter.start()
    return adapter


@pytest.fixture
async def desk(
    slack: FakeSlack, gotong: Gotong, engine: Engine, clock: FakeClock
) -> AsyncIterator[Desk]:
    """The adapter in HTTP mode on loopback, with the workspace on Slack."""
    add_workspace(engine, clock)
    adapter = await running(slack, gotong, engine, clock)
    try:
        yield Desk(slack, adapter, clock, engine)
    finally:
        await adapter.stop()
    assert list(adapter.errors) == []
    assert slack.violations == []
    assert slack.sends_inside_retry_window == []


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


class TestSignatures:
    """Requests Slack did not sign, or signed long ago, are refused and change nothing."""

    @pytest.mark.parametrize("kind", ["event", "command", "click"])
    async def test_wrong_secret_is_401(self, desk: Desk, kind: str) -> None:
        """Signed with another secret: 401 and nothing processed or sent."""
        body, content_type = self.request(desk, kind)

        status, _ = await post_to_app(
            desk.adapter.http_url or "", body, content_type, "not-the-secret"
        )

        assert status == 401
        assert count(desk.engine, InboxEvent) == 0
        assert desk.slack.posted == [] and desk.slack.responses == []

    async def test_stale_timestamp_is_401(self, desk: Desk) -> None:
        """A request signed 6 minutes ago (a replay) is refused."""
        body, content_type = self.request(desk, "event")

        status, _ = await post_to_app(
            desk.adapter.http_url or "",
            body,
            content_type,
            SECRET,
            timestamp=int(time.time()) - 360,
        )

        assert status == 401
        assert count(desk.engine, InboxEvent) == 0 and desk.slack.posted == []

    @pytest.mark.parametrize("timestamp", ["soon", "", "1e9", "١٧٠٠٠٠٠٠٠٠"])
    async def test_unreadable_timestamp_is_401_without_an_error(
        self, desk: Desk, timestamp: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A timestamp that is not a number is a bad signature: 401, no 500, no traceback."""
        body, content_type = self.request(desk, "event")

        status, _ = await post_to_app(
            desk.adapter.http_url or "", body, content_type, SECRET, timestamp=timestamp
        )

        assert status == 401
        assert count(desk.engine, InboxEvent) == 0 and desk.slack.posted == []
        assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []

    def request(self, desk: Desk, kind: str) -> tuple[str, str]:
        if kind == "event":
            return json.dumps(desk.slack.dm_event(BUDI, "/lapor #pkh 5 paket")), JSON
        if kind == "command":
            return urlencode(desk.slack.slash_command(BUDI, "tugasku")), FORM
        payload = view_submission_payload(
            user_id=ANI, callback_id="gotong_task_form", state_values={}
        )
        return interaction_form(payload).decode(), FORM


class TestDuplicates:
    """An event Slack delivers again (same event_id, X-Slack-Retry-Num) is processed once."""

    async def test_redelivered_event_is_answered_once(self, desk: Desk) -> None:
        """The retry gets 200 (so Slack stops) and no second answer."""
        event = json.dumps(desk.slack.dm_event(BUDI, "/lapor #pkh 5 paket sembako"))

        first = await desk.post(event, JSON)
        again = await desk.post(event, JSON, retry_num=1, retry_reason="http_timeout")

        assert first[0] == again[0] == 200
        assert len(desk.slack.messages_to(desk.dm_of("budi"))) == 1
        assert count(desk.engine, FieldUpdate) == 1

    async def test_slash_command_with_payload_in_its_text(self, desk: Desk) -> None:
        """bolt drops a form whose body says "payload"; the adapter still handles it."""
        (answer,) = await desk.command("budi", "lapor #pkh 20 payload kit disalurkan")

        assert "Laporan dicatat untuk #pkh" in read(answer)
        assert count(desk.engine, FieldUpdate) == 1

    async def test_slow_core_does_not_delay_the_ack(
        self, desk: Desk, gotong: Gotong, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The slash command is acknowledged while the core is still working."""
        gate = threading.Event()
        process = gotong.process

        def slow(platform: str, event_id: str, **options: Any) -> Any:
            assert gate.wait(5)
            return process(platform, event_id, **options)

        monkeypatch.setattr(gotong, "process", slow)
        fields = desk.slack.slash_command(BUDI, "tugasku")

        status, body = await post_to_app(
            desk.adapter.http_url or "", urlencode(fields), FORM, SECRET
        )

        assert (status, body) == (200, "")
        assert desk.slack.responses_to(fields["response_url"]) == []
        gate.set()
        await desk.adapter.idle()
        (answer,) = desk.slack.responses_to(fields["response_url"])
        assert "Tidak ada tugas terbuka" in read(answer)


class TestNothingLost:
    """Stored before acknowledged; every reply kept until Slack took it."""

    async def test_an_event_that_cannot_be_stored_is_not_acknowledged(
        self, desk: Desk, gotong: Gotong, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The database refuses: no 200, so Slack retries; the retry is stored and answered."""
        receive = gotong.receive
        refusals = iter([True])

        def flaky(incoming: Incoming) -> bool:
            if next(refusals, False):
                raise OperationalError("insert", {}, Exception("database is locked"))
            return receive(incoming)

        monkeypatch.setattr(gotong, "receive", flaky)
        event = json.dumps(desk.slack.dm_event(BUDI, "/lapor #pkh 5 paket sembako"))

        first, _ = await desk.post(event, JSON)
        again, _ = await desk.post(event, JSON, retry_num=1, retry_reason="http_error")

        assert first != 200 and again == 200
        assert count(desk.engine, FieldUpdate) == 1
        assert len(desk.slack.messages_to(desk.dm_of("budi"))) == 1
        desk.adapter.errors.clear()  # the refused store reached bolt's error handler, as meant

    async def test_a_message_stored_before_a_crash_is_answered_after_the_restart(
        self, slack: FakeSlack, gotong: Gotong, engine: Engine, clock: FakeClock
    ) -> None:
        """Acknowledged (so stored) but never handled: the next start handles it."""
        add_workspace(engine, clock)
        lost = Incoming(
            platform="slack",
            external_user_id=BUDI,
            chat_id=BUDI,
            text="/lapor #pkh 5 paket sembako",
            event_id="Ev0LOST",
        )
        assert gotong.receive(lost)  # ...and the process died

        adapter = await running(slack, gotong, engine, clock)
        try:
            clock.advance(timedelta(seconds=2))
            await adapter.deliver_once()
        finally:
            await adapter.stop()

        assert count(engine, FieldUpdate) == 1
        assert "Laporan dicatat" in read(slack.messages_to(slack.dm_channel(BUDI))[-1])
        assert gotong.pending("slack") == []

    async def test_a_reply_slack_refused_is_delivered_by_the_outbox(self, desk: Desk) -> None:
        """chat.postMessage fails for the reply: the next sweep posts it, once."""
        desk.slack.fail("chat.postMessage", status=500, times=1)

        assert await desk.dm("budi", "/tugasku") == []
        (late,) = await desk.deliver()

        assert late.channel == desk.dm_of("budi") and "tugas" in read(late).lower()
        assert await desk.deliver() == []


class TestOnboardingAndLinking:
    """Strangers learn how to join; a code onboards them or links their Slack account."""

    async def test_stranger_learns_how_to_join_in_their_slack_language(self, desk: Desk) -> None:
        """An unknown en-US account writing anything gets the English onboarding answer."""
        (answer,) = await desk.dm(RINA, "halo")

        assert "You are not registered yet" in read(answer)
        assert count(desk.engine, Identity) == len(USERS)

    async def test_start_code_by_slash_command_registers_the_account(self, desk: Desk) -> None:
        """`/gotong start CODE`: a new person named from the Slack profile, then a working DM."""
        with unit_of_work(desk.engine) as session:
            code = invites.create_invite(
                session, now=desk.clock.now(), actor=None, role="field", program="pkh"
            ).code

        (welcome,) = await desk.command(RINA, f"start {code}")
        (update,) = await desk.dm(RINA, "12 families visited today")

        assert "Welcome to Gotong, Rina Wulandari! You are registered as @rina_w." in read(welcome)
        assert "Update logged for #pkh" in read(update)
        with Session(desk.engine) as session:
            identity = session.exec(select(Identity).where(Identity.external_id == RINA)).one()
        assert (identity.platform, identity.chat_id) == ("slack", RINA)

    async def test_telegram_person_links_slack_and_gets_reminders_there(
        self, desk: Desk, gotong: Gotong
    ) -> None:
        """A link code from Telegram, `/gotong mulai CODE` on Slack, channel slack: reminders come to Slack."""
        with unit_of_work(desk.engine) as session:
            dewi = accounts.add_person(
                session,
                now=desk.clock.now(),
                actor=None,
                handle="dewi",
                name="Dewi Sartika",
                role="manager",
            )
            accounts.link_identity(
                session, person=dewi, platform="telegram", external_id="5001", chat_id="5001"
            )
        desk.slack.add_user("U0DEWI", "Dewi", "Dewi Sartika")

        def on_telegram(text: str) -> str:
            desk.step()
            replies = gotong.handle(
                Incoming(
                    platform="telegram",
                    external_user_id="5001",
                    chat_id="5001",
                    text=text,
                    event_id=f"tg-{text}",
                )
            )
            return "\n".join(r.text for r in replies)

        code = re.search(r"\*\*([A-Z0-9]{8})\*\*", on_telegram("/tautkan"))
        assert code is not None
        (linked,) = await desk.command("U0DEWI", f"mulai {code.group(1)}")
        assert "Akun ini sekarang terhubung ke @dewi" in read(linked)
        with unit_of_work(desk.engine) as session:
            person = person_by_handle(session, "dewi")
            assert person is not None
            person.channel = "slack"
            session.add(person)
        assert "Saya akan mengingatkan" in on_telegram("/ingatkan 2 jam lagi telepon kepala desa")

        desk.clock.advance(timedelta(hours=2))
        assert ReminderSweep(desk.engine, desk.clock, gotong.catalog).run().sent == 1
        (reminder,) = await desk.deliver()

        assert reminder.channel == desk.slack.dm_channel("U0DEWI")
        assert "telepon kepala desa" in read(reminder)
        assert reminder.button_values[0].startswith("snooze 1 ")
        with Session(desk.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.platform, row.status) == ("slack", OutboxStatus.SENT)
        await desk.click("U0DEWI", reminder, reminder.button_values[0])
        (snoozed,) = desk.slack.updates_of(reminder.channel, reminder.ts)
        assert "Pengingat 1 ditunda sampai" in read(snoozed)


class TestOutbox:
    """The outbox is paced per chat, honours 429s, and stops for people Slack cannot reach."""

    async def queue(self, desk: Desk, n: int) -> None:
        for i in range(n):
            await desk.dm("ani", f"tugas Foto gudang {i + 1} <@U0BUDI> besok")

    async def test_429_puts_the_message_back_until_retry_after(self, desk: Desk) -> None:
        """Slack says wait 3 s: nothing is sent to that chat before, and it arrives after."""
        await self.queue(desk, 1)
        desk.slack.fail("chat.postMessage", status=429, retry_after=3)

        assert await desk.deliver() == []
        assert statuses(desk.engine) == [OutboxStatus.PENDING]
        assert await desk.deliver() == []  # 2 s later: not due yet, so not even tried
        (notice,) = await desk.deliver()

        assert notice.channel == desk.dm_of("budi") and notice.button_values == ["done 1"]
        assert [c.status for c in desk.slack.calls_to("chat.postMessage")][-2:] == [429, 200]
        assert statuses(desk.engine) == [OutboxStatus.SENT]
        # the fixture checks that nothing was sent inside the Retry-After window

    async def test_burst_to_one_person_is_paced(self, desk: Desk) -> None:
        """Five notices for Budi at once: three now, the rest a couple of seconds later."""
        await self.queue(desk, 5)

        first = await desk.deliver()
        rest = await desk.deliver()

        assert len(first) == 3 and len(rest) == 2
        assert len(desk.texts("budi")) == 5
        assert statuses(desk.engine) == [OutboxStatus.SENT] * 5
        # the fixture checks that Slack never answered 429

    async def test_server_error_is_retried_later(self, desk: Desk) -> None:
        """A 500 and a dropped connection put the message back; a later sweep sends it."""
        await self.queue(desk, 1)
        desk.slack.fail("chat.postMessage", status=500)
        assert await desk.deliver() == []
        with Session(desk.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.status, row.last_error) == (OutboxStatus.PENDING, "http 500")

        desk.clock.advance(timedelta(seconds=5))
        desk.slack.drop_connection("chat.postMessage")
        assert await desk.deliver() == []
        desk.clock.advance(timedelta(seconds=10))
        (notice,) = await desk.deliver()

        assert notice.channel == desk.dm_of("budi")
        assert statuses(desk.engine) == [OutboxStatus.SENT]

    async def test_unreadable_answer_is_retried_later(self, desk: Desk) -> None:
        """A gateway's error page claiming to be JSON is network trouble: put back, then sent."""
        await self.queue(desk, 1)
        desk.slack.answer_garbage("chat.postMessage", status=502)

        assert await desk.deliver() == []
        with Session(desk.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.status, row.last_error) == (OutboxStatus.PENDING, "http 502")
        desk.clock.advance(timedelta(seconds=10))
        (notice,) = await desk.deliver()

        assert notice.channel == desk.dm_of("budi")

    async def test_a_bug_fails_the_message_at_once_and_logs_no_text(
        self, desk: Desk, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A programming error is not network trouble: the message fails, is never tried again,
        and the log names the delivery and the error's type, not the text."""
        await self.queue(desk, 1)
        calls: list[object] = []

        def broken(reply: Reply) -> list[object]:
            calls.append(reply)
            raise TypeError(reply.text)  # a bug whose message carries what someone wrote

        monkeypatch.setattr(slack_outbox, "render", broken)

        assert await desk.deliver() == []
        desk.clock.advance(timedelta(hours=1))  # past every lease and backoff
        assert await desk.deliver() == []

        assert len(calls) == 1
        with Session(desk.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.status, row.last_error) == (OutboxStatus.FAILED, "bug: TypeError")
        logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("gotong"))
        assert f"delivery={row.id}" in logged and "TypeError" in logged
        assert "Foto gudang" not in logged

    async def test_an_empty_message_is_failed_not_reported_sent(self, desk: Desk) -> None:
        """Nothing to post: the message is failed with its reason, and not counted as sent."""
        queue_raw(desk.engine, desk.clock, to="budi", platform="slack", text="")

        assert await desk.deliver() == []

        with Session(desk.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.status, row.last_error) == (OutboxStatus.FAILED, "empty message")
        assert desk.slack.calls_to("chat.postMessage") == []

    async def test_deactivated_account_is_marked_unreachable(self, desk: Desk) -> None:
        """user_disabled: the identity is marked and the person's messages stop."""
        await self.queue(desk, 2)
        desk.slack.fail("chat.postMessage", status=200, error="user_disabled")

        assert await desk.deliver() == []

        with Session(desk.engine) as session:
            identity = session.exec(select(Identity).where(Identity.external_id == BUDI)).one()
            rows = session.exec(
                select(OutboxMessage).join(Person).where(Person.handle == "budi", NOTIFICATION)
            ).all()
        assert identity.unreachable_at is not None
        assert [(r.status, r.last_error) for r in rows] == [
            (OutboxStatus.FAILED, "unreachable")
        ] * 2
        assert len(desk.slack.calls_to("chat.postMessage")) == 2 + 1  # two replies to Ani, one try


class TestLogs:
    """Logs carry ids: never what people wrote, never a token or the signing secret."""

    async def test_nothing_secret_or_personal_is_logged(
        self, desk: Desk, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A DM, a slash command, a click and a delivery at DEBUG level leave no text behind."""
        caplog.set_level(logging.DEBUG)
        await desk.dm("ani", "tugas Rahasia-dm-7731 <@U0BUDI> besok")
        await desk.command("budi", "lapor #pkh 3 paket Rahasia-cmd-5512")
        (notice,) = await desk.deliver()
        await desk.click("budi", notice, "done 1")

        logged = "\n".join(record.getMessage() for record in caplog.records)
        assert "slack event event=ev:" in logged  # ids are there
        for secret in ("Rahasia", desk.slack.bot_token, desk.slack.app_token, SECRET):
            assert secret not in logged


class TestLogsAtDebug:
    """Every logger at DEBUG (none quietened), through Gotong's handler: no secret, no text."""

    async def test_no_token_secret_or_text_reaches_the_log(
        self,
        debug_logs: DebugLogs,
        slack: FakeSlack,
        gotong: Gotong,
        engine: Engine,
        clock: FakeClock,
    ) -> None:
        """HTTP mode (a forged request too, whose body bolt dumps) and then Socket Mode."""
        debug_logs.configure(
            Settings(
                SLACK_BOT_TOKEN=slack.bot_token,
                SLACK_APP_TOKEN=slack.app_token,
                SLACK_SIGNING_SECRET=SECRET,
            )
        )
        add_workspace(engine, clock)
        adapter = await running(slack, gotong, engine, clock)
        desk = Desk(slack, adapter, clock, engine)
        try:
            await desk.dm("ani", "tugas Rahasia-dm-7731 <@U0BUDI> besok")
            forged = json.dumps(slack.dm_event(BUDI, "lapor #pkh Rahasia-forged-4410"))
            assert (await post_to_app(adapter.http_url or "", forged, JSON, "wrong"))[0] == 401
            slack.answer_garbage("users.info", body="Rahasia-garbage-2231")
            await desk.command("budi", "lapor #pkh 3 paket Rahasia-cmd-5512")
            (notice,) = await desk.deliver()
            await desk.click("budi", notice, "done 1")
        finally:
            await adapter.stop()
        socket = await running(
            slack, gotong, engine, clock, app_token=slack.app_token, signing_secret=None
        )
        try:
            await slack.socket.wait_connected()
            envelope = await slack.socket.push(
                "events_api", slack.dm_event(BUDI, "lapor #pkh 2 paket Rahasia-socket-9902")
            )
            await slack.socket.wait_for_ack(envelope["envelope_id"])
            await socket.idle()
        finally:
            await socket.stop()

        written = debug_logs.text()
        assert "slack event event=" in written  # the run was logged...
        for leak in ("Rahasia", slack.bot_token, slack.app_token, SECRET):
            assert leak not in written  # ...without a secret or what people wrote


class TestReplyRateLimit:
    """A reply Slack refuses with 429 waits out Retry-After (real time) and is then sent."""

    async def test_reply_waits_and_is_not_lost(
        self, gotong: Gotong, engine: Engine, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """429 with Retry-After 1: slack_sdk waits about a second; the retry is accepted."""
        monkeypatch.setattr(builtin_async_handlers, "random", _FixedJitter(0.05))
        add_workspace(engine, clock)
        async with FakeSlack() as slack:  # real clock: the SDK really waits
            add_slack_users(slack)
            adapter = await running(slack, gotong, engine, clock)
            try:
                desk = Desk(slack, adapter, clock, engine)
                slack.fail("chat.postMessage", status=429, retry_after=1)
                started = time.monotonic()

                (answer,) = await desk.dm("budi", "tugasku")

                assert time.monotonic() - started >= 1.0
            finally:
                await adapter.stop()
            assert "Tidak ada tugas terbuka" in read(answer)
            assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]
            assert slack.sends_inside_retry_window == []
            assert list(adapter.errors) == []


class _FixedJitter:
    def __init__(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return self.value


@pytest.fixture
async def socket_desk(
    slack: FakeSlack, gotong: Gotong, engine: Engine, clock: FakeClock
) -> AsyncIterator[Desk]:
    """The adapter in Socket Mode, connected to the fake's WebSocket."""
    add_workspace(engine, clock)
    adapter = await running(
        slack, gotong, engine, clock, app_token=slack.app_token, signing_secret=None
    )
    try:
        await slack.socket.wait_connected()
        yield Desk(slack, adapter, clock, engine)
    finally:
        await adapter.stop()
    assert list(adapter.errors) == []
    assert slack.violations == [] and slack.socket.late_acks == []
    assert slack.socket.unexpected_messages == []


class TestSocketMode:
    """Socket Mode: no public URL; envelopes over the WebSocket, acked at once."""

    async def push(self, desk: Desk, kind: Any, payload: dict[str, Any], **options: Any) -> Any:
        desk.step()
        envelope = await desk.slack.socket.push(kind, payload, **options)
        ack = await desk.slack.socket.wait_for_ack(envelope["envelope_id"])
        await desk.adapter.idle()
        return ack

    async def test_slash_command_round_trip(self, socket_desk: Desk) -> None:
        """`/gotong tugasku` over the socket: an empty ack, then the answer on the response URL."""
        fields = socket_desk.slack.slash_command(BUDI, "tugasku")

        ack = await self.push(socket_desk, "slash_commands", fields)

        assert ack.payload is None and ack.latency < 3
        (answer,) = socket_desk.slack.responses_to(fields["response_url"])
        assert "Tidak ada tugas terbuka" in read(answer)
        assert socket_desk.slack.calls_to("apps.connections.open")[0].status == 200

    async def test_dm_and_click_over_the_socket(self, socket_desk: Desk) -> None:
        """A DM creates a task; its notice's button is clicked; the notice shows the outcome."""
        desk = socket_desk
        await self.push(
            desk, "events_api", desk.slack.dm_event(ANI, "tugas Foto gudang <@U0BUDI> besok")
        )
        (created,) = desk.slack.messages_to(desk.dm_of("ani"))
        assert "Tugas 1 dibuat: Foto gudang" in read(created)
        (notice,) = await desk.deliver()

        click = desk.slack.button_click(BUDI, notice.channel, notice.ts, "gotong_0")
        await self.push(desk, "interactive", click)

        (update,) = desk.slack.updates_of(notice.channel, notice.ts)
        assert "Tugas 1 selesai: Foto gudang" in read(update)

    async def test_redelivered_envelope_is_processed_once(self, socket_desk: Desk) -> None:
        """Slack resending an event (retry_attempt 1, same event_id) changes nothing."""
        event = socket_desk.slack.dm_event(BUDI, "/lapor #pkh 5 paket sembako")

        await self.push(socket_desk, "events_api", event)
        await self.push(socket_desk, "events_api", event, retry_attempt=1, retry_reason="timeout")

        assert len(socket_desk.slack.messages_to(socket_desk.dm_of("budi"))) == 1
        assert count(socket_desk.engine, FieldUpdate) == 1

    async def test_stop_closes_the_connection(self, socket_desk: Desk) -> None:
        """After stop() no Socket Mode connection is left open."""
        await socket_desk.adapter.stop()

        assert socket_desk.slack.socket.open_connections == 0
