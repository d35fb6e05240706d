"""A person's working time: which days they work, their quiet hours, their morning.

Reminders Gotong sends on its own (a task due tomorrow, a meeting in an hour) respect it;
reminders a person set for themselves keep the exact moment they asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.errors import UserError
from core.language.calendar_dates import holiday_name, indonesian_holidays
from core.language.calendar_words import WEEKDAYS
from core.models import Person

# Short Indonesian day names people type in settings ("sen-jum").
__all__ = ["WorkingTime", "holiday_name", "indonesian_holidays", "parse_quiet_hours"]

SHORT_DAYS = {"sen": 0, "sel": 1, "rab": 2, "kam": 3, "jum": 4, "sab": 5, "min": 6, "sun": 6}
RANGE = re.compile(r"^(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})$")


@dataclass(frozen=True)
class WorkingTime:
    """When a person may be reminded by Gotong."""

    zone: ZoneInfo
    workdays: frozenset[int]  # 0 = Monday
    quiet_start: time
    quiet_end: time
    morning: time

    @classmethod
    def of(cls, person: Person) -> WorkingTime:
        """The working time a person has set (or the defaults)."""
        start, end = parse_quiet_hours(person.quiet_hours)
        hour, minute = (int(x) for x in person.morning.split(":"))
        return cls(
            zone=ZoneInfo(person.timezone),
            workdays=frozenset(int(d) - 1 for d in person.workdays),
            quiet_start=start,
            quiet_end=end,
            morning=time(hour, minute),
        )

    def works_on(self, day: date) -> bool:
        """A working day: one of the person's weekdays and not a public holiday."""
        return day.weekday() in self.workdays and holiday_name(day) is None

    def quiet_at(self, moment: time) -> bool:
        """Whether a local clock time falls in the quiet hours."""
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= moment < self.quiet_end
        return moment >= self.quiet_start or moment < self.quiet_end

    def allows(self, at: datetime) -> bool:
        """Whether Gotong may remind the person at this moment."""
        local = at.astimezone(self.zone)
        return self.works_on(local.date()) and not self.quiet_at(local.time())

    def next_allowed(self, at: datetime) -> datetime:
        """`at` itself when allowed, else the next working morning."""
        if self.allows(at):
            return at
        local = at.astimezone(self.zone)
        morning = self.morning if not self.quiet_at(self.morning) else self.quiet_end
        day = local.date()
        if local.time() >= morning:
            day += timedelta(days=1)
        for _ in range(366):
            if self.works_on(day):
                return datetime.combine(day, morning, tzinfo=self.zone).astimezone(at.tzinfo)
            day += timedelta(days=1)
        return at  # no working day in a year: never silence the reminder for good

    def previous_allowed(self, at: datetime, *, keep_clock: bool = True) -> datetime:
        """`at` itself when allowed, else the latest allowed moment before it.

        With `keep_clock`, an earlier day keeps the same clock time when it is allowed ("a day
        before the 17.00 deadline" on a Saturday becomes Friday 17.00, not Friday 20.59).
        """
        if self.allows(at):
            return at
        local = at.astimezone(self.zone)
        day, limit = local.date(), local.time().replace(tzinfo=None)
        earlier_days = limit if keep_clock and not self.quiet_at(limit) else time(23, 59)
        for _ in range(366):
            latest = self._latest_until(limit) if self.works_on(day) else None
            if latest is not None:
                return datetime.combine(day, latest, tzinfo=self.zone).astimezone(at.tzinfo)
            day, limit = day - timedelta(days=1), earlier_days
        return at  # no working day in a year: never silence the reminder for good

    def add_working_days(self, at: datetime, days: int) -> datetime:
        """The same clock time `days` working days after `at` (weekends and holidays skipped),
        moved to the next allowed moment when that time is quiet."""
        local = at.astimezone(self.zone)
        day, counted = local.date(), 0
        for _ in range(366 + days):
            if counted == days:
                break
            day += timedelta(days=1)
            counted += self.works_on(day)
        moment = datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=self.zone)
        return self.next_allowed(moment.astimezone(at.tzinfo))

    def _latest_until(self, limit: time) -> time | None:
        """The latest clock time at or before `limit` outside quiet hours, on the same day."""
        if not self.quiet_at(limit):
            return limit
        if time(0) < self.quiet_start <= limit:
            # Quiet hours are whole minutes, so the minute before they start is allowed.
            start = datetime.combine(date.min, self.quiet_start) - timedelta(minutes=1)
            return start.time()
        return None  # quiet since the day began: the previous day decides

    def morning_of(self, day: date) -> datetime:
        """The person's morning hour on a given local day."""
        return datetime.combine(day, self.morning, tzinfo=self.zone)


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """ "21:00-07:00" -> (21:00, 07:00); raises UserError for anything else."""
    match = RANGE.match(text.strip())
    if match is None:
        raise UserError("settings.bad_quiet_hours", value=text[:20])
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) == (h2, m2):
        raise UserError("settings.bad_quiet_hours", value=text[:20])
    return time(h1, m1), time(h2, m2)


def parse_workdays(text: str) -> str:
    """ "senin-jumat", "mon-sat", "senin,rabu,jumat" -> "12345"-style ISO weekday digits."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        ends = part.split("-")
        if not part or len(ends) > 2 or any(_day(e) is None for e in ends):
            raise UserError("settings.bad_workdays", value=text[:40])
        first, last = _day(ends[0]), _day(ends[-1])
        assert first is not None and last is not None
        span = (last - first) % 7
        days |= {(first + i) % 7 for i in range(span + 1)}
    return "".join(str(d + 1) for d in sorted(days))


def _day(word: str) -> int | None:
    return WEEKDAYS.get(word, SHORT_DAYS.get(word))
