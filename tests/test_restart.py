"""A restart after downtime: what came due meanwhile goes out once, late ones say so."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from core.db import make_engine
from core.delivery.claims import LEASE, OutboxDelivery
from core.delivery.firing import ReminderSweep
from core.language.i18n import Catalog
from core.models import Reminder, ReminderStatus
from tests.chat import Chat


def workers(engine: Engine, chat: Chat) -> tuple[ReminderSweep, OutboxDelivery]:
    return ReminderSweep(engine, chat.clock, Catalog()), OutboxDelivery(engine, chat.clock)


def test_restart_sends_each_due_reminder_once_marking_late_ones(chat: Chat, engine: Engine) -> None:
    """Before the stop, during the downtime and after: every reminder is delivered exactly once."""
    chat.send("budi", "/ingatkan 1 jam lagi cek stok beras")
    chat.send("budi", "/ingatkan 2 jam lagi telepon kepala desa")
    chat.send("budi", "/ingatkan 5 jam lagi kirim foto gudang")
    sweep, outbox = workers(engine, chat)
    chat.clock.advance(timedelta(hours=1))
    sweep.run()
    [first] = outbox.claim("test")  # the first instance claims it... and dies before reporting

    chat.clock.advance(timedelta(hours=3))  # Gotong is down for three hours
    url = engine.url.render_as_string(hide_password=False)
    restarted = make_engine(url)  # a new process: new connections, nothing in memory
    try:
        sweep, outbox = workers(restarted, chat)
        fired = sweep.run()
        assert (fired.sent, fired.late) == (0, 1)  # "telepon kepala desa", 2 hours late
        chat.clock.advance(LEASE)
        delivered = outbox.claim("test")
        for item in delivered:
            outbox.sent(item.id, f"m{item.id}")
        texts = sorted(d.text for d in delivered)
        assert texts == [
            "⏰ **Pengingat:** cek stok beras",  # taken over from the dead instance's claim
            "⏰ **Pengingat:** telepon kepala desa (terlambat 2 jam)",
        ]
        assert first.id in {d.id for d in delivered}
        assert outbox.claim("test") == []  # nothing twice

        chat.clock.advance(timedelta(hours=1))  # the 5-hour one, on time
        assert sweep.run().sent == 1
        assert [d.text for d in outbox.claim("test")] == ["⏰ **Pengingat:** kirim foto gudang"]
        assert sweep.run().sent == 0
    finally:
        restarted.dispose()
    with Session(engine) as session:
        assert set(session.exec(select(Reminder.status))) == {ReminderStatus.SENT}
