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
