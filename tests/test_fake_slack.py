"""The fake Slack platform speaks the protocols the real slack_sdk and slack-bolt expect."""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond, AsyncSay
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_async_handlers
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_server import (
    FORM,
    JSON,
    FakeSlack,
    ManualClock,
    SlackLimits,
    app_mention_event,
    event_callback,
    interaction_form,
    message_im_event,
    post_to_app,
    signed_request_headers,
    slash_command_form,
    url_verification,
    view_submission_payload,
)

ANI = "U0ANI"
BUDI = "U0BUDI"
FIELD = "C0FIELD"
SIGNING_SECRET = "gotong-signing-secret"


def section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def button(action_id: str = "confirm", text: str = "Ya", value: str = "task-1") -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        "value": value,
    }


def actions(*elements: dict[str, Any], block_id: str = "choices") -> dict[str, Any]:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def modal(title: str = "Laporan") -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "report",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Kirim"},
        "blocks": [
            {
                "type": "input",
                "block_id": "note",
                "label": {"type": "plain_text", "text": "Catatan"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
    }


async def _until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def slack(clock: ManualClock) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(clock=clock) as fake:
        fake.add_user(ANI, "Ani", "Ani Lestari")
        fake.add_user(
            BUDI, "Budi", "Budi Santoso", tz="Asia/Makassar", tz_offset=8 * 3600, locale="en-US"
        )
        fake.add_channel(FIELD, "field-team")
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)


class TestProtocol:
    async def test_auth_test_names_the_bot_and_workspace(self, client: AsyncWebClient) -> None:
        """auth.test answers the bot user, bot id, team and URL, with the scopes header bolt reads."""
        response = await client.auth_test()

        assert response["user_id"] == "U0GOTONGBOT"
        assert response["bot_id"] == "B0GOTONG"
        assert response["team_id"] == "T0GOTONG"
        assert response["url"] == "https://gotong-test.slack.com/"
        assert "chat:write" in response.headers["X-OAuth-Scopes"]

    async def test_wrong_token_is_invalid_auth(self, slack: FakeSlack) -> None:
        """A token the fake did not issue answers ok=false invalid_auth with HTTP 200."""
        stranger = AsyncWebClient(token="xoxb-not-ours", base_url=slack.api_url)

        with pytest.raises(SlackApiError) as caught:
            await stranger.auth_test()

        assert caught.value.response.status_code == 200
        assert caught.value.response["error"] == "invalid_auth"
        assert slack.calls_to("auth.test")[-1].error == "invalid_auth"

    async def test_app_token_cannot_post(self, slack: FakeSlack) -> None:
        """The app-level token is only for apps.connections.open, as on Slack."""
        with_app_token = AsyncWebClient(token=slack.app_token, base_url=slack.api_url)

        with pytest.raises(SlackApiError, match="not_allowed_token_type"):
            await with_app_token.chat_postMessage(channel=FIELD, text="Halo")

    async def test_unknown_method_is_refused(self, client: AsyncWebClient) -> None:
        """A method the fake does not implement answers unknown_method."""
        with pytest.raises(SlackApiError, match="unknown_method"):
            await client.api_call("chat.telepathy")

    async def test_form_body_with_token_field_is_accepted(self, slack: FakeSlack) -> None:
        """A form-encoded call with the token as a field and blocks as a JSON string works."""
        form = {
            "token": slack.bot_token,
            "channel": FIELD,
            "text": "Halo",
            "blocks": json.dumps([section("Halo")]),
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{slack.api_url}chat.postMessage", data=form) as response,
        ):
            body = await response.json()

        assert body["ok"] is True
        assert slack.last_to(FIELD).blocks == [section("Halo")]
        assert "token" not in slack.calls[-1].params


class TestMessages:
    async def test_message_with_blocks_is_recorded(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """chat.postMessage answers ts, channel and message, and the post is recorded."""
        blocks = [
            section("*Tugas baru*"),
            actions(button("confirm"), button("decline", "Tidak", "task-1")),
        ]

        response = await client.chat_postMessage(channel=FIELD, text="Tugas baru", blocks=blocks)

        posted = slack.last_to(FIELD)
        assert (response["channel"], response["ts"]) == (FIELD, posted.ts)
        assert response["message"]["blocks"] == blocks
        assert posted.text == "Tugas baru"
        assert posted.action_ids == ["confirm", "decline"]
        assert posted.visible_text == "*Tugas baru*"

    async def test_post_to_a_user_lands_in_their_dm(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """Posting to a user id posts in the bot's DM with them, whose id the answer carries."""
        response = await client.chat_postMessage(channel=ANI, text="Halo Ani")

        assert response["channel"] == slack.dm_channel(ANI)
        assert slack.last_to(slack.dm_channel(ANI)).text == "Halo Ani"

    async def test_thread_reply_keeps_thread_ts(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """A reply in a thread is recorded with its thread_ts."""
        parent = await client.chat_postMessage(channel=FIELD, text="Rapat besok")

        await client.chat_postMessage(channel=FIELD, text="Jam 9", thread_ts=parent["ts"])

        assert slack.last_to(FIELD).thread_ts == parent["ts"]

    async def test_unknown_channel_is_not_found(self, client: AsyncWebClient) -> None:
        """A channel the workspace does not have answers channel_not_found."""
        with pytest.raises(SlackApiError, match="channel_not_found"):
            await client.chat_postMessage(channel="C0NOWHERE", text="Halo")

    async def test_message_without_content_is_no_text(self, client: AsyncWebClient) -> None:
        """A post with neither text nor blocks answers no_text."""
        with pytest.raises(SlackApiError, match="no_text"):
            await client.api_call("chat.postMessage", json={"channel": FIELD})

    async def test_text_over_40000_characters_is_too_long(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """40,000 characters pass; one more answers msg_too_long."""
        await client.chat_postMessage(channel=FIELD, text="a" * 40_000)

        with pytest.raises(SlackApiError, match="msg_too_long"):
            await client.chat_postMessage(channel=BUDI, text="a" * 40_001)
        assert len(slack.posted) == 1

    async def test_blocks_at_every_limit_are_accepted(self, client: AsyncWebClient) -> None:
        """50 blocks, a 3000-character section, 150-character header and full button are valid."""
        header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 150}}
        full_button = button("a" * 255, "b" * 75, "v" * 2000)
        blocks = [header, section("s" * 3000), actions(full_button)] + [{"type": "divider"}] * 47

        response = await client.chat_postMessage(channel=FIELD, text="Penuh", blocks=blocks)

        assert len(response["message"]["blocks"]) == 50

    @pytest.mark.parametrize(
        ("blocks", "pointer"),
        [
            ([section("x")] * 51, "/blocks]"),
            ([section("s" * 3001)], "/blocks/0/text/text"),
            (
                [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
                "/blocks/0/text/text",
            ),
            (
                [{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}],
                "/blocks/0/text/type",
            ),
            ([actions(button(text="b" * 76))], "/blocks/0/elements/0/text/text"),
            ([actions(button(value="v" * 2001))], "/blocks/0/elements/0/value"),
            ([actions(button(action_id="a" * 256))], "/blocks/0/elements/0/action_id"),
            ([{"type": "section"}], "/blocks/0]"),
            ([{"type": "actions", "elements": []}], "/blocks/0]"),
            ([{"type": "input", "label": {"type": "plain_text", "text": "L"}}], "/blocks/0]"),
            ([{"type": "carousel"}], "/blocks/0/type"),
            ([section("a", "same"), section("b", "same")], "/blocks/1/block_id"),
        ],
        ids=[
            "51-blocks",
            "section-3001",
            "header-151",
            "header-mrkdwn",
            "button-text-76",
            "button-value-2001",
            "action-id-256",
            "section-without-text",
            "actions-without-elements",
            "input-without-element",
            "unknown-type",
            "duplicate-block-id",
        ],
    )
    async def test_invalid_blocks_are_refused(
        self, client: AsyncWebClient, slack: FakeSlack, blocks: list[dict[str, Any]], pointer: str
    ) -> None:
        """A layout Slack would refuse answers invalid_blocks with a json-pointer to the problem."""
        with pytest.raises(SlackApiError) as caught:
            await client.chat_postMessage(channel=FIELD, text="Bad", blocks=blocks)

        assert caught.value.response["error"] == "invalid_blocks"
        assert any(pointer in problem for problem in caught.value.response["errors"])
        assert slack.posted == []

    async def test_limits_are_configurable(self) -> None:
        """Every limit is a constructor parameter."""
        async with FakeSlack(limits=SlackLimits(blocks_per_message=2)) as fake:
            fake.add_channel(FIELD, "field-team")
            client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)

            with pytest.raises(SlackApiError, match="invalid_blocks"):
                await client.chat_postMessage(channel=FIELD, text="x", blocks=[section("a")] * 3)

    async def test_update_replaces_text_and_keeps_blocks(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """chat.update changes what it is given and keeps the fields it leaves out, as Slack does."""
        blocks = [section("Tugas: survei"), actions(button())]
        posted = await client.chat_postMessage(channel=FIELD, text="Tugas: survei", blocks=blocks)

        response = await client.chat_update(
            channel=FIELD, ts=posted["ts"], text="Tugas: survei (selesai)"
        )

        assert response["ts"] == posted["ts"]
        [update] = slack.updates_of(FIELD, posted["ts"])
        assert update.text == "Tugas: survei (selesai)"
        assert update.blocks == blocks
        assert slack.message(FIELD, posted["ts"])["text"] == "Tugas: survei (selesai)"

    async def test_update_of_unknown_message_is_not_found(self, client: AsyncWebClient) -> None:
        """chat.update of a ts the channel does not have answers message_not_found."""
        with pytest.raises(SlackApiError, match="message_not_found"):
            await client.chat_update(channel=FIELD, ts="1.000001", text="x")

    async def test_ephemeral_is_recorded_for_its_user(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """chat.postEphemeral answers message_ts and is recorded with the user who sees it."""
        response = await client.chat_postEphemeral(channel=FIELD, user=ANI, text="Hanya untukmu")

        [shown] = slack.ephemerals_for(ANI)
        assert shown.ts == response["message_ts"]
        assert slack.messages_to(FIELD, ephemeral=False) == []

    async def test_ephemeral_in_someone_elses_dm_is_refused(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """An ephemeral for Budi in Ani's DM answers user_not_in_channel."""
        with pytest.raises(SlackApiError, match="user_not_in_channel"):
            await client.chat_postEphemeral(channel=slack.dm_channel(ANI), user=BUDI, text="x")


class TestPacing:
    async def test_burst_then_429_with_retry_after(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """After a burst of 3 posts in a channel the next answers HTTP 429 with Retry-After."""
        for n in range(3):
            await client.chat_postMessage(channel=FIELD, text=f"pesan {n}")

        with pytest.raises(SlackApiError) as caught:
            await client.chat_postMessage(channel=FIELD, text="satu lagi")

        response = caught.value.response
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "1"
        assert response["error"] == "ratelimited"
        [violation] = slack.violations
        assert (violation.channel, violation.retry_after) == (FIELD, 1)
        assert slack.calls_to("chat.postMessage")[-1].status == 429

    async def test_pace_is_per_channel_and_refills(
        self, client: AsyncWebClient, slack: FakeSlack, clock: ManualClock
    ) -> None:
        """Another channel is unaffected, and after a second the channel takes a post again."""
        for n in range(3):
            await client.chat_postMessage(channel=FIELD, text=f"pesan {n}")

        await client.chat_postMessage(channel=ANI, text="DM tetap jalan")
        clock.advance(1.0)
        await client.chat_postMessage(channel=FIELD, text="sudah boleh")

        assert len(slack.messages_to(FIELD)) == 4
        assert slack.violations == []

    async def test_send_inside_retry_window_is_recorded(
        self, client: AsyncWebClient, slack: FakeSlack, clock: ManualClock
    ) -> None:
        """A post before Retry-After has elapsed is refused again and recorded."""
        for n in range(3):
            await client.chat_postMessage(channel=FIELD, text=f"pesan {n}")
        with pytest.raises(SlackApiError):
            await client.chat_postMessage(channel=FIELD, text="terlalu cepat")

        clock.advance(0.5)
        with pytest.raises(SlackApiError, match="ratelimited"):
            await client.chat_postMessage(channel=FIELD, text="masih terlalu cepat")

        [early] = slack.sends_inside_retry_window
        assert early.channel == FIELD
        assert len(slack.violations) == 1

    async def test_sdk_retry_handler_waits_out_retry_after(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """AsyncRateLimitErrorRetryHandler sleeps Retry-After (real time) and its retry is accepted."""
        # The handler adds random() seconds of jitter; pin it so the test takes ~1 s, not up to 2.
        monkeypatch.setattr(builtin_async_handlers, "random", _FixedJitter(0.05))
        async with FakeSlack() as fake:  # real monotonic clock: the handler really sleeps
            fake.add_channel(FIELD, "field-team")
            client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url)
            client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
            for n in range(3):
                await client.chat_postMessage(channel=FIELD, text=f"pesan {n}")

            await client.chat_postMessage(channel=FIELD, text="setelah menunggu")

            assert [c.status for c in fake.calls_to("chat.postMessage")] == [
                200,
                200,
                200,
                429,
                200,
            ]
            assert fake.sends_inside_retry_window == []
            assert fake.last_to(FIELD).text == "setelah menunggu"


class _FixedJitter:
    def __init__(self, value: float) -> None:
        self.value = value

    def random(self) -> float:
        return self.value


class TestPeople:
    async def test_conversations_open_gives_a_stable_dm(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """conversations.open answers a D... channel for the user, the same one every time."""
        first = await client.conversations_open(users=ANI)
        again = await client.conversations_open(users=ANI)

        assert first["channel"]["id"].startswith("D")
        assert again["channel"]["id"] == first["channel"]["id"] == slack.dm_channel(ANI)
        assert again["already_open"] is True

    async def test_conversations_open_unknown_user(self, client: AsyncWebClient) -> None:
        """A user the workspace does not have answers user_not_found."""
        with pytest.raises(SlackApiError, match="user_not_found"):
            await client.conversations_open(users="U0GHOST")

    async def test_users_info_describes_the_person(self, client: AsyncWebClient) -> None:
        """users.info answers names, time zone and, when asked with include_locale, the locale."""
        response = await client.users_info(user=BUDI, include_locale=True)

        user = response["user"]
        assert user["profile"]["display_name"] == "Budi"
        assert user["real_name"] == "Budi Santoso"
        assert (user["tz"], user["tz_offset"]) == ("Asia/Makassar", 8 * 3600)
        assert user["locale"] == "en-US"

    async def test_users_info_omits_locale_unless_asked(self, client: AsyncWebClient) -> None:
        """Slack sends locale only with include_locale=true; the fake does the same."""
        response = await client.users_info(user=ANI)

        assert "locale" not in response["user"]


class TestViews:
    async def test_view_opens_with_an_issued_trigger(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """views.open with a trigger_id the fake issued answers the view, and it is recorded."""
        trigger_id = slack.issue_trigger_id()

        response = await client.views_open(trigger_id=trigger_id, view=modal())

        [opened] = slack.views
        assert response["view"]["id"] == opened.view_id
        assert (opened.trigger_id, opened.callback_id) == (trigger_id, "report")

    @pytest.mark.parametrize(
        ("trigger", "error"),
        [
            ("made-up", "invalid_trigger_id"),
            ("used", "exchanged_trigger_id"),
            ("stale", "expired_trigger_id"),
        ],
    )
    async def test_bad_trigger_is_refused(
        self, client: AsyncWebClient, slack: FakeSlack, clock: ManualClock, trigger: str, error: str
    ) -> None:
        """A trigger_id not issued, already used, or older than 3 seconds is refused."""
        trigger_id = "1.2.made-up" if trigger == "made-up" else slack.issue_trigger_id()
        if trigger == "used":
            await client.views_open(trigger_id=trigger_id, view=modal())
        if trigger == "stale":
            clock.advance(3.1)

        with pytest.raises(SlackApiError, match=error):
            await client.views_open(trigger_id=trigger_id, view=modal())

    async def test_invalid_view_is_refused(self, client: AsyncWebClient, slack: FakeSlack) -> None:
        """A modal title over 24 characters answers invalid_arguments naming the field."""
        with pytest.raises(SlackApiError) as caught:
            await client.views_open(trigger_id=slack.issue_trigger_id(), view=modal("t" * 25))

        assert caught.value.response["error"] == "invalid_arguments"
        assert "/view/title/text" in caught.value.response["response_metadata"]["messages"][0]


class TestResponseUrls:
    async def test_respond_is_recorded(self, slack: FakeSlack) -> None:
        """What bolt's respond() posts to a response URL is recorded field by field."""
        url = slack.issue_response_url()
        respond = AsyncRespond(response_url=url)

        response = await respond(
            text="Tercatat", blocks=[section("Tercatat")], response_type="in_channel"
        )

        assert response.status_code == 200
        [post] = slack.responses_to(url)
        assert (post.text, post.response_type, post.blocks) == (
            "Tercatat",
            "in_channel",
            [section("Tercatat")],
        )

    async def test_replace_original_replaces_the_clicked_message(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """replace_original on a click's response URL replaces the message, as on Slack."""
        posted = await client.chat_postMessage(
            channel=FIELD, text="Pilih", blocks=[actions(button())]
        )
        click = slack.button_click(ANI, FIELD, posted["ts"], "confirm")

        await AsyncRespond(response_url=click["response_url"])(
            text="Dikonfirmasi", replace_original=True
        )

        [update] = slack.updates_of(FIELD, posted["ts"])
        assert update.text == "Dikonfirmasi"
        assert click["actions"][0]["value"] == "task-1"

    async def test_response_url_is_good_five_times(self, slack: FakeSlack) -> None:
        """The sixth post to one response URL answers 404 used_url."""
        respond = AsyncRespond(response_url=slack.issue_response_url())
        statuses = [(await respond(text=f"#{n}")).status_code for n in range(6)]

        assert statuses == [200] * 5 + [404]

    async def test_response_url_checks_blocks(self, slack: FakeSlack) -> None:
        """Blocks posted to a response URL are checked like a message's."""
        respond = AsyncRespond(response_url=slack.issue_response_url())

        response = await respond(text="x", blocks=[section("s" * 3001)])

        assert response.status_code == 400
        assert json.loads(response.body)["error"] == "invalid_blocks"

    async def test_response_url_faults(self, slack: FakeSlack) -> None:
        """fail("response_url") makes the next post to any response URL fail."""
        slack.fail("response_url", status=500)
        respond = AsyncRespond(response_url=slack.issue_response_url())

        statuses = [(await respond(text="a")).status_code, (await respond(text="b")).status_code]

        assert statuses == [500, 200]
        assert [post.text for post in slack.responses] == ["b"]


class TestFaults:
    async def test_server_error_once(self, client: AsyncWebClient, slack: FakeSlack) -> None:
        """fail() answers the next call with the status, then the method works again."""
        slack.fail("chat.postMessage", status=500)

        with pytest.raises(SlackApiError) as caught:
            await client.chat_postMessage(channel=FIELD, text="a")
        await client.chat_postMessage(channel=FIELD, text="b")

        assert caught.value.response.status_code == 500
        assert [m.text for m in slack.posted] == ["b"]

    async def test_slack_error_with_http_200(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """status=200 with an error answers ok=false like a real refusal."""
        slack.fail("*", status=200, error="account_inactive", times=None)

        with pytest.raises(SlackApiError, match="account_inactive"):
            await client.auth_test()
        slack.clear_faults()
        await client.auth_test()

    async def test_injected_429_opens_a_retry_window(
        self, client: AsyncWebClient, slack: FakeSlack, clock: ManualClock
    ) -> None:
        """An injected 429 carries Retry-After and posts before it elapses are recorded."""
        slack.fail("chat.postMessage", status=429, retry_after=2)
        with pytest.raises(SlackApiError) as caught:
            await client.chat_postMessage(channel=FIELD, text="a")

        clock.advance(1)
        with pytest.raises(SlackApiError):
            await client.chat_postMessage(channel=FIELD, text="b")
        clock.advance(1)
        await client.chat_postMessage(channel=FIELD, text="c")

        assert caught.value.response.headers["Retry-After"] == "2"
        assert len(slack.sends_inside_retry_window) == 1

    async def test_fraction_is_seeded(self, client: AsyncWebClient, slack: FakeSlack) -> None:
        """With fraction and a seed the same calls fail on every run."""
        rule = slack.fail("auth.test", status=503, fraction=0.5, seed=7, times=None)
        outcomes = []
        for _ in range(8):
            try:
                await client.auth_test()
                outcomes.append(True)
            except SlackApiError:
                outcomes.append(False)

        assert outcomes.count(False) == rule.hits
        assert 0 < rule.hits < 8

    async def test_dropped_connection_is_retried_by_the_sdk(
        self, client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """AsyncWebClient retries a dropped connection once by default: a drop after processing duplicates."""
        [handler] = client.retry_handlers
        assert isinstance(handler, AsyncConnectionErrorRetryHandler)
        handler.interval_calculator = FixedValueRetryIntervalCalculator(0.01)  # default: 0.5-1.5 s
        slack.drop_connection("chat.postMessage", after_processing=True)

        await client.chat_postMessage(channel=FIELD, text="sekali saja")

        assert [m.text for m in slack.posted] == ["sekali saja", "sekali saja"]
        assert [c.status for c in slack.calls_to("chat.postMessage")] == [0, 200]


@pytest.fixture
async def bolt(slack: FakeSlack) -> AsyncIterator[tuple[AsyncApp, str]]:
    """A bolt AsyncApp served over loopback HTTP the way the adapter will serve it."""
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    app = AsyncApp(client=client, signing_secret=SIGNING_SECRET, process_before_response=True)
    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield app, f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    await runner.cleanup()


class TestInbound:
    def test_signed_headers_pass_the_sdk_verifier(self) -> None:
        """The headers verify with slack_sdk's SignatureVerifier, and only with the right secret."""
        body = b'{"type":"event_callback"}'
        headers = signed_request_headers(body, SIGNING_SECRET)

        assert SignatureVerifier(SIGNING_SECRET).is_valid_request(body, headers)
        assert not SignatureVerifier("other-secret").is_valid_request(body, headers)
        assert not SignatureVerifier(SIGNING_SECRET).is_valid_request(body + b" ", headers)

    def test_old_timestamp_fails_verification(self) -> None:
        """A timestamp more than 5 minutes from now fails, as Slack's replay protection wants."""
        body = b"command=%2Fgotong"
        stale = signed_request_headers(body, SIGNING_SECRET, timestamp=int(time.time()) - 301)

        assert not SignatureVerifier(SIGNING_SECRET).is_valid_request(body, stale)

    async def test_dm_event_reaches_a_bolt_app(
        self, bolt: tuple[AsyncApp, str], slack: FakeSlack
    ) -> None:
        """A signed message.im event is handled and say() posts the reply before the 200."""
        app, url = bolt

        @app.event("message")
        async def echo(event: dict[str, Any], say: AsyncSay) -> None:
            await say(f"Diterima: {event['text']}")

        status, _ = await post_to_app(
            url, json.dumps(slack.dm_event(ANI, "halo")), JSON, SIGNING_SECRET
        )

        assert status == 200
        assert slack.last_to(slack.dm_channel(ANI)).text == "Diterima: halo"

    async def test_app_mention_reaches_a_bolt_app(
        self, bolt: tuple[AsyncApp, str], slack: FakeSlack
    ) -> None:
        """An app_mention in a channel is handled and the reply goes to that channel's thread."""
        app, url = bolt

        @app.event("app_mention")
        async def mention(event: dict[str, Any], say: AsyncSay) -> None:
            await say(text="Siap", thread_ts=event["ts"])

        event = app_mention_event(ANI, "rapat kapan?", FIELD, "1700000000.000100")
        status, _ = await post_to_app(url, json.dumps(slack.event(event)), JSON, SIGNING_SECRET)

        assert status == 200
        assert event["text"] == "<@U0GOTONGBOT> rapat kapan?"
        assert slack.last_to(FIELD).thread_ts == "1700000000.000100"

    async def test_url_verification_is_answered(self, bolt: tuple[AsyncApp, str]) -> None:
        """bolt answers Slack's url_verification handshake with the challenge."""
        _, url = bolt

        status, text = await post_to_app(
            url, json.dumps(url_verification("c-123")), JSON, SIGNING_SECRET
        )

        assert (status, json.loads(text)) == (200, {"challenge": "c-123"})

    async def test_retry_headers_reach_the_listener(
        self, bolt: tuple[AsyncApp, str], slack: FakeSlack
    ) -> None:
        """retry_num sends X-Slack-Retry-Num and -Reason; bolt passes them on and handles the event again."""
        app, url = bolt
        seen: list[tuple[str, list[str] | None]] = []

        @app.event("message")
        async def note(event: dict[str, Any], request: Any) -> None:
            seen.append((event["text"], request.headers.get("x-slack-retry-num")))

        body = json.dumps(
            event_callback("Ev1", message_im_event(ANI, "halo", slack.dm_channel(ANI), "1.000001"))
        )
        await post_to_app(url, body, JSON, SIGNING_SECRET)
        await post_to_app(url, body, JSON, SIGNING_SECRET, retry_num=1)

        assert seen == [("halo", None), ("halo", ["1"])]

    @pytest.mark.parametrize("secret_or_age", ["wrong-secret", 301])
    async def test_bolt_refuses_bad_signatures(
        self, bolt: tuple[AsyncApp, str], slack: FakeSlack, secret_or_age: str | int
    ) -> None:
        """A wrong secret or a timestamp over 5 minutes old answers 401."""
        _, url = bolt
        secret = secret_or_age if isinstance(secret_or_age, str) else SIGNING_SECRET
        timestamp = int(time.time()) - secret_or_age if isinstance(secret_or_age, int) else None
        body = json.dumps(slack.dm_event(ANI, "halo"))

        status, _ = await post_to_app(url, body, JSON, secret, timestamp=timestamp)

        assert status == 401

    async def test_slash_command_ack_and_respond(
        self, bolt: tuple[AsyncApp, str], slack: FakeSlack
    ) -> None:
        """ack(text) is the HTTP answer; respond() posts to the response URL the fake issued."""
        app, url = bolt

        @app.command("/gotong")
        async def command(ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any]) -> None:
            await ack("Sebentar...")
            await respond(text=f"Tugas: {command['text']}", response_type="ephemeral")

        fields = slack.slash_command(ANI, "tugas saya")
        status, text = await post_to_app(url, urlencode(fields), FORM, SIGNING_SECRET)

        assert (status, text) == (200, "Sebentar...")
        [post] = slack.responses_to(fields["response_url"])
        assert post.text == "Tugas: tugas saya"

    async def test_form_builder_matches_slack(
        self, bolt: tuple[AsyncApp, str], slack: FakeSlack
    ) -> None:
        """slash_command_form builds the form bolt parses into a command."""
        app, url = bolt
        seen: list[dict[str, Any]] = []

        @app.command("/gotong")
        async def command(ack: AsyncAck, command: dict[str, Any]) -> None:
            seen.append(command)
            await ack()

        body = slash_command_form(
            text="rapat",
            user_id=BUDI,
            channel_id=FIELD,
            response_url=slack.issue_response_url(),
            trigger_id=slack.issue_trigger_id(),
        )
        await post_to_app(url, body, FORM, SIGNING_SECRET)

        assert (seen[0]["user_id"], seen[0]["channel_id"], seen[0]["text"]) == (
            BUDI,
            FIELD,
            "rapat",
        )

    async def test_bolt_drops_a_form_that_mentions_payload(
        self, bolt: tuple[AsyncApp, str], slack: FakeSlack
    ) -> None:
        """Known bolt trap: a slash command body containing "payload" parses as empty (404)."""
        app, url = bolt

        @app.command("/gotong")
        async def command(ack: AsyncAck) -> None:
            await ack()

        status, _ = await post_to_app(
            url, urlencode(slack.slash_command(ANI, "payload")), FORM, SIGNING_SECRET
        )

        assert status == 404

    async def test_button_click_and_replace_original(
        self, bolt: tuple[AsyncApp, str], client: AsyncWebClient, slack: FakeSlack
    ) -> None:
        """A block_actions click is acked empty and respond(replace_original) edits the message."""
        app, url = bolt

        @app.action("confirm")
        async def confirm(ack: AsyncAck, respond: AsyncRespond, action: dict[str, Any]) -> None:
            await ack()
            await respond(text=f"Dikonfirmasi {action['value']}", replace_original=True)

        posted = await client.chat_postMessage(
            channel=FIELD, text="Pilih", blocks=[actions(button())]
        )
        click = slack.button_click(ANI, FIELD, posted["ts"], "confirm")
        status, text = await post_to_app(url, interaction_form(click), FORM, SIGNING_SECRET)

        assert (status, text) == (200, "")
        assert slack.updates_of(FIELD, posted["ts"])[0].text == "Dikonfirmasi task-1"

    async def test_view_submission_errors_ack(self, bolt: tuple[AsyncApp, str]) -> None:
        """A view_submission acked with errors answers response_action=errors as JSON."""
        app, url = bolt

        @app.view("report")
        async def report(ack: AsyncAck, view: dict[str, Any]) -> None:
            note = view["state"]["values"]["note"]["value"]["value"]
            await ack(response_action="errors", errors={"note": "Wajib diisi"} if not note else {})

        payload = view_submission_payload(
            user_id=ANI,
            callback_id="report",
            state_values={"note": {"value": {"type": "plain_text_input", "value": ""}}},
            private_metadata="task-1",
        )
        status, text = await post_to_app(url, interaction_form(payload), FORM, SIGNING_SECRET)

        assert status == 200
        assert json.loads(text) == {"response_action": "errors", "errors": {"note": "Wajib diisi"}}


class TestSocketMode:
    async def test_sdk_client_connects_and_acks(self, slack: FakeSlack) -> None:
        """SocketModeClient connects via apps.connections.open, gets hello and an envelope, and acks."""
        seen: list[str] = []

        async def on_message(
            client: AsyncBaseSocketModeClient, message: dict[str, Any], raw: str | None
        ) -> None:
            seen.append(message.get("type", ""))

        async def on_request(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
            await client.send_socket_mode_response(
                SocketModeResponse(envelope_id=request.envelope_id)
            )

        socket_client = SocketModeClient(
            app_token=slack.app_token, web_client=AsyncWebClient(base_url=slack.api_url)
        )
        socket_client.message_listeners.append(on_message)
        socket_client.socket_mode_request_listeners.append(on_request)
        try:
            await socket_client.connect()
            envelope = await slack.socket.push("events_api", slack.dm_event(ANI, "halo"))
            ack = await slack.socket.wait_for_ack(envelope["envelope_id"])
        finally:
            await socket_client.close()

        assert slack.calls_to("apps.connections.open")[0].status == 200
        assert seen == ["hello", "events_api"]
        assert ack.payload is None
        assert slack.socket.unacked == [] and slack.socket.late_acks == []

    async def test_late_ack_is_recorded(self, slack: FakeSlack, clock: ManualClock) -> None:
        """An ack later than Slack's 3 seconds (by the fake's clock) shows up in late_acks."""

        async def slow(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
            clock.advance(3.5)
            await client.send_socket_mode_response(
                SocketModeResponse(envelope_id=request.envelope_id)
            )

        socket_client = SocketModeClient(
            app_token=slack.app_token, web_client=AsyncWebClient(base_url=slack.api_url)
        )
        socket_client.socket_mode_request_listeners.append(slow)
        try:
            await socket_client.connect()
            envelope = await slack.socket.push("events_api", slack.dm_event(ANI, "halo"))
            await slack.socket.wait_for_ack(envelope["envelope_id"])
        finally:
            await socket_client.close()

        [late] = slack.socket.late_acks
        assert late.latency == 3.5

    async def test_bolt_handler_acks_a_slash_command(self, slack: FakeSlack) -> None:
        """bolt's AsyncSocketModeHandler sends ack(text) back as the envelope's payload."""
        app = AsyncApp(client=AsyncWebClient(token=slack.bot_token, base_url=slack.api_url))

        @app.command("/gotong")
        async def command(ack: AsyncAck) -> None:
            await ack("Sebentar...")

        handler = AsyncSocketModeHandler(app, slack.app_token)
        try:
            await handler.connect_async()
            envelope = await slack.socket.push("slash_commands", slack.slash_command(ANI, "tugas"))
            ack = await slack.socket.wait_for_ack(envelope["envelope_id"])
        finally:
            await handler.close_async()

        assert ack.payload == {"text": "Sebentar..."}

    async def test_disconnect_makes_the_client_reconnect(self, slack: FakeSlack) -> None:
        """After Slack's disconnect message the SDK opens a new connection with a new URL."""
        socket_client = SocketModeClient(
            app_token=slack.app_token, web_client=AsyncWebClient(base_url=slack.api_url)
        )
        try:
            await socket_client.connect()
            await slack.socket.wait_connected()
            await slack.socket.send_disconnect()
            await _until(lambda: slack.socket.connection_count == 2)
        finally:
            await socket_client.close()

        assert len(slack.calls_to("apps.connections.open")) == 2
