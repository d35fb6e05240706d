"""Working time: where Gotong's own reminders move when they fall outside it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.delivery.worktime import WorkingTime
from core.models import Person

WIB = ZoneInfo("Asia/Jakarta")


def working(quiet: str = "21:00-07:00", workdays: str = "12345") -> WorkingTime:
    return WorkingTime.of(
        Person(handle="x", name="X", role="field", quiet_hours=quiet, workdays=workdays)
    )


class TestPreviousAllowed:
    """A reminder that must come before a moment moves back to the previous working time."""

    def test_allowed_moment_stays(self) -> None:
        """A moment inside working time is kept as it is."""
        at = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)
        assert working().previous_allowed(at) == at

    def test_saturday_goes_back_to_friday_at_the_same_time(self) -> None:
        """Saturday 09:00 becomes Friday 09:00: the clock time is kept on an earlier day."""
        at = datetime(2026, 11, 28, 9, 0, tzinfo=WIB)
        assert working().previous_allowed(at) == datetime(2026, 11, 27, 9, 0, tzinfo=WIB)

    def test_without_keeping_the_clock_friday_ends_before_quiet_hours(self) -> None:
        """keep_clock=False (Friday 09:00 has passed): Saturday 09:00 becomes Friday 20:59."""
        at = datetime(2026, 11, 28, 9, 0, tzinfo=WIB)
        assert working().previous_allowed(at, keep_clock=False) == datetime(
            2026, 11, 27, 20, 59, tzinfo=WIB
        )

    def test_quiet_saturday_night_goes_back_to_friday_before_quiet_hours(self) -> None:
        """Saturday 22:00 (quiet anyway) becomes Friday 20:59, before Friday's quiet hours."""
        at = datetime(2026, 11, 28, 22, 0, tzinfo=WIB)
        assert working().previous_allowed(at) == datetime(2026, 11, 27, 20, 59, tzinfo=WIB)

    def test_small_hours_go_back_to_the_evening_before(self) -> None:
        """Tuesday 05:00 (quiet since Monday 21:00) becomes Monday 20:59."""
        at = datetime(2026, 12, 1, 5, 0, tzinfo=WIB)
        assert working().previous_allowed(at) == datetime(2026, 11, 30, 20, 59, tzinfo=WIB)

    def test_quiet_hours_within_a_day(self) -> None:
        """Quiet hours 12:00-13:00: 12:30 becomes 11:59 the same day."""
        at = datetime(2026, 11, 27, 12, 30, tzinfo=WIB)
        assert working("12:00-13:00").previous_allowed(at) == datetime(
            2026, 11, 27, 11, 59, tzinfo=WIB
        )

    def test_quiet_from_midnight_goes_to_the_day_before(self) -> None:
        """Quiet hours 00:00-06:00: Tuesday 05:00 becomes Monday 23:59."""
        at = datetime(2026, 12, 1, 5, 0, tzinfo=WIB)
        assert working("00:00-06:00").previous_allowed(at) == datetime(
            2026, 11, 30, 23, 59, tzinfo=WIB
        )

    def test_public_holiday_is_skipped(self) -> None:
        """Christmas (25 Dec 2026) and its cuti bersama (24 Dec) are passed over to 23 Dec, same time."""
        at = datetime(2026, 12, 25, 10, 0, tzinfo=WIB)
        assert working().previous_allowed(at) == datetime(2026, 12, 23, 10, 0, tzinfo=WIB)

    def test_answer_is_in_the_zone_it_was_asked_in(self) -> None:
        """A UTC moment gets a UTC answer."""
        at = datetime(2026, 11, 28, 2, 0, tzinfo=ZoneInfo("UTC"))
        assert working().previous_allowed(at).tzinfo == at.tzinfo


class TestAddWorkingDays:
    """Counting a partner's working days: weekends, holidays and cuti bersama do not count."""

    def test_friday_plus_two_is_tuesday(self) -> None:
        at = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)
        assert working().add_working_days(at, 2) == datetime(2026, 12, 1, 10, 0, tzinfo=WIB)

    def test_christmas_and_the_weekend_do_not_count(self) -> None:
        """Thursday 24 Dec (cuti bersama) + 2: Friday 25 is Natal, then the weekend; Monday 28
        is the first working day and Tuesday 29 the second."""
        at = datetime(2026, 12, 24, 10, 0, tzinfo=WIB)
        assert working().add_working_days(at, 2) == datetime(2026, 12, 29, 10, 0, tzinfo=WIB)

    def test_a_time_in_quiet_hours_moves_to_the_working_morning_after(self) -> None:
        """Asked Monday 22:00: two working days later is Wednesday 22:00, quiet, so Thursday
        morning."""
        at = datetime(2026, 11, 30, 22, 0, tzinfo=WIB)
        assert working().add_working_days(at, 2) == datetime(2026, 12, 3, 8, 0, tzinfo=WIB)

    def test_a_six_day_week_counts_saturday(self) -> None:
        at = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)
        assert working(workdays="123456").add_working_days(at, 2) == datetime(
            2026, 11, 30, 10, 0, tzinfo=WIB
        )
