"""/ekspor (/export): a program's records for a period, as a file in the chat."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from core.context import Context
from core.errors import UserError
from core.language.grammar import extract_mentions
from core.messages import DOCUMENT, MAX_ATTACHMENT_BYTES, Attachment, Reply
from core.models import PartnerOrg, Person, Program, Role
from core.people.directory import names, partner_by_handle, program_by_code, programs_of
from core.people.permissions import is_manager, require_program_access
from core.reports import export
from core.reports.periods import Period, split_period

# Export kind -> the words people use for it, Indonesian first (the app's own command words).
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "updates": ("laporan", "lapor", "update", "updates", "report", "reports"),
    "tasks": ("tugas", "task", "tasks"),
    "meetings": ("rapat", "meeting", "meetings"),
    "deadlines": ("tenggat", "deadline", "deadlines"),
    "commitments": ("komitmen", "commitment", "commitments"),
    "expenses": ("belanja", "pengeluaran", "expense", "expenses", "spending"),
    "budget": ("anggaran", "budget", "budgets"),
    "indicators": ("indikator", "indicator", "indicators"),
}
# Kinds that are not one program's (people, the outbox, ...): the server's `gotong export`.
SERVER_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "reminders": ("pengingat", "reminder", "reminders"),
    "people": ("orang", "people"),
    "partners": ("mitra", "partners"),
    "programs": ("programs",),
    "outbox": ("outbox",),
    "audit": ("audit",),
}
FORMAT_WORDS: dict[str, str] = {
    "xlsx": "xlsx", "excel": "xlsx", "xls": "xlsx", "csv": "csv", "json": "json",
    "jsonl": "jsonl", "ics": "ics", "ical": "ics", "icalendar": "ics", "kalender": "ics",
    "calendar": "ics",
}  # fmt: skip
# A manager on a phone opens a spreadsheet.
DEFAULT_FORMAT = "xlsx"
DEFAULT_KIND = "updates"
# What a partner's own organisation has rows in.
PARTNER_KINDS = ("commitments", "meetings")
CALENDAR_KINDS = ("meetings", "deadlines")
# One limit for every platform: the core's bound on a file (Telegram takes 50 MB, Slack more).
FILE_LIMIT = MAX_ATTACHMENT_BYTES
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Request:
    """What an /ekspor message asked for, as understood."""

    programs: tuple[Program, ...]
    kind: str
    fmt: str
    period: Period
    period_given: bool
    partner: str | None = None


class _TooBig(Exception):
    """The file grew past what a chat may carry."""


class _Capped(io.BytesIO):
    """A file in memory that stops the export as soon as it outgrows a chat message."""

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(data) > FILE_LIMIT:
            raise _TooBig
        return super().write(data)


def export_command(ctx: Context, args: str) -> None:
    """/ekspor #pkh bulan lalu xlsx: the rows of one kind for a period, sent as a file."""
    _require_exporter(ctx)
    request = _read(ctx, args)
    partner = _partner_handle(ctx) or request.partner
    start, end = request.period.bounds(ctx.person.timezone)
    query = export.ExportQuery(
        kinds=(request.kind,),
        programs=tuple(p.code for p in request.programs),
        start=start,
        end=end,
        partner=partner,
    )
    out = _Capped()
    try:
        rows = export.write_export(
            ctx.session,
            query,
            request.fmt,
            out,
            tz=ctx.person.timezone,
            excel=False,
            lang=ctx.person.language,
        )
    except _TooBig:
        first, half = _first_half(request.period)
        raise UserError(
            "export.too_big",
            limit=max(1, FILE_LIMIT // MEGABYTE),
            code=request.programs[0].code,
            kind=request.kind,
            first=first,
            half=half,
            cli=_cli(request),
        ) from None
    data = out.getvalue()
    text = ctx.text("export.sent", r=request, rows=rows, partner=partner)
    attachment = None
    if data:
        note = ctx.text("export.file_refused", cli=_cli(request))
        attachment = Attachment(DOCUMENT, _file_name(request), data, note)
    ctx.replies.append(Reply(text, private=ctx.personal, attachment=attachment))


def _require_exporter(ctx: Context) -> None:
    """Managers and admins export their programs, partner contacts their organisation's rows."""
    if is_manager(ctx.person) or ctx.person.role == Role.PARTNER:
        return
    raise UserError("export.who_may", managers=_managers_of(ctx))


def _managers_of(ctx: Context) -> list[Person]:
    """The managers of the sender's programs: the people to ask for a file."""
    owners = {p.owner_id for p in programs_of(ctx.session, ctx.person) if p.owner_id}
    people = names(ctx.session, [o for o in owners if o is not None])
    return sorted(people.values(), key=lambda p: p.handle)


def _partner_handle(ctx: Context) -> str | None:
    """A partner contact's organisation: they get its rows and nobody else's."""
    if ctx.person.role != Role.PARTNER:
        return None
    org = ctx.session.get(PartnerOrg, ctx.person.partner_org_id)
    if org is None:
        raise UserError("export.who_may", managers=_managers_of(ctx))
    return org.handle


def _read(ctx: Context, args: str) -> Request:
    """Programs, kind, format and period from the words of the message; anything else refused."""
    mentions = extract_mentions(args)
    code = _example_code(ctx, mentions.programs)
    partner = _partner_named(ctx, mentions.handles, code)
    today = ctx.now.astimezone(ZoneInfo(ctx.person.timezone)).date()
    period, rest = split_period(mentions.rest.split(), today=today)
    kinds: list[str] = []
    formats: list[str] = []
    unknown: list[str] = []
    named: list[str] = []
    for word in rest:
        lowered = word.lower().lstrip(".")
        kind = _kind_of(lowered)
        if kind is not None:
            kinds.append(kind)
            named.append(word)
        elif lowered in FORMAT_WORDS:
            formats.append(FORMAT_WORDS[lowered])
            named.append(word)
        elif lowered == "pdf":  # a PDF is the program report, not a table of records
            raise UserError("export.pdf_is_the_report", code=code)
        elif (server := _server_kind_of(lowered)) is not None:
            raise UserError("export.server_only", code=code, kind=server)
        else:
            unknown.append(word)
    if unknown:
        raise UserError("export.unknown_words", code=code, words=unknown)
    if len(set(kinds)) > 1 or len(set(formats)) > 1:
        raise UserError("export.one_of_each", code=code, words=named)
    is_partner = ctx.person.role == Role.PARTNER
    kind = kinds[0] if kinds else ("commitments" if is_partner else DEFAULT_KIND)
    fmt = formats[0] if formats else DEFAULT_FORMAT
    if (is_partner or partner) and kind not in PARTNER_KINDS:
        raise UserError("export.partner_kinds", kind=kind)
    if fmt == "ics" and kind not in CALENDAR_KINDS:
        raise UserError("export.ics_only", code=code, kind=kind)
    return Request(
        programs=_programs(ctx, mentions.programs),
        kind=kind,
        fmt=fmt,
        period=period or _default_period(kind, today),
        period_given=period is not None,
        partner=partner,
    )


def _example_code(ctx: Context, named: tuple[str, ...]) -> str:
    """The #code for a refusal's example: one the sender named and may see, else one of theirs."""
    mine = [p.code for p in programs_of(ctx.session, ctx.person)]
    if ctx.group_program is not None:
        mine.insert(0, ctx.group_program.code)
    return next((c for c in named if c.lower() in mine), mine[0] if mine else "pkh")


def _partner_named(ctx: Context, handles: tuple[str, ...], code: str) -> str | None:
    """A manager's `@org`: only that partner organisation's rows. A partner names nobody."""
    if not handles:
        return None
    if ctx.person.role == Role.PARTNER:
        raise UserError("export.partner_own_only")
    org = partner_by_handle(ctx.session, handles[0])
    if len(handles) > 1 or org is None:
        raise UserError("export.unknown_words", code=code, words=[f"@{h}" for h in handles])
    return org.handle


def _kind_of(word: str) -> str | None:
    return next((kind for kind, words in KIND_WORDS.items() if word in words), None)


def _server_kind_of(word: str) -> str | None:
    return next((kind for kind, words in SERVER_KIND_WORDS.items() if word in words), None)


def _programs(ctx: Context, codes: tuple[str, ...]) -> tuple[Program, ...]:
    """The #programs named (each one the sender may see), else the chat's, else all of theirs."""
    if codes:
        chosen = [program_by_code(ctx.session, code, ctx.person) for code in dict.fromkeys(codes)]
        for program in chosen:
            require_program_access(ctx.session, ctx.person, program)
        return tuple(chosen)
    if ctx.group_program is not None:
        require_program_access(ctx.session, ctx.person, ctx.group_program)
        return (ctx.group_program,)
    mine = programs_of(ctx.session, ctx.person)
    if not mine:
        raise UserError("export.no_programs")
    return tuple(mine)


# Kinds dated by what is still to come (a meeting's start, a commitment's due date): asked
# without a period, a manager wants what is coming, not only what falls in this month.
AHEAD_KINDS = frozenset({"meetings", "deadlines", "commitments"})


def _default_period(kind: str, today: date) -> Period:
    """This month; for meetings, deadlines and commitments this month and the two after it."""
    month = _this_month(today)
    if kind not in AHEAD_KINDS:
        return month
    later = _this_month(_this_month(month.end + timedelta(days=1)).end + timedelta(days=1))
    return Period(month.start, later.end)


def _this_month(today: date) -> Period:
    following = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    return Period(today.replace(day=1), following - timedelta(days=1))


def _file_name(request: Request) -> str:
    """`pkh-updates-2026-11.xlsx`: programs, kind, period and format, safe on every platform."""
    codes = [p.code for p in request.programs]
    who = "-".join(codes) if len(codes) <= 3 else "programs"
    return f"{who}-{request.kind}-{_period_label(request.period)}.{request.fmt}"[-120:]


def _period_label(period: Period) -> str:
    start, end = period.start, period.end
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"{start.year}"
    if start.day == 1 and (start.year, start.month) == (end.year, end.month):
        following = date(end.year + end.month // 12, end.month % 12 + 1, 1)
        if (following - end).days == 1:
            return f"{start:%Y-%m}"
    if start == end:
        return start.isoformat()
    return f"{start.isoformat()}_{end.isoformat()}"


def _first_half(period: Period) -> tuple[str, str]:
    """The first half of a period, as ISO days: an example that sends less."""
    half = period.start + (period.end - period.start) / 2
    return period.start.isoformat(), half.isoformat()


def _cli(request: Request) -> str:
    """The server command that writes the same file without a size limit."""
    programs = " ".join(f"--program {p.code}" for p in request.programs)
    return (
        f"gotong export {request.kind} {programs} --from {request.period.start.isoformat()}"
        f" --to {request.period.end.isoformat()} --format {request.fmt} --output FILE"
    )
