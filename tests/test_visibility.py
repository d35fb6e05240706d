"""What a person may not see answers exactly like a number that does not exist."""

from __future__ import annotations

import pytest

from tests.chat import Chat

# Typed commands and button payloads that take a number; {n} is the number.
NUMBERED = [
    "/tugas {n}",
    "/selesai {n}",
    "/batal {n}",
    "/ubah {n} senin 17:00",
    "/rapat {n}",
    "/hadir {n}",
    "/tidakhadir {n}",
    "/batal rapat {n}",
    "/ubah rapat {n} senin 10:00",
    "/selesai tenggat {n}",
    "/batal tenggat {n}",
    "/pengingat batal {n}",
    "/tunda {n} 1j",
]
BUTTONS = ["rsvp {n} yes", "rsvp {n} no", "done {n}", "cancel reminder {n}", "snooze {n} morning"]
MISSING = 999


def hidden_things(chat: Chat) -> None:
    """Task 1, meeting 1, deadline 1 and reminder 1, none of them concerning Budi or Tom."""
    chat.send("sarah", "/task Weigh toddlers @kevin tomorrow 10:00 #gizi")
    chat.send("sarah", "/meeting Review monday 10:00 @kevin @unicef #gizi")
    chat.send("sarah", "/deadline Donor report Dec 30 #gizi")
    chat.send("sarah", "/remind tomorrow 9am call the donor")


class TestHiddenLooksMissing:
    """Every command and button that takes a number: hidden and missing numbers answer alike."""

    @pytest.mark.parametrize("template", NUMBERED + BUTTONS)
    @pytest.mark.parametrize("handle", ["budi", "harjo"])
    def test_hidden_number_answers_like_a_missing_one(
        self, chat: Chat, handle: str, template: str
    ) -> None:
        hidden_things(chat)
        button = template in BUTTONS
        hidden = chat.send(handle, template.format(n=1), button=button).text
        missing = chat.send(handle, template.format(n=MISSING), button=button).text
        assert hidden == missing.replace(str(MISSING), "1")

    def test_partner_of_an_invited_org_sees_its_meeting(self, chat: Chat) -> None:
        """Tom speaks for UNICEF, which is invited: he sees and answers meeting 1."""
        hidden_things(chat)
        assert "Review" in chat.send("tom", "/meeting 1")
        assert "Meeting 1 was not found" not in chat.send("tom", "/attend 1")


def two_organisations_on_pkh(chat: Chat) -> None:
    """UNICEF joins #pkh beside Dinas Sosial; each is asked for one thing (1: dinsos, 2: unicef)."""
    chat.send("ani", "/program #pkh tambah @unicef")
    chat.send("ani", "/komitmen @dinsos 200 paket sembako sebelum 10 Des #pkh")
    chat.send("ani", "/komitmen @unicef 50 timbangan bayi sebelum 12 Des #pkh")


class TestListingsShowOnlyTheirOrganisation:
    """The ways a partner contact obtains rows list and count only their organisation's."""

    def test_commitment_listing_holds_only_their_own(self, chat: Chat) -> None:
        two_organisations_on_pkh(chat)
        listed = chat.send("tom", "/commitments")
        assert "timbangan bayi" in listed and "paket sembako" not in listed
        assert "paket sembako" in chat.send("harjo", "/komitmen")
        assert "timbangan bayi" not in chat.send("harjo", "/komitmen")

    def test_partner_entry_lists_only_that_organisations_commitments(self, chat: Chat) -> None:
        two_organisations_on_pkh(chat)
        own = chat.send("tom", "/partners @unicef")
        assert "timbangan bayi" in own and "paket sembako" not in own
        other = chat.send("tom", "/partners @dinsos").text
        assert other == chat.send("tom", "/partners @tidakada").text.replace("tidakada", "dinsos")

    def test_program_totals_count_only_their_organisations(self, chat: Chat) -> None:
        two_organisations_on_pkh(chat)
        chat.send("ani", "/komitmen @dinsos 5 ton beras sebelum 11 Des #pkh")
        assert "Komitmen mitra: 3 terbuka" in chat.send("ani", "/program #pkh")
        assert "Komitmen mitra: 2 terbuka" in chat.send("harjo", "/program #pkh")
        assert "Partner commitments: 1 open" in chat.send("tom", "/program #pkh")

    def test_another_organisations_program_looks_unknown(self, chat: Chat) -> None:
        """Tom (UNICEF, on #gizi) asking for #pkh hears what a code that does not exist gets."""
        hidden = chat.send("tom", "/program #pkh").text
        assert hidden == chat.send("tom", "/program #xyz").text.replace("xyz", "pkh")
        assert hidden.startswith("There is no program #pkh. Your programs: #gizi.")
        late = chat.send("tom", "/late #pkh").text
        assert late == chat.send("tom", "/late #xyz").text.replace("xyz", "pkh")
