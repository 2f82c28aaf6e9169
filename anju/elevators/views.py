"""Pages of the elevator capability: projects, the calculator (htmx), plans, statements, negotiation."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core import jobs as jobs_core
from anju.core.actor_names import USER_RELATED
from anju.core.audit import Actor
from anju.core.errors import NotFound, ValidationFailed, user_message
from anju.core.models import AuditEvent
from anju.core.pages import attempt
from anju.core.scoping import scope_of
from anju.domain.errors import DomainError
from anju.elevators import forms, glossary, jobs, negotiation, queries, rides, services, statements
from anju.elevators.access import (
    Action,
    access_plan,
    access_project,
    project_household,
    projects_for,
    require_edit,
)
from anju.elevators.models import (
    CostKind,
    ElevatorProject,
    RunningBasis,
    Status,
    SubsidyKind,
    SubsidyMode,
)
from anju.roster.models import Unit

VIEW, EDIT = Action.VIEW, Action.EDIT


@login_required
def index(request: HttpRequest) -> HttpResponse:
    projects = projects_for(request.user)
    return render(request, "elevators/index.html", {"projects": projects, "can_edit": scope_of(request.user).can_edit})


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_project(request.user, pk, action=VIEW)
    history = (AuditEvent.objects.filter(object_type="elevators.elevatorproject", object_id=str(node.pk))
               .select_related(f"actor__{USER_RELATED}")[:20])
    rows = queries.project_rows(node)
    return render(request, "elevators/project.html", {
        "node": node, "rows": rows, "running": _running(node, rows), "costs": node.costs.all(), "subsidies": node.subsidies.all(),
        "compensations": node.compensations.select_related("household__unit__building"),
        "gross": queries.gross_of(node), "plans": node.plans.select_related(f"created_by__{USER_RELATED}"), "history": history,
        "can_edit": scope_of(request.user).can_edit, "statuses": Status.choices,
        "money": forms.money_initial(node),
        "method_label": queries.method_label(node),
    })


def _running(node: ElevatorProject, rows: list) -> dict | None:
    """The yearly running costs per room as the latest plan (or the project as it stands) shares them."""
    if not node.running_costs:
        return None
    try:
        basis, by_room = queries.running_estimate(node, node.plans.first())
    except DomainError as error:
        return {"error": user_message(error)}
    return {"basis": RunningBasis(basis).label, "asked": node.running_basis, "by_room": by_room,
            "total": sum(by_room.values()), "unread": _unread(node, rows, {r.household_id: r.rides for r in rows})}


def _unread(node: ElevatorProject, rows: list, rides: dict[int, int | None]) -> int:
    """Households that pay running costs (as the latest plan has them) without a ride count."""
    return queries.running_unread(node, node.plans.first(), {r.household.room: rides.get(r.household_id) for r in rows})


def _calculator_context(request: HttpRequest, node: ElevatorProject) -> dict:
    rows = queries.project_rows(node)
    data = request.POST if request.method == "POST" else request.GET
    scenario, errors = forms.parse_scenario(data, node, rows)
    comparison = queries.compare(node, scenario)
    for name, message in comparison.errors.items():
        errors.setdefault(name, message)
    effective = queries.with_defaults(node, scenario)
    return {
        "node": node, "comparison": comparison, "errors": errors, "scenario": effective,
        "rows": rows, "modes": SubsidyMode.choices, "chosen": data.get("method") or queries.method_key(node),
        "reach": sorted(comparison.reach_costs.items()), "floors": range(1, node.storeys + 1),
        "field_names": ("subsidy", "subsidy_mode", "exempt", "reach_costs", "costs", "reason"),
        "can_edit": scope_of(request.user).can_edit, "oob": bool(request.headers.get("HX-Request")),
        "glossary": [term.translated() for term in glossary.TERMS],
    }


@login_required
def calculator(request: HttpRequest, pk: int) -> HttpResponse:
    """All methods side by side; the form posts to itself with htmx and only the results are swapped."""
    node = access_project(request.user, pk, action=VIEW)
    context = _calculator_context(request, node)
    if request.headers.get("HX-Request"):
        return render(request, "elevators/_results.html", context)
    return render(request, "elevators/calculator.html", context)


@login_required
@require_POST
def plan_save(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_project(request.user, pk, action=EDIT)
    rows = queries.project_rows(node)
    scenario, errors = forms.parse_scenario(request.POST, node, rows)
    if errors:
        context = _calculator_context(request, node)
        return render(request, "elevators/calculator.html", context, status=400)
    try:
        plan = services.plan_save(project=node, method=request.POST.get("method", ""), scenario=scenario,
                                  reason=request.POST.get("reason", ""), actor=Actor.of(request.user))
    except ValidationFailed as error:
        context = _calculator_context(request, node)
        field = "reason" if error.field == "reason" else (
            queries.calculator_field(error) or "costs")  # type: ignore[arg-type]
        context["errors"][field] = error.message()
        return render(request, "elevators/calculator.html", context, status=400)
    return redirect("elevators:plan", plan.pk)


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_plan(request.user, pk, action=VIEW)
    previous = node.project.plans.filter(version__lt=node.version).order_by("-version").first()
    changes, share_changes = queries.plan_diff(previous, node) if previous else ([], [])
    versions = node.project.plans.select_related(f"created_by__{USER_RELATED}")
    running = queries.running_estimate(node.project, node)[1]
    return render(request, "elevators/plan.html", {
        "plan": node, "project": node.project, "previous": previous, "changes": changes,
        "share_changes": share_changes, "versions": versions, "running": running,
        "running_total": sum(running.values()),
    })


@login_required
def plan_diff(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    new = access_plan(request.user, pk, action=VIEW)
    old = access_plan(request.user, other, action=VIEW, project=new.project)
    if old.version > new.version:
        old, new = new, old
    changes, share_changes = queries.plan_diff(old, new)
    return render(request, "elevators/plan_diff.html", {
        "old": old, "new": new, "project": new.project, "changes": changes, "share_changes": share_changes,
    })



@login_required
def statement(request: HttpRequest, pk: int, household: int) -> HttpResponse:
    """One household's statement (明白账) as a PDF download."""
    node = access_plan(request.user, pk, action=VIEW)
    share = next((s for s in node.shares if s["household"] == household), None)
    if share is None:
        raise NotFound("该户不在这个分摊方案里", "The household is not in this cost plan")
    pdf = statements.render_statement(node, household)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"明白账-{share['room_code']}-v{node.version}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_POST
def statements_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole unit's statements as one PDF, made in the background; the job page shows progress."""
    node = access_plan(request.user, pk, action=VIEW)
    job = jobs_core.job_start(
        kind=jobs.STATEMENTS, label=f"明白账 {node.project} v{node.version}", actor=Actor.of(request.user),
        params={"plan": node.pk}, subdistrict_id=node.project.unit.building.compound.subdistrict_id,
    )
    return redirect("core:job", job.pk)


@login_required
def negotiate(request: HttpRequest, pk: int) -> HttpResponse:
    """Willingness to pay in, shares within the office's rules out (or how far the gap is)."""
    node = access_project(request.user, pk, action=VIEW)
    rows = queries.project_rows(node)
    data = None
    if request.method == "POST":
        data = forms.parse_negotiation(request.POST, [r.household.room for r in rows], node.storeys)
    view = negotiation.run(node, data)
    loaded = None
    if data is None and request.GET.get("source"):
        loaded = negotiation.willingness_load(node, request.user, request.GET["source"])
    will_values = ({r.household.room: request.POST.get(f"will_{r.household.room}", "") for r in rows}
                   if data is not None else (loaded.values if loaded else {}))
    exempt_floors = data.exempt_floors if data is not None else {
        f for f in range(1, node.storeys + 1) if rows and all(r.exempt for r in rows if r.household.floor == f)
        and any(r.household.floor == f for r in rows)}
    context = {"node": node, "view": view, "values": request.POST, "floors": range(1, node.storeys + 1),
               "exempt_floors": exempt_floors, "oob": bool(request.headers.get("HX-Request")),
               "targets": list(forms.TARGETS), "field_names": ["subsidy", "general"],
               "loaded": loaded,
               "sources": [] if request.headers.get("HX-Request") else negotiation.willingness_sources(node, request.user),
               "will_values": will_values}
    if request.headers.get("HX-Request"):
        return render(request, "elevators/_negotiation.html", context)
    return render(request, "elevators/negotiate.html", context)


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    """Start a unit's elevator project: costs and subsidies in 元, households taken from the roster."""
    require_edit(request.user)
    units = (Unit.objects.visible_to(request.user).exclude(elevator_projects__active=True)
             .filter(has_elevator=False).select_related("building__compound").order_by("building__compound_id", "building_id", "id"))
    form = forms.ProjectForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            node = services.project_create(
                unit=data["unit"], status=data["status"], planned_completion=data["planned_completion"],
                costs=form.lines("cost", CostKind), subsidies=form.lines("subsidy", SubsidyKind),
                exempt_floors=[1] if data["exempt_ground_floor"] else [], actor=Actor.of(request.user))
        except (ValidationFailed, DomainError) as error:
            form.add_error(None, user_message(error))
        else:
            return redirect("elevators:project", node.pk)
    return render(request, "elevators/project_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def project_status(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_project(request.user, pk, action=EDIT)
    form = forms.ProjectStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        services.project_update(project=node, actor=Actor.of(request.user), **form.cleaned_data)
    return redirect("elevators:project", node.pk)


@login_required
@require_POST
def table_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a coefficient table of the sub-district from the calculator; it becomes a column there."""
    node = access_project(request.user, pk, action=EDIT)
    attempt(request, lambda: services.table_save(
        subdistrict=node.unit.building.compound.subdistrict, name=request.POST.get("name", ""),
        by_floor=forms.parse_table(request.POST, node.storeys), source=request.POST.get("source", ""),
        actor=Actor.of(request.user)))
    return redirect("elevators:calculator", node.pk)


@login_required
@require_POST
def project_money(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the project's costs, subsidies and yearly running costs (amounts in 元)."""
    node = access_project(request.user, pk, action=EDIT)
    values, errors = forms.parse_money(request.POST, node)
    if errors:
        messages.error(request, "; ".join(f"{name}: {message}" for name, message in errors.items()))
        return redirect("elevators:project", node.pk)
    attempt(request, lambda: services.money_set(project=node, actor=Actor.of(request.user), **values))
    return redirect("elevators:project", node.pk)


RIDES_MAX_BYTES = 5 * 1024 * 1024


@login_required
@require_POST
def rides_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Metered rides per household, typed per room or from a sheet (which then replaces every room's count)."""
    node = access_project(request.user, pk, action=EDIT)
    rows = queries.project_rows(node)
    upload = request.FILES.get("rides_file")

    def save() -> dict[int, int | None]:
        if upload is not None:
            if upload.size > RIDES_MAX_BYTES:
                raise ValidationFailed("文件超过 5 MB", "the file is larger than 5 MB", field="file")
            by_room = rides.read_rides(upload.read(), [r.household.room for r in rows])
            values = {r.household_id: by_room.get(r.household.room) for r in rows}
        else:
            values, errors = forms.parse_rides(request.POST, rows)
            if errors:
                raise ValidationFailed("；".join(errors.values()), "; ".join(errors.values()), field="rides")
        services.rides_set(project=node, rides=values, actor=Actor.of(request.user))
        return values

    attempt(request, save, done=lambda values: _("已记录 %(read)s 户的刷卡次数；%(unread)s 户没有次数，按 0 次计。") % {
        "read": sum(1 for v in values.values() if v is not None), "unread": _unread(node, rows, values)})
    return redirect(f"{reverse('elevators:project', args=[node.pk])}#running")


@login_required
@require_POST
def compensation_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record compensation paid to an affected household (e.g. 1F light); owners share it in the next plan."""
    node = access_project(request.user, pk, action=EDIT)
    household = project_household(node, _int(request.POST.get("household")))
    errors: dict[str, str] = {}
    amount = forms.yuan_field(request.POST, "amount", errors)
    if errors or amount is None:
        messages.error(request, errors.get("amount") or _("请填写补偿金额"))
        return redirect("elevators:project", node.pk)
    attempt(request, lambda: services.compensation_add(project=node, household=household, amount=amount,
                                                       reason=request.POST.get("reason", ""),
                                                       actor=Actor.of(request.user)))
    return redirect("elevators:project", node.pk)


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 19 else 0
