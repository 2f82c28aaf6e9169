"""Reading the calculator's and the negotiation page's fields; every error names its field, in both languages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from anju.core.bounds import parse_id
from anju.domain.costshare import to_fen
from anju.domain.errors import DomainError
from anju.elevators.models import (
    CostKind,
    ElevatorProject,
    ProjectHousehold,
    RunningBasis,
    Status,
    SubsidyKind,
    SubsidyMode,
)
from anju.elevators.queries import Scenario
from anju.roster.models import Unit


def _message(error: DomainError) -> str:
    return error.message(get_language() or "zh-hans")


def _ids(data: QueryDict, name: str, allowed: set[int]) -> frozenset[int]:
    return frozenset(i for i in map(parse_id, data.getlist(name)) if i in allowed)


def parse_scenario(data: QueryDict, project: ElevatorProject,
                   rows: list[ProjectHousehold]) -> tuple[Scenario, dict[str, str]]:
    """The calculator's scenario; fields left as they were on the project when the form was never sent."""
    errors: dict[str, str] = {}
    if "submitted" not in data:
        return Scenario(), errors
    allowed = {row.household_id for row in rows}
    subsidy = None
    if data.get("subsidy", "").strip():
        try:
            subsidy = to_fen(data["subsidy"].strip(), field="subsidy")
        except DomainError as error:
            errors["subsidy"] = _message(error)
    mode = data.get("subsidy_mode") or project.subsidy_mode
    if mode not in SubsidyMode.values:
        errors["subsidy_mode"] = "未知补贴方式" if (get_language() or "zh").startswith("zh") else "unknown subsidy mode"
        mode = project.subsidy_mode
    reach: dict[int, int] = {}
    for floor in range(1, project.storeys + 1):
        text = data.get(f"reach_{floor}", "").strip()
        if not text:
            continue
        try:
            reach[floor] = to_fen(text, field=f"reach_{floor}")
        except DomainError as error:
            errors.setdefault("reach_costs", f"{floor}F: {_message(error)}")
    scenario = Scenario(
        subsidy=subsidy, subsidy_mode=mode, exempt=_ids(data, "exempt", allowed),
        absent=allowed - _ids(data, "participates", allowed), weight_by_area=data.get("weight_by_area") == "on",
        reach_costs=reach or None,
    )
    return scenario, errors


@dataclass
class NegotiationInput:
    willingness: dict[str, int | None]  # room -> fen, None: would not pay anything
    exempt_floors: set[int]
    bounds: dict[int, tuple[int, int | None]]
    subsidy: int | None
    share: Fraction  # consent target as a share of all households, by count and by area
    errors: dict[str, str] = field(default_factory=dict)


def _label(name: str) -> str:
    """A field of the negotiation form as people read it: will_501 → 501, min_3 → 3F ≥, max_3 → 3F ≤."""
    kind, _, rest = name.partition("_")
    return {"will": rest, "min": f"{rest}F ≥", "max": f"{rest}F ≤"}.get(kind, name)


TARGETS = {"3/4": Fraction(3, 4), "2/3": Fraction(2, 3), "1/2": Fraction(1, 2)}


def parse_negotiation(data: Mapping[str, str], rooms: list[str], storeys: int) -> NegotiationInput:
    """Willingness per room (元; blank = unwilling), exempt floors, per-floor bounds (元), consent target."""
    errors: dict[str, str] = {}

    def fen(name: str) -> int | None:
        text = (data.get(name) or "").strip()
        if not text:
            return None
        try:
            return to_fen(text, field=name)
        except DomainError as error:
            errors[name] = f"{_label(name)}: {_message(error)}"
            return None

    willingness = {room: fen(f"will_{room}") for room in rooms}
    exempt_floors = {f for f in range(1, storeys + 1) if data.get(f"exempt_floor_{f}") == "on"}
    bounds: dict[int, tuple[int, int | None]] = {}
    for floor in range(1, storeys + 1):
        low, high = fen(f"min_{floor}"), fen(f"max_{floor}")
        if low is not None or high is not None:
            bounds[floor] = (low or 0, high)
    return NegotiationInput(willingness, exempt_floors, bounds, fen("subsidy"),
                            TARGETS.get(data.get("target") or "3/4", Fraction(3, 4)), errors)


class ProjectForm(forms.Form):
    """A new project: the unit, its one-off costs and subsidies in 元, and the first method."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("单元"))
    status = forms.ChoiceField(choices=Status.choices, label=_("状态"), initial=Status.PREPARING)
    planned_completion = forms.DateField(label=_("计划建成日期"), required=False,
                                         widget=forms.DateInput(attrs={"type": "date"}))
    exempt_ground_floor = forms.BooleanField(label=_("一层住户免缴"), required=False, initial=True)

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: f"{u.building.compound.name} {u}（{u.building.storeys} 层）"
        for kind, label in CostKind.choices:
            self.fields[f"cost_{kind}"] = forms.DecimalField(label=label, required=False, min_value=0, decimal_places=2)
        for kind, label in SubsidyKind.choices:
            self.fields[f"subsidy_{kind}"] = forms.DecimalField(label=label, required=False, min_value=0,
                                                                decimal_places=2)
        for field_ in self.fields.values():
            widget = field_.widget
            css = {"checkbox": "form-check-input", "select": "form-select form-select-sm"}.get(
                getattr(widget, "input_type", ""), "form-control form-control-sm")
            widget.attrs["class"] = css

    def lines(self, prefix: str, kinds) -> list[tuple[str, str, int]]:
        return [(kind, "", to_fen(self.cleaned_data[f"{prefix}_{kind}"], field=f"{prefix}_{kind}"))
                for kind in kinds.values if self.cleaned_data.get(f"{prefix}_{kind}")]


class ProjectStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices, label=_("状态"))
    planned_completion = forms.DateField(label=_("计划建成日期"), required=False,
                                         widget=forms.DateInput(attrs={"type": "date"}))
    actual_completion = forms.DateField(label=_("实际建成日期"), required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))


def parse_table(data: Mapping[str, str], storeys: int) -> dict[str, str]:
    """Coefficients typed per floor (blank floors are left out, i.e. coefficient 0)."""
    return {str(f): data[f"coef_{f}"].strip() for f in range(1, storeys + 1) if (data.get(f"coef_{f}") or "").strip()}


RUNNING_ITEMS = ("电费", "维保合同", "年度检验", "电梯保险")


def yuan_field(data: Mapping[str, str], name: str, errors: dict[str, str]) -> int | None:
    text = (data.get(name) or "").strip()
    if not text:
        return None
    try:
        return to_fen(text, field=name)
    except DomainError as error:
        errors[name] = _message(error)
        return None


def parse_money(data: Mapping[str, str], project: ElevatorProject) -> tuple[dict, dict[str, str]]:
    """Costs and subsidies per kind and the yearly running costs, typed in 元, as `services.money_set` takes them.

    A kind keeps the name its existing line had (e.g. "电梯设备及土建施工").
    """
    errors: dict[str, str] = {}
    names = {c.kind: c.name for c in project.costs.all()} | {f"s:{s.kind}": s.name for s in project.subsidies.all()}
    costs = [(kind, names.get(kind, ""), fen) for kind in CostKind.values
             if (fen := yuan_field(data, f"cost_{kind}", errors))]
    subsidies = [(kind, names.get(f"s:{kind}", ""), fen) for kind in SubsidyKind.values
                 if (fen := yuan_field(data, f"subsidy_{kind}", errors))]
    running = [(name, fen) for i, name in enumerate(RUNNING_ITEMS) if (fen := yuan_field(data, f"running_{i}", errors))]
    basis = data.get("running_basis") or project.running_basis
    if basis not in RunningBasis.values:
        errors["running_basis"] = "未知分摊方式" if (get_language() or "zh").startswith("zh") else "unknown basis"
    return {"costs": costs, "subsidies": subsidies, "running_costs": running, "running_basis": basis}, errors


def parse_rides(data: Mapping[str, str], rows: list[ProjectHousehold]) -> tuple[dict[int, int | None], dict[str, str]]:
    """Rides typed per room (`rides_<room>`; blank: not read) as household pk -> count; errors name the room."""
    rides: dict[int, int | None] = {}
    errors: dict[str, str] = {}
    for row in rows:
        room = row.household.room
        text = (data.get(f"rides_{room}") or "").strip().replace(",", "")
        if not text:
            rides[row.household_id] = None
        elif text.isascii() and text.isdigit():
            rides[row.household_id] = int(text)
        else:
            zh = (get_language() or "zh").startswith("zh")
            errors[f"rides_{room}"] = (f"{room}: 刷卡次数应为不小于 0 的整数" if zh
                                       else f"{room}: rides must be a whole number of at least 0")
    return rides, errors


def money_initial(project: ElevatorProject) -> dict[str, Any]:
    """(field name, label, fen) rows of the money form, filled from the project."""
    costs = {c.kind: c.amount for c in project.costs.all()}
    subsidies = {s.kind: s.amount for s in project.subsidies.all()}
    running = {item["name"]: item["amount"] for item in project.running_costs}
    return {
        "costs": [(f"cost_{k}", label, costs.get(k)) for k, label in CostKind.choices],
        "subsidies": [(f"subsidy_{k}", label, subsidies.get(k)) for k, label in SubsidyKind.choices],
        "running": [(f"running_{i}", name, running.get(name)) for i, name in enumerate(RUNNING_ITEMS)],
        "running_basis": project.running_basis, "bases": RunningBasis.choices,
    }
