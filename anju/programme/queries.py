"""Reads of the programme that are more than a one-liner.

`INDICATORS` (the result indicators of an item) is re-exported for the apps above, which read the
programme through this module."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from anju.core.scoping import Scope
from anju.domain.progress import percent
from anju.programme.indicators import INDICATORS as INDICATORS  # re-exported for the apps above
from anju.programme.models import (
    CATEGORY_OF,
    Category,
    Inspection,
    InspectionStatus,
    Item,
    ItemKind,
    Project,
    ProjectKind,
    Stage,
    StageKind,
)
from anju.roster.queries import Totals, grand_total, totals_by


def overdue_q(today: datetime.date | None = None, prefix: str = "") -> Q:
    """A stage is overdue when its planned end has passed and it is not signed off."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}planned_end__lt": today, f"{prefix}actual_end__isnull": True})


def projects_for(scope: Scope, *, year: int | None = None, stage: str | None = None, kind: str | None = None,
                 community_id: int | None = None, compound_id: int | None = None) -> QuerySet[Project]:
    qs = Project.objects.within(scope).select_related("compound__community", "plan")
    if year:
        qs = qs.filter(year=year)
    if stage:
        qs = qs.filter(current_stage=stage)
    if kind:
        qs = qs.filter(kind=kind)
    if community_id:
        qs = qs.filter(community_id_cached=community_id)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    return qs.order_by("-year", "compound__community_id", "compound_id", "id")


def overdue_stages(scope: Scope, today: datetime.date | None = None) -> QuerySet[Stage]:
    return (Stage.objects.within(scope).filter(overdue_q(today))
            .select_related("project__compound__community").order_by("planned_end", "project_id"))


@dataclass
class ItemRow:
    item: Item
    beneficiaries: Totals
    typed: bool  # beneficiaries typed by hand (scope outside the roster)
    funding: list


def item_rows(project: Project) -> list[ItemRow]:
    """A project's items with beneficiaries from the roster (or typed, with a reason) and funding."""
    items = list(project.items.prefetch_related("buildings", "funding"))
    compound_totals = None
    rows = []
    for item in items:
        if item.override_households is not None or item.override_people is not None:
            totals, typed = Totals(households=item.override_households or 0, people=item.override_people or 0), True
        else:
            buildings = [b.pk for b in item.buildings.all()]
            if buildings:
                totals = grand_total(totals_by(Scope(everything=True), "compound",
                                               Q(compound_id=project.compound_id, unit__building_id__in=buildings)))
            else:
                if compound_totals is None:
                    compound_totals = grand_total(totals_by(Scope(everything=True), "compound", Q(compound_id=project.compound_id)))
                totals = compound_totals
            typed = False
        rows.append(ItemRow(item, totals, typed, list(item.funding.all())))
    return rows


def funding_by_source(project: Project) -> list[tuple[str, int]]:
    """(source label, fen) for the project, largest first; the items' funding adds up to their budgets."""
    from django.db.models import Sum

    from anju.programme.models import Funding, FundingSource

    rows = Funding.objects.filter(item__project=project).values("source").annotate(total=Sum("amount_fen")).order_by("-total")
    return [(str(FundingSource(r["source"]).label), r["total"]) for r in rows]


def stages_of(project: Project, today: datetime.date | None = None) -> list[tuple[Stage, bool]]:
    """(stage, overdue) in order."""
    today = today or timezone.localdate()
    return [(s, s.actual_end is None and s.planned_end is not None and s.planned_end < today)
            for s in project.stages.select_related("signed_off_by").prefetch_related("attachments")]


def open_inspections(scope: Scope) -> QuerySet[Inspection]:
    return Inspection.objects.within(scope).exclude(status=InspectionStatus.CLOSED).select_related("project__compound")


# Figures over many projects (the dashboard's): each is a fixed number of grouped queries whatever the
# number of projects.

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


def _project_ids(scope: Scope) -> QuerySet[Project, Any]:
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


def special_projects(scope: Scope) -> QuerySet[Project]:
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


class ElevatorItems(NamedTuple):
    """The projects' elevator items: how many, and elevators planned and installed (quantity, at 100 %)."""

    items: int
    planned: Decimal
    done: Decimal


def elevator_items(scope: Scope) -> ElevatorItems:
    totals = Item.objects.filter(project_id__in=_project_ids(scope), kind=ItemKind.ELEVATOR).aggregate(
        n=Count("id"), planned=Sum("quantity"), done=Sum("quantity", filter=Q(progress=100)))
    return ElevatorItems(totals["n"], Decimal(str(totals["planned"] or 0)).normalize(),
                         Decimal(str(totals["done"] or 0)).normalize())


def project_rows(scope: Scope, *, year: int | None = None, done: bool | None = None, stage: str | None = None,
                 kind: str | None = None, community_id: int | None = None) -> QuerySet[Project]:
    """The projects behind a dashboard figure; `stage="done"` means completed, any other stage excludes them."""
    qs = Project.objects.within(scope).select_related("compound__community")
    if year:
        qs = qs.filter(year=year)
    if done is not None:
        qs = qs.filter(completed=done)
    if stage:
        qs = qs.filter(completed=True) if stage == "done" else qs.filter(current_stage=stage, completed=False)
    if kind:
        qs = qs.filter(kind=kind)
    if community_id:
        qs = qs.filter(community_id_cached=community_id)
    return qs.order_by("-year", "community_id_cached", "compound_id", "id")


def item_rows_within(scope: Scope, *, kind: str | None = None, category: str | None = None,
                     year: int | None = None) -> QuerySet[Item]:
    """The items behind a dashboard figure, by kind, category (改造类别) or year."""
    qs = Item.objects.within(scope).select_related("project__compound")
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(kind__in=[k for k, c in CATEGORY_OF.items() if c == category])
    if year:
        qs = qs.filter(project__year=year)
    return qs.order_by("project_id", "id")


@dataclass
class ReportRow:
    """One project of a year's plan as the monthly report reads it, as of `as_of` (a month's last day).

    `started`/`completed`: its 施工 stage had actually begun / ended by then. Indicators and funding
    are the sums over its items (funding in fen, by `FundingSource`); `categories` the item counts
    by national category (基础类/完善类/提升类)."""

    project_id: int
    name: str
    compound: str
    community: str
    buildings: int
    households: int
    gross_area: Decimal
    started: bool
    completed: bool
    indicators: dict[str, Decimal]
    funding: dict[str, int]
    categories: dict[str, int]
    budget_fen: int


def report_rows(*, subdistrict_id: int, year: int, as_of: datetime.date) -> list[ReportRow]:
    """The comprehensive projects of `year` in one sub-district, with their figures as of `as_of`.

    Four queries whatever the number of projects (projects, construction stages, item sums, funding)."""
    from anju.programme.models import Funding

    projects = list(Project.objects.filter(subdistrict_id=subdistrict_id, year=year, kind=ProjectKind.COMPREHENSIVE)
                    .select_related("compound__community").order_by("community_id_cached", "compound_id", "id"))
    ids = [p.pk for p in projects]
    stages = {s.project_id: s for s in Stage.objects.filter(project_id__in=ids, kind=StageKind.CONSTRUCTION)}
    sums = {r["project_id"]: r for r in Item.objects.filter(project_id__in=ids).values("project_id").annotate(
        **{i.field: Sum(i.field) for i in INDICATORS})}
    funding: dict[int, dict[str, int]] = {}
    for r in Funding.objects.filter(item__project_id__in=ids).values("item__project_id", "source").annotate(t=Sum("amount_fen")):
        funding.setdefault(r["item__project_id"], {})[r["source"]] = r["t"]
    categories: dict[int, dict[str, int]] = {}
    for c in Item.objects.filter(project_id__in=ids).values("project_id", "category").annotate(n=Count("id")):
        categories.setdefault(c["project_id"], {})[c["category"]] = c["n"]
    rows = []
    for p in projects:
        stage = stages.get(p.pk)
        started = bool(stage and stage.actual_start and stage.actual_start <= as_of)
        completed = bool(stage and stage.actual_end and stage.actual_end <= as_of)
        own: dict[str, Any] = dict(sums.get(p.pk, {}))
        rows.append(ReportRow(
            project_id=p.pk, name=p.name, compound=p.compound.name, community=p.compound.community.name,
            buildings=p.buildings_count, households=p.households, gross_area=_m2(p.gross_area),
            started=started, completed=completed,
            indicators={i.field: Decimal(str(own.get(i.field) or 0)).quantize(Decimal(1).scaleb(-i.places))
                        for i in INDICATORS},  # str(): SQLite sums decimals as floats (see _m2)
            funding=funding.get(p.pk, {}), categories=categories.get(p.pk, {}), budget_fen=p.budget_fen,
        ))
    return rows
