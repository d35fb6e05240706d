"""The Slack end-to-end harness: the real adapter against the fake server, and helpers.

Each test talks to Gotong the way people do on Slack: signed HTTP requests (events, the
slash command, button clicks, form submissions) or Socket Mode envelopes reach the running
adapter, the real core handles them, and the test reads what the fake Slack recorded. The
fake's pacing clock is the core's FakeClock, so rate limits are tested by moving time.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from adapters.slack import SlackAdapter, SlackConfig
from core.app import Gotong
from core.clock import FakeClock
from core.delivery.claims import OutboxDelivery
from core.models import (
    OutboxMessage,
)
from tests.fakes.slack_records import MessageUpdate, PostedMessage, ResponsePost
from tests.fakes.slack_server import (
    FORM,
    JSON,
    FakeSlack,
    app_mention_event,
    interaction_form,
    post_to_app,
    view_submission_payload,
)
from tests.workspace import NOTIFICATION
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
