"""The whole suite at DEBUG: every log line any test makes goes through Gotong's guards into
a capture, and after each test none may hold a secret or a text a test person wrote.

Every library logger is opened up to DEBUG (python-telegram-bot, httpx, httpcore, slack_sdk,
slack-bolt, sqlalchemy, aiohttp, asyncio), so the guards on the handler (bot/logs.py) are
all that stands between a library and the log, as they are in production when a client
library's floor is lowered. Texts are noted where the core receives them (`Watched`).

On by default; GOTONG_DEBUG_LOGS=0 turns it off (the libraries then keep their floors).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

from bot import logs
from core.app import Gotong
from core.messages import Incoming, Reply
from tests.fakes.slack_server import DEFAULT_APP_TOKEN, DEFAULT_BOT_TOKEN
from tests.fakes.telegram_server import DEFAULT_TOKEN
from tests.logs import LIBRARIES

# The client libraries' floors as Gotong sets them (for the tests of the floors themselves).
client_floors = logs.quiet_client_libraries
ON = os.environ.get("GOTONG_DEBUG_LOGS", "1") != "0"
# Shorter texts ("ya", "/tugas", "halo") are words a log line may hold for its own reasons.
SHORTEST_WATCHED = 10
SECRETS = (
    DEFAULT_TOKEN,
    DEFAULT_BOT_TOKEN,
    DEFAULT_APP_TOKEN,
    "gotong-test-signing-secret",  # tests/slack_harness.py
    *(DEFAULT_TOKEN.split(":", 1)[1], DEFAULT_BOT_TOKEN.rsplit("-", 1)[1]),
)


class Capture(logging.Handler):
    """Keeps every line Gotong's formatter writes, after the guards had their say."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logs.KeyValueFormatter())
        self.addFilter(logs.WithholdContent())
        self.lines: list[str] = []
        self.plain: set[int] = set()  # numbers of the lines only searched for secrets
        self.written: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        self.lines.append(line)
        # Alembic's and APScheduler's lines name migrations and jobs ("indicators, their
        # values"), never a message: only secrets are looked for there.
        if record.name.split(".")[0] in logs.PLAIN_LIBRARIES:
            self.plain.add(len(self.lines) - 1)

    def leaks(self) -> list[str]:
        """Lines holding a secret or a watched text, each with what it holds."""
        texts = [t for t in self.written if len(t) >= SHORTEST_WATCHED]
        return [
            f"{w!r} in {line}"
            for number, line in enumerate(self.lines)
            for w in (SECRETS if number in self.plain else [*SECRETS, *texts])
            if w in line
        ]

    def clear(self) -> None:
        """Forget the lines (and texts) seen so far."""
        self.lines.clear()
        self.plain.clear()
        self.written.clear()


CAPTURE = Capture()


class Watched(Gotong):
    """The core, noting each text a person sent it (so the log can be searched for it)."""

    def handle(self, incoming: Incoming) -> list[Reply]:
        CAPTURE.written.add(incoming.text.strip())
        return super().handle(incoming)

    def receive(self, incoming: Incoming) -> bool:
        CAPTURE.written.add(incoming.text.strip())
        return super().receive(incoming)


def open_up() -> None:
    """Root and every library logger at DEBUG, the capture on the root logger."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.NOTSET)
    if CAPTURE not in root.handlers:
        root.addHandler(CAPTURE)
    if not any(isinstance(f, logs.WithholdContent) for f in CAPTURE.filters):
        CAPTURE.addFilter(logs.WithholdContent())  # a test's configure() took the guards off


@pytest.fixture(scope="session", autouse=True)
def debug_for_the_whole_suite() -> Iterator[None]:
    """DEBUG everywhere (GOTONG_DEBUG_LOGS on), or the client libraries' floors (off)."""
    if not ON:
        logs.quiet_client_libraries()
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        # logs.configure raises the libraries' floors; here they stay open.
        patch.setattr(logs, "quiet_client_libraries", lambda: None)
        open_up()
        yield
    logging.getLogger().removeHandler(CAPTURE)


@pytest.fixture(autouse=True)
def no_secret_or_text_logged() -> Iterator[None]:
    """After each test: no captured line holds a secret or a text a test person wrote."""
    if not ON:
        yield
        return
    open_up()
    CAPTURE.clear()
    yield
    leaks = CAPTURE.leaks()
    CAPTURE.clear()
    assert not leaks, "logged at DEBUG:\n" + "\n".join(leaks[:5])
