"""Invitation and link codes: how a platform account becomes (or joins) a Gotong person."""

from __future__ import annotations

import math
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import text, update
from sqlmodel import Session, col, select

from core import audit
from core.errors import UserError
from core.language.i18n import language_or_default
from core.messages import Incoming
from core.models import AuditEntry, Invite, Person, Program
from core.people.accounts import link_identity, partner_for_role
from core.people.directory import join_program, partner_by_handle, person_by_handle, program_by_code

INVITE_LIFETIME = timedelta(days=7)
LINK_LIFETIME = timedelta(minutes=30)
# Codes have 31**8 values; 5 wrong tries per 15 minutes per account makes guessing hopeless.
GUESS_LIMIT = 5
GUESS_WINDOW = timedelta(minutes=15)
FAILED_TRY = "invite.refused"
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


def create_link_code(
    session: Session,
    *,
    now: datetime,
    actor: Person | None,
    person: Person | None = None,
    lifetime: timedelta = LINK_LIFETIME,
) -> Invite:
    """A code that links a platform account to a person already on Gotong: the actor's own
    (/tautkan), or, from the command line, someone added there who is on no platform yet."""
    person = person or actor
    assert person is not None
    invite = Invite(
        code=_new_code(session),
        role=person.role,
        person_id=person.id,
        created_by_id=actor.id if actor else None,
        created_at=now,
        expires_at=now + lifetime,
    )
    audit.record(session, at=now, actor=actor, action="invite.link_code", entity=invite)
    return invite


def redeem_throttled(
    session: Session,
    *,
    now: datetime,
    code: str,
    incoming: Incoming,
    default_language: str,
    default_timezone: str,
) -> tuple[Person, bool]:
    """`redeem`, refused while the account has made too many wrong tries recently."""
    account = f"{incoming.platform}:{incoming.external_user_id}"[:64]
    _refuse_if_guessing(session, now=now, account=account)
    savepoint = session.begin_nested()
    try:
        result = redeem(
            session,
            now=now,
            code=code,
            incoming=incoming,
            default_language=default_language,
            default_timezone=default_timezone,
        )
        savepoint.commit()
    except UserError as error:
        savepoint.rollback()
        # Outside the savepoint, so the failed try is kept when the message's transaction commits.
        session.add(
            AuditEntry(
                at=now,
                action=FAILED_TRY,
                entity="account",
                entity_id=account,
                after={"reason": error.key},
            )
        )
        raise
    return result


def _refuse_if_guessing(session: Session, *, now: datetime, account: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # Tries from one account are counted one after the other, so a burst cannot outrun it.
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": account})
    recent = session.exec(
        select(AuditEntry.at)
        .where(
            AuditEntry.action == FAILED_TRY,
            AuditEntry.entity_id == account,
            col(AuditEntry.at) > now - GUESS_WINDOW,
        )
        .order_by(col(AuditEntry.at).desc())
        .limit(GUESS_LIMIT)
    ).all()
    if len(recent) >= GUESS_LIMIT:
        wait = recent[-1] + GUESS_WINDOW - now
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        raise UserError("onboarding.too_many_tries", minutes=minutes)


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
    invite = _claim(session, now=now, code=code)
    before = {**(audit.snapshot(invite) or {}), "used_at": None, "used_by_id": None}
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
    invite.used_by_id = person.id
    audit.record(session, at=now, actor=person, action="invite.use", entity=invite, before=before)
    return person, created


def _claim(session: Session, *, now: datetime, code: str) -> Invite:
    """Mark the code used in one conditional UPDATE, so of racing accounts exactly one wins.

    Reading the row and then writing it let two transactions both see it unused (on
    PostgreSQL the second UPDATE waits for the first and then finds `used_at` set).
    """
    wanted = code.strip().upper()
    claimed = session.execute(
        update(Invite)
        .where(
            col(Invite.code) == wanted,
            col(Invite.used_at).is_(None),
            col(Invite.expires_at) > now,
        )
        .values(used_at=now)
        .returning(col(Invite.id))
    ).first()
    if claimed is not None:
        invite = session.get(Invite, claimed[0], populate_existing=True)
        assert invite is not None
        return invite
    invite = session.exec(select(Invite).where(Invite.code == wanted)).first()
    if invite is None:
        raise UserError("onboarding.bad_code", code=code[:20])
    if invite.used_at is not None:
        raise UserError("onboarding.used_code")
    raise UserError("onboarding.expired_code", at=invite.expires_at)


def _free_handle(session: Session, incoming: Incoming) -> str:
    """The platform username (or name) as a handle, numbered if a person or partner has it."""
    wanted = (incoming.username or incoming.display_name or "").lower().replace(" ", "_")
    base = SLUG.sub("", wanted).strip("._-")[:40] or f"anggota{incoming.external_user_id}"[-40:]
    handle, n = base, 1
    while person_by_handle(session, handle) or partner_by_handle(session, handle):
        n += 1
        handle = f"{base}{n}"
    return handle
