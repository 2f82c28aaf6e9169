"""Statutory deadlines: a rule set's figure applied to the day something happened, and where it stands.

Counting follows the Civil Code: a period in days starts the day after the event (art. 201) and
ends at the end of its last day; if that last day is a statutory rest day (法定休假日: a weekend or
a public holiday by the official calendar), the period ends on the next working day (art. 203).
Months end on the same date of the last month, or on its last day when that month is shorter
(art. 202). Working days (工作日, where a text says so) use the official calendar, so a 调休
Saturday counts. "N days before" (publicity before a meeting, a report before the term ends) counts
back from the later date and is not moved: it is the latest day the step may happen.
"""

from __future__ import annotations

import calendar as _calendar
import datetime
from dataclasses import dataclass
from typing import Literal

from anju.domain.errors import DomainError
from anju.domain.stewardship.rulesets import RuleSet
from anju.domain.workdays import Calendar, add_workdays, default_calendar

DAY = datetime.timedelta(days=1)
State = Literal["done", "done_late", "overdue", "due_soon", "open"]
DUE_SOON_DAYS = 7


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same date `months` later (or earlier), or the month's last day (Civil Code art. 202)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def _next_workday(day: datetime.date, cal: Calendar) -> datetime.date:
    while not cal.is_workday(day):
        day += DAY
    return day


def _amount(rules: RuleSet, key: str) -> tuple[int, str]:
    figure = rules.figure(key)
    unit = figure.meaning.unit
    if unit not in ("calendar_days", "working_days", "months", "years"):
        raise DomainError(f"「{figure.meaning.zh}」不是期限", f"{figure.meaning.en} is not a period", field=key)
    if not isinstance(figure.value, int) or isinstance(figure.value, bool):
        raise DomainError(f"所选规则集未规定「{figure.meaning.zh}」", f"The rule set sets no {figure.meaning.en}",
                          field=key)
    return figure.value, unit


def deadline_after(rules: RuleSet, key: str, start: datetime.date, cal: Calendar | None = None) -> datetime.date:
    """The last day for a step that must happen within the figure `key` after `start`."""
    cal = cal or default_calendar()
    n, unit = _amount(rules, key)
    if unit == "working_days":
        return add_workdays(start, n, cal)
    end = start + n * DAY if unit == "calendar_days" else add_months(start, n if unit == "months" else 12 * n)
    return _next_workday(end, cal)


def latest_before(rules: RuleSet, key: str, event: datetime.date, cal: Calendar | None = None) -> datetime.date:
    """The latest day for a step that must happen the figure `key` before `event` (15 日前公示)."""
    cal = cal or default_calendar()
    n, unit = _amount(rules, key)
    if unit == "working_days":
        return add_workdays(event, -n, cal)
    if unit == "calendar_days":
        return event - n * DAY
    return add_months(event, -(n if unit == "months" else 12 * n))


@dataclass(frozen=True, slots=True)
class Due:
    """Where a deadline stands on `today`: days_left < 0 is overdue by that many days."""

    deadline: datetime.date
    state: State
    days_left: int

    @property
    def zh(self) -> str:
        if self.state == "done":
            return "已按期完成"
        if self.state == "done_late":
            return "已完成（逾期）"
        if self.state == "overdue":
            return f"已逾期 {-self.days_left} 天"
        if self.days_left == 0:
            return "今天到期"
        return f"还剩 {self.days_left} 天"

    @property
    def en(self) -> str:
        if self.state == "done":
            return "done on time"
        if self.state == "done_late":
            return "done late"
        if self.state == "overdue":
            return f"overdue by {-self.days_left} days"
        return "due today" if self.days_left == 0 else f"{self.days_left} days left"


def due(deadline: datetime.date, today: datetime.date, done_on: datetime.date | None = None) -> Due:
    """The state of a step due by `deadline` (inclusive), done on `done_on` if it is done."""
    days_left = (deadline - today).days
    if done_on is not None:
        return Due(deadline, "done" if done_on <= deadline else "done_late", days_left)
    if days_left < 0:
        return Due(deadline, "overdue", days_left)
    return Due(deadline, "due_soon" if days_left <= DUE_SOON_DAYS else "open", days_left)
