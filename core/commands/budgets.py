"""/anggaran (budget lines, who may spend), /belanja (an expense), /batal belanja (a reversal)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from core.commands.common import one_program
from core.context import ButtonSpec, Context
from core.delivery.worktime import WorkingTime
from core.errors import UserError
from core.language.grammar import extract_mentions, meaning_of, parse_number
from core.language.suggest import BUTTON_LIMIT
from core.measures import budget_alerts, budgets, expenses
from core.measures.budgets import Need, require_budget
from core.measures.expenses import Spending
from core.models import BudgetLine, Expense, Person, Program
from core.people.directory import person_by_handle, unknown_handles

# A question "which line?" fits one phone screen.
_LINE_BUTTONS = 8


def budget(ctx: Context, args: str) -> None:
    """/anggaran #pkh [tambah|ubah NAMA JUMLAH | izinkan|cabut @orang]."""
    mentions = extract_mentions(args)
    program = one_program(ctx, mentions, required=True)
    assert program is not None
    words = mentions.rest.split()
    action = meaning_of(words[0], "add", "change", "allow", "revoke") if words else None
    if not words:
        require_budget(ctx.session, ctx.person, program, Need.SEE)
        ctx.say("budget.overview", o=_overview(ctx, program))
    elif action in ("add", "change"):
        _plan(ctx, program, action, " ".join(words[1:]))
    elif action in ("allow", "revoke") and mentions.handles and len(words) == 1:
        _permit(ctx, program, action, mentions.handles)
    else:
        require_budget(ctx.session, ctx.person, program, Need.SEE)
        raise UserError("budget.usage", code=program.code)


def _today(ctx: Context) -> date:
    return ctx.now.astimezone(ZoneInfo(ctx.person.timezone)).date()


def _overview(ctx: Context, program: Program) -> budgets.Overview:
    return budgets.overview(ctx.session, program, _today(ctx))


def _plan(ctx: Context, program: Program, action: str, text: str) -> None:
    require_budget(ctx.session, ctx.person, program, Need.MANAGE)
    planned = _amount_in(ctx, program, text, area="budget")
    if not planned.rest:
        raise UserError("budget.usage", code=program.code)
    if action == "add":
        line = budgets.add_line(
            ctx.session,
            now=ctx.now,
            actor=ctx.person,
            program=program,
            name=planned.rest,
            planned=planned.amount,
        )
        ctx.say("budget.line_added", line=line, program=program, o=_overview(ctx, program))
        return
    line, before = budgets.change_line(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        program=program,
        name=planned.rest,
        planned=planned.amount,
    )
    ctx.say("budget.line_changed", line=line, before=before, program=program)


def _permit(ctx: Context, program: Program, action: str, handles: tuple[str, ...]) -> None:
    require_budget(ctx.session, ctx.person, program, Need.MANAGE)
    people = [person_by_handle(ctx.session, h) for h in handles]
    unknown = [h for h, p in zip(handles, people, strict=True) if p is None]
    if unknown:
        raise unknown_handles(ctx.session, unknown)
    change = budgets.allow if action == "allow" else budgets.revoke
    changed: list[Person] = []
    unchanged: list[Person] = []
    for person in people:
        assert person is not None
        done = change(ctx.session, now=ctx.now, actor=ctx.person, program=program, person=person)
        (changed if done else unchanged).append(person)
    key = "budget.allowed" if action == "allow" else "budget.revoked"
    ctx.say(key, program=program, changed=changed, unchanged=unchanged)
    for person in changed:
        ctx.notify(
            person,
            f"{key}_notice",
            dedupe_key=f"budget:{program.id}:{action}:{person.id}",
            program=program,
            by=ctx.person,
        )


def spend(ctx: Context, args: str) -> None:
    """/belanja #pkh Rp 2.500.000 transport relawan: an expense on the line its words name."""
    mentions = extract_mentions(args)
    program = one_program(ctx, mentions, required=True)
    assert program is not None
    require_budget(ctx.session, ctx.person, program, Need.SPEND)
    if not mentions.rest:
        raise UserError("expense.usage", code=program.code)
    line, text = expenses.named_line(ctx.session, program, mentions.rest)
    spending = _amount_in(ctx, program, text, area="expense")
    if line is None:
        lines = budgets.lines_of(ctx.session, program)
        if not lines:
            raise UserError("expense.no_lines", code=program.code)
        matched = expenses.matching_lines(lines, spending.rest)
        if len(matched) != 1:
            _ask_which_line(ctx, program, spending, matched or lines, several=bool(matched))
            return
        line = matched[0]
    _record(ctx, program, line, spending)


def _amount_in(ctx: Context, program: Program, text: str, *, area: str) -> Spending:
    """The amount written, or a refusal whose example names this program."""
    try:
        return expenses.read_spending(text, lang=ctx.person.language, area=area)
    except UserError as error:
        error.params.setdefault("code", program.code)
        raise


def _record(ctx: Context, program: Program, line: BudgetLine, spending: Spending) -> None:
    expense = expenses.record(
        ctx.session,
        now=ctx.now,
        actor=ctx.person,
        program=program,
        line=line,
        amount=spending.amount,
        text=spending.rest,
        photo_file_id=ctx.incoming.photo_file_id,
    )
    assert line.id is not None
    alerts = budget_alerts.fire(
        ctx.session, now=ctx.now, program=program, line_id=line.id, today=_today(ctx)
    )
    for alert in alerts:
        _tell_managers(ctx, program, alert)
    state = next(s for s in _overview(ctx, program).lines if s.line.id == line.id)
    ctx.say(
        "budget.spent",
        expense=expense,
        state=state,
        program=program,
        alerts=alerts,
        photo=expense.photo_file_id is not None,
    )


def _tell_managers(ctx: Context, program: Program, alert: budget_alerts.Alert) -> None:
    """Each manager hears of it in their own working time (the sender reads it in the reply)."""
    for manager in budget_alerts.managers_of(ctx.session, program):
        at = WorkingTime.of(manager).next_allowed(ctx.now)
        ctx.notify(
            manager,
            "budget.alert",
            dedupe_key=f"budget-alert:{alert.state.line.id}:{alert.kind}",
            delay=at - ctx.now,
            alert=alert,
            program=program,
            by=ctx.person,
        )


def _ask_which_line(
    ctx: Context, program: Program, spending: Spending, lines: list[BudgetLine], *, several: bool
) -> None:
    """Ask which line with a button for each: the same command, with the line named."""
    word = ctx.incoming.text.split()[0].lstrip("/").split("@")[0].lower()
    commands = [
        f"/{word} #{program.code} {line.name}: {spending.written} {spending.rest}".strip()
        for line in lines[:_LINE_BUTTONS]
    ]
    buttons: tuple[ButtonSpec, ...] = tuple(
        (("button.budget_line", command),)
        for command in commands
        if len(command.encode()) <= BUTTON_LIMIT and not ctx.incoming.button
    )
    ctx.say(
        "budget.which_line",
        program=program,
        amount=spending.amount,
        text=spending.rest,
        lines=lines,
        several=several,
        example=f"/{word} #{program.code} {lines[0].name}: {spending.written} {spending.rest}",
        photo=ctx.incoming.photo_file_id is not None,
        buttons=buttons,
    )


def cancel_expense(ctx: Context, word: str) -> None:
    """/batal belanja 7: the expense stays on record, marked reversed, and stops counting."""
    number = parse_number(word)
    if number is None:
        raise UserError("expense.cancel_usage")
    expense = expenses.reverse(ctx.session, now=ctx.now, actor=ctx.person, number=number)
    program = ctx.session.get(Program, expense.program_id)
    assert program is not None
    state = next(s for s in _overview(ctx, program).lines if s.line.id == expense.line_id)
    ctx.say("budget.reversed", expense=expense, state=state, program=program)


def attach_receipt(ctx: Context, expense: Expense) -> None:
    """A photo sent on its own soon after an expense is its receipt."""
    photo = ctx.incoming.photo_file_id
    assert photo is not None
    expenses.attach_photo(
        ctx.session, now=ctx.now, actor=ctx.person, expense=expense, photo_file_id=photo
    )
    ctx.say(
        "budget.receipt_attached",
        expense=expense,
        program=ctx.session.get(Program, expense.program_id),
    )


def glance(ctx: Context, program: Program) -> budgets.Overview | None:
    """The budget for a /program summary, when the program has lines and the reader may see it."""
    if not budgets.may_see(ctx.session, ctx.person, program):
        return None
    found = _overview(ctx, program)
    return found if found.lines else None
