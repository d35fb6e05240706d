"""/laporan #pkh November pdf: a program's report for a month, sent as a document."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.commands.common import one_program
from core.context import Context
from core.errors import UserError
from core.language.grammar import extract_mentions
from core.measures.budgets import hidden, manages
from core.messages import DOCUMENT, MAX_ATTACHMENT_BYTES, Attachment, Reply
from core.models import Role
from core.people.permissions import is_manager, works_on
from core.reports.periods import Period, read_period
from core.reports.program.make import FORMATS, make_report

FORMAT_WORDS = {"pdf": "pdf", "xlsx": "xlsx", "excel": "xlsx", "md": "md", "markdown": "md"}
# Nothing a program did is that old; a day in year 1 would not even convert to UTC.
EARLIEST = date(2000, 1, 1)


def asked_period(words: list[str], *, today: date) -> Period | None:
    """The period `words` name ("November", "bulan lalu", "Q4 2026", "1-15 Nov"), the last full
    month when there are none; None when they name no period."""
    if not words:
        end = today.replace(day=1) - timedelta(days=1)
        return Period(end.replace(day=1), end)
    return read_period(" ".join(words), today=today)


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
    period = asked_period(words, today=today)
    if period is None or period.start < EARLIEST:
        raise UserError("program_report.bad_period", typed=" ".join(words), code=program.code)
    if period.start > today:
        # A report is about what happened: a period still to come is a slip, said as such.
        raise UserError(
            "program_report.future", period=period.in_words(person.language), code=program.code
        )
    start, end = period.start, period.end
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
        "period": period.in_words(person.language),
        "end": end,
        "fmt": fmt,
        "file": made.name,
        "r": r,
    }
    if len(made.data) > MAX_ATTACHMENT_BYTES:
        raise UserError("program_report.too_big", **params)
    note = ctx.text("program_report.not_sent", **params)
    ctx.replies.append(
        Reply(
            ctx.text("program_report.sent", **params),
            private=ctx.personal,
            attachment=Attachment(DOCUMENT, made.name, made.data, note),
        )
    )
