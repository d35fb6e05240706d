"""Slack end to end: strangers join with an invitation and accounts are linked."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

from sqlmodel import Session, select

from core.app import Gotong
from core.db import unit_of_work
from core.delivery.firing import ReminderSweep
from core.messages import Incoming
from core.models import Identity, OutboxMessage, OutboxStatus
from core.people import accounts, invites
from core.people.directory import person_by_handle
from tests import slack_harness as harness
from tests.slack_harness import RINA, USERS, Desk, count, read
from tests.workspace import NOTIFICATION

# The harness's fixtures, used here as they are.
slack = harness.slack
desk = harness.desk


class TestOnboardingAndLinking:
    """Strangers learn how to join; a code onboards them or links their Slack account."""

    async def test_stranger_learns_how_to_join_in_their_slack_language(self, desk: Desk) -> None:
        """An unknown en-US account writing anything gets the English onboarding answer."""
        (answer,) = await desk.dm(RINA, "halo")

        assert "You are not registered yet" in read(answer)
        assert count(desk.engine, Identity) == len(USERS)

    async def test_start_code_by_slash_command_registers_the_account(self, desk: Desk) -> None:
        """`/gotong start CODE`: a new person named from the Slack profile, then a working DM."""
        with unit_of_work(desk.engine) as session:
            code = invites.create_invite(
                session, now=desk.clock.now(), actor=None, role="field", program="pkh"
            ).code

        (welcome,) = await desk.command(RINA, f"start {code}")
        (update,) = await desk.dm(RINA, "12 families visited today")

        assert "Welcome to Gotong, Rina Wulandari! You are registered as @rina_w." in read(welcome)
        assert "Update logged for #pkh" in read(update)
        with Session(desk.engine) as session:
            identity = session.exec(select(Identity).where(Identity.external_id == RINA)).one()
        assert (identity.platform, identity.chat_id) == ("slack", RINA)

    async def test_telegram_person_links_slack_and_gets_reminders_there(
        self, desk: Desk, gotong: Gotong
    ) -> None:
        """A link code from Telegram, `/gotong mulai CODE` on Slack, channel slack: reminders come to Slack."""
        with unit_of_work(desk.engine) as session:
            dewi = accounts.add_person(
                session,
                now=desk.clock.now(),
                actor=None,
                handle="dewi",
                name="Dewi Sartika",
                role="manager",
            )
            accounts.link_identity(
                session, person=dewi, platform="telegram", external_id="5001", chat_id="5001"
            )
        desk.slack.add_user("U0DEWI", "Dewi", "Dewi Sartika")

        numbers = itertools.count(1)

        def on_telegram(text: str) -> str:
            desk.step()
            replies = gotong.handle(
                Incoming(
                    platform="telegram",
                    external_user_id="5001",
                    chat_id="5001",
                    text=text,
                    event_id=f"tg-{next(numbers)}",  # an id, as Telegram's: never the text
                )
            )
            return "\n".join(r.text for r in replies)

        code = re.search(r"\*\*([A-Z0-9]{8})\*\*", on_telegram("/tautkan"))
        assert code is not None
        (linked,) = await desk.command("U0DEWI", f"mulai {code.group(1)}")
        assert "Akun ini sekarang terhubung ke @dewi" in read(linked)
        with unit_of_work(desk.engine) as session:
            person = person_by_handle(session, "dewi")
            assert person is not None
            person.channel = "slack"
            session.add(person)
        assert "Saya akan mengingatkan" in on_telegram("/ingatkan 2 jam lagi telepon kepala desa")

        desk.clock.advance(timedelta(hours=2))
        assert ReminderSweep(desk.engine, desk.clock, gotong.catalog).run().sent == 1
        (reminder,) = await desk.deliver()

        assert reminder.channel == desk.slack.dm_channel("U0DEWI")
        assert "telepon kepala desa" in read(reminder)
        assert reminder.button_values[0].startswith("snooze 1 ")
        with Session(desk.engine) as session:
            row = session.exec(select(OutboxMessage).where(NOTIFICATION)).one()
        assert (row.platform, row.status) == ("slack", OutboxStatus.SENT)
        await desk.click("U0DEWI", reminder, reminder.button_values[0])
        (snoozed,) = desk.slack.updates_of(reminder.channel, reminder.ts)
        assert "Pengingat 1 ditunda sampai" in read(snoozed)
