"""/komitmen, /terima, /perpanjang: commitments asked of partner organisations, their deliveries,
and the manager's changes (the answers are in core.commands.work.answers)."""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from sqlmodel import col, select

from core.commands.common import at_default_time, find_moment_in, handles_of, one_program
from core.context import ButtonSpec, Context
from core.delivery.commitment_notes import answer_buttons
from core.delivery.reach import Reach
from core.errors import UserError
from core.language.figures import MEASURES, MONEY
from core.language.grammar import extract_mentions, parse_number
from core.language.moments import Moment
from core.language.numbers import (
    NumberError,
    bounded,
    multiplier,
    parse_amount,
    read_number,
    spelled_as_digits,
)
from core.models import (
    AuditEntry,
    Commitment,
    CommitmentReceipt,
    CommitmentStatus,
    PartnerOrg,
    Person,
    Program,
)
from core.people.directory import people_of_org, resolve_handles
from core.people.permissions import is_manager, require_program_access
from core.work import commitments, deliveries

# Open commitments listed at once; the rest are counted (a program can have hundreds).
LISTED = 15

END_OF_WORKDAY = time(17, 0)
# What is asked, as written after the organisation: an optional quantity, then the goods.
QUANTITY = re.compile(
    r"^(?:(?P<cur>rp|idr)\.?\s*)?(?P<sign>-)?(?P<num>\d[\d.,]*)"
    r"(?:\s*(?P<mult>ribu|rb|juta|jt|miliar|m|k))?(?![^\W\d_])\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
# Words left before the moment that only introduce it: "sebelum 10 Des", "by Dec 10".
LEAD_IN = re.compile(
    r"\s*\b(?:sebelum|paling lambat|selambatnya|sampai|hingga|pada|tanggal|tgl|by|before|on"
    r"|until)$",
    re.IGNORECASE,
)


def commitment(ctx: Context, args: str) -> None:
    """Ask a partner for something, list open commitments, or show one by its number."""
    if not args:
        listing(ctx)
        return
    number = parse_number(args)
    if number is not None:
        show(ctx, number)
        return
    mentions = extract_mentions(args)
    if mentions.programs and not mentions.handles and not mentions.rest.strip():
        program = one_program(ctx, mentions, required=True)
        listing(ctx, program)
        return
    if len(mentions.handles) != 1:
        raise UserError("commitment.usage")
    people, orgs = resolve_handles(ctx.session, mentions.handles)
    if people:
        raise UserError("commitment.org_needed", handle=people[0].handle)
    org = orgs[0]
    program = one_program(ctx, mentions, required=True)
    assert program is not None
    split = find_moment_in(ctx, mentions.rest)
    if split is None:
        return  # asked which of two readings was meant
    before, moment, after = split
    if moment is None:
        raise UserError("commitment.needs_moment")
    quantity, money, unit, what = _asked(LEAD_IN.sub("", before) + " " + after, ctx)
    created = commitments.request(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        org=org,
        program=program,
        what=what,
        quantity=quantity,
        money=money,
        unit=unit,
        due_at=at_default_time(moment, ctx.person.timezone, END_OF_WORKDAY),
    )
    reach = tell_partner(
        ctx,
        created,
        "commitment.request",
        "asked",
        buttons=answer_buttons(created.id),
        program=program,
    )
    ctx.say(
        "commitment.created",
        c=created,
        org=org,
        program=program,
        reach=reach,
        notes=moment.guesses,
    )


def _asked(text: str, ctx: Context) -> tuple[Decimal | None, bool, str, str]:
    """(quantity, money, unit, what) from "200 paket sembako" or "Rp 25 jt dana CSR"."""
    text = " ".join(spelled_as_digits(text).split())  # "lima ratus paket" is 500 paket
    match = QUANTITY.match(text)
    if match is None:
        return None, False, "", text
    lang = "id" if match["cur"] else ctx.person.language
    value = read_number(match["num"], lang)
    if value is None:
        raise NumberError("number.not_understood", text=match["num"])
    if match["mult"]:
        value *= multiplier(match["mult"], lang)
    value = bounded(value, match.group(0))
    if match["sign"]:
        value = -value
    what = match["rest"].strip()
    if value <= 0:
        raise UserError("commitment.bad_quantity", quantity=value)
    if match["cur"]:
        return value, True, MONEY, what
    first = what.split(" ", 1)[0].lower()
    unit = first if first in MEASURES and " " in what else what
    return value, False, unit, what


def listing(ctx: Context, program: Program | None = None) -> None:
    """The first open commitments the reader may see (overdue first), and how many more."""
    if program is not None:
        require_program_access(ctx.session, ctx.person, program)
    rows, total = commitments.open_for(
        ctx.session, ctx.person, ctx.now, program=program, limit=LISTED
    )
    ids = {p.commitment.partner_org_id for p in rows}
    orgs = {
        o.id: o for o in ctx.session.exec(select(PartnerOrg).where(col(PartnerOrg.id).in_(ids)))
    }
    ctx.say(
        "commitment.listing",
        rows=rows,
        orgs=orgs,
        manager=is_manager(ctx.person),
        partner=ctx.person.partner_org_id is not None,
        more=total - len(rows),
        program=program,
    )


def show(ctx: Context, number: int) -> None:
    found = commitments.get(ctx.session, number, ctx.person)
    progress = deliveries.progress_of(ctx.session, found)
    steps = commitments.history(ctx.session, found)
    receipts = deliveries.receipts(ctx.session, found)
    ids = [s.actor_id for s in steps if s.actor_id] + [r.recorded_by_id for r in receipts]
    people = {p.id: p for p in handles_of(ctx.session, ids)}
    buttons: tuple[ButtonSpec, ...] = ()
    if found.status == CommitmentStatus.REQUESTED and commitments.speaks_for(ctx.person, found):
        buttons = answer_buttons(number)
    ctx.say(
        "commitment.detail",
        p=progress,
        org=ctx.session.get(PartnerOrg, found.partner_org_id),
        program=ctx.session.get(Program, found.program_id),
        timeline=_timeline(steps, receipts),
        people=people,
        overdue=commitments.is_overdue(found, ctx.now),
        buttons=buttons,
    )


def _timeline(
    steps: list[AuditEntry], receipts: list[CommitmentReceipt]
) -> list[tuple[str, AuditEntry | CommitmentReceipt]]:
    """Steps and receipts in the order they happened; at one moment the receipt comes before
    the fulfilment it caused, and the request before either."""
    entries: list[tuple[datetime, int, str, AuditEntry | CommitmentReceipt]] = [
        (s.at, 2 if s.action == "commitment.fulfil" else 0, "step", s) for s in steps
    ]
    entries += [(r.recorded_at, 1, "receipt", r) for r in receipts]
    entries.sort(key=lambda e: (e[0], e[1]))
    return [(kind, entry) for _, _, kind, entry in entries]


def tell_partner(
    ctx: Context,
    found: Commitment,
    key: str,
    step: str,
    *,
    buttons: tuple[ButtonSpec, ...] = (),
    reach: Reach | None = None,
    **params: Any,
) -> Reach:
    """Tell every contact of the commitment's organisation (or note it has none on Gotong)."""
    org = ctx.session.get(PartnerOrg, found.partner_org_id)
    assert org is not None
    reach = reach if reach is not None else Reach()
    contacts = people_of_org(ctx.session, org)
    if not contacts:
        reach.note_org(org)
    return ctx.tell(
        contacts,
        key,
        dedupe_key=f"commitment:{found.id}:{step}",
        reach=reach,
        buttons=buttons,
        c=found,
        org=org,
        by=ctx.person,
        **params,
    )


def tell_manager(
    ctx: Context,
    found: Commitment,
    key: str,
    step: str,
    *,
    buttons: tuple[ButtonSpec, ...] = (),
    **params: Any,
) -> Reach:
    """Tell the manager who asked for the commitment."""
    manager = ctx.session.get(Person, found.requested_by_id)
    return ctx.tell(
        [manager] if manager is not None else [],
        key,
        dedupe_key=f"commitment:{found.id}:{step}",
        buttons=buttons,
        c=found,
        org=ctx.session.get(PartnerOrg, found.partner_org_id),
        by=ctx.person,
        **params,
    )


def received(ctx: Context, args: str) -> None:
    """Record a delivery: /terima 12 150, or /terima 12 for a yes/no commitment."""
    first, _, rest = args.strip().partition(" ")
    number = commitment_number(first, "commitment.receive_usage")
    quantity = None
    if rest.strip():
        try:
            quantity = parse_amount(rest, lang=ctx.person.language)
        except NumberError as error:
            raise UserError("commitment.receive_usage") from error
    progress, fulfilled = deliveries.receive(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        number=number,
        quantity=quantity,
        photo_file_id=ctx.incoming.photo_file_id,
    )
    found = progress.commitment
    reach = tell_manager(
        ctx,
        found,
        "commitment.received_notice",
        f"received:{progress.receipts}",
        p=progress,
        quantity=quantity,
        fulfilled=fulfilled,
    )
    if not commitments.speaks_for(ctx.person, found):
        tell_partner(
            ctx,
            found,
            "commitment.received_notice",
            f"received:{progress.receipts}",
            p=progress,
            quantity=quantity,
            fulfilled=fulfilled,
            reach=reach,
        )
    ctx.say(
        "commitment.received",
        p=progress,
        quantity=quantity,
        fulfilled=fulfilled,
        photo=ctx.incoming.photo_file_id is not None,
        reach=reach,
    )


def cancel_commitment(ctx: Context, word: str) -> None:
    """/batal komitmen 12: the manager cancels it and the partner is told."""
    number = commitment_number(word, "commitment.cancel_usage")
    found = commitments.cancel(ctx.session, now=ctx.now, actor=ctx.person, number=number)
    reach = tell_partner(ctx, found, "commitment.cancelled_notice", "cancelled")
    ctx.say("commitment.cancelled", c=found, reach=reach)


def move_commitment(ctx: Context, number: int, moment: Moment) -> None:
    """/ubah komitmen 12 20 Des: the manager moves the due moment and the partner is told."""
    at = at_default_time(moment, ctx.person.timezone, END_OF_WORKDAY)
    found = commitments.move(ctx.session, now=ctx.now, actor=ctx.person, number=number, due_at=at)
    reach = tell_partner(ctx, found, "commitment.moved_notice", f"moved:{at.isoformat()}")
    ctx.say("commitment.moved", c=found, reach=reach, notes=moment.guesses)


def extend(ctx: Context, args: str) -> None:
    """/perpanjang 12: 7 more days (the escalation's button carries the due moment it extends)."""
    words = args.split()
    if not 1 <= len(words) <= 2:
        raise UserError("commitment.extend_usage")
    number = commitment_number(words[0], "commitment.extend_usage")
    since = words[1] if len(words) == 2 else None
    found = commitments.extend(
        ctx.session, now=ctx.now, actor=ctx.person, number=number, since=since
    )
    at = found.due_at
    reach = tell_partner(ctx, found, "commitment.moved_notice", f"moved:{at.isoformat()}")
    ctx.say("commitment.extended", c=found, reach=reach)


def commitment_number(word: str, usage: str) -> int:
    """The commitment number a command names first, or the usage of that command."""
    number = parse_number(word.strip()) if word.strip() else None
    if number is None:
        raise UserError(usage)
    return number
