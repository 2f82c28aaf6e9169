"""Working days (工作日) of the mainland Chinese official calendar: Monday to Friday, minus the public
holidays, plus the make-up working Saturdays and Sundays (调休上班) the State Council General Office
publishes each year (国务院办公厅关于20XX年部分节假日安排的通知).

The dates live in `workdays_cn.json` next to this module, one entry per year with its source. Only
entries marked `verified` are applied; a year without one (a future year whose notice is not out yet)
is counted plain Monday to Friday, and `calendar_covers` says so, so pages can warn.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from anju.domain.errors import DomainError

__all__ = [
    "Calendar", "add_workdays", "calendar_covers", "default_calendar", "holiday_name", "is_workday",
    "load_calendar", "workdays_between",
]

DATA_FILE = Path(__file__).with_name("workdays_cn.json")
_SATURDAY = 5
_ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    """Official days off that fall on Monday–Friday's rule, and make-up working weekend days, by date."""

    holidays: dict[datetime.date, str]
    makeup_workdays: frozenset[datetime.date]
    years: frozenset[int]

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.makeup_workdays:
            return True
        return day.weekday() < _SATURDAY and day not in self.holidays


def _date(text: str, year: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"节假日数据 {year} 年的日期“{text}”无法识别", f"Holiday data {year}: bad date {text!r}") from exc


def calendar_from_data(data: dict) -> Calendar:
    """Build a calendar from the JSON structure; unverified years are skipped, inconsistent ones refused."""
    holidays: dict[datetime.date, str] = {}
    makeup: set[datetime.date] = set()
    years: set[int] = set()
    for year, entry in data["years"].items():
        if not entry.get("verified"):
            continue
        years.add(int(year))
        for span in entry["holidays"]:
            first, last = _date(span["from"], year), _date(span["to"], year)
            if last < first or (last - first).days > 15:
                raise DomainError(f"节假日数据 {year} 年“{span['name']}”的起止日期不合理",
                                  f"Holiday data {year}: {span['name']} runs from {first} to {last}")
            day = first
            while day <= last:
                holidays[day] = span["name"]
                day += _ONE_DAY
        for text in entry["workdays"]:
            day = _date(text, year)
            # A make-up day is always a Saturday or Sunday outside the holidays: anything else is a typo.
            if day.weekday() < _SATURDAY or day in holidays:
                raise DomainError(f"节假日数据 {year} 年的调休上班日 {day} 不是周末或与假期重叠",
                                  f"Holiday data {year}: make-up working day {day} is not a free weekend day")
            makeup.add(day)
    return Calendar(holidays=holidays, makeup_workdays=frozenset(makeup), years=frozenset(years))


def load_calendar(path: Path = DATA_FILE) -> Calendar:
    return calendar_from_data(json.loads(path.read_text(encoding="utf-8")))


@cache
def default_calendar() -> Calendar:
    """The calendar from the data file shipped with Anju, read once."""
    return load_calendar()


def is_workday(day: datetime.date, calendar: Calendar | None = None) -> bool:
    """Whether offices work on `day` (a make-up Saturday counts, a holiday Monday does not)."""
    return (calendar or default_calendar()).is_workday(day)


def holiday_name(day: datetime.date, calendar: Calendar | None = None) -> str | None:
    """The holiday `day` belongs to (春节, 国庆节…), or None."""
    return (calendar or default_calendar()).holidays.get(day)


def calendar_covers(days: Iterable[datetime.date], calendar: Calendar | None = None) -> bool:
    """Whether every day's year has an official (verified) entry; otherwise it was counted Monday–Friday."""
    years = (calendar or default_calendar()).years
    return all(day.year in years for day in days)


def add_workdays(day: datetime.date, n: int, calendar: Calendar | None = None) -> datetime.date:
    """The n-th working day after `day` (n > 0), before it (n < 0), or `day` itself (n = 0).

    `day` itself never counts, working day or not: a suggestion made on Friday with 3 working days to
    answer is due on Wednesday. For n ≥ 0 and any t: add_workdays(d, n) < t exactly when
    d < add_workdays(t, -n), which lets a database query find every late item with one date bound.
    """
    cal = calendar or default_calendar()
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    left = abs(n)
    while left:
        day += step
        if cal.is_workday(day):
            left -= 1
    return day


def workdays_between(start: datetime.date, end: datetime.date, calendar: Calendar | None = None) -> int:
    """Working days after `start` up to and including `end` (negative if `end` is before `start`).

    So workdays_between(d, add_workdays(d, n)) == n, and the counts over [a, b] and [b, c] add up.
    """
    cal = calendar or default_calendar()
    if end < start:
        return -workdays_between(end, start, cal)
    count = 0
    day = start
    while day < end:
        day += _ONE_DAY
        count += cal.is_workday(day)
    return count
