"""Property fees (物业费) as pure rules: a month's bill, proration, payments against bills, arrears by
age, and collection rates. Money in fen (int), computed exactly (Fraction) and rounded once.

* Civil Code (民法典) art. 944 ¶1: owners pay the agreed fee; a manager who serves may not be refused
  payment because the owner did not use or need the service, so a vacant home owes the full fee
  unless the contract agrees less (the rule set's `vacant_fee_share`, the contract's share first).
* art. 944 ¶2: an owner in arrears gets a demand (催告) to pay within a reasonable period; after it
  the manager may sue or apply for arbitration. ¶3: the manager may NOT collect by cutting power,
  water, heating or gas; nothing here offers such a step (`FORBIDDEN_MEANS`, shown on the pages).
* A bill is `area × rate × share` for the days served out of the month's days (a standard or a
  parking lease starting or ending within the month), rounded half up to the fen once, at the end.
* A payment settles the household's oldest open bills first (`allocate`); what is left is a credit
  that settles the next bills when they are made.
* Arrears by age: a bill of month M is `age` months old in month P (P − M); the current month's
  bill is not arrears. Buckets 0–3, 3–6, 6–12 and over 12 months (`BUCKETS`).
* Collection rates (收缴率) by amount and by household, the current period (当期) and arrears
  (清欠) apart: `Rates`.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from anju.domain.errors import DomainError

Fen = int

# Civil Code art. 944 ¶3: what a manager may never do to collect; pages say so beside the legal step.
FORBIDDEN_MEANS = ("停止供电", "停止供水", "停止供热", "停止供燃气")
FORBIDDEN_NOTICE_ZH = ("依据《中华人民共和国民法典》第九百四十四条，物业服务人不得采取停止供电、供水、供热、供燃气等方式"
                       "催交物业费。催交只有两步：书面催告在合理期限内支付；期满仍不支付的，依法提起诉讼或者申请仲裁。")
FORBIDDEN_NOTICE_EN = ("Civil Code art. 944: a manager may not cut power, water, heating or gas to collect fees. "
                       "There are two steps only: a written demand to pay within a reasonable period, then a lawsuit "
                       "or arbitration.")

MAX_RATE_FEN = 10_000  # 100 元/㎡·月: above is a typo for a yearly or total figure
MAX_PAYMENT_FEN = 100_000_000  # 100 万元 in one payment: above is a typo


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A billing month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not (2000 <= self.year <= 2100 and 1 <= self.month <= 12):
            raise DomainError(f"月份无效：{self.year}年{self.month}月", f"Not a valid month: {self.year}-{self.month}",
                              field="period")

    @classmethod
    def parse(cls, text: str) -> Period:
        """"2024-03", "2024-3", "202403" or "2024年3月"."""
        match = re.fullmatch(r"\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))\s*", text or "")
        if not match:
            raise DomainError(f"月份应写成 2024-03：{text!r}", f"Write the month as 2024-03: {text!r}", field="period")
        return cls(int(match[1]), int(match[2] or match[3]))

    @classmethod
    def of(cls, day: datetime.date) -> Period:
        return cls(day.year, day.month)

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def last(self) -> datetime.date:
        return datetime.date(self.year, self.month, self.days)

    def __add__(self, months: int) -> Period:
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    def __sub__(self, other: Period) -> int:
        return (self.year - other.year) * 12 + self.month - other.month

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def zh(self) -> str:
        return f"{self.year}年{self.month}月"


def half_year(year: int, half: int) -> tuple[Period, Period]:
    """The first and last month of a half-year (Beijing art. 44(8): published every six months)."""
    if half not in (1, 2):
        raise DomainError("半年应为上半年（1）或下半年（2）。", "The half is 1 or 2.", field="half")
    return (Period(year, 1), Period(year, 6)) if half == 1 else (Period(year, 7), Period(year, 12))


def round_fen(value: Fraction) -> Fen:
    """Half up to the fen (amounts are never negative here)."""
    if value < 0:
        raise DomainError("金额不能为负数。", "An amount cannot be negative.", field="amount")
    return int(value + Fraction(1, 2))


def days_served(period: Period, since: datetime.date | None, until: datetime.date | None) -> int:
    """Days of `period` within [since, until] (either end open): the days a standard or lease covers."""
    start = max(period.first, since) if since else period.first
    end = min(period.last, until) if until else period.last
    return max(0, (end - start).days + 1)


def prorate(monthly: Fraction, days: int, month_days: int) -> Fraction:
    """`monthly` for `days` of a month of `month_days` days (exact; rounded by the caller once)."""
    if not 0 <= days <= month_days or month_days not in (28, 29, 30, 31):
        raise DomainError("计费天数超出该月天数。", "Days served exceed the month.", field="days")
    return monthly * days / month_days


@dataclass(frozen=True, slots=True)
class BillAmount:
    property_fen: Fen
    parking_fen: Fen

    @property
    def total(self) -> Fen:
        return self.property_fen + self.parking_fen


def bill_amount(*, area: Decimal | Fraction, rate_fen: int, period: Period, vacant: bool, vacant_share: Fraction,
                served: int | None = None, parking_fen: int = 0, parking_days: Sequence[int] = (),
                segments: Sequence[tuple[int, int]] = ()) -> BillAmount:
    """One household's bill for `period`.

    Property fee: area (㎡) × rate (分/㎡·月) × (vacant_share if vacant, else 1) × served/month days;
    `segments` [(rate, days)] instead when the standard changes within the month (each rate for its
    days). Parking: `parking_fen` (分/个·月) for each space, for the days its lease covers. Each part
    is rounded half up to the fen once, after the parts of the month are added.
    """
    parts = list(segments) or [(rate_fen, period.days if served is None else served)]
    for rate, _days in parts:
        if rate < 0 or rate > MAX_RATE_FEN:
            raise DomainError(f"物业费标准应在 0 到 {MAX_RATE_FEN // 100} 元/㎡·月之间。",
                              f"The rate must be between 0 and {MAX_RATE_FEN // 100} yuan/㎡/month.", field="rate")
    if sum(days for _rate, days in parts) > period.days:
        raise DomainError("计费天数超出该月天数。", "Days served exceed the month.", field="days")
    if Fraction(area) <= 0:
        raise DomainError("专有部分面积须大于 0。", "The exclusive area must be above 0.", field="area")
    if not 0 <= vacant_share <= 1:
        raise DomainError("空置房收费比例应在 0 到 1 之间。", "The vacant share is between 0 and 1.", field="vacant_share")
    share = vacant_share if vacant else Fraction(1)
    exact = sum((prorate(Fraction(area) * rate * share, days, period.days) for rate, days in parts), Fraction(0))
    parking = sum((prorate(Fraction(parking_fen), d, period.days) for d in parking_days), Fraction(0))
    return BillAmount(round_fen(exact), round_fen(parking))


def segments_of(period: Period, standards: Sequence[tuple[datetime.date, int]]) -> list[tuple[int, int]]:
    """[(rate, days)] of `period` under standards [(since, rate)]: each from its day to the next one's.

    Days before the first standard are not billed (there was no fee yet)."""
    ordered = sorted(standards)
    out = []
    for i, (since, rate) in enumerate(ordered):
        until = ordered[i + 1][0] - datetime.timedelta(days=1) if i + 1 < len(ordered) else None
        days = days_served(period, since, until)
        if days:
            out.append((rate, days))
    return out


# --- payments against bills -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Open:
    """A bill with what is still owed on it."""

    key: int
    period: Period
    owed: Fen


def allocate(amount: Fen, open_bills: Iterable[Open]) -> tuple[list[tuple[int, Fen]], Fen]:
    """Settle the oldest bills first: [(bill key, fen)] and the credit left over."""
    if amount < 0:
        raise DomainError("缴费金额不能为负数。", "A payment cannot be negative.", field="amount")
    out: list[tuple[int, Fen]] = []
    left = amount
    for bill in sorted(open_bills, key=lambda b: (b.period, b.key)):
        if left == 0:
            break
        take = min(left, bill.owed)
        if take > 0:
            out.append((bill.key, take))
            left -= take
    return out, left


# --- arrears by age -----------------------------------------------------------------------------------

BUCKETS: tuple[tuple[str, str, str, int, int | None], ...] = (
    # key, zh, en, from (months, exclusive), to (inclusive; None: no end)
    ("m0_3", "3个月以内", "up to 3 months", 0, 3),
    ("m3_6", "3至6个月", "3–6 months", 3, 6),
    ("m6_12", "6至12个月", "6–12 months", 6, 12),
    ("m12", "12个月以上", "over 12 months", 12, None),
)


def age_months(bill: Period, as_of: Period) -> int:
    """How many months old the bill of `bill` is in `as_of` (0: the current month's, not arrears)."""
    return as_of - bill


def bucket(age: int) -> str | None:
    """The ageing bucket of a bill `age` months old (None for the current month or a later one)."""
    if age <= 0:
        return None
    for key, _zh, _en, low, high in BUCKETS:
        if age > low and (high is None or age <= high):
            return key
    raise AssertionError(age)  # unreachable: the last bucket has no end


def ageing(owed: Iterable[tuple[Period, Fen]], as_of: Period) -> dict[str, Fen]:
    """Arrears (bills before `as_of`'s month still owed) by bucket; every bucket present."""
    out = {key: 0 for key, *_ in BUCKETS}
    for period, fen in owed:
        key = bucket(age_months(period, as_of))
        if key is not None:
            out[key] += fen
    return out


# --- collection rates ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rates:
    """What was due and what of it was paid, by amount and by household.

    For the current period: the period's bills and what paid them by the period's end. For arrears:
    what was owed on older bills at the period's start and what of it was paid within the period.
    """

    due_fen: Fen = 0
    paid_fen: Fen = 0
    households: int = 0
    paid_households: int = 0  # households that paid all they were due

    @property
    def by_amount(self) -> Fraction | None:
        return Fraction(self.paid_fen, self.due_fen) if self.due_fen else None

    @property
    def by_household(self) -> Fraction | None:
        return Fraction(self.paid_households, self.households) if self.households else None

    def __add__(self, other: Rates) -> Rates:
        return Rates(self.due_fen + other.due_fen, self.paid_fen + other.paid_fen, self.households + other.households,
                     self.paid_households + other.paid_households)


def rates(per_household: Iterable[tuple[Fen, Fen]]) -> Rates:
    """Rates from (due, paid) per household; a household with nothing due is not counted."""
    due = paid = households = settled = 0
    for owed, got in per_household:
        if got > owed or owed < 0 or got < 0:
            raise DomainError("已缴金额不能超过应缴金额。", "Paid cannot exceed due.", field="paid")
        if owed == 0:
            continue
        due += owed
        paid += got
        households += 1
        settled += got == owed
    return Rates(due, paid, households, settled)


# --- room codes in a manager's file --------------------------------------------------------------

_ROOM = re.compile(r"^\s*(?P<building>[0-9A-Za-z一-龥]+?)\s*(?:栋|号楼|幢|楼)\s*(?P<unit>[0-9A-Za-z一-龥]+?)\s*单元"
                   r"\s*(?P<room>[0-9A-Za-z-]+?)\s*室?\s*$")


def parse_room(text: str) -> tuple[str, str, str] | None:
    """"3栋2单元501" (or 3号楼2单元501室) → ("3", "2", "501"); None when it is not a room code."""
    match = _ROOM.match(text or "")
    return (match["building"], match["unit"], match["room"]) if match else None
