"""Only people on a program use it; only managers and admins change who is on it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from core.models import FieldUpdate, Person, Program, ProgramMember, Task
from tests.chat import Chat


def members(engine: Engine, code: str) -> set[str]:
    """The handles of a program's members."""
    with Session(engine) as session:
        program = session.exec(select(Program).where(Program.code == code)).one()
        rows = session.exec(select(ProgramMember).where(ProgramMember.program_id == program.id))
        return {p.handle for row in rows if (p := session.get(Person, row.person_id))}


class TestFieldWorkerOutsideAProgram:
    """A field worker who is not on a program cannot join it, read it or report into it."""

    @pytest.mark.parametrize(
        ("handle", "text", "refusal"),
        [
            ("budi", "/tugas Catatan besok 10:00 #gizi", "Anda tidak terdaftar di program #gizi"),
            ("kevin", "/task Notes tomorrow 10:00 #pkh", "You are not on program #pkh"),
            ("budi", "/program #gizi", "Anda tidak terdaftar di program #gizi"),
            ("kevin", "/report #pkh 5 kits delivered", "You are not on program #pkh"),
            # A partner contact is not told that another organisation's program exists.
            ("harjo", "/program #gizi", "Program #gizi tidak ada. Program Anda: #pkh."),
            ("tom", "/report #pkh 5 kits", "There is no program #pkh. Your programs: #gizi."),
        ],
    )
    def test_command_naming_a_foreign_program_is_refused(
        self, chat: Chat, engine: Engine, handle: str, text: str, refusal: str
    ) -> None:
        """The refusal says why, in the sender's language, and nobody joins."""
        before = members(engine, "gizi"), members(engine, "pkh")
        assert refusal in chat.send(handle, text)
        assert (members(engine, "gizi"), members(engine, "pkh")) == before
        with Session(engine) as session:
            assert session.exec(select(Task)).all() == []
            assert session.exec(select(FieldUpdate)).all() == []

    def test_task_then_summary_and_report_stay_refused(self, chat: Chat) -> None:
        """The reported attack: a self-assigned task does not open the program."""
        chat.send("budi", "/tugas Catatan besok 10:00 #gizi")
        assert "tidak terdaftar di program #gizi" in chat.send("budi", "/program #gizi")
        assert "tidak terdaftar di program #gizi" in chat.send("budi", "/lapor #gizi 5 paket")

    def test_program_group_does_not_let_outsiders_in(self, chat: Chat) -> None:
        """In a group linked to #gizi, a field worker not on it cannot create tasks there."""
        chat.send("sarah", "/group #gizi", private=False, chat_id="-200")
        said = chat.send("budi", "/tugas Catatan besok 10:00", private=False, chat_id="-200")
        assert "Anda tidak terdaftar di program #gizi" in said

    def test_member_still_creates_own_tasks(self, chat: Chat) -> None:
        """A field worker on the program keeps working as before."""
        assert "Program: #pkh" in chat.send("budi", "/tugas Foto gudang besok 10:00 #pkh")


class TestManagersChangeMembership:
    """A manager assigning someone to a program's task adds them to the program."""

    def test_manager_assignment_adds_the_assignee(self, chat: Chat, engine: Engine) -> None:
        assert "budi" not in members(engine, "gizi")
        chat.send("sarah", "/task Weigh toddlers @budi tomorrow 10:00 #gizi")
        assert "budi" in members(engine, "gizi")
