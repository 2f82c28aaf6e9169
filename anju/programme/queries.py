"""Reads of the programme that are more than a one-liner."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from anju.core.scoping import Scope
from anju.programme.models import Inspection, InspectionStatus, Item, Project, Stage
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
