"""The fake Telegram Bot API server speaks the protocol the real python-telegram-bot expects."""

import asyncio
import datetime as dtm
import io
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.fakes.telegram_server import FakeTelegram, ManualClock

USER = 4201
GROUP = -1001234567


@pytest.fixture(autouse=True)
def _retry_after_as_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without it PTB 22 warns (PTBDeprecationWarning) while building RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def flood_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def telegram(flood_clock: ManualClock) -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(clock=flood_clock) as fake:
        yield fake


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(
        telegram.token, base_url=telegram.base_url, base_file_url=telegram.base_file_url
    ) as client:
        yield client


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


async def wait_until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


class TestProtocol:
    async def test_get_me_returns_the_configured_bot(self, bot: Bot) -> None:
        """getMe answers a bot user with the configured username."""
        me = await bot.get_me()

        assert me.username == "GotongTestBot"
        assert me.is_bot
        assert me.id == 123456789

    async def test_wrong_token_is_unauthorized(self, telegram: FakeTelegram) -> None:
        """A token other than the fake's answers 401 Unauthorized."""
        client = Bot("987:wrong", base_url=telegram.base_url)

        with pytest.raises(InvalidToken, match="rejected by the server"):
            async with client:
                pass

    async def test_unknown_method_answers_not_found(self, bot: Bot) -> None:
        """A method Telegram does not have answers 404 Not Found."""
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": USER})

    async def test_method_names_are_case_insensitive(self, bot: Bot) -> None:
        """Telegram accepts any letter case in method names, and so does the fake."""
        result = await bot.do_api_request("GETME")

        assert result["username"] == "GotongTestBot"

    async def test_json_body_is_accepted(self, telegram: FakeTelegram) -> None:
        """A client posting JSON (not PTB's form encoding) gets Telegram's envelope back."""
        url = f"{telegram.base_url}{telegram.token}/sendMessage"
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json={"chat_id": USER, "text": "hai"}) as response,
        ):
            body = await response.json()

        assert response.status == 200
        assert body["ok"] is True
        assert body["result"]["text"] == "hai"
        assert body["result"]["from"]["username"] == "GotongTestBot"


class TestSending:
    async def test_plain_message_is_recorded(self, bot: Bot, telegram: FakeTelegram) -> None:
        """An accepted sendMessage is recorded and returned as a Message from the bot."""
        message = await bot.send_message(USER, "Halo!")

        sent = telegram.last_to(USER)
        assert (sent.method, sent.text, sent.parse_mode) == ("sendMessage", "Halo!", None)
        assert sent.message_id == message.message_id
        assert message.from_user is not None and message.from_user.username == "GotongTestBot"
        assert message.chat.type == "private"

    async def test_html_message_with_keyboard_is_recorded(
        self, bot: Bot, telegram: FakeTelegram
    ) -> None:
        """HTML is recorded as sent, its visible text is available, and buttons are queryable."""
        message = await bot.send_message(
            USER,
            "<b>Tugas</b> &amp; rapat &lt;besok&gt;",
            parse_mode="HTML",
            reply_markup=keyboard("task:1:done", "task:1:later"),
        )

        sent = telegram.last_to(USER)
        assert sent.text == "<b>Tugas</b> &amp; rapat &lt;besok&gt;"
        assert sent.visible_text == "Tugas & rapat <besok>"
        assert sent.callback_data == ["task:1:done", "task:1:later"]
        assert message.text == "Tugas & rapat <besok>"
        assert message.reply_markup == keyboard("task:1:done", "task:1:later")

    async def test_over_long_text_is_rejected(self, bot: Bot, telegram: FakeTelegram) -> None:
        """More than 4096 characters answers 400 and nothing is recorded."""
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(USER, "x" * 4097)

        assert telegram.sent == []

    async def test_length_counts_visible_html_text(self, bot: Bot) -> None:
        """Tags do not count toward the limit: 4096 visible characters in bold are accepted."""
        await bot.send_message(USER, f"<b>{'x' * 4096}</b>", parse_mode="HTML")

    async def test_callback_data_over_64_bytes_is_rejected(self, bot: Bot) -> None:
        """callback_data longer than 64 bytes of UTF-8 answers 400 BUTTON_DATA_INVALID."""
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(USER, "Pilih", reply_markup=keyboard("é" * 32 + "x"))

    @pytest.mark.parametrize(
        "html",
        [
            "<b>belum ditutup",
            "<b><i>silang</b></i>",
            "baris<br>baru",
            "a < b",
            "Tom & Jerry",
            "1 > 0",
            "<span>rahasia</span>",
            "<a>tanpa tautan</a>",
        ],
    )
    async def test_broken_html_is_rejected(self, bot: Bot, html: str) -> None:
        """HTML Telegram would not parse answers 400 "can't parse entities"."""
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(USER, html, parse_mode="HTML")

    @pytest.mark.parametrize(
        "html",
        [
            '<a href="https://example.org/?a=1&amp;b=2">tautan</a>',
            '<span class="tg-spoiler">rahasia</span> <tg-spoiler>juga</tg-spoiler>',
            '<pre><code class="language-python">print("hai")</code></pre>',
            "<blockquote expandable>kutipan <b>tebal <i>miring</i></b></blockquote>",
            "&#128512; &#x1F600; &quot;kutip&quot;",
        ],
    )
    async def test_telegram_html_is_accepted(self, bot: Bot, html: str) -> None:
        """Every tag and entity Telegram documents is accepted."""
        await bot.send_message(USER, html, parse_mode="HTML")

    async def test_blocked_user_is_forbidden(self, bot: Bot, telegram: FakeTelegram) -> None:
        """A user who blocked the bot answers 403 Forbidden."""
        telegram.block_bot(USER)

        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(USER, "Halo?")

    async def test_photo_and_document_uploads(self, bot: Bot, telegram: FakeTelegram) -> None:
        """In-memory files arrive as multipart uploads and can be downloaded again."""
        photo = await bot.send_photo(
            USER, io.BytesIO(b"\x89PNG-fake"), caption="<i>foto</i>", parse_mode="HTML"
        )
        document = await bot.send_document(USER, io.BytesIO(b"a;b\n1;2\n"), filename="laporan.csv")

        sent_photo, sent_document = telegram.messages_to(USER)
        assert sent_photo.method == "sendPhoto" and sent_photo.visible_text == "foto"
        assert sent_photo.file is not None and sent_photo.file.data == b"\x89PNG-fake"
        assert sent_document.file is not None
        assert sent_document.file.filename == "laporan.csv"
        assert document.document is not None and document.document.file_name == "laporan.csv"
        downloaded = await (await bot.get_file(photo.photo[-1].file_id)).download_as_bytearray()
        assert bytes(downloaded) == b"\x89PNG-fake"

    async def test_edit_text_and_not_modified(self, bot: Bot, telegram: FakeTelegram) -> None:
        """An edit is recorded; repeating it answers Telegram's "message is not modified"."""
        message = await bot.send_message(USER, "Rapat?", reply_markup=keyboard("ya", "tidak"))

        await bot.edit_message_text("Rapat: ya", chat_id=USER, message_id=message.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("Rapat: ya", chat_id=USER, message_id=message.message_id)

        (edit,) = telegram.edits_of(USER, message.message_id)
        assert edit.text == "Rapat: ya" and edit.reply_markup is None
        assert "reply_markup" not in telegram.message(USER, message.message_id)


class TestFloodControl:
    async def test_private_chat_burst_then_retry_after(
        self, bot: Bot, telegram: FakeTelegram, flood_clock: ManualClock
    ) -> None:
        """A burst over the per-chat limit gets 429; waiting retry_after lets the next one in."""
        for n in range(3):
            await bot.send_message(USER, f"pesan {n}")

        with pytest.raises(RetryAfter) as refused:
            await bot.send_message(USER, "satu lagi")
        assert refused.value.retry_after == dtm.timedelta(seconds=1)
        flood_clock.advance(1)
        await bot.send_message(USER, "satu lagi")

        assert [v.limit for v in telegram.violations] == ["per_chat"]
        assert telegram.sends_inside_retry_window == []
        assert len(telegram.messages_to(USER)) == 4

    async def test_send_inside_retry_window_is_recorded(
        self, bot: Bot, telegram: FakeTelegram, flood_clock: ManualClock
    ) -> None:
        """Retrying before retry_after has elapsed is refused again and recorded."""
        telegram.fail("sendMessage", status=429, retry_after=5)
        with pytest.raises(RetryAfter):
            await bot.send_message(USER, "pertama")

        flood_clock.advance(2)
        with pytest.raises(RetryAfter) as refused:
            await bot.send_message(USER, "terlalu cepat")

        assert refused.value.retry_after == dtm.timedelta(seconds=3)
        (early,) = telegram.sends_inside_retry_window
        assert (early.chat_id, early.at, early.window_ends_at) == (USER, 1002.0, 1005.0)

    async def test_group_allows_20_messages_per_minute(
        self, bot: Bot, telegram: FakeTelegram, flood_clock: ManualClock
    ) -> None:
        """The 21st message to a group within a minute gets 429 until the oldest is a minute old."""
        for n in range(20):
            await bot.send_message(GROUP, f"pengumuman {n}")
            flood_clock.advance(1)

        with pytest.raises(RetryAfter) as refused:
            await bot.send_message(GROUP, "satu lagi")

        assert refused.value.retry_after == dtm.timedelta(seconds=40)
        assert [v.limit for v in telegram.violations] == ["group_per_minute"]
        flood_clock.advance(40)
        await bot.send_message(GROUP, "satu lagi")

    async def test_overall_limit_is_30_per_second(self, bot: Bot, telegram: FakeTelegram) -> None:
        """Thirty sends to different chats in one second pass; the 31st gets 429."""
        for user in range(1, 31):
            await bot.send_message(user, "pengingat")

        with pytest.raises(RetryAfter):
            await bot.send_message(31, "pengingat")

        assert [v.limit for v in telegram.violations] == ["global"]

    async def test_aioratelimiter_retries_after_retry_after(self) -> None:
        """PTB's AIORateLimiter (max_retries=1) sleeps retry_after + 0.1 s, then resends."""
        async with FakeTelegram() as telegram:  # real clock: the limiter really sleeps
            application = (
                Application.builder()
                .token(telegram.token)
                .base_url(telegram.base_url)
                .rate_limiter(AIORateLimiter(max_retries=1))
                .build()
            )
            telegram.fail("sendMessage", status=429, retry_after=1)
            async with application:
                await application.bot.send_message(USER, "sabar")

        assert [call.status for call in telegram.calls_to("sendMessage")] == [429, 200]
        assert telegram.sends_inside_retry_window == []


class TestUpdates:
    async def test_application_polling_receives_message_and_callback(
        self, telegram: FakeTelegram
    ) -> None:
        """Application + Updater long polling get a pushed /start and a button tap."""
        errors: list[object] = []

        async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.effective_chat is not None
            await update.effective_chat.send_message("Mau rapat?", reply_markup=keyboard("ya"))

        async def tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            query = update.callback_query
            assert query is not None
            await query.answer("Dicatat")
            await query.edit_message_text(f"Jawaban: {query.data}")

        async def record_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
            errors.append(context.error)

        application = (
            Application.builder()
            .token(telegram.token)
            .base_url(telegram.base_url)
            .base_file_url(telegram.base_file_url)
            .build()
        )
        application.add_handler(CommandHandler("start", start))
        application.add_handler(CallbackQueryHandler(tap))
        application.add_error_handler(record_error)
        await application.initialize()
        assert application.updater is not None
        await application.updater.start_polling(timeout=1, poll_interval=0)
        await application.start()
        try:
            telegram.push_message(USER, "/start")
            await wait_until(lambda: bool(telegram.messages_to(USER)))
            telegram.push_callback(USER, "ya", message_id=telegram.last_to(USER).message_id)
            await wait_until(lambda: bool(telegram.edits))
        finally:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()

        assert errors == []
        assert telegram.callback_answers[0].text == "Dicatat"
        assert telegram.edits[0].text == "Jawaban: ya"
        assert telegram.pending_updates == []  # the updater confirmed what it fetched

    async def test_get_updates_honours_offset_limit_and_allowed_updates(
        self, bot: Bot, telegram: FakeTelegram
    ) -> None:
        """Updates below offset are dropped, limit caps a batch, allowed_updates filters."""
        first = telegram.push_message(USER, "satu")
        telegram.push_message(USER, "dua")
        telegram.push_callback(USER, "ya", message_id=1)

        batch = await bot.get_updates(limit=1)
        rest = await bot.get_updates(offset=first["update_id"] + 1, allowed_updates=["message"])

        assert [u.message.text for u in batch if u.message] == ["satu"]
        assert [u.message.text for u in rest if u.message] == ["dua"]
        assert len(rest) == 1

    async def test_long_poll_returns_when_an_update_arrives(
        self, bot: Bot, telegram: FakeTelegram
    ) -> None:
        """A waiting getUpdates answers as soon as an update is pushed, not at its timeout."""
        poll = asyncio.create_task(bot.get_updates(timeout=10))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        telegram.push_location(USER, -6.2, 106.8)

        (update,) = await asyncio.wait_for(poll, timeout=2)

        assert time.monotonic() - started < 1
        assert update.message is not None and update.message.location is not None
        assert update.message.location.latitude == -6.2

    async def test_same_update_id_can_be_delivered_twice(
        self, bot: Bot, telegram: FakeTelegram
    ) -> None:
        """push_raw with an explicit update_id re-queues an update, as a redelivery would."""
        original = telegram.push_message(USER, "/lapor 5 paket")
        telegram.push_raw(original)

        updates = await bot.get_updates()

        assert [u.update_id for u in updates] == [original["update_id"]] * 2
        assert (
            updates[0].message is not None and updates[0].message.entities[0].type == "bot_command"
        )

    async def test_pushed_photo_can_be_downloaded(self, bot: Bot, telegram: FakeTelegram) -> None:
        """A photo from a user can be fetched through getFile and the file URL."""
        telegram.push_photo(USER, b"jpeg-bytes", caption="bukti")

        (update,) = await bot.get_updates()
        assert update.message is not None and update.message.caption == "bukti"
        file = await update.message.photo[-1].get_file()

        assert bytes(await file.download_as_bytearray()) == b"jpeg-bytes"


class TestCommandsAndWebhook:
    async def test_commands_are_kept_per_language_and_scope(
        self, bot: Bot, telegram: FakeTelegram
    ) -> None:
        """setMyCommands stores a list per language_code and scope; getMyCommands reads it."""
        scope = BotCommandScopeAllPrivateChats()
        await bot.set_my_commands([BotCommand("tugas", "Tugas saya")], language_code="id")
        await bot.set_my_commands([BotCommand("tasks", "My tasks")], scope=scope)

        indonesian = await bot.get_my_commands(language_code="id")
        default = await bot.get_my_commands()

        assert [c.command for c in indonesian] == ["tugas"]
        assert default == ()
        assert telegram.commands("id") == [{"command": "tugas", "description": "Tugas saya"}]
        assert telegram.commands(scope={"type": "all_private_chats"})[0]["command"] == "tasks"

    async def test_invalid_command_is_rejected(self, bot: Bot) -> None:
        """Commands must be lowercase letters, digits and underscores."""
        with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Tugas", "Tugas saya")])

    async def test_webhook_delivery_checks_the_secret(
        self, bot: Bot, telegram: FakeTelegram
    ) -> None:
        """deliver_webhook sends the secret set via setWebhook; a wrong one is refused."""
        received: list[dict[str, Any]] = []

        async def receive(request: web.Request) -> web.Response:
            if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != "rahasia-123":
                return web.Response(status=403)
            received.append(await request.json())
            return web.Response()

        app = web.Application()
        app.router.add_post("/telegram", receive)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        try:
            url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram"
            await bot.set_webhook(url, secret_token="rahasia-123")
            update = telegram.push_message(USER, "halo")

            refused = await telegram.deliver_webhook(update, secret_token="salah")
            info = await bot.get_webhook_info()
            accepted = await telegram.deliver_webhook(update)
        finally:
            await runner.cleanup()

        assert (refused, accepted) == (403, 200)
        assert received == [update]
        assert info.url == url and info.pending_update_count == 1
        assert info.last_error_message == "Wrong response from the webhook: 403"
        assert telegram.pending_updates == []

    async def test_get_updates_conflicts_with_a_webhook(self, bot: Bot) -> None:
        """getUpdates while a webhook is set answers 409 Conflict."""
        await bot.set_webhook("http://127.0.0.1:9/hook")

        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()


class TestFaults:
    async def test_injected_error_hits_the_next_call_only(
        self, bot: Bot, telegram: FakeTelegram
    ) -> None:
        """fail() answers the next call with the status given, then the method works again."""
        rule = telegram.fail("sendMessage", status=502)

        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER, "pertama")
        await bot.send_message(USER, "kedua")

        assert rule.hits == 1
        assert [sent.text for sent in telegram.sent] == ["kedua"]

    async def test_dropped_connection_after_processing_still_sends(
        self, bot: Bot, telegram: FakeTelegram
    ) -> None:
        """A connection dropped after processing: the client sees an error, the user the message."""
        telegram.drop_connection("sendMessage", after_processing=True)

        with pytest.raises(NetworkError):
            await bot.send_message(USER, "terkirim?")

        assert [sent.text for sent in telegram.sent] == ["terkirim?"]
        assert telegram.calls_to("sendMessage")[0].status == 0

    async def test_delay_makes_the_client_time_out(self, bot: Bot, telegram: FakeTelegram) -> None:
        """A delayed answer beyond the client's read timeout raises TimedOut."""
        telegram.delay("sendMessage", 0.3)

        with pytest.raises(TimedOut):
            await bot.send_message(USER, "lambat", read_timeout=0.05)

    async def test_fractional_faults_are_reproducible(
        self, bot: Bot, telegram: FakeTelegram
    ) -> None:
        """A seeded fraction fails the same calls every run."""
        outcomes = []
        for _ in range(2):
            telegram.clear_faults()
            telegram.fail("getWebhookInfo", status=500, times=None, fraction=0.5, seed=7)
            run = []
            for _ in range(10):
                try:
                    await bot.get_webhook_info()
                    run.append(True)
                except NetworkError:
                    run.append(False)
            outcomes.append(run)

        assert outcomes[0] == outcomes[1]
        assert True in outcomes[0] and False in outcomes[0]
