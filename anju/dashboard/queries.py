"""The dashboard's figures: grouped aggregates over the programme's snapshots, cached roster totals.

Every figure is a fixed number of grouped queries whatever the number of projects; the roster
aggregates (households, people, stranded elderly) over a city-sized roster are cached under a key
that changes with the newest audit record, so any audited write (roster services, imports,
programme services) refreshes them, and a TTL bounds staleness from unaudited bulk loads.
"""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.core.scoping import Scope
from anju.domain.progress import percent
from anju.programme.models import (
    CATEGORY_OF,
    Category,
    Item,
    ItemKind,
    Project,
    ProjectKind,
    Stage,
    StageKind,
)
from anju.programme.queries import overdue_q
from anju.roster.models import Building, Compound, Unit
from anju.roster.queries import Totals, grand_total, stranded_elderly, totals_by

ROSTER_CACHE_SECONDS = 600


@dataclass
class YearFigures:
    """Plan against done for one year (comprehensive projects)."""

    year: int
    compounds: int = 0
    buildings: int = 0
    households: int = 0
    gross_area: Decimal = Decimal(0)
    budget_fen: int = 0
    done_compounds: int = 0
    done_buildings: int = 0
    done_households: int = 0
    done_gross_area: Decimal = Decimal(0)
    done_budget_fen: int = 0
    progress: Fraction = Fraction(0)


def _m2(value: Any) -> Decimal:
    # SQLite sums decimals as binary floating point; areas are kept to 0.01 m², far above that error.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _progress(weighted: int | None, weights: int | None) -> Fraction:
    """Budget-weighted mean progress from SQL integer sums (tenths of % × (budget + 1 fen))."""
    return Fraction(int(weighted or 0), 1000 * int(weights)) if weights else Fraction(0)


_WEIGHT = F("budget_fen") + 1
_WEIGHTED = F("progress_tenths") * (F("budget_fen") + 1)


def plan_vs_done(scope: Scope) -> list[YearFigures]:
    done = Q(completed=True)
    rows = (
        Project.objects.within(scope).filter(kind=ProjectKind.COMPREHENSIVE).values("year")
        .annotate(
            n_compounds=Count("compound_id", distinct=True), n_buildings=Sum("buildings_count"), n_households=Sum("households"),
            area=Sum("gross_area"), budget=Sum("budget_fen"),
            d_compounds=Count("compound_id", distinct=True, filter=done), d_buildings=Sum("buildings_count", filter=done),
            d_households=Sum("households", filter=done), d_area=Sum("gross_area", filter=done),
            d_budget=Sum("budget_fen", filter=done), weighted=Sum(_WEIGHTED), weights=Sum(_WEIGHT),
        ).order_by("year")
    )
    return [YearFigures(
        r["year"], r["n_compounds"], r["n_buildings"] or 0, r["n_households"] or 0, _m2(r["area"]), r["budget"] or 0,
        r["d_compounds"], r["d_buildings"] or 0, r["d_households"] or 0, _m2(r["d_area"]), r["d_budget"] or 0,
        _progress(r["weighted"], r["weights"]),
    ) for r in rows]


@dataclass
class Bucket:
    key: str
    label: str
    count: int
    extra: dict = field(default_factory=dict)


def projects_by_stage(scope: Scope, year: int | None = None) -> list[Bucket]:
    """Projects by current stage; completed projects in their own bucket."""
    qs = Project.objects.within(scope)
    if year:
        qs = qs.filter(year=year)
    counts = {(r["current_stage"], r["completed"]): r["n"]
              for r in qs.values("current_stage", "completed").annotate(n=Count("id")).order_by()}
    buckets = [Bucket(k, str(label), sum(n for (s, c), n in counts.items() if s == k and not c)) for k, label in StageKind.choices]
    buckets.append(Bucket("done", "已完工", sum(n for (_s, c), n in counts.items() if c)))
    return buckets


def _project_ids(scope: Scope):
    """The scope's projects as an `IN (subquery)`: SQLite then reads child rows through their project index
    instead of scanning every child row of the city and joining back to the project."""
    return Project.objects.within(scope).values("id")


def overdue_by_stage(scope: Scope, today: datetime.date | None = None) -> list[Bucket]:
    counts = dict(Stage.objects.filter(project_id__in=_project_ids(scope)).filter(overdue_q(today)).values_list("kind").annotate(n=Count("id")).order_by())
    return [Bucket(k, str(label), counts.get(k, 0)) for k, label in StageKind.choices]


def items_by_kind(scope: Scope, year: int | None = None) -> list[Bucket]:
    projects = Project.objects.within(scope)
    if year:
        projects = projects.filter(year=year)
    qs = Item.objects.filter(project_id__in=projects.values("id"))
    rows = {r["kind"]: r for r in qs.values("kind").annotate(n=Count("id"), budget=Sum("budget_fen"), qty=Sum("quantity")).order_by()}
    out = []
    for kind, label in ItemKind.choices:
        if kind in rows:
            r = rows[kind]
            out.append(Bucket(kind, str(label), r["n"], {"category": CATEGORY_OF[kind], "budget_fen": r["budget"] or 0,
                                                          "category_label": str(Category(CATEGORY_OF[kind]).label)}))
    return out


@dataclass
class Elevators:
    units_with_elevator: int
    elevator_items: int
    elevators_planned: Decimal
    elevators_done: Decimal


def elevators(scope: Scope) -> Elevators:
    buildings = Building.objects.filter(compound_id__in=Compound.objects.within(scope).values("id")).values("id")
    units = Unit.objects.filter(building_id__in=buildings, has_elevator=True).count()
    items = Item.objects.filter(project_id__in=_project_ids(scope), kind=ItemKind.ELEVATOR).aggregate(
        n=Count("id"), planned=Sum("quantity"), done=Sum("quantity", filter=Q(progress=100)))
    return Elevators(units, items["n"], Decimal(str(items["planned"] or 0)).normalize(), Decimal(str(items["done"] or 0)).normalize())


def special_projects(scope: Scope):
    return Project.objects.within(scope).filter(kind=ProjectKind.SPECIAL).select_related("compound").order_by("-year", "id")


def by_area(scope: Scope, level: str, year: int | None = None) -> dict[int, dict]:
    """Projects grouped by community or compound: counts, households, budget, weighted progress."""
    key = {"community": "community_id_cached", "compound": "compound_id"}[level]
    qs = Project.objects.within(scope)
    if year:
        qs = qs.filter(year=year)
    out = {}
    for r in qs.values(key).annotate(n=Count("id"), done=Count("id", filter=Q(completed=True)), n_households=Sum("households"),
                                     budget=Sum("budget_fen"), weighted=Sum(_WEIGHTED), weights=Sum(_WEIGHT)).order_by():
        out[r[key]] = {"projects": r["n"], "done": r["done"], "households": r["n_households"] or 0, "budget_fen": r["budget"] or 0,
                       "progress": _progress(r["weighted"], r["weights"])}
        out[r[key]]["percent"] = percent(out[r[key]]["progress"])
    return out


def _roster_version() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _scope_key(scope: Scope) -> str:
    return f"{int(scope.everything)}:{scope.subdistrict_id}:{scope.community_id}:{scope.compound_id}"


def roster_summary(scope: Scope) -> Totals:
    """Households, people, elderly, stranded elderly and areas of the scope (cached, see module docstring)."""
    key = f"dashboard:roster:{_scope_key(scope)}:{_roster_version()}"
    cached = cache.get(key)
    if cached is None:
        cached = grand_total(totals_by(scope, "community"))
        cached.compounds = _compounds_in(scope)
        cache.set(key, cached, ROSTER_CACHE_SECONDS)
    return cached


def _compounds_in(scope: Scope) -> int:
    return Compound.objects.within(scope).count()


def approval_rates(scope: Scope) -> list | None:
    """The consultations' approval rates, or None while `anju.consultations.queries.approval_rates` does not exist."""
    try:
        module = importlib.import_module("anju.consultations.queries")
    except ImportError:
        return None
    function = getattr(module, "approval_rates", None)
    if not callable(function):
        return None
    # Tallies walk every ballot; ballots are audited writes, so the audit version keys the cache too.
    key = f"dashboard:approvals:{_scope_key(scope)}:{_roster_version()}"
    rates = cache.get(key)
    if rates is None:
        rates = list(function(scope))
        cache.set(key, rates, ROSTER_CACHE_SECONDS)
    return rates


PASSED, FAILED, PENDING = "passed", "failed", "pending"


def approval_status(rate: Any) -> str:
    """passed, failed, or pending: an owner's flats voted differently and staff have not settled which
    vote stands, so the question has no result yet (neither passed nor failed)."""
    if getattr(rate, "pending", False):  # older shapes of the rate have no such field
        return PENDING
    return PASSED if rate.passed else FAILED


def approval_counts(rates: list) -> dict[str, int]:
    """How many questions passed, failed and wait for staff; the three add up to the questions."""
    counts = {PASSED: 0, FAILED: 0, PENDING: 0}
    for rate in rates:
        counts[approval_status(rate)] += 1
    return counts


def stranded(scope: Scope):
    return stranded_elderly(scope)


def today() -> datetime.date:
    return timezone.localdate()
