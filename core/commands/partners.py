"""/mitra: the partner list, one organisation's entry, and adding partners and contacts."""

from __future__ import annotations

import re
from dataclasses import replace
from math import ceil

from core.commands.common import codes_for
from core.context import ButtonSpec, Context
from core.errors import UserError
from core.language.grammar import meaning_of, parse_number
from core.people import accounts, partners
from core.people.permissions import is_manager
from core.work import commitments

# A name in straight or curly quotes: "PMI Kabupaten Demak", “Pak Joko”.
QUOTED = re.compile(r"[\"“”]([^\"“”]*)[\"“”]")


# Partner organisations listed at once: a national scheme has thousands.
PARTNERS_PER_PAGE = 20
COMMITMENTS_LISTED = 10  # on a partner's entry; the rest are counted


def partners_command(ctx: Context, args: str) -> None:
    """/mitra lists (a page; /mitra 2 the next; /mitra demak those matching), /mitra @handle
    shows one, /mitra tambah and /mitra kontak add."""
    words = args.split()
    if not words:
        listing(ctx, [])
        return
    action = meaning_of(words[0], "add", "contact")
    rest = args.strip()[len(words[0]) :].strip()
    if action == "add":
        add(ctx, rest)
    elif action == "contact":
        contact(ctx, rest)
    elif len(words) == 1 and words[0].startswith("@"):
        show(ctx, words[0])
    elif any(word.startswith("@") for word in words):
        raise UserError("partners.usage")
    else:
        listing(ctx, words)


def listing(ctx: Context, words: list[str]) -> None:
    """A page of the partner list: `words` search handles, names and regions, and a number
    last chooses the page (/mitra 2, /mitra demak 2)."""
    page = parse_number(words[-1]) if words else 1
    if page is None:
        page = 1
    else:
        words = words[:-1]
    first = (page - 1) * PARTNERS_PER_PAGE
    listed, total = partners.listing(
        ctx.session, ctx.person, words, limit=PARTNERS_PER_PAGE, offset=max(0, first)
    )
    pages = max(1, ceil(total / PARTNERS_PER_PAGE))
    search = " ".join(words)
    if not 1 <= page <= pages:
        raise UserError("partners.no_such_page", page=page, pages=pages, search=search)
    more = total - first - len(listed)
    next_page = f"{search} {page + 1}".strip() if more else ""
    buttons: tuple[ButtonSpec, ...] = ()
    if next_page:
        buttons = ((("button.next_page", f"partners {next_page}"),),)
    ctx.say(
        "program.partners",
        partners=listed,
        total=total,
        page=page,
        pages=pages,
        more=more,
        next_page=next_page,
        search=search,
        buttons=buttons,
    )


def show(ctx: Context, handle: str) -> None:
    """One organisation's entry, if the reader may see it (else the unknown-handle reply)."""
    org = partners.visible_organisation(ctx.session, ctx.person, handle)
    entry = partners.entry(ctx.session, org, now=ctx.now, reader=ctx.person)
    owed, total = commitments.open_for(
        ctx.session, ctx.person, ctx.now, partner=org, limit=COMMITMENTS_LISTED
    )
    ctx.say(
        "partner.entry",
        entry=replace(entry, commitments=owed, more_commitments=total - len(owed)),
        codes=codes_for(ctx.session, entry.meetings),
    )


def add(ctx: Context, text: str) -> None:
    """/mitra tambah @pmi-demak "PMI Kabupaten Demak" pemerintah Demak (managers and admins)."""
    _require_manager(ctx)
    handle, name, after = _handle_and_name(text, "partners.add_usage")
    words = after.split()
    if not words:
        raise UserError("partners.add_usage")
    kind = accounts.partner_kind(words[0])
    org = accounts.add_partner(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        handle=handle,
        name=name,
        kind=kind,
        region=" ".join(words[1:]),
    )
    ctx.say("partner.added", org=org)


def contact(ctx: Context, text: str) -> None:
    """/mitra kontak @pmi-demak "Pak Joko" 0812-3456-7890 joko@example.org (managers and admins)."""
    _require_manager(ctx)
    handle, name, after = _handle_and_name(text, "partners.contact_usage")
    org = partners.organisation_for(ctx.session, handle)
    emails = [w for w in after.split() if "@" in w]
    if len(emails) > 1:
        raise UserError("partners.contact_usage")
    phone = " ".join(w for w in after.split() if "@" not in w)
    added, new = partners.add_contact(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        org=org,
        name=name,
        phone=phone,
        email=emails[0] if emails else "",
    )
    ctx.say("partner.contact_added" if new else "partner.contact_known", org=org, contact=added)


def _require_manager(ctx: Context) -> None:
    if not is_manager(ctx.person):
        raise UserError("permission.managers_only_partners", role=ctx.person.role)


def _handle_and_name(text: str, usage: str) -> tuple[str, str, str]:
    """The @handle first, then the quoted name, then whatever follows the name."""
    handle, _, rest = text.strip().partition(" ")
    match = QUOTED.match(rest.strip())
    if not handle.startswith("@") or len(handle) < 2 or match is None:
        raise UserError(usage)
    name = " ".join(match.group(1).split())
    if not name:
        raise UserError(usage)
    return handle, name, rest.strip()[match.end() :].strip()
