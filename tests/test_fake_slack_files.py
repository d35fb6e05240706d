"""The fake Slack's file uploads take the real slack_sdk's files_upload_v2, and refuse what
Slack refuses."""

from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_server import FakeSlack, ManualClock

BUDI = "U0BUDI000"
FIELD = "C0FIELD00"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(clock=ManualClock()) as fake:
        fake.add_user(BUDI, "Budi", "Budi Santoso")
        fake.add_channel(FIELD, "field-team")
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)


class TestUploads:
    async def test_files_upload_v2_shares_the_file_in_the_channel(
        self, slack: FakeSlack, client: AsyncWebClient
    ) -> None:
        """The three steps run against the fake; the file is recorded where it was shared."""
        answer = await client.files_upload_v2(
            channel=FIELD, file=b"png bytes", filename="grafik.png", title="Grafik"
        )

        (shared,) = slack.files.shared_in(FIELD)
        assert (shared.filename, shared.title, shared.data) == (
            "grafik.png",
            "Grafik",
            b"png bytes",
        )
        assert answer["file"]["id"] == shared.file_id

    async def test_a_file_to_a_user_lands_in_their_dm(
        self, slack: FakeSlack, client: AsyncWebClient
    ) -> None:
        """Slack shares files only in a channel or an opened DM, never at a user id."""
        with pytest.raises(SlackApiError) as refused:
            await client.files_upload_v2(channel=BUDI, file=b"x", filename="a.png")
        assert refused.value.response["error"] == "invalid_arguments"
        opened = await client.conversations_open(users=BUDI)
        await client.files_upload_v2(channel=opened["channel"]["id"], file=b"x", filename="a.png")

        assert len(slack.files.shared_in(slack.dm_channel(BUDI))) == 1

    async def test_an_unknown_channel_is_not_found(self, client: AsyncWebClient) -> None:
        with pytest.raises(SlackApiError) as refused:
            await client.files_upload_v2(channel="C0NOPE000", file=b"x", filename="a.png")
        assert refused.value.response["error"] == "channel_not_found"

    async def test_filename_and_length_are_required(self, client: AsyncWebClient) -> None:
        with pytest.raises(SlackApiError) as refused:
            await client.api_call("files.getUploadURLExternal", params={"filename": "a.png"})
        assert refused.value.response["error"] == "invalid_arguments"

    async def test_a_file_over_the_limit_is_refused_with_413(
        self, slack: FakeSlack, client: AsyncWebClient
    ) -> None:
        """The upload URL refuses more than the limit; slack_sdk raises SlackRequestError."""
        slack.files.max_bytes = 4

        with pytest.raises(SlackRequestError, match="status: 413"):
            await client.files_upload_v2(channel=FIELD, file=b"12345", filename="a.png")
        assert slack.files.shared == []

    async def test_an_upload_url_takes_one_upload_of_the_announced_length(
        self, slack: FakeSlack, client: AsyncWebClient
    ) -> None:
        """A different length is refused; a second upload to the same URL is not found."""
        answer = await client.files_getUploadURLExternal(filename="a.png", length=3)
        url = answer["upload_url"]

        async with aiohttp.ClientSession() as session:
            async with session.post(url, data=b"1234") as wrong:
                assert wrong.status == 400
            async with session.post(url, data=b"123") as right:
                assert right.status == 200
            async with session.post(url, data=b"123") as again:
                assert again.status == 404

    async def test_completing_a_file_never_uploaded_is_file_not_found(
        self, client: AsyncWebClient
    ) -> None:
        answer = await client.files_getUploadURLExternal(filename="a.png", length=3)

        with pytest.raises(SlackApiError) as refused:
            await client.files_completeUploadExternal(
                files=[{"id": answer["file_id"], "title": "a"}], channel_id=FIELD
            )
        assert refused.value.response["error"] == "file_not_found"
