"""Reads of 物业费: collection rates at every level and month by month, arrears by age, the list for
court or arbitration, and the half-yearly list of party and committee members' own payments.

Current period (当期) for month M: M's bills, and what paid them by M's last day (allocations marked
`in_period`). Arrears (清欠) in month M: what older bills still owed on M's first day, and what of it
was paid within M. Figures are grouped in the database; rates are the domain's (`fees.Rates`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet, Sum

from anju.core.scoping import Scope
from anju.domain.stewardship import fees
from anju.domain.stewardship.fees import Period, Rates
from anju.roster.models import Compound, Household, Ownership, Person
from anju.stewardship.models import CommitteeMember
from anju.stewardship.models_fees import Allocation, Bill, DemandLetter, FeePayment, FeeStandard

TREND_MONTHS = 12

# Grouping keys of a level: what one row of the breakdown is.
LEVELS = {
    "community": ("compound__community_id", "compound__community__name"),
    "compound": ("compound_id", "compound__name"),
    "building": ("household__unit__building_id", "household__unit__building__number"),
}


def bills_in(scope: Scope) -> QuerySet[Bill]:
    return Bill.objects.within(scope)


def standards_of(compound: Compound) -> QuerySet[FeeStandard]:
    return FeeStandard.objects.filter(compound=compound).order_by("-since", "-pk")


def standard_on(compound: Compound, day: datetime.date) -> FeeStandard | None:
    return FeeStandard.objects.filter(compound=compound, since__lte=day).order_by("-since").first()


def billed_periods(bills: QuerySet[Bill]) -> list[Period]:
    return [Period.of(d) for d in bills.values_list("period", flat=True).distinct().order_by("-period")]


def latest_period(bills: QuerySet[Bill]) -> Period | None:
    day = bills.aggregate(p=Max("period"))["p"]
    return Period.of(day) if day else None


def current_rates(bills: QuerySet[Bill], period: Period) -> Rates:
    """当期: the period's bills and what paid them by its last day, by amount and by household."""
    of = bills.filter(period=period.first)
    due = of.aggregate(due=Sum("amount_fen"), n=Count("household_id", distinct=True))
    paid = Allocation.objects.filter(bill__in=of, in_period=True).aggregate(s=Sum("amount_fen"))["s"] or 0
    settled = of.filter(settled_on__lte=period.last).values("household_id").distinct().count()
    return Rates(due["due"] or 0, paid, due["n"] or 0, settled)


def arrears_rates(bills: QuerySet[Bill], period: Period, *, by_household: bool = True) -> Rates:
    """清欠: what bills before the period owed on its first day, and what of that was paid within it."""
    older = bills.filter(period__lt=period.first)
    billed = dict(older.values("household_id").annotate(s=Sum("amount_fen")).values_list("household_id", "s")) \
        if by_household else {}
    before = Allocation.objects.filter(bill__in=older, paid_on__lt=period.first)
    within = Allocation.objects.filter(bill__in=older, paid_on__gte=period.first, paid_on__lte=period.last)
    if not by_household:
        total = older.aggregate(s=Sum("amount_fen"))["s"] or 0
        paid_before = before.aggregate(s=Sum("amount_fen"))["s"] or 0
        paid_within = within.aggregate(s=Sum("amount_fen"))["s"] or 0
        return Rates(total - paid_before, paid_within, 0, 0)
    paid_before = dict(before.values("bill__household_id").annotate(s=Sum("amount_fen"))
                       .values_list("bill__household_id", "s"))
    paid_within = dict(within.values("bill__household_id").annotate(s=Sum("amount_fen"))
                       .values_list("bill__household_id", "s"))
    return fees.rates((billed[h] - paid_before.get(h, 0), paid_within.get(h, 0)) for h in billed)


def bar(value: Fraction | None) -> str:
    """A ratio as a <meter> value ("0.6250"); 0 when there is nothing to measure."""
    return f"{float(value or 0):.4f}"


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    current: Rates
    arrears: Rates

    @property
    def current_bar(self) -> str:
        return bar(self.current.by_amount)

    @property
    def arrears_bar(self) -> str:
        return bar(self.arrears.by_amount)


def trend(bills: QuerySet[Bill], last: Period, months: int = TREND_MONTHS) -> list[TrendPoint]:
    """Month by month up to `last`: the current-period rates and the arrears collected (by amount)."""
    first = last + (1 - months)
    grouped = {Period.of(r["period"]): r for r in bills.filter(period__gte=first.first, period__lte=last.first)
               .values("period").annotate(due=Sum("amount_fen"), n=Count("household_id", distinct=True))}
    paid = dict(Allocation.objects.filter(bill__in=bills, in_period=True, period__gte=first.first,
                                          period__lte=last.first)
                .values("period").annotate(s=Sum("amount_fen")).values_list("period", "s"))
    points = []
    for i in range(months):
        period = first + i
        row = grouped.get(period)
        if row is None:
            continue
        settled = bills.filter(period=period.first, settled_on__lte=period.last).count()
        current = Rates(row["due"], paid.get(period.first, 0), row["n"], settled)
        points.append(TrendPoint(period, current, arrears_rates(bills, period, by_household=False)))
    return points


@dataclass(frozen=True)
class LevelRow:
    key: int
    name: str
    current: Rates
    owed_fen: int  # everything still owed on bills up to the period


def breakdown(bills: QuerySet[Bill], period: Period, level: str) -> list[LevelRow]:
    """One row per community, compound or building: the period's current rates and all that is owed."""
    key, name = LEVELS[level]
    of = bills.filter(period=period.first)
    due = {r[key]: r for r in of.values(key, name).annotate(due=Sum("amount_fen"), n=Count("household_id", distinct=True),
                                                            settled=Count("pk", filter=Q(settled_on__lte=period.last)))}
    paid = dict(Allocation.objects.filter(bill__in=of, in_period=True).values("bill__" + key)
                .annotate(s=Sum("amount_fen")).values_list("bill__" + key, "s"))
    owed = dict(bills.filter(period__lte=period.first).values(key)
                .annotate(o=Sum(F("amount_fen") - F("paid_fen"))).values_list(key, "o"))
    rows = [LevelRow(k, str(r[name]), Rates(r["due"], paid.get(k, 0), r["n"], r["settled"]), owed.get(k, 0) or 0)
            for k, r in due.items()]
    return sorted(rows, key=lambda r: r.name)


# --- arrears by household ----------------------------------------------------------------------------


@dataclass
class Debtor:
    household: Household
    owed_fen: int = 0
    months: int = 0
    oldest: Period | None = None
    buckets: dict[str, int] = field(default_factory=dict)
    letter: DemandLetter | None = None


def arrears(compound: Compound, as_of: datetime.date) -> tuple[dict[str, int], list[Debtor]]:
    """Arrears by age for the compound (bills before as_of's month still owed) and one row per household, most owed first."""
    current = Period.of(as_of)
    owed: dict[int, list[tuple[Period, int]]] = defaultdict(list)
    for hid, day, amount, paid in (Bill.objects.filter(compound=compound, period__lt=current.first,
                                                       paid_fen__lt=F("amount_fen"))
                                   .values_list("household_id", "period", "amount_fen", "paid_fen")):
        owed[hid].append((Period.of(day), amount - paid))
    households = {h.pk: h for h in Household.objects.filter(pk__in=owed).select_related("unit__building")}
    letters: dict[int, DemandLetter] = {}
    for letter in DemandLetter.objects.filter(compound=compound, household_id__in=owed).order_by("issued_on", "pk"):
        letters[letter.household_id] = letter
    totals = {key: 0 for key, *_ in fees.BUCKETS}
    rows = []
    for hid, items in owed.items():
        buckets = fees.ageing(items, current)
        for k, v in buckets.items():
            totals[k] += v
        rows.append(Debtor(households[hid], sum(f for _p, f in items), len(items), min(p for p, _f in items), buckets,
                           letters.get(hid)))
    rows.sort(key=lambda d: (-d.owed_fen, d.household.room_code))
    return totals, rows


@dataclass(frozen=True)
class LegalCase:
    """A household that got a written demand, let its period pass, and still owes what it demanded."""

    letter: DemandLetter
    still_owed_fen: int
    months: int


def legal_list(compound: Compound, today: datetime.date) -> list[LegalCase]:
    """Civil Code art. 944 ¶2: after the demand's period, the manager may sue or apply for arbitration."""
    latest: dict[int, DemandLetter] = {}
    for letter in (DemandLetter.objects.filter(compound=compound, pay_by__lt=today).select_related("household__unit__building")
                   .order_by("issued_on", "pk")):
        latest[letter.household_id] = letter
    cases = []
    for hid, letter in latest.items():
        still = Bill.objects.filter(household_id=hid, period__lte=letter.last_period, paid_fen__lt=F("amount_fen")) \
            .aggregate(o=Sum(F("amount_fen") - F("paid_fen")), n=Count("pk"))
        if still["o"]:
            cases.append(LegalCase(letter, still["o"], still["n"]))
    return sorted(cases, key=lambda c: (-c.still_owed_fen, c.letter.household.room_code))


# --- the pledge: party and committee members' own payments (Beijing art. 44(8)) ----------------------


@dataclass(frozen=True)
class PledgeRow:
    name: str
    roles: tuple[str, ...]
    rooms: str
    billed_fen: int
    paid_fen: int

    @property
    def owed_fen(self) -> int:
        return self.billed_fen - self.paid_fen

    @property
    def settled(self) -> bool:
        return self.billed_fen > 0 and self.owed_fen == 0


def committee_people(compound: Compound) -> set[int]:
    """The owners on the compound's committee in office (owners' or interim) who serve today: those whose own
    payments the committee publishes (北京 art. 44(8)); representatives who own nothing here have no bills."""
    return set(CommitteeMember.objects.filter(committee__compound=compound, committee__ended_on__isnull=True,
                                              left_on__isnull=True, person__isnull=False)
               .values_list("person_id", flat=True))


def pledge_rows(compound: Compound, year: int, half: int) -> list[PledgeRow]:
    """Each party member owning a home here and each committee member: the half-year's bills and what is paid of them."""
    first, last = fees.half_year(year, half)
    committee = committee_people(compound)
    owners = Ownership.objects.filter(household__compound=compound).filter(
        Q(person__party_member=True) | Q(person_id__in=committee)).values_list("person_id", "household_id")
    homes: dict[int, set[int]] = defaultdict(set)
    for pid, hid in owners:
        homes[pid].add(hid)
    people = {p.pk: p for p in Person.objects.filter(pk__in=set(homes) | committee)}
    households = {h.pk: h for h in Household.objects.filter(pk__in={h for s in homes.values() for h in s})
                  .select_related("unit__building")}
    sums = {r["household_id"]: r for r in Bill.objects.filter(household_id__in=households, period__gte=first.first,
                                                               period__lte=last.first)
            .values("household_id").annotate(b=Sum("amount_fen"), p=Sum("paid_fen"))}
    rows = []
    for pid, person in people.items():
        roles = tuple(r for r, yes in (("业主委员会委员", pid in committee), ("党员", person.party_member)) if yes)
        mine = sorted(homes.get(pid, ()), key=lambda h: households[h].room_code)
        rows.append(PledgeRow(person.name, roles, "、".join(households[h].room_label for h in mine),
                              sum(sums[h]["b"] for h in mine if h in sums), sum(sums[h]["p"] for h in mine if h in sums)))
    return sorted(rows, key=lambda r: (not r.roles or r.roles[0] != "业主委员会委员", r.rooms, r.name))


def halves_to_publish(today: datetime.date) -> tuple[int, int]:
    """The half-year the next publication covers: the last one that has ended."""
    return (today.year - 1, 2) if today.month <= 6 else (today.year, 1)


def payments_of(compound: Compound) -> QuerySet[FeePayment]:
    return FeePayment.objects.filter(compound=compound).select_related("household__unit__building").order_by(
        "-paid_on", "-pk")


def household_bills(household: Household) -> QuerySet[Bill]:
    return household.bills.order_by("-period")


def summary(bills: QuerySet[Bill], period: Period) -> dict[str, Any]:
    """The figures a page heads with: current and arrears rates, what is owed in all."""
    owed = bills.filter(period__lte=period.first).aggregate(o=Sum(F("amount_fen") - F("paid_fen")))["o"] or 0
    return {"period": period, "current": current_rates(bills, period), "arrears": arrears_rates(bills, period),
            "owed_fen": owed}
