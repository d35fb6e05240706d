"""The log guards: no configured secret and no message text is ever written, whoever logs it."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import shlex

import pytest

from bot.logs import configure
from bot.settings import Settings
from core.eventlog import event, key_pseudonyms, pseudonym
from tests.debug_capture import client_floors
from tests.logs import DebugLogs

TOKEN = "123456789:AAFakeTelegramTokenForTheLogTests00"
SETTINGS = Settings(
    TELEGRAM_BOT_TOKEN=TOKEN,
    SLACK_BOT_TOKEN="xoxb-1-2-slackbottokenfortests",
    SLACK_APP_TOKEN="xapp-1-A1-3-slackapptokenfortests",
    SLACK_SIGNING_SECRET="signing-secret-for-the-log-tests",
    GOTONG_TELEGRAM_WEBHOOK_SECRET="webhook_secret-for-the-log-tests-0123",
    GOTONG_DATABASE_URL="postgresql+psycopg://gotong:p%40ss-w0rd!@db.example.org/gotong",
)
WRITTEN = "Rahasia: what someone wrote"
REFUSAL = f"refused bot{TOKEN}"
SECRETS = [
    TOKEN,
    "slackbottokenfortests",
    "slackapptokenfortests",
    "signing-secret-for-the-log-tests",
    "webhook_secret-for-the-log-tests",
    "p@ss-w0rd!",
    "p%40ss-w0rd",
]


class TestSecrets:
    """Every configured secret is masked, in any form, wherever the record carries it."""

    def test_every_configured_secret_is_masked(self, debug_logs: DebugLogs) -> None:
        """Tokens, secrets and the database password, raw or URL-encoded, in text or arguments."""
        debug_logs.configure(SETTINGS)
        log = logging.getLogger("gotong.test")

        log.info("url https://api.telegram.org/bot%s/getMe", TOKEN)
        log.warning("headers Authorization: Bearer xoxb-1-2-slackbottokenfortests")
        log.error("apps.connections.open with xapp-1-A1-3-slackapptokenfortests")
        log.error("hmac with signing-secret-for-the-log-tests")
        log.error("secret_token=webhook_secret-for-the-log-tests-0123")
        log.error("postgresql://gotong:p%40ss-w0rd!@db and p@ss-w0rd!")
        log.error("quoted %s", "123456789%3AAAFakeTelegramTokenForTheLogTests00")

        written = debug_logs.text()
        assert written.count("[secret]") >= 8
        for secret in SECRETS:
            assert secret not in written

    def test_secret_in_an_exception_is_masked(self, debug_logs: DebugLogs) -> None:
        """A traceback (ours or a library's) never shows a secret either."""
        debug_logs.configure(SETTINGS)
        try:
            raise RuntimeError(REFUSAL)
        except RuntimeError:
            logging.getLogger("telegram.ext.Updater").exception("polling failed")
            logging.getLogger("gotong.runner").exception("stopping failed")

        written = debug_logs.text()
        assert "RuntimeError" in written and "polling failed" in written
        assert TOKEN not in written and "refused" not in written

    def test_a_second_configure_replaces_the_first(self, debug_logs: DebugLogs) -> None:
        """`build` may run twice in one process: one handler, the latest secrets."""
        debug_logs.configure(Settings())
        debug_logs.configure(SETTINGS)
        logging.getLogger("gotong.test").warning("token %s", TOKEN)

        assert debug_logs.text().count("token [secret]") == 1
        assert sum(bool(getattr(h, "gotong", False)) for h in logging.getLogger().handlers) == 1


class TestMessageTexts:
    """What people wrote never reaches a log line, whichever library would write it."""

    def test_libraries_debug_and_info_lines_are_dropped(self, debug_logs: DebugLogs) -> None:
        """PTB's parameters, slack_sdk's bodies, bolt's signature dump, SQL parameters: gone."""
        debug_logs.configure(SETTINGS)
        logging.getLogger("telegram.Bot").debug("Calling with parameters `%s`", {"text": "Rahasia"})
        logging.getLogger("slack_sdk.web.async_client").debug("body: {'text': 'Rahasia'}")
        logging.getLogger("gotong.slack.bolt").info(
            "Invalid request signature detected (signature: v0=1, timestamp: 1, body: Rahasia)"
        )
        logging.getLogger("sqlalchemy.engine.Engine").info("[generated] ('Rahasia',)")
        logging.getLogger("httpx").info("HTTP Request: POST https://x/sendMessage?text=Rahasia")
        logging.getLogger("alembic.runtime.migration").info("Running upgrade -> 0001")

        assert "Rahasia" not in debug_logs.text()
        assert "Running upgrade" in debug_logs.text()

    def test_libraries_warnings_keep_their_wording_not_their_data(
        self, debug_logs: DebugLogs
    ) -> None:
        """A library's warning still says what happened; the body it quoted is withheld."""
        debug_logs.configure(SETTINGS)
        logging.getLogger("telegram.request").error('Can not load invalid JSON: "%s"', "Rahasia")
        logging.getLogger("gotong.slack.bolt").warning("Unhandled request ({'text': 'Rahasia'})")
        logging.getLogger("slack_sdk").error("Failed to decode Slack API response: Rahasia")

        written = debug_logs.text()
        assert "Can not load invalid JSON" in written and "Unhandled request" in written
        assert "Rahasia" not in written

    def test_asyncio_does_not_quote_a_lost_exception(self, debug_logs: DebugLogs) -> None:
        """asyncio's "Task exception was never retrieved" repeats the exception in its message."""
        debug_logs.configure(SETTINGS)

        async def fails() -> None:
            raise ValueError(WRITTEN)

        loop = asyncio.new_event_loop()
        try:
            task = loop.create_task(fails())
            loop.run_until_complete(asyncio.sleep(0))
            assert task.done()
            del task
            gc.collect()
        finally:
            loop.close()

        written = debug_logs.text()
        assert "Task exception was never retrieved" in written
        assert "Rahasia" not in written

    def test_an_exception_is_logged_as_frames_and_type(self, debug_logs: DebugLogs) -> None:
        """An exception's message may quote a body (SlackApiError does): only its type is kept."""
        debug_logs.configure(SETTINGS)
        try:
            try:
                raise ValueError(WRITTEN)
            except ValueError as inner:
                raise KeyError(WRITTEN) from inner
        except KeyError:
            logging.getLogger("gotong.slack").exception("slack event failed event=Ev1")

        written = debug_logs.text()
        assert "slack event failed event=Ev1" in written
        assert "builtins.ValueError" in written and "builtins.KeyError" in written
        assert "Rahasia" not in written

    def test_own_lines_pass_at_debug(self, debug_logs: DebugLogs) -> None:
        """Gotong's own lines (ids only) are written as they are."""
        debug_logs.configure(SETTINGS)
        logging.getLogger("gotong.outbox").debug("outbox delivery postponed delivery=%s", 7)

        assert "outbox delivery postponed delivery=7" in debug_logs.text()


def fields_of(line: str) -> dict[str, str]:
    """A line as its key=value fields; fails on a word that is not one."""
    words = [word.partition("=") for word in shlex.split(line)]
    assert all(equals and key for key, equals, _ in words), line
    return {key: value for key, _, value in words}


class TestLineFormat:
    """One line per event, every word of it a key=value field, so a grep returns whole events."""

    def test_an_event_is_written_as_its_fields(self, debug_logs: DebugLogs) -> None:
        """Time, level, logger, event name, then the fields; a value with spaces is quoted."""
        debug_logs.configure(SETTINGS)
        log = logging.getLogger("gotong.outbox")
        event(log, "outbox.sent", delivery=45, platform="telegram", cause="telegram:123")
        event(log, "outbox.given_up", level=logging.WARNING, reason='bug: "Type" Error\n', x=None)

        sent, given_up = map(fields_of, debug_logs.text().splitlines())
        assert sent["ts"].endswith("Z") and sent["ts"][:4].isdigit()
        assert (sent["level"], sent["logger"], sent["event"]) == (
            "info",
            "gotong.outbox",
            "outbox.sent",
        )
        assert (sent["delivery"], sent["cause"]) == ("45", "telegram:123")
        assert (given_up["level"], given_up["reason"], given_up["x"]) == (
            "warning",
            'bug: "Type" Error\\n',  # a newline is written escaped: the line stays one line
            "-",
        )

    def test_a_plain_message_is_the_event_quoted_whole(self, debug_logs: DebugLogs) -> None:
        """A library's line (or one not yet converted) still parses: its words are one value."""
        debug_logs.configure(SETTINGS)
        logging.getLogger("alembic.runtime.migration").info("Running upgrade 0006 -> 0007")
        logging.getLogger("gotong.test").warning('serving "%s" = %d', "telegram", 1)

        upgrade, serving = map(fields_of, debug_logs.text().splitlines())
        assert upgrade["event"] == "Running upgrade 0006 -> 0007"
        assert serving["event"] == 'serving "telegram" = 1'

    def test_a_traceback_stays_on_its_line(self, debug_logs: DebugLogs) -> None:
        """The exception's types and frames are fields of the same line; its message is not."""
        debug_logs.configure(SETTINGS)
        try:
            try:
                raise ValueError(WRITTEN)
            except ValueError as inner:
                raise KeyError(TOKEN) from inner
        except KeyError as error:
            event(
                logging.getLogger("gotong.jobs"), "job.failed", level=logging.ERROR, exc_info=error
            )

        (line,) = debug_logs.text().splitlines()
        failed = fields_of(line)
        assert failed["event"] == "job.failed"
        assert failed["exception"] == "builtins.ValueError > builtins.KeyError"
        assert failed["frames"].count("tests/test_logs.py:") == 2 and " || " in failed["frames"]
        assert "Rahasia" not in line and TOKEN not in line


def test_lines_go_to_the_current_stderr(
    debug_logs: DebugLogs, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a stream, lines go to whatever sys.stderr is when they are written."""
    configure(SETTINGS, level="DEBUG")
    logging.getLogger("gotong.test").warning("token %s", TOKEN)

    assert "token [secret]" in capsys.readouterr().err


def test_pseudonyms_are_keyed_by_the_deployments_secrets() -> None:
    """A phone number's pseudonym is not its plain hash (which hashing every number would
    undo); the same secrets give the same pseudonym after a restart, others another."""
    number = "6281234567890"
    try:
        key_pseudonyms(["app-secret-one"])
        first = pseudonym(number)
        assert first != "u" + hashlib.sha256(number.encode()).hexdigest()[:10]
        key_pseudonyms(["app-secret-one"])
        assert pseudonym(number) == first
        key_pseudonyms(["app-secret-two"])
        assert pseudonym(number) != first
    finally:
        key_pseudonyms(["tests"])


def test_sql_statements_are_not_even_made_into_records(debug_logs: DebugLogs) -> None:
    """With Gotong's floors, the root at DEBUG does not make SQLAlchemy log each statement with
    its parameters (a person's text) and rows: nothing for a guard to drop, no time spent."""
    client_floors()
    logging.getLogger().setLevel(logging.DEBUG)

    for name in ("sqlalchemy.engine.Engine", "sqlalchemy.pool.impl.QueuePool"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
    assert logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.WARNING)
