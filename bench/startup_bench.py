"""Start-up cost, as multiples of a bare `python -c pass` taken in the same run.

Prints the wall time (median of several runs) of: a bare Python start, `import bot.cli`,
`gotong --help`, and a real `gotong run` until its first getUpdates reaches the fake Telegram
Bot API over loopback (SQLite, schema already current: the ordinary restart). Issue 16's goal
is `gotong run` to its first getUpdates within 1.5 s.

Run: python -m bench.startup_bench [--runs 5] [--tree PATH ...]
(`--tree` measures other checkouts too, e.g. main before a change, in the same run.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.fakes.telegram_api import Params
from tests.fakes.telegram_server import FakeTelegram

ROOT = Path(__file__).parent.parent
GOTONG = "from bot.cli import app; app()"


def _env(tree: Path, **extra: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(tree), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "GOTONG_LOG_LEVEL": "WARNING", **extra}


def wall(argv: list[str], env: dict[str, str], tree: Path) -> float:
    """Seconds one process takes from start to exit."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=tree, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv[-2:])} failed: {done.stderr.strip()[-300:]}")
    return time.perf_counter() - start


def children_cpu() -> float:
    """CPU seconds (user + system) of the child processes that ended so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(run: Callable[[], float]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the processes it ran): on a busy shared machine the CPU
    seconds vary far less than the wall time."""
    before = children_cpu()
    seconds = run()
    return seconds, children_cpu() - before


class PolledTelegram(FakeTelegram):
    """The fake Bot API, noting when a getUpdates arrives (a long poll is recorded at its end)."""

    polled = False

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        self.polled = True
        return await super()._get_updates(params)


async def first_poll(tree: Path, database_url: str) -> float:
    """Seconds from starting `gotong run` to its first getUpdates at the fake Bot API."""
    tg = PolledTelegram()
    async with tg:
        env = _env(
            tree,
            GOTONG_DATABASE_URL=database_url,
            TELEGRAM_BOT_TOKEN=tg.token,
            TELEGRAM_API_BASE_URL=tg.base_url,
            TELEGRAM_FILE_BASE_URL=tg.base_file_url,
        )
        start = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            GOTONG,
            "run",
            cwd=tree,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            while not tg.polled:
                if process.returncode is not None or time.perf_counter() - start > 60:
                    raise SystemExit("gotong run stopped before polling")
                await asyncio.sleep(0.005)
            return time.perf_counter() - start
        finally:
            process.send_signal(signal.SIGTERM)
            await process.wait()


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def measure(tree: Path, runs: int, database: str | None = None) -> list[tuple[str, float, float]]:
    """The four figures for one checkout: (what, wall seconds, CPU seconds), medians; `gotong
    run` on `database` (default: a new SQLite file)."""
    env = _env(tree)
    python = [sys.executable]

    def median_of(run: Callable[[], float]) -> tuple[float, float]:
        samples = [timed(run) for _ in range(runs)]
        return median([w for w, _ in samples]), median([c for _, c in samples])

    figures = [
        ("bare python -c pass", *median_of(lambda: wall([*python, "-c", "pass"], env, tree))),
        (
            "python -c 'import bot.cli'",
            *median_of(lambda: wall([*python, "-c", "import bot.cli"], env, tree)),
        ),
        ("gotong --help", *median_of(lambda: wall([*python, "-c", GOTONG, "--help"], env, tree))),
    ]
    with tempfile.TemporaryDirectory() as folder:
        url = database or f"sqlite:///{Path(folder) / 'startup.db'}"
        wall([*python, "-c", GOTONG, "db", "upgrade"], _env(tree, GOTONG_DATABASE_URL=url), tree)
        # CPU includes the orderly stop after the first poll.
        polled = median_of(lambda: asyncio.run(first_poll(tree, url)))
    figures.append(("gotong run -> first getUpdates", *polled))
    return figures


def run(scale: str = "small", database: str | None = None) -> list[tuple[str, str, str]]:
    """The start-up figures (medians of 3; 5 at national scale), `gotong run` on `database`.
    The CPU seconds of the processes vary far less with the machine's load than the wall time."""
    from bench.places import database_at

    with database_at(database, "startup") as url:
        figures = measure(ROOT.resolve(), 5 if scale == "national" else 3, url)
    (_, bare, _), (_, _, _), (_, help_wall, help_cpu), (_, run_wall, run_cpu) = figures
    return [
        ("start-up: gotong --help, wall", f"{help_wall:.2f} s", "<= 1 s"),
        ("start-up: gotong --help, CPU", f"{help_cpu:.2f} s", ""),
        ("start-up: gotong --help / bare python, wall", f"{help_wall / bare:.1f} x", ""),
        ("start-up: gotong run -> first getUpdates, wall", f"{run_wall:.2f} s", "<= 1.5 s"),
        ("start-up: gotong run -> first getUpdates, CPU", f"{run_cpu:.2f} s", ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", type=Path, action="append", default=[])
    options = parser.parse_args()
    for tree in [ROOT, *options.tree]:
        figures = measure(tree.resolve(), options.runs)
        _, bare, bare_cpu = figures[0]
        print(f"{tree.resolve()} (median of {options.runs})")
        print(f"{'':<42} {'wall s':>7} {'x bare':>7} {'CPU s':>7} {'x bare':>7}")
        for label, seconds, cpu in figures:
            print(
                f"{label:<42} {seconds:7.3f} {seconds / bare:7.1f} {cpu:7.3f} {cpu / bare_cpu:7.1f}"
            )


if __name__ == "__main__":
    main()
