"""The console adapter: a person talks to Gotong in a terminal, one line per message."""

from __future__ import annotations

import logging
import tempfile
import uuid
from pathlib import Path
from typing import TextIO

from adapters.failures import error_kind
from adapters.front_door import FrontDoor
from core.delivery.claims import OutboxDelivery
from core.eventlog import event
from core.messages import Attachment, Incoming, Reply, bold_runs

PLATFORM = "console"
FILE_MARK = "📎 "

log = logging.getLogger("gotong.console")


def default_files_dir() -> Path:
    """Where the console writes the files messages carry, unless GOTONG_FILES_DIR says."""
    return Path(tempfile.gettempdir()) / "gotong-files"


def render(reply: Reply, *, styled: bool = False) -> str:
    """A reply as terminal text; buttons become the commands they stand for."""
    bold = "\033[1m{}\033[0m" if styled else "{}"
    text = "\n".join(
        "".join(bold.format(run) if is_bold else run for run, is_bold in bold_runs(line))
        for line in reply.text.split("\n")
    )
    for row in reply.buttons:
        text += "\n" + "  ".join(f"[{b.label} → {b.command}]" for b in row)
    return text


class ConsoleSession:
    """One person's conversation in a terminal."""

    def __init__(
        self,
        gotong: FrontDoor,
        *,
        outbox: OutboxDelivery,
        who: str,
        out: TextIO,
        styled: bool = False,
        files_dir: Path | None = None,
    ) -> None:
        self.gotong = gotong
        self.outbox = outbox
        self.who = who
        self.out = out
        self.styled = styled
        self.files_dir = files_dir or default_files_dir()
        # Typing the command of a button shown on screen is pressing that button.
        self.offered: set[str] = set()

    def send(self, text: str) -> list[Reply]:
        """Send one line as a message and print the replies."""
        incoming = Incoming(
            platform=PLATFORM,
            external_user_id=self.who,
            chat_id=self.who,
            text=text,
            event_id=uuid.uuid4().hex,
            button=text.strip().lower() in self.offered,
        )
        replies = self.gotong.handle(incoming)
        for reply in replies:
            self._print(reply)
        return replies

    def deliver(self) -> int:
        """Print the messages others queued for this person; returns how many.

        Claimed with a lease like the platforms' outbox, so a console that dies between
        claiming and printing leaves them to be shown again rather than lost.
        """
        shown = 0
        while deliveries := self.outbox.claim_for_reader(PLATFORM, handle=self.who):
            for delivery in deliveries:
                path = self._written(delivery.attachment, f"{delivery.id}-")
                if delivery.attachment is not None and path is None:
                    delivery = self.outbox.refuse_file(delivery, "file_not_written")
                reply = Reply(delivery.text, delivery.buttons)
                self._print(reply, prefix="📨 ", path=path)
                if delivery.file_refused:
                    self.outbox.failed(delivery.id, delivery.file_refused)
                else:
                    self.outbox.sent(delivery.id, "")
            shown += len(deliveries)
        return shown

    def _print(self, reply: Reply, prefix: str = "", path: Path | None = None) -> None:
        """Print a reply; a file it carries is written first and its path printed after it."""
        if reply.attachment is not None and path is None:
            path = self._written(reply.attachment, f"{uuid.uuid4().hex[:8]}-")
        text = render(reply, styled=self.styled)
        if path is not None:
            text += "\n" + FILE_MARK + str(path)
        elif reply.attachment is not None and reply.attachment.note:
            text += "\n\n" + reply.attachment.note
        self.offered |= {b.command.lower() for row in reply.buttons for b in row}
        self.out.write(prefix + text + "\n\n")
        self.out.flush()

    def _written(self, attachment: Attachment | None, prefix: str) -> Path | None:
        """Write a message's file under the files directory: its path, or None if it failed."""
        if attachment is None:
            return None
        path = self.files_dir / (prefix + attachment.name)
        try:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(attachment.data)
        except OSError as error:
            event(log, "console.file_not_written", level=logging.WARNING, error=error_kind(error))
            return None
        return path.resolve()
