"""Accounts in public (公示): which disclosures a compound owes by a date, when each is due, which are late.

Civil Code art. 281 says the fund's raising and use are published regularly, art. 943 that the manager
regularly discloses its fees, the fund's use and the income from common parts; how often is the rule
set's (`fund_publication_months`, `common_income_publication_months`,
`manager_accounts_publication_months`: 12, 6 or 3 months, Shanghai art. 66, Beijing art. 70).

A period of `months` is aligned to the calendar year (12: the year; 6: 上半年 1–6 and 下半年 7–12;
3: the quarters), so "at least every six months" reads as one statement per half-year. A period's
statement can only be written once it has ended; it is due `disclosure_grace_days` after the last day
(no text sets that figure: 30 calendar days where the rule set leaves it open), moved to the next
working day like every other deadline (Civil Code arts. 201, 203, `deadlines`). A compound owes the
periods from the one in which its calendar starts (the fund account opened, the contract began) to the
last one that has ended by `today`.

The committee's decisions are events, not periods: each is published within
`committee_decision_publicity_days` of its meeting (北京 art. 45, 上海 art. 26: three days).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from anju.domain.errors import DomainError
from anju.domain.stewardship import deadlines
from anju.domain.stewardship.deadlines import Due, add_months
from anju.domain.stewardship.rulesets import RuleSet
from anju.domain.workdays import Calendar, default_calendar

Kind = Literal["fund", "common_income", "manager"]
DAY = datetime.timedelta(days=1)
GRACE_DEFAULT_DAYS = 30  # used only where the rule set sets no `disclosure_grace_days`
PERIOD_MONTHS = (1, 2, 3, 4, 6, 12)  # lengths that tile a calendar year


@dataclass(frozen=True, slots=True)
class KindInfo:
    figure: str  # the rule set's figure for how often
    zh: str
    en: str


KINDS: dict[str, KindInfo] = {
    "fund": KindInfo("fund_publication_months", "专项维修资金收支情况", "Maintenance fund accounts"),
    "common_income": KindInfo(
        "common_income_publication_months", "公共收益收支情况", "Common income and its spending"
    ),
    "manager": KindInfo(
        "manager_accounts_publication_months", "物业服务项目收支情况", "The manager's income and spending"
    ),
}

_QUARTERS = "一二三四"


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """From `start` to `end`, both days included."""

    start: datetime.date
    end: datetime.date

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def zh(self) -> str:
        """ "2025年度", "2025年下半年", "2025年第三季度" or "2025年1月至2月"."""
        y, m = self.start.year, self.months
        if m == 12:
            return f"{y}年度"
        if m == 6:
            return f"{y}年{'上' if self.start.month == 1 else '下'}半年"
        if m == 3:
            return f"{y}年第{_QUARTERS[(self.start.month - 1) // 3]}季度"
        if m == 1:
            return f"{y}年{self.start.month}月"
        return f"{y}年{self.start.month}月至{self.end.month}月"

    @property
    def en(self) -> str:
        y, m = self.start.year, self.months
        if m == 12:
            return str(y)
        if m == 6:
            return f"{y} H{1 if self.start.month == 1 else 2}"
        if m == 3:
            return f"{y} Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m} to {self.end:%Y-%m}"


def _check_months(months: int) -> None:
    if months not in PERIOD_MONTHS:
        raise DomainError(
            f"公示周期须为 {'、'.join(map(str, PERIOD_MONTHS))} 个月之一（现为 {months}）",
            f"A disclosure period must be one of {PERIOD_MONTHS} months (is {months})",
            field="months",
        )


def period_containing(day: datetime.date, months: int) -> Period:
    """The calendar-aligned period of `months` that contains `day`."""
    _check_months(months)
    first = datetime.date(day.year, (day.month - 1) // months * months + 1, 1)
    return Period(first, add_months(first, months) - DAY)


def ended_periods(months: int, since: datetime.date, today: datetime.date) -> list[Period]:
    """Every period from the one containing `since` to the last one that ended before `today`."""
    out: list[Period] = []
    period = period_containing(since, months)
    while period.end < today:
        out.append(period)
        period = period_containing(period.end + DAY, months)
    return out


def grace_days(rules: RuleSet) -> int:
    value = rules.value("disclosure_grace_days")
    return GRACE_DEFAULT_DAYS if value is None else int(value)


def due_on(rules: RuleSet, period: Period, cal: Calendar | None = None) -> datetime.date:
    """The last day to publish `period`'s statement: its end + the grace days, on a working day."""
    cal = cal or default_calendar()
    day = period.end + grace_days(rules) * DAY
    while not cal.is_workday(day):
        day += DAY
    return day


def months_of(rules: RuleSet, kind: str) -> int | None:
    """How often the rule set asks for `kind` (None: this text sets no period for it)."""
    value = rules.value(KINDS[kind].figure)
    return None if value is None else int(value)


@dataclass(frozen=True, slots=True)
class Owed:
    """One disclosure a compound owes, and where it stands."""

    kind: str
    period: Period
    due: Due

    @property
    def overdue(self) -> bool:
        return self.due.state == "overdue"


def calendar(
    rules: RuleSet,
    kind: str,
    since: datetime.date,
    today: datetime.date,
    published: Mapping[Period, datetime.date],
    cal: Calendar | None = None,
) -> list[Owed]:
    """Every period of `kind` owed since `since`, oldest first, with its state on `today`.

    `published` gives the day each period's statement was first published (a correction later does
    not move it). A period published on or before its due day is "done", after it "done_late", not at
    all and past it "overdue". A rule set with no figure for `kind` owes nothing of it."""
    months = months_of(rules, kind)
    if months is None:
        return []
    cal = cal or default_calendar()
    return [
        Owed(kind, p, deadlines.due(due_on(rules, p, cal), today, published.get(p)))
        for p in ended_periods(months, since, today)
    ]


def decision_due(rules: RuleSet, met_on: datetime.date, cal: Calendar | None = None) -> datetime.date | None:
    """The last day to publish a committee meeting's decisions (None: the rule set sets no days)."""
    if rules.value("committee_decision_publicity_days") is None:
        return None
    return deadlines.deadline_after(rules, "committee_decision_publicity_days", met_on, cal)


# --- the fund's statement for one period ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Movement:
    """One fund entry as a statement reads it: `amount` fen > 0, `kind` as booked; a reversal names the
    kind of the entry it undoes (`reverses`) and counts against that kind."""

    kind: str
    amount: int
    booked_on: datetime.date
    ledger: str
    reverses: str | None = None
    case: str | None = None  # the use case a draw paid (or its reversal undid)


@dataclass(frozen=True, slots=True)
class FundStatement:
    """A period of the fund in fen: closing = opening + deposits + interest + common income − draws."""

    opening: int
    deposits: int
    interest: int
    common_income: int
    draws: int
    closing: int
    ledgers: dict[str, int]  # ledger → balance at the period's end
    cases: dict[str, int]  # use case → spent in the period


def fund_statement(movements: list[Movement], period: Period) -> FundStatement:
    """The statement of `period` from every movement booked up to its end (later ones are ignored)."""
    opening = closing = 0
    moved = {"opening": 0, "topup": 0, "interest": 0, "common_income": 0, "draw": 0}
    ledgers: dict[str, int] = {}
    cases: dict[str, int] = {}
    for m in movements:
        if m.booked_on > period.end:
            continue
        kind = m.reverses if m.kind == "reversal" and m.reverses else m.kind
        signed = m.amount * (-1 if (kind == "draw") != (m.kind == "reversal") else 1)
        closing += signed
        ledgers[m.ledger] = ledgers.get(m.ledger, 0) + signed
        if m.booked_on < period.start:
            opening += signed
            continue
        moved[kind] += signed
        if kind == "draw" and m.case is not None:
            cases[m.case] = cases.get(m.case, 0) - signed
    return FundStatement(
        opening,
        moved["opening"] + moved["topup"],
        moved["interest"],
        moved["common_income"],
        -moved["draw"],
        closing,
        ledgers,
        cases,
    )
