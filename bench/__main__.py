"""Every benchmark in one run, one table.

`python -m bench all [--scale small|national] [--database URL]`.

Each module's `run(scale, database)` gives (figure, value, target) rows. Without --database
every one runs on a temporary SQLite file and on a scratch PostgreSQL database of its own
(bench/places.py; 127.0.0.1:5432); with it, on that database only. At the small scale the
whole run takes a few minutes on a 2-core machine. The machine is shared and noisy: a ratio
taken in one run compares; an absolute time is this run's only.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from types import ModuleType

# Run in this order; outbound_bench comes from another branch and may not be here yet.
MODULES = (
    "inbound_bench",
    "outbound_bench",
    "handle_bench",
    "parse_bench",
    "digest_bench",
    "export_bench",
    "reminders_bench",
    "startup_bench",
)
Rows = list[tuple[str, str, str]]


def available(name: str) -> ModuleType | None:
    """The benchmark module, or None when this checkout does not have it yet."""
    try:
        return importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"bench.{name}":
            raise  # the module is there, something it imports is not: say so
        return None


def met(value: str, target: str) -> str:
    """ "yes" or "no" for a target such as ">= 500 msg/s" or "<= 5 x"; "" when there is none."""
    wanted = re.match(r"\s*([<>]=)\s*([\d,.]+)", target)
    given = re.search(r"[\d,]*\.?\d+", value)
    if wanted is None or given is None:
        return ""
    limit, number = float(wanted[2].replace(",", "")), float(given[0].replace(",", ""))
    return "yes" if (number >= limit if wanted[1] == ">=" else number <= limit) else "no"


def measured(run: Callable[..., Rows], scale: str, database: str | None) -> Rows:
    """One module's rows, or one row saying why it could not run (the table still prints)."""
    try:
        return run(scale=scale, database=database)
    except Exception as error:  # one broken benchmark must not hide every other figure
        traceback.print_exc()
        return [(f"FAILED: {type(error).__name__}: {error}"[:90], "", "")]


def table(columns: list[str], results: dict[str, Rows]) -> list[str]:
    """The rows of every place side by side, a figure per line."""
    figures: dict[str, dict[str, str]] = {}
    targets: dict[str, str] = {}
    for column in columns:
        for figure, value, target in results[column]:
            figures.setdefault(figure, {})[column] = value
            targets.setdefault(figure, target)
    width = max([len(f) for f in figures] + [6])
    head = f"{'figure':<{width}}" + "".join(f" {c:>14}" for c in columns)
    lines = [head + f" {'target':>16} met?", "-" * (len(head) + 22)]
    for figure, values in figures.items():
        target = targets[figure]
        verdicts = [met(values.get(c, ""), target) for c in columns]
        cells = "".join(f" {values.get(c, '-'):>14}" for c in columns)
        lines.append(f"{figure:<{width}}{cells} {target:>16} {'/'.join(v for v in verdicts if v)}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["all", *MODULES], help="all, or one benchmark")
    parser.add_argument("--scale", choices=["small", "national"], default="small")
    parser.add_argument("--database", help="one database URL instead of SQLite and PostgreSQL")
    options = parser.parse_args()
    names = MODULES if options.what == "all" else (options.what,)
    places: dict[str, str | None] = (
        {"given": options.database}
        if options.database
        else {"SQLite": None, "PostgreSQL": "postgresql"}
    )
    results: dict[str, Rows] = {column: [] for column in places}
    started = time.perf_counter()
    for name in names:
        module = available(name)
        if module is None:
            print(f"{name}: not in this checkout, skipped", flush=True)
            continue
        for column, database in places.items():
            print(f"{name} on {column} ...", flush=True)
            results[column] += measured(module.run, options.scale, database)
    took = time.perf_counter() - started
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\npython -m bench {options.what} --scale {options.scale}: {when}, "
          f"{os.cpu_count()} CPUs, load {load}, {took:.0f} s")  # fmt: skip
    print("\n".join(table(list(places), results)))


if __name__ == "__main__":
    main()
