"""The neutral message types that adapters translate to and from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Incoming:
    """One message or button press from a person, as any adapter sees it."""

    platform: str
    external_user_id: str
    chat_id: str
    text: str
    event_id: str
    private: bool = True
    button: bool = False
    display_name: str = ""
    username: str = ""
    language_hint: str | None = None
    photo_file_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    # Platform accounts mentioned in `text`: (their platform user id, the mention as written
    # in `text`). The core writes each as a Gotong @handle in the transaction that handles
    # the message, so adapters need not ask the core who is who beforehand.
    mentions: tuple[tuple[str, str], ...] = ()

    @property
    def origin(self) -> str:
        """Platform and event id in one string: the `cause` of what it makes, in rows and logs."""
        return origin_of(self.platform, self.event_id)


def origin_of(platform: str, event_id: str) -> str:
    """How a received message is named in outbox rows and log lines: "telegram:123456"."""
    return f"{platform}:{event_id}"


@dataclass(frozen=True)
class Button:
    """A button whose payload is the short command a person could also type.

    A label is plain text on every platform, so escaped markup in it is undone here.
    """

    label: str
    command: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", unescape_markup(self.label))


PHOTO = "photo"
DOCUMENT = "document"
# Gotong's own files (a digest's chart, a small report) are kilobytes; the bound keeps a runaway
# file out of the outbox table, and stays above Telegram's 10 MB photo limit so that the
# platform's own refusal (and the note that replaces the file) can still be seen.
MAX_ATTACHMENT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Attachment:
    """One file that goes with a message: a `photo` shown inline, or a `document`.

    `note` is what the reader gets in place of the file when the platform refuses it (too
    big), written in their language by whoever made the message: the text still arrives.
    """

    kind: str
    name: str
    data: bytes
    note: str

    def __post_init__(self) -> None:
        if self.kind not in (PHOTO, DOCUMENT):
            raise ValueError(f"an attachment is a {PHOTO} or a {DOCUMENT}, not {self.kind!r}")
        if not self.data or len(self.data) > MAX_ATTACHMENT_BYTES:
            raise ValueError(f"an attachment holds 1 to {MAX_ATTACHMENT_BYTES} bytes")
        if not self.name or "/" in self.name or "\\" in self.name:
            raise ValueError("an attachment's name is a plain file name")


@dataclass(frozen=True)
class Reply:
    """Text (with `**bold**` as the only markup) and optional rows of buttons.

    A private reply concerns only the sender: in a group chat, adapters send it to them directly.
    A reply kept in the outbox carries its row's id, for the adapter to report delivery, and
    the message it answers (`cause`), for the delivery's log line. An `attachment` (a chart)
    goes before the text, or with it as its caption where the platform allows.
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    private: bool = False
    outbox_id: int | None = None
    cause: str | None = None
    attachment: Attachment | None = None


BOLD = re.compile(r"\*\*(.+?)\*\*")
# An invisible word joiner after every asterisk people typed: no two of them touch, so their
# text never forms `**`, and `bold_runs` takes the joiners out again.
_JOINER = "\u2060"
_BARE_ASTERISK = re.compile(r"\*(?!\u2060)")

# A run of reply text and whether it is bold.
Segment = tuple[str, bool]


def escape_markup(text: str) -> str:
    """People's own text made safe to put in a reply: shown literally, never as markup."""
    # Idempotent, because a value may pass through nested templates more than once.
    return _BARE_ASTERISK.sub("*" + _JOINER, text)


def unescape_markup(text: str) -> str:
    """Text from `escape_markup` as the person typed it."""
    return text.replace("*" + _JOINER, "*")


def bold_runs(line: str) -> list[Segment]:
    """One line of reply text as runs of plain and **bold** text, for adapters to mark up."""
    runs: list[Segment] = []
    position = 0
    for match in BOLD.finditer(line):
        if match.start() > position:
            runs.append((unescape_markup(line[position : match.start()]), False))
        runs.append((unescape_markup(match.group(1)), True))
        position = match.end()
    if position < len(line):
        runs.append((unescape_markup(line[position:]), False))
    return runs
