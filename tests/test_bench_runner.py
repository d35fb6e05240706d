"""`python -m bench all`: its verdicts on targets, and a benchmark not in this checkout."""

from __future__ import annotations

import pytest

from bench.__main__ import available, met, table


class TestRunner:
    @pytest.mark.parametrize(
        ("value", "target", "verdict"),
        [
            ("612 msg/s", ">= 500 msg/s", "yes"),
            ("53 msg/s", ">= 500 msg/s", "no"),
            ("4.9 x", "<= 5 x", "yes"),
            ("20.4 x", "<= 5 x", "no"),
            ("1,943 /s", ">= 1,500 /s", "yes"),
            ("11 / 11", "equal", ""),
            ("63 msg/s", "", ""),
        ],
    )
    def test_a_value_is_judged_against_its_target(
        self, value: str, target: str, verdict: str
    ) -> None:
        """A number against ">= n" or "<= n" says yes or no; no target, no verdict."""
        assert met(value, target) == verdict

    def test_a_benchmark_missing_from_the_checkout_is_skipped(self) -> None:
        """A module another branch adds later is None here, not an error."""
        assert available("no_such_bench") is None
        assert available("parse_bench") is not None

    def test_the_table_puts_both_databases_side_by_side(self) -> None:
        """One line per figure with each place's value, the target and the verdicts."""
        results = {
            "SQLite": [("inbound: core / floor", "4.0 x", "<= 5 x")],
            "PostgreSQL": [("inbound: core / floor", "6.0 x", "<= 5 x")],
        }
        line = table(["SQLite", "PostgreSQL"], results)[-1]
        assert line.startswith("inbound: core / floor")
        assert "4.0 x" in line and "6.0 x" in line
        assert line.endswith("yes/no")
