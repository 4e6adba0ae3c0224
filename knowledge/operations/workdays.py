"""Working days in Indonesian government offices: Monday to Friday, except public holidays (the `holidays`
package's Indonesia calendar, computed offline for any year, Idul Fitri and Natal included) and the cuti
bersama days the government announces each year (CUTI_BERSAMA in .env, because the joint decree changes
them and the package only knows past years).

Reminders ("H-3" is three working days before the due date), "5 hari kerja" deadlines and the sending days
all count with one `WorkCalendar`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays

SATURDAY = 5  # date.weekday()
COUNTRY = "ID"


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> dict[date, str]:
    """The national public holidays of one year (names in Indonesian), from the package's rules."""
    calendar = holidays.country_holidays(COUNTRY, years=year, categories=("public",), language="id")
    return dict(calendar.items())


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days. `public_holidays=False` counts weekends only (a test or a deployment
    that does not follow the national calendar); `weekends=True` makes Saturday and Sunday working days."""

    cuti_bersama: frozenset[date] = field(default_factory=frozenset)
    public_holidays: bool = True
    weekends: bool = False

    @classmethod
    def from_settings(cls, settings: Any) -> WorkCalendar:
        return cls(
            cuti_bersama=frozenset(getattr(settings, "cuti_bersama", None) or ()),
            public_holidays=bool(getattr(settings, "public_holidays", True)),
            weekends=bool(getattr(settings, "reminder_weekends", False)),
        )

    def holiday_name(self, day: date) -> str | None:
        """ "Hari Raya Idul Fitri", "Cuti Bersama" or None."""
        if day in self.cuti_bersama:
            return "Cuti Bersama"
        if self.public_holidays:
            return _public_holidays(day.year).get(day)
        return None

    def is_working_day(self, day: date) -> bool:
        if not self.weekends and day.weekday() >= SATURDAY:
            return False
        return self.holiday_name(day) is None

    def previous_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the nearest one before it."""
        for _ in range(366):
            if self.is_working_day(day):
                return day
            day -= timedelta(days=1)
        return day

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the nearest one after it."""
        for _ in range(366):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """`count` working days after `day` (before it when negative); `day` itself does not count."""
        step = timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        for _ in range(remaining * 10 + 366):  # a bound, in case a calendar marks every day a holiday
            if remaining == 0:
                break
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_before(self, due: date, count: int) -> date:
        """The day "H-`count`". A due date on a weekend or holiday must be met the working day before (a
        deadline on Idul Fitri is met on its eve): that day is "H", and H-`count` lies `count` working days
        before it, so the reminders keep their spacing."""
        return self.add_working_days(self.previous_working_day(due), -max(count, 0))


def parse_dates(values: Iterable[object]) -> list[date]:
    """ISO dates from a setting (`2024-04-08, 2024-04-09`); a date already parsed passes through."""
    days: list[date] = []
    for value in values:
        if isinstance(value, date):
            days.append(value)
        elif str(value).strip():
            days.append(date.fromisoformat(str(value).strip()))
    return sorted(set(days))


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The calendar of this process's settings (for code that has no settings at hand, e.g. date parsing)."""
    from knowledge.config import get_settings

    return WorkCalendar.from_settings(get_settings())
