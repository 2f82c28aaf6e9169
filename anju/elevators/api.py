"""Elevator API: projects, a calculation of every method for given parameters, and saved plans.

Scoped by the caller like the pages (404 outside the scope); amounts are 元 as strings with two decimals.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from anju.core import paging
from anju.core.audit import Actor
from anju.core.bounds import Count, Cursor, Id, limit
from anju.core.errors import ValidationFailed
from anju.domain.costshare import plain_yuan, to_fen
from anju.domain.errors import DomainError
from anju.elevators import queries, services
from anju.elevators.access import Action, access_plan, access_project, projects_for
from anju.elevators.models import CostPlan, ElevatorProject

router = Router(tags=["elevators 加装电梯"])


class LineOut(Schema):
    kind: str
    name: str
    amount: str


class ElevatorHouseholdOut(Schema):
    household_id: int
    room: str
    room_code: str
    floor: int
    area: str
    participates: bool
    exempt: bool


class CostPlanOut(Schema):
    id: int
    project_id: int
    version: int
    method: str
    gross: str
    subsidy: str
    compensation: str
    net: str
    reason: str
    created_by: str
    created: str


class ShareOut(Schema):
    household_id: int
    room: str
    floor: int
    amount: str
    percent: str
    exempt: bool
    participates: bool
    steps: list[str]


class CostPlanDetailOut(CostPlanOut):
    inputs: dict
    shares: list[ShareOut]


class ElevatorProjectOut(Schema):
    id: int
    unit_id: int
    compound: str
    unit: str
    storeys: int
    status: str
    status_label: str
    planned_completion: str | None
    actual_completion: str | None
    method: dict
    method_label: str = Field(description="分摊方法的名称，供显示（method 为机器可读的设置）")
    subsidy_mode: str
    subsidy_mode_label: str
    latest_plan: int | None


class ElevatorProjectDetailOut(ElevatorProjectOut):
    gross: str
    costs: list[LineOut]
    subsidies: list[LineOut]
    households: list[ElevatorHouseholdOut]
    plans: list[CostPlanOut]


class CalculateIn(Schema):
    subsidy: str | None = Field(None, description="补贴合计（元），不填用项目的补贴")
    subsidy_mode: str | None = Field(None, description="proportional | common_first")
    exempt: list[str] | None = Field(None, description="免缴户房号；不填用项目的设置")
    not_participating: list[str] | None = Field(None, description="不参与的户房号；不填用项目的设置")
    weight_by_area: bool = False
    reach_costs: dict[str, str] | None = Field(None, description="到达各层的费用（元），键为楼层")
    methods: list[str] | None = Field(None, description="只算这些方法（列键），不填则全部")


class MethodSharesOut(Schema):
    key: str
    label: str
    error: str
    total: str | None
    shares: list[ShareOut]


class CalculateOut(Schema):
    gross: str
    subsidy: str
    compensation: str
    net: str
    methods: list[MethodSharesOut]


class RunningShareOut(Schema):
    room: str
    floor: int
    rides: int | None
    amount: str
    pays: bool = Field(description="whether the household shares the running costs (takes part, not exempt)")


class RunningOut(Schema):
    basis: str = Field(description="coefficients | rides | equal: the basis actually used")
    asked: str = Field(description="the project's chosen basis (rides fall back to equal until any are read)")
    total: str
    unread: int = Field(description="households that pay without a ride count (counted as 0 rides)")
    shares: list[RunningShareOut]


class RunningIn(Schema):
    basis: str | None = Field(None, description="coefficients | equal | rides; 不填则不变")
    rides: dict[str, Count | None] | None = Field(None, description="各户刷卡次数，键为房号；null 清除；未列出的户不变")


class SavePlanIn(CalculateIn):
    method: str
    reason: str


def _plan(p: CostPlan) -> dict:
    return {
        "id": p.pk, "project_id": p.project_id, "version": p.version, "method": p.method_label,
        "gross": plain_yuan(p.gross), "subsidy": plain_yuan(p.subsidy), "compensation": plain_yuan(p.compensation),
        "net": plain_yuan(p.net), "reason": p.reason, "created_by": p.created_by_label, "created": p.created.isoformat(),
    }


def _project(p: ElevatorProject) -> dict:
    plans = list(p.plans.all())
    return {
        "id": p.pk, "unit_id": p.unit_id, "compound": p.unit.building.compound.name, "unit": str(p.unit),
        "storeys": p.storeys, "status": p.status, "status_label": p.get_status_display(),
        "planned_completion": p.planned_completion.isoformat() if p.planned_completion else None,
        "actual_completion": p.actual_completion.isoformat() if p.actual_completion else None,
        "method": p.method, "method_label": queries.method_label(p),
        "subsidy_mode": p.subsidy_mode, "subsidy_mode_label": p.get_subsidy_mode_display(), "latest_plan": plans[0].pk if plans else None,
    }


def _access(request: HttpRequest, pk: Id, action: Action = Action.VIEW) -> ElevatorProject:
    return access_project(request.user, pk, action=action)


def _scenario(project: ElevatorProject, data: CalculateIn) -> queries.Scenario:
    rows = queries.project_rows(project)
    by_room = {r.household.room: r.household_id for r in rows}

    def rooms(values: list[str] | None, field: str) -> frozenset[int] | None:
        if values is None:
            return None
        unknown = [v for v in values if v not in by_room]
        if unknown:
            raise ValidationFailed(f"房号不在本单元: {', '.join(unknown)}", f"rooms not in this unit: {', '.join(unknown)}",
                                   field=field)
        return frozenset(by_room[v] for v in values)

    try:
        subsidy = None if data.subsidy is None else to_fen(data.subsidy, field="subsidy")
        reach = None if data.reach_costs is None else {
            int(f) if f.isascii() and f.isdigit() else -1: to_fen(v, field=f"reach_costs.{f}") for f, v in data.reach_costs.items()}
    except DomainError as error:
        raise ValidationFailed.from_domain(error) from None
    if reach is not None and -1 in reach:
        raise ValidationFailed("楼层应为整数", "floors must be integers", field="reach_costs")
    if data.subsidy_mode is not None and data.subsidy_mode not in ("proportional", "common_first"):
        raise ValidationFailed("补贴方式应为 proportional 或 common_first", "subsidy_mode must be proportional or common_first",
                               field="subsidy_mode")
    return queries.Scenario(subsidy=subsidy, subsidy_mode=data.subsidy_mode, exempt=rooms(data.exempt, "exempt"),
                            absent=rooms(data.not_participating, "not_participating"),
                            weight_by_area=data.weight_by_area, reach_costs=reach)


@router.get("/projects", response=list[ElevatorProjectOut])
def list_projects(request: HttpRequest, response: HttpResponse, limit: limit(1000) = 500, cursor: Cursor | None = None):
    """By compound, building and unit, `limit` a page; X-Next-Cursor the `cursor` of the next page."""
    return [_project(p) for p in paging.page(projects_for(request.user), limit=limit, cursor=cursor, offset=0,
                                             request=request, response=response)]


@router.get("/projects/{pk}", response=ElevatorProjectDetailOut)
def project_detail(request: HttpRequest, pk: Id):
    p = _access(request, pk)
    return {
        **_project(p), "gross": plain_yuan(queries.gross_of(p)),
        "costs": [{"kind": c.kind, "name": c.name or c.get_kind_display(), "amount": plain_yuan(c.amount)} for c in p.costs.all()],
        "subsidies": [{"kind": s.kind, "name": s.name or s.get_kind_display(), "amount": plain_yuan(s.amount)}
                      for s in p.subsidies.all()],
        "households": [{"household_id": r.household_id, "room": r.household.room, "room_code": r.household.room_code,
                        "floor": r.household.floor, "area": str(r.household.exclusive_area),
                        "participates": r.participates, "exempt": r.exempt} for r in queries.project_rows(p)],
        "plans": [_plan(plan) for plan in p.plans.all()],
    }


@router.post("/projects/{pk}/calculate", response=CalculateOut)
def calculate(request: HttpRequest, pk: Id, data: CalculateIn):
    """Every method's shares for the given parameters; nothing is saved."""
    p = _access(request, pk)
    comparison = queries.compare(p, _scenario(p, data))
    if comparison.errors:
        field, message = next(iter(comparison.errors.items()))
        raise ValidationFailed(message, message, field=field)
    rows = {r.room: r for r in comparison.rows}
    methods = []
    for result in comparison.results:
        if data.methods is not None and result.column.key not in data.methods:
            continue
        shares = [] if result.allocation is None else [
            {"household_id": rows[s.household_id].household_id, "room": s.household_id, "floor": s.floor,
             "amount": plain_yuan(s.amount), "percent": plain_yuan(s.percent_bp), "exempt": rows[s.household_id].exempt,
             "participates": rows[s.household_id].participates, "steps": list(s.steps_zh)}
            for s in result.allocation.shares]
        total = None if result.allocation is None else plain_yuan(sum(s.amount for s in result.allocation.shares))
        methods.append({"key": result.column.key, "label": result.column.label, "error": result.error,
                        "total": total, "shares": shares})
    return {"gross": plain_yuan(comparison.gross), "subsidy": plain_yuan(comparison.subsidy),
            "compensation": plain_yuan(comparison.compensation), "net": plain_yuan(comparison.net), "methods": methods}


@router.get("/projects/{pk}/plans", response=list[CostPlanOut])
def list_plans(request: HttpRequest, pk: Id):
    return [_plan(plan) for plan in _access(request, pk).plans.all()]


@router.post("/projects/{pk}/plans", response={201: CostPlanOut})
def save_plan(request: HttpRequest, pk: Id, data: SavePlanIn):
    """Save the next version of the cost plan with the given method and parameters."""
    p = _access(request, pk, Action.EDIT)
    plan = services.plan_save(project=p, method=data.method, scenario=_scenario(p, data), reason=data.reason,
                              actor=Actor.of(request.user))
    return Status(201, _plan(plan))


def _running(p: ElevatorProject) -> dict:
    rows = queries.project_rows(p)
    plan = p.plans.first()
    basis, by_room = queries.running_estimate(p, plan)
    payers = queries.running_payers(p, plan)
    return {"basis": basis, "asked": p.running_basis, "total": plain_yuan(sum(by_room.values())),
            "unread": queries.running_unread(p, plan, {r.household.room: r.rides for r in rows}),
            "shares": [{"room": r.household.room, "floor": r.household.floor, "rides": r.rides,
                        "amount": plain_yuan(by_room.get(r.household.room, 0)), "pays": r.household.room in payers}
                       for r in rows]}


@router.get("/projects/{pk}/running", response=RunningOut)
def running(request: HttpRequest, pk: Id):
    """Each household's yearly running costs (元) as the latest plan, or the project as it stands, shares them."""
    try:
        return _running(_access(request, pk))
    except DomainError as error:
        raise ValidationFailed.from_domain(error) from None


@router.post("/projects/{pk}/running", response=RunningOut)
def running_set(request: HttpRequest, pk: Id, data: RunningIn):
    """Choose how running costs are shared and/or record metered rides per room (whole numbers, at least 0)."""
    p = _access(request, pk, Action.EDIT)
    if data.rides is not None:
        by_room = {r.household.room: r.household_id for r in queries.project_rows(p)}
        unknown = [room for room in data.rides if room not in by_room]
        if unknown:
            raise ValidationFailed(f"房号不在本单元: {', '.join(unknown)}", f"rooms not in this unit: {', '.join(unknown)}",
                                   field="rides")
        services.rides_set(project=p, rides={by_room[room]: n for room, n in data.rides.items()},
                           actor=Actor.of(request.user))
    if data.basis is not None:
        p = services.project_update(project=p, running_basis=data.basis, actor=Actor.of(request.user))
    return running(request, pk)


@router.get("/plans/{pk}", response=CostPlanDetailOut)
def plan_detail(request: HttpRequest, pk: Id):
    plan = access_plan(request.user, pk, action=Action.VIEW)
    return {**_plan(plan), "inputs": plan.inputs, "shares": [
        {"household_id": s["household"], "room": s["room"], "floor": s["floor"], "amount": plain_yuan(s["amount"]),
         "percent": plain_yuan(s["percent_bp"]), "exempt": s["exempt"], "participates": s["participates"],
         "steps": s["steps_zh"]} for s in plan.shares]}
