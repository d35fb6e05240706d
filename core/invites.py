"""Invitation and link codes: how a platform account becomes (or joins) a Gotong person."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, select

from core import audit
from core.directory import join_program, partner_by_handle, person_by_handle, program_by_code
from core.errors import UserError
from core.i18n import language_or_default
from core.messages import Incoming
from core.models import Invite, Person, Program
from core.people import link_identity, partner_for_role

INVITE_LIFETIME = timedelta(days=7)
LINK_LIFETIME = timedelta(minutes=30)
# No 0/O or 1/I/L: codes are read aloud and typed on small phones.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SLUG = re.compile(r"[^a-z0-9_.\-]+")


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        if session.exec(select(Invite).where(Invite.code == code)).first() is None:
            return code


def create_invite(
    session: Session,
    *,
    now: datetime,
    actor: Person | None,
    role: str,
    partner: str | None = None,
    program: str | None = None,
    lifetime: timedelta = INVITE_LIFETIME,
) -> Invite:
    """A one-time code that onboards a new person with `role` (partner contacts name their org)."""
    role, org = partner_for_role(session, role=role, partner=partner)
    program_id = program_by_code(session, program).id if program else None
    invite = Invite(
        code=_new_code(session),
        role=role,
        partner_org_id=org.id if org else None,
        program_id=program_id,
        created_by_id=actor.id if actor else None,
        created_at=now,
        expires_at=now + lifetime,
    )
    audit.record(session, at=now, actor=actor, action="invite.create", entity=invite)
    return invite


def create_link_code(session: Session, *, now: datetime, actor: Person) -> Invite:
    """A short-lived code that links another platform account to the actor."""
    invite = Invite(
        code=_new_code(session),
        role=actor.role,
        person_id=actor.id,
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + LINK_LIFETIME,
    )
    audit.record(session, at=now, actor=actor, action="invite.link_code", entity=invite)
    return invite


def redeem(
    session: Session,
    *,
    now: datetime,
    code: str,
    incoming: Incoming,
    default_language: str,
    default_timezone: str,
) -> tuple[Person, bool]:
    """Use a code from an unknown account: (the person it now belongs to, True if newly created)."""
    invite = session.exec(select(Invite).where(Invite.code == code.strip().upper())).first()
    if invite is None:
        raise UserError("onboarding.bad_code", code=code[:20])
    if invite.used_at is not None:
        raise UserError("onboarding.used_code")
    if invite.expires_at <= now:
        raise UserError("onboarding.expired_code", at=invite.expires_at)
    created = invite.person_id is None
    if created:
        person = Person(
            handle=_free_handle(session, incoming),
            name=(incoming.display_name or "").strip()[:200] or incoming.username or "Anggota",
            role=invite.role,
            language=language_or_default(incoming.language_hint, default_language),
            timezone=default_timezone,
            partner_org_id=invite.partner_org_id,
            created_at=now,
        )
        audit.record(session, at=now, actor=None, action="person.onboard", entity=person)
    else:
        found = session.get(Person, invite.person_id)
        assert found is not None
        person = found
    link_identity(
        session,
        person=person,
        platform=incoming.platform,
        external_id=incoming.external_user_id,
        chat_id=incoming.chat_id if incoming.private else "",
    )
    program = session.get(Program, invite.program_id) if invite.program_id else None
    if program is not None:
        join_program(session, program, person)
    before = audit.snapshot(invite)
    invite.used_at = now
    invite.used_by_id = person.id
    audit.record(session, at=now, actor=person, action="invite.use", entity=invite, before=before)
    return person, created


def _free_handle(session: Session, incoming: Incoming) -> str:
    """The platform username (or name) as a handle, numbered if a person or partner has it."""
    wanted = (incoming.username or incoming.display_name or "").lower().replace(" ", "_")
    base = SLUG.sub("", wanted).strip("._-")[:40] or f"anggota{incoming.external_user_id}"[-40:]
    handle, n = base, 1
    while person_by_handle(session, handle) or partner_by_handle(session, handle):
        n += 1
        handle = f"{base}{n}"
    return handle
