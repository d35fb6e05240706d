"""Keeping the client libraries' own log lines free of tokens and message texts."""

from __future__ import annotations

import logging


class _RefusalIsHandled(logging.Filter):
    """AIORateLimiter logs a flood refusal it passes on as an ERROR with a traceback, though
    the refusal is expected and handled (the outbox waits, a reply falls back to it, and
    each logs that in its own line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Rate limit hit after")


def _quiet_client_logs() -> None:
    """httpx logs every request URL, token included; PTB's debug logs show message texts."""
    for name, floor in (("httpx", logging.WARNING), ("httpcore", logging.WARNING)):
        _at_least(logging.getLogger(name), floor)
    _at_least(logging.getLogger("telegram"), logging.INFO)
    limiter = logging.getLogger("telegram.ext.AIORateLimiter")
    if not any(isinstance(f, _RefusalIsHandled) for f in limiter.filters):
        limiter.addFilter(_RefusalIsHandled())


def _at_least(logger: logging.Logger, level: int) -> None:
    if logger.level == logging.NOTSET or logger.level < level:
        logger.setLevel(level)
