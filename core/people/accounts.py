"""People, partner organisations and the platform accounts that speak for them."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from core import audit
from core.errors import UserError
from core.language.i18n import LANGUAGES
from core.language.zones import resolve_zone
from core.models import (
    Identity,
    OutboxMessage,
    OutboxStatus,
    PartnerKind,
    PartnerOrg,
    Person,
    ProgramLevel,
    Role,
)
from core.people.directory import partner_by_handle, person_by_handle, unknown_handles

HANDLE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")


def checked_choice(
    value: str, allowed: type[Role] | type[PartnerKind] | type[ProgramLevel], key: str
) -> str:
    value = value.strip().lower()
    if value not in {item.value for item in allowed}:
        raise UserError(key, value=value, allowed=[item.value for item in allowed])
    return value


# The words for each kind of partner organisation, in both languages.
KIND_WORDS: dict[str, PartnerKind] = {
    **{kind.value: kind for kind in PartnerKind},
    "pemerintah": PartnerKind.GOVERNMENT,
    "gov": PartnerKind.GOVERNMENT,
    "lsm": PartnerKind.NGO,
    "yayasan": PartnerKind.NGO,
    "komunitas": PartnerKind.COMMUNITY,
    "swasta": PartnerKind.PRIVATE,
    "perusahaan": PartnerKind.PRIVATE,
    "company": PartnerKind.PRIVATE,
    "internasional": PartnerKind.INTERNATIONAL,
    "akademisi": PartnerKind.ACADEMIC,
    "kampus": PartnerKind.ACADEMIC,
    "universitas": PartnerKind.ACADEMIC,
    "university": PartnerKind.ACADEMIC,
}


def partner_kind(word: str) -> str:
    """The kind of partner organisation a word names, in Indonesian or English."""
    kind = KIND_WORDS.get(word.strip().lower())
    if kind is None:
        raise UserError(
            "directory.bad_kind", value=word.strip()[:40], allowed=[k.value for k in PartnerKind]
        )
    return kind.value


def checked_handle(handle: str) -> str:
    handle = handle.strip().lstrip("@").lower()
    if not HANDLE.match(handle):
        raise UserError("directory.bad_handle", handle=handle)
    return handle


def add_partner(
    session: Session,
    *,
    now: datetime,
    actor: Person | None,
    handle: str,
    name: str,
    kind: str,
    region: str = "",
) -> PartnerOrg:
    """Register a partner organisation."""
    handle = checked_handle(handle)
    if partner_by_handle(session, handle) or person_by_handle(session, handle):
        raise UserError("directory.handle_taken", handle=handle)
    org = PartnerOrg(
        handle=handle,
        name=name.strip() or handle,
        kind=partner_kind(kind),
        region=region.strip(),
    )
    audit.record(session, at=now, actor=actor, action="partner.add", entity=org)
    return org


def add_person(
    session: Session,
    *,
    now: datetime,
    actor: Person | None,
    handle: str,
    name: str,
    role: str,
    language: str = "id",
    timezone: str = "Asia/Jakarta",
    partner: str | None = None,
) -> Person:
    """Register a person; partner contacts name their organisation."""
    handle = checked_handle(handle)
    if person_by_handle(session, handle) or partner_by_handle(session, handle):
        raise UserError("directory.handle_taken", handle=handle)
    role, org = partner_for_role(session, role=role, partner=partner)
    person = Person(
        handle=handle,
        name=name.strip() or handle,
        role=role,
        language=checked_language(language),
        timezone=resolve_zone(timezone),
        partner_org_id=org.id if org else None,
        created_at=now,
    )
    audit.record(session, at=now, actor=actor, action="person.add", entity=person)
    return person


def partner_for_role(
    session: Session, *, role: str, partner: str | None
) -> tuple[str, PartnerOrg | None]:
    """A valid role and the organisation a person speaks for; partner contacts must name one."""
    role = checked_choice(role, Role, "directory.bad_role")
    if not partner:
        if role == Role.PARTNER:
            raise UserError("directory.partner_needs_org")
        return role, None
    org = partner_by_handle(session, partner.lstrip("@"))
    if org is None:
        raise unknown_handles(session, [partner])
    return role, org


def link_identity(
    session: Session, *, person: Person, platform: str, external_id: str, chat_id: str = ""
) -> Identity:
    """Link a platform account to a person (idempotent).

    Notifications that waited for a platform (the person was on none when they were queued)
    go to the first chat platform linked, instead of waiting for a console session.
    """
    identity = session.exec(
        select(Identity).where(Identity.platform == platform, Identity.external_id == external_id)
    ).first()
    if identity is None:
        assert person.id is not None
        identity = Identity(
            person_id=person.id, platform=platform, external_id=external_id, chat_id=chat_id
        )
        session.add(identity)
        if platform != "console":
            session.execute(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.person_id) == person.id,
                    col(OutboxMessage.platform).is_(None),
                    col(OutboxMessage.chat_id).is_(None),
                    col(OutboxMessage.status) == OutboxStatus.PENDING,
                )
                .values(platform=platform)
            )
    return identity


def checked_language(value: str) -> str:
    value = value.strip().lower()
    if value not in LANGUAGES:
        raise UserError("settings.bad_language", value=value)
    return value
