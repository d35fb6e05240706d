"""Every message a person reads is a Jinja2 macro in templates/<lang>/<area>.j2.

A key "task.created" names the macro `created` in `task.j2`. Filters that show moments and
money read the reader's language and time zone from the template context, so one macro
call renders the whole message for one person.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_timedelta
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from core.language import numbers, zones
from core.messages import escape_markup

LANGUAGES = ("id", "en")
MODULES_KEPT = 256


def templates_dir() -> Path:
    """Where the shipped templates live (inside the installed package too)."""
    return Path(str(files("templates")))


def language_or_default(language: str | None, default: str = "id") -> str:
    """A supported language code for `language`, falling back to `default`."""
    code = (language or "").lower().split("-")[0]
    return code if code in LANGUAGES else default


@pass_context
def _moment(context: Context, value: datetime) -> str:
    return zones.format_moment(value, lang=context["lang"], tz=context["tz"])


@pass_context
def _day(context: Context, value: datetime) -> str:
    return zones.format_day(value, lang=context["lang"], tz=context["tz"])


@pass_context
def _short(context: Context, value: datetime) -> str:
    return zones.format_short(value, lang=context["lang"], tz=context["tz"], now=context["now"])


@pass_context
def _date(context: Context, value: date) -> str:
    return format_date(value, "d MMMM y", locale=context["lang"])


@pass_context
def _ago(context: Context, value: timedelta) -> str:
    # "2 jam", "45 menit": how long, rounded to the largest sensible unit.
    return format_timedelta(value, threshold=1.5, locale=context["lang"])


@pass_context
def _amount(context: Context, value: Decimal, currency: str = "IDR") -> str:
    return numbers.format_amount(value, lang=context["lang"], currency=currency)


@pass_context
def _figure(context: Context, value: Decimal, unit: str) -> str:
    return numbers.format_figure(Decimal(value), unit, lang=context["lang"])


@pass_context
def _number(context: Context, value: Decimal | int) -> str:
    return numbers.format_number(Decimal(value), lang=context["lang"])


def _literal(value: Any) -> str:
    # Every {{ value }} is escaped, so nobody's title or name can add **bold** to a reply; the
    # markup itself is written in the templates' own text, which this never touches.
    return escape_markup(str(value))


class Catalog:
    """Renders message keys for one reader."""

    def __init__(self, directory: Path | None = None) -> None:
        self.env = Environment(
            loader=FileSystemLoader(directory or templates_dir()),
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            finalize=_literal,
        )
        self._modules: dict[tuple[str, str, str, datetime], Any] = {}
        self.env.filters.update(
            moment=_moment,
            day=_day,
            short=_short,
            date=_date,
            ago=_ago,
            amount=_amount,
            number=_number,
            figure=_figure,
        )

    def render(self, key: str, *, lang: str, tz: str, now: datetime, **params: Any) -> str:
        """The text of message `key` for a reader of `lang` in time zone `tz`."""
        area, _, name = key.partition(".")
        macro = getattr(
            self._module(f"{language_or_default(lang)}/{area}.j2", lang, tz, now), name, None
        )
        if macro is None:
            raise KeyError(f"no message {key!r} for language {lang!r}")
        return "\n".join(line.rstrip() for line in str(macro(**params)).strip().splitlines())

    def _module(self, path: str, lang: str, tz: str, now: datetime) -> Any:
        """The template's macros for one reader's language, zone and moment, made once: a
        morning's digests share a handful, and making one costs more than most replies.

        The moment counts to the second (replies show minutes at most): with a real clock
        every message has its own microsecond, and a module made per reply cost a fifth of
        handling one.
        """
        now = now.replace(microsecond=0)
        found = (path, lang, tz, now)
        module = self._modules.get(found)
        if module is None:
            if len(self._modules) >= MODULES_KEPT:
                self._modules.clear()
            template = self.env.get_template(path)
            module = template.make_module(vars={"lang": lang, "tz": tz, "now": now})
            self._modules[found] = module
        return module

    def keys(self, lang: str) -> set[str]:
        """Every message key defined for `lang`, to check both languages say the same things."""
        found: set[str] = set()
        for path in sorted((templates_dir() / lang).glob("*.j2")):
            template = self.env.get_template(f"{lang}/{path.name}")
            module = template.make_module(vars={"lang": lang, "tz": "UTC", "now": None})
            found |= {
                f"{path.stem}.{name}"
                for name in dir(module)
                if not name.startswith("_") and callable(getattr(module, name))
            }
        return found
