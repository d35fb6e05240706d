"""Outbox messages with a file, for the tests of each platform's delivery of them."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from core.clock import FakeClock
from core.db import unit_of_work
from core.delivery.queue import Rows, queue
from core.messages import PHOTO, Attachment
from core.models import OutboxMessage
from core.people.directory import person_by_handle
from tests.workspace import NOTIFICATION

# Not a real image: the platforms' fakes take any bytes, and the size is what matters here.
PICTURE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
NOTE = "(Grafik tidak dapat dikirim.)"


def chart(data: bytes = PICTURE, kind: str = PHOTO, name: str = "grafik.png") -> Attachment:
    return Attachment(kind, name, data, NOTE)


def queue_with_file(
    engine: Engine,
    clock: FakeClock,
    *,
    to: str,
    platform: str | None,
    text: str,
    attachment: Attachment,
    buttons: Rows = (),
) -> None:
    """Queue a notification with a file for `to`, as a digest would."""
    with unit_of_work(engine) as s:
        person = person_by_handle(s, to)
        assert person is not None and person.id is not None
        queue(
            s,
            person_id=person.id,
            platform=platform,
            dedupe_key=f"file:{to}:{clock.now().isoformat()}",
            text=text,
            buttons=buttons,
            due_at=clock.now(),
            now=clock.now(),
            attachment=attachment,
        )


def notifications(engine: Engine) -> list[OutboxMessage]:
    """The outbox rows that notify someone, oldest first."""
    with Session(engine) as session:
        return list(
            session.exec(select(OutboxMessage).where(NOTIFICATION).order_by(col(OutboxMessage.id)))
        )
