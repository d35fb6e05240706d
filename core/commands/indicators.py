"""/indikator: a program's indicators, defined by managers, fed by field updates; /batal lapor."""

from __future__ import annotations

import re
from decimal import Decimal

from core.commands.common import one_program
from core.context import Context
from core.delivery.worktime import WorkingTime
from core.errors import UserError
from core.language.grammar import extract_mentions, meaning_of, means, parse_number
from core.language.numbers import NumberError, parse_amount
from core.measures import indicator_values, indicators
from core.measures.indicator_values import Counting
from core.models import Combine, FieldUpdate, Person, Program

# After "tambah": the code, the name in quotes (straight or curly), then the rest.
DEFINITION = re.compile(r"^(?P<code>\S+)\s*(?:[\"“](?P<name>[^\"”]*)[\"”])?\s*(?P<rest>.*)$")
COMBINE_WORDS = {"sum": Combine.SUM, "latest": Combine.LATEST, "max": Combine.MAX}


def indicator(ctx: Context, args: str) -> None:
    """Show a program's indicators, define one, or answer for a value that looked wrong."""
    words = args.split()
    answer = meaning_of(words[0], "correct", "remove") if len(words) == 2 else None
    if answer is not None:
        review(ctx, words[1], keep=answer == "correct")
        return
    mentions = extract_mentions(args)
    program = _program(ctx, mentions.programs)
    first, _, rest = mentions.rest.partition(" ")
    if not first:
        ctx.say(
            "indicator.overview",
            program=program,
            standings=indicators.standings(ctx.session, program),
        )
        return
    if not means(first, "add"):
        raise UserError("indicator.usage", program=program.code)
    wanted = _definition(ctx, program, rest)
    created = indicators.define(
        ctx.session, now=ctx.now, actor=ctx.person, program=program, wanted=wanted
    )
    ctx.say("indicator.added", indicator=created, program=program)


def _program(ctx: Context, codes: tuple[str, ...]) -> Program:
    if len(codes) > 1:
        raise UserError("common.one_program", codes=list(codes))
    if codes:
        return indicators.visible_program(ctx.session, ctx.person, codes[0])
    found = one_program(ctx, extract_mentions(""), required=True)
    assert found is not None
    return found


def _definition(ctx: Context, program: Program, text: str) -> indicators.Definition:
    """`penerima "Keluarga penerima" keluarga target 1200 baseline 0 [maks] [per wilayah]`."""
    m = DEFINITION.match(text.strip())
    if m is None or not text.strip():
        raise UserError("indicator.add_usage", program=program.code)
    words = m["rest"].split()
    at = next((n for n, w in enumerate(words) if means(w, "target")), None)
    if at is None or at + 1 >= len(words):
        raise UserError("indicator.add_usage", program=program.code)
    unit = " ".join(words[:at])
    target = _number(ctx, words[at + 1], program)
    baseline, combine, by_region = Decimal(0), Combine.SUM, False
    rest = words[at + 2 :]
    while rest:
        word, pair = rest[0], " ".join(rest[:2])
        if means(word, "baseline") and len(rest) > 1:
            baseline, rest = _number(ctx, rest[1], program), rest[2:]
        elif (rule := meaning_of(word, *COMBINE_WORDS)) is not None:
            combine, rest = COMBINE_WORDS[rule], rest[1:]
        elif means(pair.lower(), "by_region") or means(word, "by_region"):
            by_region, rest = True, rest[2:] if means(pair.lower(), "by_region") else rest[1:]
        else:
            raise UserError("indicator.unknown_combine", word=word[:40], program=program.code)
    return indicators.Definition(
        code=m["code"].lstrip("#"),
        name=" ".join((m["name"] or "").split()),
        unit=unit,
        target=target,
        baseline=baseline,
        combine=combine,
        by_region=by_region,
    )


def _number(ctx: Context, written: str, program: Program) -> Decimal:
    sign = -1 if written.startswith("-") else 1
    try:
        return sign * parse_amount(written.lstrip("-"), lang=ctx.person.language)
    except NumberError as error:
        if error.key == "number.too_large":
            raise
        raise UserError(
            "indicator.bad_number", written=written[:40], program=program.code
        ) from error


def count(ctx: Context, program: Program, update: FieldUpdate) -> Counting:
    """Feed the program's indicators from an update; a value that looks wrong goes to managers."""
    counting = indicator_values.count_update(
        ctx.session, now=ctx.now, actor=ctx.person, program=program, update=update
    )
    managers = indicator_values.managers_of(ctx.session, program)
    for found, value in counting.flagged:
        for manager in managers:
            _flag(ctx, manager, program, update, found, value)
    return counting


def _flag(
    ctx: Context,
    manager: Person,
    program: Program,
    update: FieldUpdate,
    found: indicators.Indicator,
    value: indicators.IndicatorValue,
) -> None:
    """Ask one manager, in their working time, whether a value that looks wrong is right."""
    when = WorkingTime.of(manager).next_allowed(ctx.now)
    ctx.notify(
        manager,
        "indicator.flagged_notice",
        dedupe_key=f"indicator-value:{value.id}:flagged",
        delay=when - ctx.now,
        buttons=(
            (
                ("button.value_correct", f"indicator correct {value.id}"),
                ("button.value_remove", f"indicator remove {value.id}"),
            ),
        ),
        indicator=found,
        value=value,
        program=program,
        update=update,
        reporter=ctx.person,
    )


def review(ctx: Context, word: str, *, keep: bool) -> None:
    """A manager's answer to a flagged value: Benar keeps it, Hapus withdraws it."""
    number = parse_number(word)
    if number is None:
        raise UserError("indicator.review_usage")
    done = indicator_values.review(
        ctx.session, now=ctx.now, actor=ctx.person, number=number, keep=keep
    )
    ctx.say(
        "indicator.confirmed" if keep else "indicator.removed",
        value=done.value,
        indicator=done.indicator,
        program=done.program,
        standing=indicators.standing(ctx.session, done.indicator),
    )


def withdraw_update(ctx: Context, word: str) -> None:
    """/batal lapor 9: the update and its values stop counting; its author is told."""
    number = parse_number(word)
    if number is None:
        raise UserError("update.withdraw_usage")
    update, program, values = indicator_values.withdraw(
        ctx.session, now=ctx.now, actor=ctx.person, number=number
    )
    author = ctx.session.get(Person, update.author_id)
    reach = ctx.tell(
        [author] if author is not None else [],
        "indicator.update_withdrawn_notice",
        dedupe_key=f"update:{number}:withdrawn",
        update=update,
        program=program,
        values=values,
        by=ctx.person,
    )
    ctx.say(
        "indicator.update_withdrawn", update=update, program=program, values=values, reach=reach
    )
