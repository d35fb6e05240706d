"""Generated messages through the whole core, as every role: each gets an answer, none an apology.

The examples are derandomized so CI sees the same messages every run; set
GOTONG_FUZZ_EXAMPLES (e.g. 5000) and GOTONG_FUZZ_RANDOM=1 for a deeper, random search.
"""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db import unit_of_work
from core.language.grammar import COMMANDS
from core.language.i18n import LANGUAGES, Catalog
from core.people import accounts
from tests.chat import Chat

EXAMPLES = int(os.environ.get("GOTONG_FUZZ_EXAMPLES", "200"))
RANDOM = bool(os.environ.get("GOTONG_FUZZ_RANDOM"))

WORDS = sorted({name for names in COMMANDS.values() for name in names})
MOMENTS = [
    "besok jam 9", "tomorrow 5pm", "senin depan 10:00", "lusa", "3 hari lagi", "in 2 hours",
    "30 Des", "31 Februari", "0001-01-01", "9999-12-31", "31 Des 9999 23:59", "kemarin",
    "jam 25", "tgl 5 Des pukul 14.00 WITA", "2 jam lagi", "9999 hari lagi", "next friday 9am",
]  # fmt: skip
NUMBER_WORDS = [
    "0", "1", "7", "12", "#3", "999999999", "1000000000000000000000000000000", "2.500.000",
    "2,5 jt", "Rp 1,5 M", "1,5", "-5", "12345678901234567", "99999999999j", "90m", "1e5",
    "10%", "500rb", "morning", "week", "yes", "no", "rapat", "tenggat", "pengingat", "batal",
]  # fmt: skip
MENTIONS = ["@budi", "@ani", "@dinsos", "@unicef", "@nobody", "@", "#pkh", "#gizi", "#nope", "#"]
SETTINGS = [
    "bahasa", "zona", "jam-tenang", "hari-kerja", "kanal", "language", "timezone", "en", "id",
    "WITA", "Mars/Olympus", "22:00-06:00", "25:00-99:00", "senin-sabtu", "slack", "telegram",
]  # fmt: skip
CONTROL = ["\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\n", "\u2060", "**", "*", "\ud800"]

token = st.one_of(
    st.sampled_from(MOMENTS),
    st.sampled_from(NUMBER_WORDS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(MENTIONS),
    st.sampled_from(SETTINGS),
    st.sampled_from(CONTROL),
    st.text(max_size=12),
)
message = st.builds(
    lambda slash, word, args: f"{slash}{word} {' '.join(args)}".strip(),
    st.sampled_from(["/", "", "/"]),
    st.sampled_from(WORDS),
    st.lists(token, max_size=6),
) | st.text(max_size=40)
# "stored": the platform adapters' path (inbox, handled, replies kept in the outbox).
where = st.sampled_from(["private", "private", "group", "button", "photo", "stored"])

ROLES = {"admin": "adi", "manager": "ani", "field": "budi", "partner": "harjo"}


def apologies() -> set[str]:
    catalog = Catalog()
    now = datetime(2026, 1, 1)
    return {catalog.render("error.internal", lang=lang, tz="UTC", now=now) for lang in LANGUAGES}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_message_gets_an_answer_and_none_an_apology(chat: Chat, role: str) -> None:
    """No generated message, as any role, ends in the internal-error apology or in silence."""
    with unit_of_work(chat.engine) as session:
        admin = accounts.add_person(
            session, now=chat.clock.now(), actor=None, handle="adi", name="Adi", role="admin"
        )
        accounts.link_identity(session, person=admin, platform="test", external_id="adi")
    sorry = apologies()
    handle = ROLES[role]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(text=message, how=where)
    def one_message(text: str, how: str) -> None:
        said = chat.send(
            handle,
            text,
            button=how == "button",
            private=how != "group",
            chat_id="-300" if how == "group" else None,
            photo_file_id="AgAD-fuzz" if how == "photo" else None,
            latitude=-6.9 if how == "photo" else None,
            longitude=110.6 if how == "photo" else None,
            stored=how == "stored",
        )
        assert said.replies, f"no answer to {text!r}"
        for reply in said.replies:
            assert reply.text not in sorry, f"internal error on {text!r} ({how})"

    one_message()
