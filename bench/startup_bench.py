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
import signal
import statistics
import subprocess
import sys
import tempfile
import time
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
    subprocess.run(argv, env=env, cwd=tree, check=True, capture_output=True)
    return time.perf_counter() - start


class PolledTelegram(FakeTelegram):
    """The fake Bot API, noting when a getUpdates arrives (a long poll is recorded at its end)."""

    polled = False

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        self.polled = True
        return await super()._get_updates(params)


async def first_poll(tree: Path, database_url: str) -> float:
    """Seconds from starting `gotong run` to its first getUpdates at the fake Bot API."""
    async with PolledTelegram() as tg:
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


def measure(tree: Path, runs: int) -> list[tuple[str, float]]:
    """The four figures for one checkout, in seconds."""
    env = _env(tree)
    python = [sys.executable]
    bare = median([wall([*python, "-c", "pass"], env, tree) for _ in range(runs)])
    imported = median([wall([*python, "-c", "import bot.cli"], env, tree) for _ in range(runs)])
    helped = median([wall([*python, "-c", GOTONG, "--help"], env, tree) for _ in range(runs)])
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'startup.db'}"
        wall([*python, "-c", GOTONG, "db", "upgrade"], _env(tree, GOTONG_DATABASE_URL=url), tree)
        polled = median([asyncio.run(first_poll(tree, url)) for _ in range(runs)])
    return [
        ("bare python -c pass", bare),
        ("python -c 'import bot.cli'", imported),
        ("gotong --help", helped),
        ("gotong run -> first getUpdates (SQLite)", polled),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", type=Path, action="append", default=[])
    options = parser.parse_args()
    for tree in [ROOT, *options.tree]:
        figures = measure(tree.resolve(), options.runs)
        bare = figures[0][1]
        print(
            f"{str(tree.resolve()) + ' (median of ' + str(options.runs) + ')':<44} {'seconds':>8}"
            f" {'x bare python':>14}"
        )
        for label, seconds in figures:
            print(f"{label:<44} {seconds:8.3f} {seconds / bare:14.1f}")


if __name__ == "__main__":
    main()
