"""Who may do what. Every refusal is a UserError whose message says why."""

from __future__ import annotations

from sqlmodel import Session

from core.errors import UserError
from core.models import Person, Program, Role
from core.people.directory import unknown_program, works_on

MANAGERS = (Role.ADMIN, Role.MANAGER)


def is_manager(person: Person) -> bool:
    """Admins and managers plan programs and assign work to others."""
    return person.role in MANAGERS


def require_manager(person: Person, action: str) -> None:
    """Refuse `action` unless the person is a manager or admin."""
    if not is_manager(person):
        raise UserError("permission.managers_only", action=action, role=person.role)


def require_program_access(session: Session, person: Person, program: Program | None) -> None:
    """Refuse unless a manager, or a person who works on the program (no program: nothing to check).

    Every service that reads or writes a program's things calls this, so naming a #code (or
    writing in its group chat) never reaches a program the person is not on; a partner contact
    hears the reply an unknown #code gets, as visibility answers for numbers.
    """
    if program is None or is_manager(person) or works_on(session, person, program):
        return
    if person.role == Role.PARTNER:
        # To a partner contact another organisation's program is one that does not exist.
        raise unknown_program(session, person, program.code)
    raise UserError("permission.not_in_program", code=program.code)


def require_list_access(reader: Person, owner: Person) -> None:
    """Refuse reading another person's task list unless a manager (who may read any task)."""
    if reader.id != owner.id and not is_manager(reader):
        raise UserError("permission.others_tasks", handle=owner.handle)
