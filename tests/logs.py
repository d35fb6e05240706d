"""Capturing what Gotong's log handler writes, with every logger opened up to DEBUG."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from adapters.slack import app as slack_app
from bot import logs
from bot.settings import Settings

# Loggers whose level `logs.configure` raises; opened up here, the handler's guards are
# all that stands between a library and the log.
LIBRARIES = (
    "telegram",
    "httpx",
    "httpcore",
    "slack_sdk",
    "slack_bolt",
    slack_app.BOLT_LOG,
    "sqlalchemy",
    "aiohttp",
    "asyncio",
    "pywa",
    "pywa_async",
)


class DebugLogs:
    """The root logger at DEBUG, writing through Gotong's handler into a string."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    def configure(self, settings: Settings) -> logging.Handler:
        return logs.configure(settings, stream=self.stream, level="DEBUG")

    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def debug_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[DebugLogs]:
    """Every logger at DEBUG (no client library quietened); the root logger restored after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    filters = {handler: list(handler.filters) for handler in handlers}
    levels = {name: logging.getLogger(name).level for name in LIBRARIES}
    monkeypatch.setattr(logs, "quiet_client_libraries", lambda: None)
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.NOTSET)
    try:
        yield DebugLogs()
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        for handler in handlers:
            handler.filters[:] = filters[handler]
        root.setLevel(level)
        for name, was in levels.items():
            logging.getLogger(name).setLevel(was)
