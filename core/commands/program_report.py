"""/laporan #pkh November pdf: a program's report for a month, sent as a document."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import get_month_names

from core.commands.common import one_program
from core.context import Context
from core.errors import UserError
from core.language.grammar import extract_mentions
from core.measures.budgets import hidden, manages
from core.messages import DOCUMENT, Attachment, Reply
from core.models import Role
from core.people.permissions import is_manager, works_on
from core.reports.program.make import FORMATS, make_report

FORMAT_WORDS = {"pdf": "pdf", "xlsx": "xlsx", "excel": "xlsx", "md": "md", "markdown": "md"}


def _month_words() -> dict[str, int]:
    """Month names and their short forms in both languages: "november", "nov", "agustus"..."""
    found: dict[str, int] = {}
    for locale in ("id", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                found[name.lower().rstrip(".")] = number
    return found


MONTHS = _month_words()


def read_month(words: list[str], *, today: date) -> tuple[date, date] | None:
    """The month named by `words` ("November", "nov 2026"), the last full one when none are
    given; a month without a year is the latest one that has begun. None: not a month."""
    if not words:
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if len(words) > 2 or words[0].lower() not in MONTHS:
        return None
    month = MONTHS[words[0].lower()]
    if len(words) == 2:
        if not (words[1].isdigit() and len(words[1]) == 4):
            return None
        year = int(words[1])
    else:
        year = today.year if month <= today.month else today.year - 1
    first = date(year, month, 1)
    return first, first.replace(day=monthrange(year, month)[1])


def program_report(ctx: Context, args: str) -> None:
    """The program's report for a month (default: the last full one) as pdf, xlsx or md."""
    mentions = extract_mentions(args)
    if mentions.handles:
        raise UserError("program_report.usage")
    program = one_program(ctx, mentions, required=True)
    assert program is not None
    person = ctx.person
    partner = person.partner_org_id is not None or person.role == Role.PARTNER
    if partner and not works_on(ctx.session, person, program):
        raise hidden(ctx.session, person, program.code)
    if not manages(ctx.session, person, program):
        if is_manager(person):
            raise UserError("permission.not_in_program", code=program.code)
        raise UserError("program_report.managers_only", code=program.code, role=person.role)
    words = mentions.rest.split()
    fmt = "pdf"
    if words and words[-1].lower() in FORMAT_WORDS:
        fmt = FORMAT_WORDS[words.pop().lower()]
    today = ctx.now.astimezone(ZoneInfo(person.timezone)).date()
    period = read_month(words, today=today)
    if period is None:
        raise UserError("program_report.bad_period", typed=" ".join(words), code=program.code)
    start, end = period
    lang = person.language
    made = make_report(
        ctx.session,
        ctx.catalog,
        program=program,
        start=start,
        end=end,
        fmt=fmt if fmt in FORMATS else "pdf",
        lang=lang,
        tz=person.timezone,
        now=ctx.now,
    )
    r = made.report
    params: dict[str, Any] = {
        "code": program.code,
        "name": program.name,
        "start": start,
        "end": end,
        "fmt": fmt,
        "file": made.name,
        "r": r,
    }
    note = ctx.text("program_report.not_sent", **params)
    ctx.replies.append(
        Reply(
            ctx.text("program_report.sent", **params),
            private=ctx.personal,
            attachment=Attachment(DOCUMENT, made.name, made.data, note),
        )
    )
