"""Where log lines go, and what they never carry: a configured secret, or what someone wrote.

Both rules are filters on the handler rather than on loggers, so they hold for every library
whatever logger it writes to (python-telegram-bot puts the token in URLs at DEBUG, httpx at
INFO; slack_sdk, slack-bolt and python-telegram-bot dump request and update bodies at DEBUG
and INFO, and bolt dumps the body of a request with a bad signature at INFO).

Every line is one event of key=value fields, its traceback included (as fields on the same
line), so a grep for an id returns whole events.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import traceback
from collections.abc import Iterable
from typing import TextIO
from urllib.parse import quote, quote_plus, urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.settings import Settings
from core.eventlog import STRUCTURED, key_pseudonyms, value_of

MASK = "[secret]"
WITHHELD = "[withheld]"

# Gotong's own loggers log ids only; the bolt logger under it is slack-bolt's and slack_sdk's.
OWN = "gotong"
LIBRARIES_UNDER_OWN = ("gotong.slack.bolt",)
# Libraries whose INFO lines name jobs and migrations, never a request or a message.
PLAIN_LIBRARIES = ("alembic", "apscheduler")
# Where libraries' own f-strings put a body (bolt's "body: {...}", "Unhandled request ({...})",
# slack_sdk's "non-JSON format: ...", asyncio's "future: <Task ... exception=...>"):
# everything after the label is withheld.
BODY_LABEL = re.compile(
    r"(?i)\b(body|payload|parameters|params|data|json|text|return value|response"
    r"|future|handle|exception)\b\s*[:=(]"
    r"|unhandled request\s*\(|non-json format:"
)
# Client libraries' own floors: below them httpx writes request URLs (the token with them),
# python-telegram-bot message texts, slack_sdk and bolt request bodies, SQLAlchemy every
# statement with its parameters and rows (what people wrote, and the time to format it for
# a guard to drop). Set on the loggers themselves, so turning the root logger to DEBUG later
# changes nothing.
CLIENT_FLOORS = (
    ("sqlalchemy", logging.WARNING),
    ("httpx", logging.WARNING),
    ("httpcore", logging.WARNING),
    ("telegram", logging.INFO),
    ("slack_sdk", logging.INFO),
    ("slack_bolt", logging.INFO),
    ("gotong.slack.bolt", logging.INFO),
    # pywa logs request bodies (texts, phone numbers) at DEBUG.
    ("pywa", logging.WARNING),
    ("pywa_async", logging.WARNING),
)


def configure(
    settings: Settings, *, stream: TextIO | None = None, level: str | None = None
) -> logging.Handler:
    """Send log lines to stderr (or `stream`) through the two guards; replaces an earlier call's."""
    root = logging.getLogger()
    root.setLevel((level or settings.log_level).upper())
    for earlier in [h for h in root.handlers if getattr(h, "gotong", False)]:
        root.removeHandler(earlier)
    handler: logging.Handler = logging.StreamHandler(stream) if stream is not None else _Stderr()
    handler.gotong = True  # type: ignore[attr-defined]
    handler.setFormatter(KeyValueFormatter())
    root.addHandler(handler)
    quiet_client_libraries()
    # Every handler already on the root logger (a test's capture, a host's) is guarded too.
    secrets = secrets_of(settings)
    key_pseudonyms(secrets)
    guards = (WithholdContent(), MaskSecrets(secrets))
    for each in root.handlers:
        for old in [f for f in each.filters if isinstance(f, WithholdContent | MaskSecrets)]:
            each.removeFilter(old)
        for guard in guards:
            each.addFilter(guard)
    return handler


def quiet_client_libraries() -> None:
    """Raise the client libraries' loggers to their floors (never lower what is set higher)."""
    for name, floor in CLIENT_FLOORS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < floor:
            logger.setLevel(floor)
    limiter = logging.getLogger("telegram.ext.AIORateLimiter")
    if not any(isinstance(f, RefusalIsHandled) for f in limiter.filters):
        limiter.addFilter(RefusalIsHandled())


class KeyValueFormatter(logging.Formatter):
    """One line per record: `ts= level= logger= event=` and the event's fields, then the
    exception's type and frames; a plain message (a library's) is quoted whole as the event."""

    def format(self, record: logging.LogRecord) -> str:
        moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        message = record.getMessage()
        parts = [
            f"ts={moment}.{int(record.msecs):03d}Z",
            f"level={record.levelname.lower()}",
            f"logger={value_of(record.name)}",
            "event=" + (message if getattr(record, STRUCTURED, False) else value_of(message)),
        ]
        if record.exc_info and record.exc_info[1] is not None:
            if not (record.exc_text or "").startswith("exception="):
                # Not through the guards (a handler of its own): still no exception message.
                record.exc_text = _frames_and_types(record.exc_info[1])
            parts.append(record.exc_text or "")
        if record.stack_info:
            parts.append("stack=" + value_of(record.stack_info))
        return " ".join(parts)


class RefusalIsHandled(logging.Filter):
    """AIORateLimiter logs a flood refusal it passes on as an ERROR with a traceback, though
    the refusal is expected and handled (the outbox waits, a reply falls back to it, and
    each logs that in its own line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Rate limit hit after")


def secrets_of(settings: Settings) -> list[str]:
    """Every secret in the settings: tokens, signing and webhook secrets, database password."""
    found = [
        value.get_secret_value()
        for value in (
            settings.telegram_bot_token,
            settings.slack_bot_token,
            settings.slack_app_token,
            settings.slack_signing_secret,
            settings.telegram_webhook_secret,
            settings.whatsapp_token,
            settings.whatsapp_app_secret,
            settings.whatsapp_verify_token,
        )
        if value is not None
    ]
    try:
        password = make_url(settings.database_url).password
    except ArgumentError:  # an unreadable URL fails later, where it is used
        password = None
    # Both as SQLAlchemy reads it and as it is written in the URL (partly %-encoded, perhaps).
    found += [str(password or ""), urlsplit(settings.database_url).password or ""]
    return [secret for secret in found if secret]


class MaskSecrets(logging.Filter):
    """Replaces each secret (as written, or URL-encoded) in a record's message and traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        forms = {form for s in secrets if s for form in (s, quote(s, safe=""), quote_plus(s))}
        # The longest first, so a secret that contains another is masked whole.
        alternatives = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, alternatives))) if forms else None

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        _freeze(record)
        record.msg = self._pattern.sub(MASK, record.msg)
        if record.exc_text:
            record.exc_text = self._pattern.sub(MASK, record.exc_text)
        if record.stack_info:
            record.stack_info = self._pattern.sub(MASK, record.stack_info)
        return True


class WithholdContent(logging.Filter):
    """Keeps message texts out: libraries' chatter is dropped, their warnings lose their data,
    and an exception is logged as its frames and type (its message may quote a body)."""

    def filter(self, record: logging.LogRecord) -> bool:
        library = _is_library(record.name)
        if library and record.levelno < logging.WARNING:
            return record.name.split(".")[0] in PLAIN_LIBRARIES
        if library:
            # Their %-arguments are the data (an update, a URL, a JSON body); keep the wording.
            if record.args:
                record.msg = _template(record.msg)
                record.args = None
            else:
                _freeze(record)
            record.msg = _cut_body(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = _frames_and_types(record.exc_info[1])
        return True


def _is_library(name: str) -> bool:
    if any(name == lib or name.startswith(lib + ".") for lib in LIBRARIES_UNDER_OWN):
        return True
    return not (name == OWN or name.startswith(OWN + "."))


def _freeze(record: logging.LogRecord) -> None:
    """Render the message once, so filters see (and change) what will be written."""
    try:
        message = record.getMessage()
    except Exception:  # bad arguments: logging would report it; never raise from a filter
        message = f"unreadable log record from {record.name}"
    record.msg, record.args = message, None


def _template(msg: object) -> str:
    text = msg if isinstance(msg, str) else type(msg).__name__
    return re.sub(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdifrxXeEgGoac]", WITHHELD, text)


def _cut_body(message: str) -> str:
    found = BODY_LABEL.search(message)
    return message if found is None else message[: found.end()] + " " + WITHHELD


def _frames_and_types(error: BaseException) -> str:
    """A traceback as two fields, without the exceptions' messages (nor their causes'):
    `exception="a.First > b.Second" frames="file:line function | ... || ..."`, oldest first."""
    types, blocks = [], []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        types.append(f"{type(current).__module__}.{type(current).__qualname__}")
        frames = traceback.extract_tb(current.__traceback__)
        blocks.append(" | ".join(f"{_short(f.filename)}:{f.lineno} {f.name}" for f in frames))
        current = current.__cause__ or current.__context__
    chain, where = " > ".join(reversed(types)), " || ".join(reversed(blocks))
    return f"exception={value_of(chain)} frames={value_of(where)}"


def _short(path: str) -> str:
    """A source path as a reader finds it: inside the project, or inside site-packages."""
    if "site-packages" + os.sep in path:
        return path.split("site-packages" + os.sep, 1)[1]
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


class _Stderr(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is at the time (a test runner swaps it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass
