"""Every write of the elevator capability: keyword-only, in a transaction, with an audit record.

Methods and amounts are checked by the cost engine before anything is saved; an engine error becomes a
`ValidationFailed` naming the field, in Chinese and English.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import Max

from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import ValidationFailed
from anju.domain import costshare
from anju.domain.costshare import plain_yuan
from anju.domain.errors import DomainError
from anju.elevators import queries
from anju.elevators.models import (
    Compensation,
    CostKind,
    CostLine,
    CostPlan,
    ElevatorProject,
    ProjectHousehold,
    RunningBasis,
    SavedTable,
    Status,
    Subsidy,
    SubsidyKind,
    SubsidyMode,
)
from anju.roster.models import Household, Subdistrict, Unit


def _subdistrict_id(project: ElevatorProject) -> int:
    return project.unit.building.compound.subdistrict_id


def _snapshot(project: ElevatorProject) -> dict[str, Any]:
    return {
        "status": project.status, "active": project.active,
        "planned_completion": str(project.planned_completion or ""),
        "actual_completion": str(project.actual_completion or ""),
        "method": project.method, "subsidy_mode": project.subsidy_mode, "reach_costs": project.reach_costs,
        "running_costs": project.running_costs, "running_basis": project.running_basis,
        "costs": [[c.kind, c.name, plain_yuan(c.amount)] for c in project.costs.all()],
        "subsidies": [[s.kind, s.name, plain_yuan(s.amount)] for s in project.subsidies.all()],
        "compensations": [[c.household_id, plain_yuan(c.amount)] for c in project.compensations.all()],
    }


def _check_method(method: Mapping[str, Any], *, storeys: int, subdistrict_id: int) -> dict[str, Any]:
    """The method as stored; checked by the engine's parser (a saved table must be the sub-district's)."""
    method = dict(method)
    if method.get("kind") == "saved":
        if not SavedTable.objects.filter(pk=method.get("saved_table") or 0, subdistrict_id=subdistrict_id).exists():
            raise ValidationFailed("所选系数表不存在", "the chosen saved table does not exist", field="method")
        return {"kind": "saved", "saved_table": int(method["saved_table"])}
    # One household per floor, so a table that gives some floor a coefficient can be allocated.
    households = [{"id": str(floor), "floor": floor, "area": "1"} for floor in range(1, storeys + 1)]
    probe = {"storeys": storeys, "households": households,
             "costs": [{"name": "probe", "amount": "1"}], "method": method}
    if method.get("kind") in queries.AIRPORT:
        probe["method"] = {**method, "reach_costs": {str(storeys): "1"}}
    try:
        costshare.allocate_quote(costshare.quote_from_json(probe))
    except DomainError as error:
        raise ValidationFailed.from_domain(error) from None
    if method.get("kind") in queries.AIRPORT:
        method.pop("reach_costs", None)  # reach costs live on the project, not in the method
    return method


def _check_reach(reach: Mapping[Any, Any], *, storeys: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for floor, amount in reach.items():
        if not str(floor).isdigit() or not 1 <= int(floor) <= storeys:
            raise ValidationFailed(f"楼层不存在: {floor}", f"no such floor: {floor}", field=f"reach_costs.{floor}")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValidationFailed(f"金额应为不小于 0 的整数分: {amount!r}", f"amount must be non-negative fen: {amount!r}",
                                   field=f"reach_costs.{floor}")
        out[str(int(floor))] = amount
    return out


def _check_lines(lines: Sequence[tuple[str, str, int]], kinds: type[models.TextChoices], field: str) -> None:
    for index, (kind, _name, amount) in enumerate(lines):
        if kind not in kinds.values:
            raise ValidationFailed(f"未知类别: {kind}", f"unknown kind: {kind}", field=f"{field}[{index}].kind")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValidationFailed(f"金额应为不小于 0 的整数分: {amount!r}", f"amount must be non-negative fen: {amount!r}",
                                   field=f"{field}[{index}].amount")


@transaction.atomic
def project_create(
    *, unit: Unit, actor: Actor, status: str = Status.PREPARING, method: Mapping[str, Any] | None = None,
    subsidy_mode: str = SubsidyMode.PROPORTIONAL, costs: Sequence[tuple[str, str, int]] = (),
    subsidies: Sequence[tuple[str, str, int]] = (), exempt_floors: Iterable[int] = (),
    planned_completion: datetime.date | None = None, actual_completion: datetime.date | None = None,
    reach_costs: Mapping[Any, int] | None = None, running_costs: Sequence[tuple[str, int]] = (),
    running_basis: str = RunningBasis.COEFFICIENTS,
) -> ElevatorProject:
    """Start the unit's elevator project with a row per household of the roster; one active project per unit.

    `costs` and `subsidies` are (kind, name, fen); households on `exempt_floors` start exempt (免缴).
    """
    unit = Unit.objects.select_related("building__compound").select_for_update().get(pk=unit.pk)
    if ElevatorProject.objects.filter(unit=unit, active=True).exists():
        raise ValidationFailed(f"{unit} 已有进行中的加装电梯项目", f"unit {unit} already has an active elevator project",
                               field="unit")
    if status not in Status.values:
        raise ValidationFailed(f"未知状态: {status}", f"unknown status: {status}", field="status")
    if subsidy_mode not in SubsidyMode.values:
        raise ValidationFailed(f"未知补贴方式: {subsidy_mode}", f"unknown subsidy mode: {subsidy_mode}", field="subsidy_mode")
    if running_basis not in RunningBasis.values:
        raise ValidationFailed(f"未知分摊方式: {running_basis}", f"unknown basis: {running_basis}", field="running_basis")
    storeys = unit.building.storeys
    checked = _check_method(method or {"kind": "table", "table": "guangzhou-2025"}, storeys=storeys,
                            subdistrict_id=unit.building.compound.subdistrict_id)
    _check_lines(costs, CostKind, "costs")
    _check_lines(subsidies, SubsidyKind, "subsidies")
    project = ElevatorProject.objects.create(
        unit=unit, status=status, method=checked, subsidy_mode=subsidy_mode,
        planned_completion=planned_completion, actual_completion=actual_completion,
        reach_costs=_check_reach(reach_costs or {}, storeys=storeys),
        running_costs=[{"name": name, "amount": amount} for name, amount in running_costs],
        running_basis=running_basis,
    )
    CostLine.objects.bulk_create([CostLine(project=project, kind=k, name=n, amount=a) for k, n, a in costs])
    Subsidy.objects.bulk_create([Subsidy(project=project, kind=k, name=n, amount=a) for k, n, a in subsidies])
    exempt = set(exempt_floors)
    ProjectHousehold.objects.bulk_create([
        ProjectHousehold(project=project, household=h, exempt=h.floor in exempt)
        for h in Household.objects.filter(unit=unit).order_by("floor", "room")
    ])
    audit.record(actor=actor, action="elevator.create", obj=project, before=None, after=_snapshot(project),
                 subdistrict_id=_subdistrict_id(project))
    return project


@transaction.atomic
def project_update(*, project: ElevatorProject, actor: Actor, **changes: Any) -> ElevatorProject:
    """Change status, dates, method, subsidy mode, reach or running costs; checked like `project_create`."""
    allowed = {"status", "planned_completion", "actual_completion", "method", "subsidy_mode", "reach_costs",
               "running_costs", "running_basis", "note", "active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(f"不能修改: {', '.join(sorted(unknown))}", f"cannot change: {', '.join(sorted(unknown))}",
                               field=sorted(unknown)[0])
    project = ElevatorProject.objects.select_for_update().select_related("unit__building__compound").get(pk=project.pk)
    before = _snapshot(project)
    if "status" in changes and changes["status"] not in Status.values:
        raise ValidationFailed(f"未知状态: {changes['status']}", f"unknown status: {changes['status']}", field="status")
    if "subsidy_mode" in changes and changes["subsidy_mode"] not in SubsidyMode.values:
        raise ValidationFailed("未知补贴方式", "unknown subsidy mode", field="subsidy_mode")
    if "running_basis" in changes and changes["running_basis"] not in RunningBasis.values:
        raise ValidationFailed("未知分摊方式", "unknown basis", field="running_basis")
    if "method" in changes:
        changes["method"] = _check_method(changes["method"], storeys=project.storeys,
                                          subdistrict_id=_subdistrict_id(project))
    if "reach_costs" in changes:
        changes["reach_costs"] = _check_reach(changes["reach_costs"], storeys=project.storeys)
    if "running_costs" in changes:
        changes["running_costs"] = [{"name": name, "amount": amount} for name, amount in changes["running_costs"]]
    for name, value in changes.items():
        setattr(project, name, value)
    project.save()
    audit.record(actor=actor, action="elevator.update", obj=project, before=before, after=_snapshot(project),
                 subdistrict_id=_subdistrict_id(project))
    return project


@transaction.atomic
def money_set(*, project: ElevatorProject, costs: Sequence[tuple[str, str, int]],
              subsidies: Sequence[tuple[str, str, int]], running_costs: Sequence[tuple[str, int]] | None = None,
              running_basis: str | None = None, actor: Actor) -> ElevatorProject:
    """Replace the project's one-off costs and subsidies (kind, name, fen), and optionally its yearly running costs
    and how they are shared (`RunningBasis`).

    Saved plans keep the figures they were computed with; the next plan uses these.
    """
    if running_basis is not None and running_basis not in RunningBasis.values:
        raise ValidationFailed(f"未知分摊方式: {running_basis}", f"unknown basis: {running_basis}", field="running_basis")
    _check_lines(costs, CostKind, "costs")
    _check_lines(subsidies, SubsidyKind, "subsidies")
    if not costs or not sum(amount for _k, _n, amount in costs):
        raise ValidationFailed("至少需要一项费用", "at least one cost is needed", field="costs")
    if sum(a for _k, _n, a in subsidies) > sum(a for _k, _n, a in costs):
        raise ValidationFailed("补贴合计超过费用合计", "the subsidies exceed the costs", field="subsidies")
    for index, (_name, amount) in enumerate(running_costs or ()):
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValidationFailed(f"金额应为不小于 0 的整数分: {amount!r}", f"amount must be non-negative fen: {amount!r}",
                                   field=f"running_costs[{index}].amount")
    project = ElevatorProject.objects.select_for_update().select_related("unit__building__compound").get(pk=project.pk)
    before = _snapshot(project)
    project.costs.all().delete()
    project.subsidies.all().delete()
    CostLine.objects.bulk_create([CostLine(project=project, kind=k, name=n, amount=a) for k, n, a in costs])
    Subsidy.objects.bulk_create([Subsidy(project=project, kind=k, name=n, amount=a) for k, n, a in subsidies])
    if running_costs is not None:
        project.running_costs = [{"name": name, "amount": amount} for name, amount in running_costs]
    if running_basis is not None:
        project.running_basis = running_basis
    if project.reach_costs and project.reach_costs[max(project.reach_costs, key=int)] != sum(a for *_, a in costs):
        project.reach_costs = {}  # the old profile no longer ends at the gross: back to the default profile
    project.save()
    audit.record(actor=actor, action="elevator.money", obj=project, before=before, after=_snapshot(project),
                 subdistrict_id=_subdistrict_id(project))
    return project


@transaction.atomic
def household_set(*, project: ElevatorProject, household: Household, actor: Actor, participates: bool,
                  exempt: bool) -> ProjectHousehold:
    """Whether a household takes part and whether it is exempt (免缴)."""
    row = ProjectHousehold.objects.select_for_update().filter(project=project, household=household).first()
    if row is None:
        raise ValidationFailed("该户不属于本项目的单元", "the household is not in this project's unit", field="household")
    before = {"participates": row.participates, "exempt": row.exempt}
    row.participates, row.exempt = participates, exempt
    row.save(update_fields=["participates", "exempt"])
    audit.record(actor=actor, action="elevator.household", obj=project, before={household.room: before},
                 after={household.room: {"participates": participates, "exempt": exempt}},
                 subdistrict_id=_subdistrict_id(project))
    return row


@transaction.atomic
def rides_set(*, project: ElevatorProject, rides: Mapping[int, int | None], actor: Actor) -> int:
    """Record metered rides (IC-card counts) per household pk, None to clear; returns how many rows changed.

    Households of the project left out of `rides` keep what they had; running costs by rides use these counts.
    """
    rows = {row.household_id: row for row in
            ProjectHousehold.objects.select_for_update().filter(project=project).select_related("household")}
    for household_id, count in rides.items():
        if household_id not in rows:
            raise ValidationFailed("该户不属于本项目的单元", "the household is not in this project's unit",
                                   field=f"rides.{household_id}")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
            room = rows[household_id].household.room
            raise ValidationFailed(f"{room}: 刷卡次数应为不小于 0 的整数", f"{room}: rides must be a whole number of at least 0",
                                   field=f"rides.{room}")
    changed = [row for household_id, row in rows.items()
               if household_id in rides and row.rides != rides[household_id]]
    if not changed:
        return 0
    before = {row.household.room: row.rides for row in changed}
    for row in changed:
        row.rides = rides[row.household_id]
    ProjectHousehold.objects.bulk_update(changed, ["rides"])
    audit.record(actor=actor, action="elevator.rides", obj=project, before=before,
                 after={row.household.room: row.rides for row in changed}, subdistrict_id=_subdistrict_id(project))
    return len(changed)


@transaction.atomic
def compensation_add(*, project: ElevatorProject, household: Household, amount: int, reason: str,
                     actor: Actor) -> Compensation:
    if household.unit_id != project.unit_id:
        raise ValidationFailed("受补偿户不在本单元", "the household is not in this unit", field="household")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed("补偿金额应大于 0", "compensation must be more than 0", field="amount")
    before = _snapshot(project)
    comp = Compensation.objects.create(project=project, household=household, amount=amount, reason=reason[:120])
    audit.record(actor=actor, action="elevator.compensation", obj=project, before=before, after=_snapshot(project),
                 subdistrict_id=_subdistrict_id(project))
    return comp


@transaction.atomic
def table_save(*, subdistrict: Subdistrict, name: str, by_floor: Mapping[Any, Any], source: str,
               actor: Actor) -> SavedTable:
    """Save (or replace) a named coefficient table of the sub-district; values checked by the engine."""
    name = name.strip()
    if not name:
        raise ValidationFailed("请填写系数表名称", "the table needs a name", field="name")
    try:
        costshare.custom_table(name, {str(k): v for k, v in by_floor.items()})
    except DomainError as error:
        raise ValidationFailed.from_domain(error) from None
    values = {str(int(k)): str(v).strip() for k, v in sorted(by_floor.items(), key=lambda kv: int(kv[0]))}
    existing = SavedTable.objects.filter(subdistrict=subdistrict, name=name).first()
    before = None if existing is None else {"by_floor": existing.by_floor, "source": existing.source}
    saved, _ = SavedTable.objects.update_or_create(subdistrict=subdistrict, name=name,
                                                   defaults={"by_floor": values, "source": source[:200]})
    audit.record(actor=actor, action="elevator.table", obj=saved, before=before,
                 after={"by_floor": values, "source": saved.source}, subdistrict_id=subdistrict.pk)
    return saved


@transaction.atomic
def plan_save(*, project: ElevatorProject, method: str, scenario: queries.Scenario, reason: str,
              actor: Actor) -> CostPlan:
    """Save the next version of the project's cost plan; earlier versions stay as they were.

    `method` is a calculator column key (e.g. "table:guangzhou-2025", "shapley"). The plan stores the
    engine input (so `anju costshare` reproduces it) and every household's share with its steps. The
    project adopts the plan's method, subsidy mode, reach costs and household flags, so the calculator
    opens on the plan last saved; the project's subsidy lines stay as entered.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请说明保存或修改的原因", "say why this version is saved", field="reason")
    project = ElevatorProject.objects.select_for_update().select_related("unit__building__compound").get(pk=project.pk)
    rows = queries.project_rows(project)
    scenario = queries.with_defaults(project, scenario)
    try:
        document = queries.quote_document(project, method, scenario, rows)
        allocation = queries.allocate(document)
    except DomainError as error:
        raise ValidationFailed.from_domain(error) from None
    label = next((c.label_zh for c in queries.method_columns(project) if c.key == method), method)
    by_room = {row.household.room: row for row in rows}
    shares: list[dict[str, Any]] = []
    for share in allocation.shares:
        row = by_room[share.household_id]
        h = row.household
        shares.append({
            "household": h.pk, "room": h.room, "room_code": h.room_code, "floor": h.floor,
            "area": str(h.exclusive_area), "amount": share.amount, "percent_bp": share.percent_bp,
            "compensation": share.compensation, "participates": h.pk not in (scenario.absent or ()),
            "exempt": h.pk in (scenario.exempt or ()), "steps_zh": list(share.steps_zh), "steps_en": list(share.steps_en),
        })
    previous = CostPlan.objects.filter(project=project).aggregate(v=Max("version"))["v"] or 0
    plan = CostPlan.objects.create(
        project=project, version=previous + 1, inputs=document, shares=shares, method_label=label,
        gross=allocation.gross, subsidy=allocation.subsidy, compensation=allocation.compensation, net=allocation.net,
        reason=reason[:300], created_by=actor.user, created_by_label=actor.label[:120],
    )
    _adopt(project, method, scenario, rows, actor)
    audit.record(
        actor=actor, action="elevator.plan", obj=plan,
        before=None if previous == 0 else {"version": previous},
        after={"version": plan.version, "method": label, "net": plain_yuan(plan.net), "reason": plan.reason,
               "shares": {s["room"]: plain_yuan(s["amount"]) for s in shares}},
        subdistrict_id=_subdistrict_id(project),
    )
    return plan


def _adopt(project: ElevatorProject, key: str, scenario: queries.Scenario, rows: Sequence[ProjectHousehold],
           actor: Actor) -> None:
    """Make the saved plan's choices the project's own (one audit record when anything changes)."""
    if key.startswith("saved:"):
        method: dict[str, Any] = {"kind": "saved", "saved_table": int(key.removeprefix("saved:"))}
    elif key == "coefficients":
        method = {**project.method, "weight_by_area": scenario.weight_by_area}
    elif key.startswith("table:"):
        method = {"kind": "table", "table": key.removeprefix("table:"), "weight_by_area": scenario.weight_by_area}
    elif key in queries.AIRPORT:
        method = {"kind": key, "weight_by_area": scenario.weight_by_area}
    else:
        method = {"kind": key}
    before = _snapshot(project)
    changed_rows = []
    for row in rows:
        exempt = row.household_id in (scenario.exempt or ())
        participates = row.household_id not in (scenario.absent or ())
        if (row.exempt, row.participates) != (exempt, participates):
            row.exempt, row.participates = exempt, participates
            changed_rows.append(row)
    ProjectHousehold.objects.bulk_update(changed_rows, ["exempt", "participates"])
    project.method = method
    project.subsidy_mode = scenario.subsidy_mode or project.subsidy_mode
    if scenario.reach_costs is not None:
        project.reach_costs = {str(f): v for f, v in scenario.reach_costs.items()}
    after = _snapshot(project)
    if before != after or changed_rows:
        project.save()
        after["households"] = {r.household.room: {"exempt": r.exempt, "participates": r.participates}
                               for r in changed_rows}
        audit.record(actor=actor, action="elevator.adopt_plan", obj=project, before=before, after=after,
                     subdistrict_id=_subdistrict_id(project))
