"""Reads of the elevator capability: a project's quote in the engine's contract, all methods side by side.

A quote is built as the JSON document of `anju costshare` (household ids are room numbers, amounts in 元)
and checked by the engine's own parser, so what the calculator shows, what a plan stores and what the
CLI computes from the plan's inputs are the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language

from anju.core.household_links import HouseholdLink
from anju.core.household_links import register as register_household_links
from anju.core.scoping import Scope, scope_of
from anju.domain import costshare
from anju.domain.costshare import Allocation, plain_yuan
from anju.domain.errors import DomainError
from anju.elevators.models import CostPlan, ElevatorProject, ProjectHousehold, SavedTable, Status, SubsidyMode
from anju.roster.models import Subdistrict, Unit

# Share of the gross that an elevator stopping at 2F already costs (shaft, pit, machine, first door);
# each floor above adds an equal part of the rest. Used when a project has no reach costs of its own.
DEFAULT_COMMON_PERCENT = 55
AIRPORT = ("shapley", "nucleolus")


@dataclass(frozen=True)
class Scenario:
    """What the calculator may change without touching the project. None: the project's own value."""

    subsidy: int | None = None  # fen, replaces the project's subsidies
    subsidy_mode: str | None = None
    exempt: frozenset[int] | None = None  # household pks
    absent: frozenset[int] | None = None  # household pks not participating
    weight_by_area: bool = False
    reach_costs: Mapping[int, int] | None = None  # floor -> fen


# Column headings short enough for eight columns side by side; the full title goes in the tooltip.
SHORT_TITLES = {
    "guangzhou-2025": ("广州 2025", "Guangzhou 2025"), "nanjing-gulou": ("南京鼓楼", "Nanjing Gulou"),
    "hangzhou-6": ("杭州（六层）", "Hangzhou (6F)"), "shanghai-6": ("上海（六层）", "Shanghai (6F)"),
    "beijing-2022": ("北京 2022", "Beijing 2022"),
}


def _zh() -> bool:
    return (get_language() or "zh").startswith("zh")


@dataclass(frozen=True)
class MethodColumn:
    key: str
    label_zh: str
    label_en: str
    short_zh: str = ""
    short_en: str = ""

    @property
    def label(self) -> str:
        return self.label_zh if _zh() else self.label_en

    @property
    def short(self) -> str:
        return (self.short_zh or self.label_zh) if _zh() else (self.short_en or self.label_en)


@dataclass
class ColumnResult:
    column: MethodColumn
    allocation: Allocation | None
    error: str = ""
    note: str = ""


@dataclass
class Row:
    household_id: int
    room: str
    room_code: str
    floor: int
    area: Any
    participates: bool
    exempt: bool
    amounts: list[tuple[str, int | None]] = field(default_factory=list)  # (method key, fen)


@dataclass
class Comparison:
    """Every method's shares for one scenario; `errors` maps a calculator field to a message."""

    project: ElevatorProject
    scenario: Scenario
    gross: int
    subsidy: int
    compensation: int
    net: int
    results: list[ColumnResult]
    rows: list[Row]
    errors: dict[str, str]
    reach_costs: dict[int, int]
    adopted: str = ""  # the column key of the project's method (shown first)

    def totals(self) -> list[int | None]:
        return [None if r.allocation is None else sum(s.amount for s in r.allocation.shares) for r in self.results]

    def chart(self) -> dict[str, Any]:
        """Average share per household on each floor (元, as strings: the chart only draws them)."""
        floors = sorted({row.floor for row in self.rows})
        series = []
        for result in self.results:
            if result.allocation is None:
                continue
            by_floor: dict[int, list[int]] = {}
            for share in result.allocation.shares:
                by_floor.setdefault(share.floor, []).append(share.amount)
            data = [plain_yuan(int(Fraction(sum(by_floor[f]), len(by_floor[f])))) for f in floors]
            series.append({"name": result.column.short, "data": data})
        return {"floors": [f"{f}" for f in floors], "series": series}


def projects_for(scope: Scope) -> QuerySet[ElevatorProject]:
    return (ElevatorProject.objects.within(scope)
            .select_related("unit__building__compound__community")
            .prefetch_related(Prefetch("plans", queryset=CostPlan.objects.only("id", "project_id", "version", "created")))
            .order_by("unit__building__compound_id", "unit__building_id", "unit_id"))


def unit_in_consultation(subdistrict: Subdistrict) -> Unit | None:
    """The unit of the sub-district's first elevator project whose owners are being consulted, if any."""
    project = (ElevatorProject.objects.filter(unit__building__compound__subdistrict=subdistrict,
                                              status=Status.CONSULTING).select_related("unit__building__compound")
               .first())
    return project.unit if project else None


def active_project(unit_id: int) -> ElevatorProject | None:
    """The unit's active elevator project, if it has one (at most one: a database constraint)."""
    return ElevatorProject.objects.filter(unit_id=unit_id, active=True).select_related("unit__building").first()


def project_rows(project: ElevatorProject) -> list[ProjectHousehold]:
    return list(project.households.select_related("household__unit__building").order_by(
        "household__floor", "household__room"))


def default_reach_costs(storeys: int, gross: int) -> dict[int, int]:
    """Cost (fen) of an elevator reaching each floor from 2F up; the top floor's is the gross."""
    if storeys <= 2:
        return {storeys: gross}
    base = gross * DEFAULT_COMMON_PERCENT // 100
    return {f: base + (gross - base) * (f - 2) // (storeys - 2) for f in range(2, storeys + 1)}


def gross_of(project: ElevatorProject) -> int:
    return sum(line.amount for line in project.costs.all())


def reach_costs_of(project: ElevatorProject, scenario: Scenario | None = None) -> dict[int, int]:
    if scenario is not None and scenario.reach_costs is not None:
        return dict(scenario.reach_costs)
    if project.reach_costs:
        return {int(f): int(v) for f, v in project.reach_costs.items()}
    return default_reach_costs(project.storeys, gross_of(project))


FIXED_COLUMNS = {column.key: column for column in (
    MethodColumn("coefficients", "本项目系数", "project coefficients"), MethodColumn("area", "按面积", "by area"),
    MethodColumn("shapley", "Shapley 值", "Shapley value"), MethodColumn("nucleolus", "核仁", "nucleolus"),
)}


def _table_columns() -> list[MethodColumn]:
    return [MethodColumn(f"table:{name}", table.title_zh, table.title_en, *SHORT_TITLES.get(name, ("", "")))
            for name, table in costshare.reference_tables().items()]


def method_columns(project: ElevatorProject) -> list[MethodColumn]:
    """The calculator's columns: the project's own coefficients, each reference table, area, games, saved tables."""
    columns = []
    if project.method.get("kind") == "coefficients":
        columns.append(FIXED_COLUMNS["coefficients"])
    columns.extend(_table_columns())
    columns.extend(FIXED_COLUMNS[key] for key in ("area", "shapley", "nucleolus"))
    subdistrict_id = project.unit.building.compound.subdistrict_id
    for saved in SavedTable.objects.filter(subdistrict_id=subdistrict_id):
        columns.append(MethodColumn(f"saved:{saved.pk}", saved.name, saved.name))
    return columns


def method_json(project: ElevatorProject, key: str, scenario: Scenario) -> dict[str, Any]:
    """The method of column `key` in the engine's JSON contract (saved tables inlined as coefficients)."""
    by_area = scenario.weight_by_area
    if key == "coefficients":
        return {**project.method, "weight_by_area": by_area}
    if key.startswith("table:"):
        return {"kind": "table", "table": key.removeprefix("table:"), "weight_by_area": by_area}
    if key == "area":
        return {"kind": "area"}
    if key in AIRPORT:
        reach = reach_costs_of(project, scenario)
        return {"kind": key, "reach_costs": {str(f): plain_yuan(v) for f, v in sorted(reach.items())},
                "weight_by_area": by_area}
    if key.startswith("saved:"):
        table = SavedTable.objects.filter(pk=_int(key.removeprefix("saved:")),
                                          subdistrict_id=project.unit.building.compound.subdistrict_id).first()
        if table is None:
            raise DomainError(f"系数表不存在: {key}", f"no such saved table: {key}", field="method")
        # A table written for taller buildings applies to this one up to its top floor.
        by_floor = {f: k for f, k in table.by_floor.items() if str(f).isdigit() and int(f) <= project.storeys}
        return {"kind": "coefficients", "by_floor": by_floor, "weight_by_area": by_area}
    raise DomainError(f"未知分摊方法：{key}", f"unknown method: {key}", field="method")


def method_label(project: ElevatorProject) -> str:
    """The project's chosen method as people read it (杭州六层住宅实践比例, never `table:hangzhou-6`)."""
    key = method_key(project)
    known = {c.key: c for c in _table_columns()} | FIXED_COLUMNS
    if key in known:
        return known[key].label
    return next((c.label for c in method_columns(project) if c.key == key), "")


def method_key(project: ElevatorProject) -> str:
    """The calculator column matching the project's chosen method."""
    kind = project.method.get("kind", "area")
    if kind == "table":
        return f"table:{project.method.get('table')}"
    if kind == "saved":
        return f"saved:{project.method.get('saved_table')}"
    return kind


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise DomainError(f"编号应为整数: {text!r}", f"id must be an integer: {text!r}", field="method") from None


def quote_document(project: ElevatorProject, key: str, scenario: Scenario,
                   rows: Iterable[ProjectHousehold] | None = None) -> dict[str, Any]:
    """The `anju costshare` input for one method; household ids are room numbers (unique in a unit)."""
    rows = list(rows) if rows is not None else project_rows(project)
    households = []
    for row in rows:
        h = row.household
        exempt = row.exempt if scenario.exempt is None else h.pk in scenario.exempt
        participates = row.participates if scenario.absent is None else h.pk not in scenario.absent
        households.append({"id": h.room, "floor": h.floor, "area": str(h.exclusive_area),
                           "participates": participates, "exempt": exempt})
    if scenario.subsidy is not None:
        subsidies = [{"name": "补贴合计", "amount": plain_yuan(scenario.subsidy)}]
    else:
        subsidies = [{"name": s.name or s.get_kind_display(), "amount": plain_yuan(s.amount)} for s in project.subsidies.all()]
    mode = scenario.subsidy_mode or project.subsidy_mode
    if key not in AIRPORT:
        mode = "proportional"  # subsidies only reach a "common part" in the airport game
    return {
        "storeys": project.storeys,
        "households": households,
        "costs": [{"name": c.name or c.get_kind_display(), "amount": plain_yuan(c.amount)} for c in project.costs.all()],
        "subsidies": subsidies,
        "subsidy_mode": mode,
        "method": method_json(project, key, scenario),
        "compensations": [{"to": c.household.room, "amount": plain_yuan(c.amount)}
                          for c in project.compensations.select_related("household")],
    }


def allocate(document: Mapping[str, Any]) -> Allocation:
    """Run the engine on a contract document; DomainError names the bad field."""
    return costshare.allocate_quote(costshare.quote_from_json(dict(document)))


FIELD_OF_ERROR = (
    ("subsidies", "subsidy"), ("subsidy_mode", "subsidy_mode"), ("method.reach_costs", "reach_costs"),
    ("households", "exempt"), ("costs", "costs"), ("compensations", "costs"),
)


def calculator_field(error: DomainError) -> str | None:
    """The calculator field an engine error belongs to, or None when it concerns one method only."""
    for prefix, name in FIELD_OF_ERROR:
        if (error.field or "").startswith(prefix):
            return name
    return None


def compare(project: ElevatorProject, scenario: Scenario) -> Comparison:
    """All methods side by side for one scenario, the project's adopted one first; each column's total is the net."""
    language = get_language() or "zh-hans"
    rows = project_rows(project)
    results: list[ColumnResult] = []
    errors: dict[str, str] = {}
    mode = scenario.subsidy_mode or project.subsidy_mode
    adopted = method_key(project)
    for column in sorted(method_columns(project), key=lambda c: c.key != adopted):  # the adopted method first
        note = ""
        if mode == "common_first" and column.key not in AIRPORT:
            note = "补贴按比例抵减" if language.startswith("zh") else "subsidy applied in proportion"
        try:
            allocation = allocate(quote_document(project, column.key, scenario, rows))
        except DomainError as error:
            where = calculator_field(error)
            if where is not None:
                errors.setdefault(where, error.message(language))
            results.append(ColumnResult(column, None, error=error.message(language), note=note))
        else:
            results.append(ColumnResult(column, allocation, note=note))
    table_rows = []
    for row in rows:
        h = row.household
        table_rows.append(Row(
            household_id=h.pk, room=h.room, room_code=h.room_code, floor=h.floor, area=h.exclusive_area,
            participates=row.participates if scenario.absent is None else h.pk not in scenario.absent,
            exempt=row.exempt if scenario.exempt is None else h.pk in scenario.exempt,
            amounts=[(r.column.key, None if r.allocation is None else r.allocation.share(h.room).amount) for r in results],
        ))
    done = next((r.allocation for r in results if r.allocation is not None), None)
    gross = gross_of(project)
    if done is not None:
        subsidy, compensation, net = done.subsidy, done.compensation, done.net
    else:
        subsidy = scenario.subsidy if scenario.subsidy is not None else sum(s.amount for s in project.subsidies.all())
        compensation = sum(c.amount for c in project.compensations.all())
        net = gross - subsidy + compensation
    return Comparison(project, scenario, gross, subsidy, compensation, net, results, table_rows, errors,
                      reach_costs_of(project, scenario), adopted)


def with_defaults(project: ElevatorProject, scenario: Scenario) -> Scenario:
    """The scenario with the project's current flags filled in (what a plan records)."""
    rows = project_rows(project)
    exempt = scenario.exempt if scenario.exempt is not None else frozenset(r.household_id for r in rows if r.exempt)
    absent = scenario.absent if scenario.absent is not None else frozenset(
        r.household_id for r in rows if not r.participates)
    return replace(scenario, exempt=exempt, absent=absent)


# ---- plans ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    what: str
    before: str
    after: str


def _room_labels(plan: CostPlan) -> dict[str, str]:
    """Room number -> the room as people read it (3栋1单元501室), from the plan's stored shares."""
    return {s["room"]: f"{s['room_code']}室" for s in plan.shares if s.get("room_code")}


def _describe_inputs(plan: CostPlan) -> dict[str, str]:
    """The plan's inputs as (what, value) lines people read, in the active language."""
    zh = _zh()

    def say(chinese: str, english: str) -> str:
        return chinese if zh else english

    doc = plan.inputs
    method = doc.get("method", {})
    modes = dict(SubsidyMode.choices)
    out = {
        say("分摊方法", "method"): plan.method_label,
        say("费用合计（元）", "costs (yuan)"): costshare.format_yuan(plan.gross),
        say("补贴合计（元）", "subsidies (yuan)"): costshare.format_yuan(plan.subsidy),
        say("补偿合计（元）", "compensation (yuan)"): costshare.format_yuan(plan.compensation),
        say("业主分摊净额（元）", "net (yuan)"): costshare.format_yuan(plan.net),
        say("补贴抵减方式", "subsidy mode"): str(modes.get(doc.get("subsidy_mode", ""), doc.get("subsidy_mode", ""))),
        say("系数再乘以面积", "weighted by area"): say("是", "yes") if method.get("weight_by_area") else say("否", "no"),
    }

    def yuan(text: str) -> str:
        return costshare.format_yuan(costshare.to_fen(text, field="amount"))

    for item in doc.get("costs", []):
        out[say(f"费用：{item['name']}（元）", f"cost: {item['name']} (yuan)")] = yuan(item["amount"])
    for item in doc.get("subsidies", []):
        out[say(f"补贴：{item['name']}（元）", f"subsidy: {item['name']} (yuan)")] = yuan(item["amount"])
    for floor, amount in method.get("reach_costs", {}).items():
        out[say(f"到达 {floor} 层的费用（元）", f"reach {floor}F (yuan)")] = yuan(amount)
    for floor, k in method.get("by_floor", {}).items():
        out[say(f"{floor} 层系数", f"coefficient {floor}F")] = str(k)
    rooms = _room_labels(plan)
    for h in doc.get("households", []):
        flags = [say("免缴", "exempt")] if h.get("exempt") else []
        if not h.get("participates", True):
            flags.append(say("不参与", "not taking part"))
        room = rooms.get(h["id"], h["id"])
        out[say(f"{room}状态", f"{room} status")] = say("、", ", ").join(flags) or say("分摊", "pays")
    return out


def plan_diff(old: CostPlan, new: CostPlan) -> tuple[list[Change], list[tuple[str, int, int]]]:
    """What changed between two versions: inputs (label, before, after) and shares (room label, before, after fen)."""
    a, b = _describe_inputs(old), _describe_inputs(new)
    changes = [Change(k, a.get(k, "—"), b.get(k, "—")) for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]
    before = {s["room"]: s["amount"] for s in old.shares}
    after = {s["room"]: s["amount"] for s in new.shares}
    rooms = _room_labels(old) | _room_labels(new)
    shares = [(rooms.get(room, room), before.get(room, 0), after.get(room, 0))
              for room in dict.fromkeys([*before, *after]) if before.get(room, 0) != after.get(room, 0)]
    return changes, shares


def running_estimate(project: ElevatorProject, plan: CostPlan | None) -> tuple[str, dict[str, int]]:
    """The basis used ("coefficients", "rides" or "equal") and each household's yearly running cost (fen) by room.

    Households take part and are exempt as in `plan` (the project as it stands when None). By metered rides
    when the project asks for that and some paying household has rides; by the plan's floor coefficients
    when the project asks for that and the method has them (a table or own coefficients); otherwise equally
    among the households that use the elevator. The amounts add up to the yearly total exactly.
    """
    items = [costshare.RunningCost(i["name"], int(i["amount"])) for i in project.running_costs]
    if not items:
        return "equal", {}
    quote = _running_quote(project, plan)
    coefficients: dict[int, Fraction] | None = None
    rides: dict[str, int] | None = None
    method = quote.method
    basis = "equal"
    if project.running_basis == "rides":
        rides = {row.household.room: row.rides or 0 for row in project_rows(project)}
        if any(rides.get(h.id, 0) for h in quote.households if h.pays):
            basis = "rides"
    elif project.running_basis == "coefficients":
        if isinstance(method, costshare.Coefficients):
            coefficients, basis = dict(method.by_floor), "coefficients"
        elif isinstance(method, costshare.Table):
            table = method.table if isinstance(method.table, costshare.CoefficientTable) else costshare.reference_table(method.table)
            try:
                coefficients, basis = table.coefficients(quote.storeys, method.point), "coefficients"
            except DomainError:
                basis = "equal"
    if basis == "coefficients" and not any((coefficients or {}).get(h.floor, 0) for h in quote.households if h.pays):
        basis = "equal"
    result = costshare.share_running_costs(quote.households, items, basis=basis,  # type: ignore[arg-type]
                                           coefficients=coefficients, rides=rides)
    return basis, {s.household_id: s.amount for s in result.shares}


def running_payers(project: ElevatorProject, plan: CostPlan | None) -> frozenset[str]:
    """Rooms of the households that share the running costs: those taking part and not exempt as in
    `plan` (the project as it stands when None), the same households `running_estimate` charges."""
    return frozenset(h.id for h in _running_quote(project, plan).households if h.pays)


def running_unread(project: ElevatorProject, plan: CostPlan | None, rides: Mapping[str, int | None]) -> int:
    """Paying households without a ride count (room -> rides); they are counted as 0 rides."""
    return sum(1 for room in running_payers(project, plan) if rides.get(room) is None)


def _running_quote(project: ElevatorProject, plan: CostPlan | None) -> costshare.Quote:
    """The households as the plan has them, or as the project stands (by area if its own method does not apply)."""
    if plan is not None:
        return costshare.quote_from_json(plan.inputs)
    try:
        return costshare.quote_from_json(quote_document(project, method_key(project), Scenario()))
    except DomainError:
        return costshare.quote_from_json(quote_document(project, "area", Scenario()))


def household_projects(scope: Scope, household_id: int) -> list[tuple[ProjectHousehold, CostPlan | None, int | None]]:
    """The elevator projects a household is part of, with the latest saved cost plan and its share (fen) in it."""
    rows = list(ProjectHousehold.objects.filter(household_id=household_id, project__in=ElevatorProject.objects.within(scope))
                .select_related("project__unit__building").order_by("-project_id"))
    found = []
    for row in rows:
        plan = CostPlan.objects.filter(project_id=row.project_id).order_by("-version").first()
        share = next((s.get("amount") for s in plan.shares if s.get("household") == household_id), None) if plan else None
        found.append((row, plan, share))
    return found


def _household_links(user: object, household: Any) -> list[HouseholdLink]:
    """The household page's lines about elevator cost shares (see `anju.core.household_links`)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from anju.core.formatting import money

    scope = scope_of(user)  # type: ignore[arg-type]  # the registry passes the request's user
    links = []
    for row, plan, share in household_projects(scope, household.pk):
        if share is not None and plan is not None:
            detail = _("第 %(v)s 版方案：%(amount)s") % {"v": plan.version, "amount": money(share)}
        else:
            detail = _("尚无分摊方案")
        links.append(HouseholdLink("shares", _("加装电梯") + f" · {row.project.get_status_display()}", detail,
                                   reverse("elevators:project", args=[row.project_id])))
    return links


register_household_links("elevators", _household_links)
