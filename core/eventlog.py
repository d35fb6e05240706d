"""Gotong's own log lines: one event name and its key=value fields, ids only.

The fields are rendered into the message itself, so the handler's guards (bot/logs.py) see
and mask them like any other text; the record is marked so the line formatter writes the
message as `event=<name> <fields>` instead of quoting it as a plain library message.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re

# Marks a record written by `event`: its message is already `name key=value ...`.
STRUCTURED = "gotong_structured"
# A value is quoted when a reader (or `shlex.split`) would otherwise cut it or misread it.
NEEDS_QUOTES = re.compile(r'[\s"=\\]')


def event(
    log: logging.Logger,
    name: str,
    /,
    *,
    level: int = logging.INFO,
    exc_info: BaseException | None = None,
    **fields: object,
) -> None:
    """Log one event with its fields (ids, counts, outcomes: never what anyone wrote)."""
    if not log.isEnabledFor(level):
        return
    message = " ".join([name, *(f"{key}={value_of(value)}" for key, value in fields.items())])
    log.log(level, message, exc_info=exc_info, extra={STRUCTURED: True})


def value_of(value: object) -> str:
    """A field value as written on the line: bare when it can be, else double-quoted."""
    if value is None:
        return "-"
    text = str(value)
    if text and not NEEDS_QUOTES.search(text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'


# A plain hash of a phone number is undone by hashing every number there is, so pseudonyms
# are keyed: by the deployment's secrets once the logs are set up (stable across restarts, so
# lines can be joined), until then by a key of this process alone.
_pseudonym_key = os.urandom(32)


def key_pseudonyms(secrets: list[str]) -> None:
    """Key pseudonyms by the deployment's secrets (none configured: this process's own key)."""
    global _pseudonym_key
    if secrets:
        _pseudonym_key = hashlib.sha256(
            "\0".join(["gotong-log", *sorted(secrets)]).encode()
        ).digest()


def pseudonym(account: str) -> str:
    """A platform account named in a log line without naming it: on WhatsApp the account is
    a phone number, personal data that must not reach a log. Stable, so lines can be joined."""
    return "u" + hmac.new(_pseudonym_key, account.encode(), hashlib.sha256).hexdigest()[:10]
