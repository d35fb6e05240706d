"""bolt's own logger, without its start-up notice about the token (bot/logs.py quietens the
client libraries for every platform)."""

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
