"""Dashboards at sub-district, community and compound level; rows behind each figure; xlsx; the annual PDF."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.consultations.queries import ApprovalRate
from anju.core import paging
from anju.core.audit import Actor
from anju.core.bounds import parse_id
from anju.core.exports import export_made, provenance_for
from anju.core.formatting import wan
from anju.core.pdf import issuing_unit, render_pdf
from anju.core.replica import replica_reads
from anju.core.scoping import Scope, scope_of
from anju.dashboard import queries, tables
from anju.domain.progress import percent
from anju.programme import queries as programme
from anju.roster.models import Community, Compound, Subdistrict
from anju.stewardship import queries as stewardship
from anju.stewardship.queries import survey

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_SUBDISTRICT = "dashboard_subdistrict"  # the sub-district last chosen by a user who sees several


@dataclass
class Level:
    scope: Scope
    name: str
    kind: str  # subdistrict, community, compound
    subdistrict: Subdistrict
    community: Community | None = None
    compound: Compound | None = None

    @property
    def query(self) -> str:
        if self.compound:
            return f"compound={self.compound.pk}"
        if self.community:
            return f"community={self.community.pk}"
        return f"subdistrict={self.subdistrict.pk}"


def level_of(request: HttpRequest, *, remember: bool = True) -> Level:
    """The level asked for (?community= / ?compound=), narrowed to what the user may see; 404 outside it.

    A user who sees several sub-districts gets the one last chosen on the pages (`remember`), else the first."""
    user_scope = scope_of(request.user)
    base = {"sees_personal_data": user_scope.sees_personal_data, "can_edit": user_scope.can_edit}
    params = request.GET
    if (compound_id := parse_id(params.get("compound"))) is not None:
        c = get_object_or_404(Compound.objects.visible_to(request.user).select_related("community", "subdistrict"),
                              pk=compound_id)
        return Level(Scope(False, c.subdistrict_id, c.community_id, c.pk, **base), c.name, "compound", c.subdistrict, c.community, c)
    if user_scope.compound_id:
        c = Compound.objects.select_related("community", "subdistrict").get(pk=user_scope.compound_id)
        return Level(Scope(False, c.subdistrict_id, c.community_id, c.pk, **base), c.name, "compound", c.subdistrict, c.community, c)
    if (community_id := parse_id(params.get("community"))) is not None:
        m = get_object_or_404(Community.objects.visible_to(request.user).select_related("subdistrict"), pk=community_id)
        return Level(Scope(False, m.subdistrict_id, m.pk, None, **base), m.name, "community", m.subdistrict, m)
    if user_scope.community_id:
        m = Community.objects.select_related("subdistrict").get(pk=user_scope.community_id)
        return Level(Scope(False, m.subdistrict_id, m.pk, None, **base), m.name, "community", m.subdistrict, m)
    subdistricts = Subdistrict.objects.visible_to(request.user)
    if (subdistrict_id := parse_id(params.get("subdistrict"))) is not None:
        sd = get_object_or_404(subdistricts, pk=subdistrict_id)
        if remember:
            request.session[SESSION_SUBDISTRICT] = sd.pk  # the menu link then comes back to the same one
    else:
        # The one chosen before, while still visible (a revoked scope falls back to the first).
        remembered = request.session.get(SESSION_SUBDISTRICT) if remember else None
        chosen = subdistricts.filter(pk=remembered).first() if isinstance(remembered, int) else None
        found = chosen or subdistricts.first()
        if found is None:
            raise Http404
        sd = found
    return Level(Scope(False, sd.pk, None, None, **base), sd.name, "subdistrict", sd)


def subdistrict_choices(request: HttpRequest) -> list[Subdistrict]:
    """The sub-districts a user may switch between; empty for anyone who sees only one."""
    choices = list(Subdistrict.objects.visible_to(request.user).only("id", "name").order_by("name", "id")[:1000])
    return choices if len(choices) > 1 else []


def _charts(level: Level, years, stages, overdue, items) -> dict:
    rows = reverse("dashboard:rows", args=["projects"])
    q = level.query
    return {
        "years": {
            "labels": [str(y.year) for y in years],
            "series": [
                {"name": _("计划小区"), "data": [y.compounds for y in years], "links": [f"{rows}?{q}&year={y.year}&kind=comprehensive" for y in years]},
                {"name": _("完成小区"), "data": [y.done_compounds for y in years],
                 "links": [f"{rows}?{q}&year={y.year}&kind=comprehensive&done=1" for y in years]},
            ],
        },
        "households": {
            "labels": [str(y.year) for y in years],
            "series": [
                {"name": _("计划户数"), "data": [y.households for y in years], "links": [f"{rows}?{q}&year={y.year}&kind=comprehensive" for y in years]},
                {"name": _("完成户数"), "data": [y.done_households for y in years],
                 "links": [f"{rows}?{q}&year={y.year}&kind=comprehensive&done=1" for y in years]},
            ],
        },
        "stages": {"labels": [b.label for b in stages], "series": [{"name": _("项目数"), "data": [b.count for b in stages],
                   "links": [f"{rows}?{q}&stage={b.key}" for b in stages]}]},
        "overdue": {"labels": [b.label for b in overdue], "series": [{"name": _("逾期阶段"), "data": [b.count for b in overdue],
                    "links": [reverse("dashboard:rows", args=["overdue"]) + f"?{q}&stage={b.key}" for b in overdue]}]},
        "items": {"labels": [b.label for b in items], "series": [{"name": _("改造内容"), "data": [b.count for b in items],
                  "links": [reverse("dashboard:rows", args=["items"]) + f"?{q}&kind={b.key}" for b in items]}]},
    }


def _approvals(rates: list[ApprovalRate]) -> tuple[list[tuple[ApprovalRate, str, str]], dict[str, int]]:
    """Each rate with its status (passed, failed, pending) and its link; the counts of each status."""
    return ([(r, queries.approval_status(r), tables.approval_link(r)) for r in rates],
            queries.approval_counts(rates))


def _context(level: Level) -> dict:
    scope = level.scope
    years = programme.plan_vs_done(scope)
    stages = programme.projects_by_stage(scope)
    overdue = programme.overdue_by_stage(scope)
    items = programme.items_by_kind(scope)
    rates = queries.approval_rates(scope)
    approvals, approval_counts = _approvals(rates)
    children: list[Community | Compound]
    if level.kind == "subdistrict":
        children = list(Community.objects.filter(subdistrict=level.subdistrict))
        area_figures, child_kind = programme.by_area(scope, "community"), "community"
    elif level.kind == "community":
        children = list(Compound.objects.filter(community=level.community))
        area_figures, child_kind = programme.by_area(scope, "compound"), "compound"
    else:
        children, area_figures, child_kind = [], {}, ""
    areas = [(c, area_figures.get(c.pk)) for c in children if c.pk in area_figures or level.kind == "subdistrict"]
    return {
        "level": level, "years": years, "stages": stages, "overdue": overdue, "overdue_total": sum(b.count for b in overdue),
        "items": items, "elevators": queries.elevators(scope), "rates": rates, "roster": queries.roster_summary(scope),
        "special": programme.special_projects(scope), "areas": areas, "child_kind": child_kind,
        "charts": _charts(level, years, stages, overdue, items), "q": level.query,
        "years_pct": {y.year: percent(y.progress) for y in years},
        "approvals": approvals, "approval_counts": approval_counts,
        "governance": [(key, zh, en, len(found)) for (key, (zh, en)), found in zip(
            stewardship.LISTS.items(), stewardship.stewardship_lists(
                scope, functools.cache(stewardship.rules_for), timezone.localdate()).values(), strict=True)],
        "satisfaction": survey.line_counts(survey.latest_in(scope)),
    }


@login_required
@replica_reads
def index(request: HttpRequest) -> HttpResponse:
    level = level_of(request)
    context = _context(level)
    context["subdistricts"] = subdistrict_choices(request)
    return render(request, "dashboard/index.html", context)


def _scope_choices(request: HttpRequest, level: Level) -> dict:
    """The communities and compounds a drill-down can be narrowed to: those of the level's sub-district
    (compounds of the chosen community only) that the user may see."""
    communities = Community.objects.visible_to(request.user).filter(subdistrict=level.subdistrict).order_by("name", "id")
    compounds = Compound.objects.visible_to(request.user).filter(subdistrict=level.subdistrict)
    if level.community is not None:
        compounds = compounds.filter(community=level.community)
    keep = request.GET.copy()
    for name in ("community", "compound", "subdistrict", "page", "format"):
        keep.pop(name, None)
    return {"communities": list(communities[:1000]), "compounds": list(compounds.order_by("name", "id")[:1000]),
            "keep": [(name, value) for name, values in keep.lists() for value in values]}


@login_required
@replica_reads
def rows(request: HttpRequest, figure: str) -> HttpResponse:
    """One page of the rows behind one figure, narrowed by community or compound; `?format=xlsx` exports
    the whole filtered list."""
    level = level_of(request)
    table = tables.table_for(figure, level.scope, request.GET)
    if request.GET.get("format") == "xlsx":
        lines = table.lines()
        name = f"{level.name}-{table.title}.xlsx"
        actor = Actor.of(request.user)
        chosen = request.GET.copy()
        chosen.pop("format", None)
        chosen.pop("page", None)
        provenance = provenance_for(actor=actor, title=name, details={
            "范围 Scope": level.name, "筛选 Filter": chosen.urlencode() or "—", "行数 Rows": len(lines),
        })
        response = HttpResponse(tables.to_xlsx(table, lines, provenance=provenance), content_type=XLSX)
        export_made(actor=actor, provenance=provenance, obj=level.compound or level.community or level.subdistrict,
                    subdistrict_id=level.subdistrict.pk, facts={"figure": figure, "rows": len(lines)})
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
    page = paging.page_of(table.source, request.GET)
    export = page.params.copy()
    export["format"] = "xlsx"
    return render(request, "dashboard/rows.html", {
        "level": level, "table": table, "page": page, "pairs": table.lines(page.rows),
        "export_query": export.urlencode(), "figure": figure, **_scope_choices(request, level),
    })


@login_required
@replica_reads
def report(request: HttpRequest, year: int) -> HttpResponse:
    """The annual report as a print-ready A4 PDF: figures, SVG bars and tables, no JavaScript."""
    level = level_of(request)
    context = _context(level)
    year_figures = next((y for y in context["years"] if y.year == year), None)
    if year_figures is None:
        raise Http404
    projects = [cells for cells, _link in tables.projects(level.scope, _year_params(year)).lines()]
    year_stages = programme.projects_by_stage(level.scope, year)
    max_n = max([b.count for b in year_stages] + [1])
    pdf = render_pdf("dashboard/print/report.html", {
        **context, "year": year, "y": year_figures, "projects": projects, "year_pct": percent(year_figures.progress),
        "stage_bars": [{"label": b.label, "count": b.count, "width": 100 * b.count // max_n, "y": 10 * i + 6,
                        "text_y": 10 * i + 9.5, "count_x": 100 * b.count // max_n + 32} for i, b in enumerate(year_stages)],
        "svg_height": 10 * len(year_stages) + 6,
        "items_year": programme.items_by_kind(level.scope, year), "budget_wan": wan(year_figures.budget_fen),
        "special_year": [p for p in context["special"] if p.year == year],
        **issuing_unit(level.compound or level.community or level.subdistrict),
    })
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(f'{level.name}{year}年度改造报告.pdf')}"
    return response


def _year_params(year: int):
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    params["year"] = str(year)
    return params
