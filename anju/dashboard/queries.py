"""The dashboard's own figures: cached roster totals and approval rates, elevators beside the projects' plan.

The programme's figures (plan against done, stages, items, areas) are its own queries
(`anju.programme.queries`), each a fixed number of grouped queries whatever the number of projects. The roster
aggregates (households, people, stranded elderly) and the approval rates are cached per scope, keyed to
the latest audited write in the scope's own sub-district (`anju.core.scopecache`): a write in one
sub-district (roster services, imports, ballots, programme services) refreshes that sub-district's
figures at once and leaves every other sub-district's cached; a TTL bounds staleness from unaudited
bulk loads.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from anju.consultations.queries import ApprovalRate
from anju.consultations.queries import approval_rates as consultation_approval_rates
from anju.core import scopecache
from anju.core.scoping import Scope
from anju.programme import queries as programme
from anju.roster.models import Compound, Residence
from anju.roster.queries import (
    Totals,
    grand_total,
    kept_totals_by,
    kept_units_with_elevator,
    stranded_elderly,
)

ROSTER_CACHE_SECONDS = 600


@dataclass
class Elevators:
    units_with_elevator: int
    elevator_items: int
    elevators_planned: Decimal
    elevators_done: Decimal


def elevators(scope: Scope) -> Elevators:
    """Units that have an elevator (the roster) beside the elevators the projects plan and have installed."""
    units = kept_units_with_elevator(scope)
    items = programme.elevator_items(scope)
    return Elevators(units, items.items, items.planned, items.done)


def roster_summary(scope: Scope) -> Totals:
    """Households, people, elderly, stranded elderly and areas of the scope (cached, see module docstring)."""

    def compute() -> Totals:
        totals = grand_total(kept_totals_by(scope, "community"))
        totals.compounds = _compounds_in(scope)
        return totals

    return scopecache.cached("dashboard:roster", scope, compute, seconds=ROSTER_CACHE_SECONDS)


def _compounds_in(scope: Scope) -> int:
    return Compound.objects.within(scope).count()


def approval_rates(scope: Scope) -> list[ApprovalRate]:
    """The consultations' approval rates within `scope`, newest first (cached, see module docstring)."""
    # Tallies walk every ballot; ballots are audited writes in the consultation's sub-district.
    return scopecache.cached("dashboard:approvals", scope, lambda: list(consultation_approval_rates(scope)),
                             seconds=ROSTER_CACHE_SECONDS)


PASSED, FAILED, PENDING, OPEN = "passed", "failed", "pending", "open"


def approval_status(rate: ApprovalRate) -> str:
    """passed or failed once the vote is final; open (进行中) while ballots may still come in, whatever the
    live figures say; pending when an owner's flats voted differently and staff have not settled which
    vote stands (no result until then, open or not: staff must act)."""
    if rate.pending:
        return PENDING
    if not rate.final:
        return OPEN
    return PASSED if rate.passed else FAILED


def approval_counts(rates: list[ApprovalRate]) -> dict[str, int]:
    """How many questions passed, failed, are still open and wait for staff; the four add up to the questions."""
    counts = {PASSED: 0, FAILED: 0, OPEN: 0, PENDING: 0}
    for rate in rates:
        counts[approval_status(rate)] += 1
    return counts


def stranded(scope: Scope) -> QuerySet[Residence]:
    return stranded_elderly(scope)


def today() -> datetime.date:
    return timezone.localdate()
