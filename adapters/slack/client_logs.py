"""Keeping the client libraries' own log lines free of tokens and message texts."""

from __future__ import annotations

import logging

BOLT_LOG = "gotong.slack.bolt"


class _WithoutTokenNotice(logging.Filter):
    """bolt warns at every start that SLACK_BOT_TOKEN (read from the environment) is unused."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger(BOLT_LOG)
    if not any(isinstance(f, _WithoutTokenNotice) for f in logger.filters):
        logger.addFilter(_WithoutTokenNotice())
    return logger


def _quiet_client_logs() -> None:
    """slack_sdk and bolt log request bodies (message texts) at DEBUG level: never ours."""
    for name in ("slack_sdk", "slack_bolt", BOLT_LOG):
        logger = logging.getLogger(name)
        # Their own level, so that turning the root logger to DEBUG later changes nothing.
        if logger.level < logging.INFO:
            logger.setLevel(logging.INFO)
