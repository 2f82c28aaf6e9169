"""The open programme work of one user (我的待办): stages past or near their planned end, and site
inspections still waiting to be rectified."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from anju.core.scoping import Scope, scope_of
from anju.core.work import OPEN, OVERDUE, WorkItem, urgency_of
from anju.programme.models import Inspection, InspectionStatus, Severity, Stage

if TYPE_CHECKING:
    from anju.core.access import User

STAGE = "stage"
INSPECTION = "inspection"
STAGE_SOON_DAYS = 7
SEVERITY_ZH = {"low": "一般", "medium": "较重", "high": "严重"}
SEVERITY_EN = {"low": "minor", "medium": "serious", "high": "severe"}


def open_work(user: User, today: datetime.date | None = None) -> list[WorkItem]:
    """Stages (for staff who may edit) and open inspections (for those who may follow them up: staff who
    may edit, and the volunteer who recorded one)."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    if not scope.everything and scope.subdistrict_id is None:
        return []
    items = _stages(scope, today) if scope.can_edit else []
    return items + _inspections(scope, user, today)


def _stages(scope: Scope, today: datetime.date) -> list[WorkItem]:
    """Stages not signed off whose planned end has passed or comes within `STAGE_SOON_DAYS` days."""
    found = (
        Stage.objects.within(scope)
        .filter(actual_end__isnull=True, planned_end__lte=today + datetime.timedelta(days=STAGE_SOON_DAYS))
        .select_related("project__compound")
        .order_by("planned_end", "project_id", "position")
    )
    items = []
    for s in found:
        p, planned_end = s.project, s.planned_end
        assert planned_end is not None  # filtered above
        late = (today - planned_end).days
        zh = f"已逾期 {late} 天" if late > 0 else ("今日到期" if late == 0 else f"{-late} 天后到期")
        en = f"{late} days overdue" if late > 0 else ("due today" if late == 0 else f"due in {-late} days")
        items.append(
            WorkItem(
                STAGE,
                s.pk,
                STAGE,
                f"{p.name}：{s.get_kind_display()}",
                f"{p.name}: {s.get_kind_display()}",
                reverse("programme:project", args=[p.pk]),
                s.planned_end,
                urgency_of(s.planned_end, today, soon_days=STAGE_SOON_DAYS),
                since=s.planned_start,
                detail_zh=f"计划完成 {s.planned_end:%Y-%m-%d}，{zh}",
                detail_en=f"planned end {s.planned_end:%Y-%m-%d}, {en}",
                subdistrict_id=p.subdistrict_id,
                community_id=p.community_id_cached,
                compound_id=p.compound_id,
            )
        )
    return items


def _inspections(scope: Scope, user: User, today: datetime.date) -> list[WorkItem]:
    """Open inspections (待整改, 整改中): a severe finding is urgent, the others open."""
    found = Inspection.objects.within(scope).exclude(status=InspectionStatus.CLOSED)
    if not scope.can_edit:
        found = found.filter(Q(inspector_id=getattr(user, "pk", None)))
    items = []
    for i in found.select_related("project__compound").order_by("created", "id"):
        p = i.project
        findings = i.findings if len(i.findings) <= 40 else i.findings[:40] + "…"
        items.append(
            WorkItem(
                INSPECTION,
                i.pk,
                INSPECTION,
                f"{p.name}：{findings}",
                f"{p.name}: {findings}",
                reverse("programme:inspection", args=[i.pk]),
                None,
                OVERDUE if i.severity == Severity.HIGH else OPEN,
                since=timezone.localdate(i.created),
                detail_zh=f"{i.get_status_display()} · {SEVERITY_ZH.get(i.severity, i.severity)}",
                detail_en=f"{'rectifying' if i.status == InspectionStatus.RECTIFYING else 'open'} · "
                f"{SEVERITY_EN.get(i.severity, i.severity)}",
                subdistrict_id=p.subdistrict_id,
                community_id=p.community_id_cached,
                compound_id=p.compound_id,
            )
        )
    return items
