"""Long commitment lists: the first fifteen and a count, one program's, a partner's entry.

A national program's partners owe hundreds of commitments; every list stays one message.
"""

from __future__ import annotations

import re
from datetime import timedelta

from tests.chat import Chat


class TestDaftarKomitmen:
    def test_a_long_list_shows_fifteen_and_counts_the_rest(self, chat: Chat) -> None:
        """A national program's partners owe hundreds: the list stays one message."""
        for n in range(17):
            chat.send("ani", f"/komitmen @dinsos {n + 1} ton beras sebelum 20 Des #pkh")
        chat.send("ani", "/komitmen @dinsos 9 tenda besok 12:00 #pkh")
        chat.clock.advance(timedelta(days=2))
        said = chat.send("ani", "/komitmen")
        lines = said.text.splitlines()
        assert lines[0] == "Komitmen terbuka (18):"
        assert lines[1].startswith("⚠️ Komitmen 18: 9 tenda")  # overdue first, whatever the page
        assert sum(bool(re.match(r"(⚠️ )?Komitmen \d+:", line)) for line in lines) == 15
        assert "… dan 3 lagi. Satu program: /komitmen #kode\nLihat satu: /komitmen 18" in said
        said = chat.send("sarah", "/commit #pkh")
        assert said.text.startswith("Open commitments #pkh (18):")
        assert "… and 3 more: all of them with /export #pkh commitments xlsx" in said
        entry = chat.send("ani", "/mitra @dinsos")
        assert "… dan 8 lagi: /komitmen" in entry
        assert entry.text.count("• Komitmen ") == 10

    def test_one_programs_list_refuses_a_program_the_reader_is_not_on(self, chat: Chat) -> None:
        chat.send("ani", "/komitmen @dinsos 5 ton beras besok 12:00 #pkh")
        assert chat.send("budi", "/komitmen #pkh").text.startswith("Komitmen terbuka #pkh (1):")
        said = chat.send("ani", "/komitmen #tidakada")
        assert "Program #tidakada tidak ada" in said
