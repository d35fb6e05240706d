"""A manager's digest names who has not reported (with a Nudge button each) and carries the
chart of their programs."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from core.clock import FakeClock
from core.digests.sweep import DigestSweep
from core.language.i18n import Catalog
from tests.chat import Chat
from tests.test_digests import outbox_for

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_who_has_not_reported_is_named_once_with_a_nudge_button(
    chat: Chat, engine: Engine, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA))  # Monday
    assert "17.00" in chat.send("ani", "/atur laporan #pkh harian 17:00")
    chat.send("budi", "/lapor #pkh 45 paket sembako disalurkan di Sukamaju")
    clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=JAKARTA))  # Monday's window closed at 17:00

    said = chat.send("ani", "/ringkasan")

    assert "Belum melapor: @yohana" in said
    assert "nudge @yohana #pkh" in said.commands
    assert not any("@budi" in c for c in said.commands if c.startswith("nudge"))
    assert "🔔 Ingatkan @yohana" in [
        b.label for r in said.replies for row in r.buttons for b in row
    ]
    # The button works: one nudge, and the manager hears who was reached.
    pressed = chat.send("ani", "nudge @yohana #pkh", button=True)
    assert "Yohana" in pressed
    # The next day's digest speaks of Tuesday's window only: yohana reported, budi did not.
    chat.send("yohana", "/lapor #pkh 12 keluarga dikunjungi")
    clock.set(datetime(2026, 12, 2, 7, 0, tzinfo=JAKARTA))
    assert "Belum melapor: @budi\n" in chat.send("ani", "/ringkasan").text + "\n"


def test_the_sent_digest_carries_the_chart_unless_turned_off(
    chat: Chat, engine: Engine, clock: FakeClock
) -> None:
    chat.send("ani", "/tugas Kirim data penerima @budi besok 17:00 #pkh")
    digests = DigestSweep(engine, clock, Catalog())
    clock.set(datetime(2026, 11, 30, 18, 0, tzinfo=JAKARTA))
    digests.run()
    clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=JAKARTA))
    digests.run()
    (sent,) = outbox_for(engine, "ani")
    assert sent.attachment_kind == "photo" and sent.attachment_name == "grafik.png"
    assert sent.attachment_data is not None and sent.attachment_data.startswith(b"\x89PNG")

    chat.send("ani", "/atur grafik mati")
    clock.set(datetime(2026, 12, 2, 7, 0, tzinfo=JAKARTA))
    digests.run()
    later = outbox_for(engine, "ani")[-1]
    assert later.dedupe_key.endswith("2026-12-02") and later.attachment_data is None
