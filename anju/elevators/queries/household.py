"""What one household reads about its own elevator share: the resident's vote page, the letter and 我的家."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from anju.core.errors import NotFound
from anju.domain.errors import DomainError
from anju.elevators.models import CostPlan
from anju.elevators.queries import _zh, method_columns, running_estimate
from anju.roster.models import Household


@dataclass(frozen=True)
class HouseholdShare:
    """One household's share under one saved plan: fen, its floor, the method, its yearly running cost."""

    plan_id: int
    version: int
    project_id: int
    unit_label: str
    amount: int  # fen, after subsidies and compensation
    floor: int
    method: str  # the method's name in the page's language
    running_per_year: int | None  # fen a year; None when the project has no running costs yet
    saved: Any  # when the plan was saved (datetime)
    latest: bool  # the project's newest version: the plan the project has adopted


def _method_name(plan: CostPlan) -> str:
    if _zh():
        return plan.method_label
    try:
        return next(c.label for c in method_columns(plan.project) if c.label_zh == plan.method_label)
    except (StopIteration, DomainError):
        return plan.method_label


def _share_of(plan: CostPlan, household_id: int, *, latest: bool,
              running: dict[str, int] | None = None) -> HouseholdShare | None:
    share = next((s for s in plan.shares if s["household"] == household_id), None)
    if share is None:
        return None
    yearly: int | None = None
    if plan.project.running_costs:
        yearly = (running if running is not None else running_estimate(plan.project, plan)[1]).get(share["room"], 0)
    unit = plan.project.unit
    return HouseholdShare(plan_id=plan.pk, version=plan.version, project_id=plan.project_id,
                          unit_label=f"{unit.building.number}栋{unit.number}单元", amount=int(share["amount"]),
                          floor=int(share["floor"]), method=_method_name(plan), running_per_year=yearly,
                          saved=plan.created, latest=latest)


def household_shares(household_ids: Iterable[int]) -> dict[int, HouseholdShare]:
    """Each household's share under the newest saved plan of its unit's active elevator project; a household
    whose unit has no such project, whose project has no saved plan, or that the plan leaves out is absent.
    The running costs are worked out once per plan, so a whole unit's letters cost one estimate."""
    wanted = set(household_ids)
    units = Household.objects.filter(pk__in=wanted).values("unit_id")
    plans = (CostPlan.objects.filter(project__active=True, project__unit_id__in=units)
             .select_related("project__unit__building").order_by("project_id", "-version"))
    newest: dict[int, CostPlan] = {}
    for plan in plans:
        newest.setdefault(plan.project_id, plan)
    found: dict[int, HouseholdShare] = {}
    for plan in newest.values():
        running = running_estimate(plan.project, plan)[1] if plan.project.running_costs else {}
        for s in plan.shares:
            if s["household"] in wanted:
                share = _share_of(plan, s["household"], latest=True, running=running)
                if share is not None:
                    found[s["household"]] = share
    return found


def household_share(household_id: int) -> HouseholdShare | None:
    """The household's share under the newest saved plan of its unit's elevator project, or None (no share yet)."""
    return household_shares([household_id]).get(household_id)


def household_statements(household_id: int) -> list[HouseholdShare]:
    """Every saved plan version with a share for this household (its 明白账), newest first."""
    plans = (CostPlan.objects.filter(project__unit_id__in=Household.objects.filter(pk=household_id).values("unit_id"))
             .select_related("project__unit__building").order_by("-project__active", "-project_id", "-version"))
    newest: dict[int, int] = {}
    found = []
    for plan in plans:
        newest.setdefault(plan.project_id, plan.version)
        share = _share_of(plan, household_id, latest=plan.project.active and newest[plan.project_id] == plan.version)
        if share is not None:
            found.append(share)
    return found


def household_statement_pdf(plan_id: int, household_id: int) -> tuple[bytes, str]:
    """The household's own statement (明白账) under plan `plan_id`, as PDF bytes and a file name.

    NotFound when the plan does not exist or has no share for this household, so a resident's session
    opens its own household's statements and no other's."""
    from anju.elevators import statements  # late: statements reads this module

    plan = (CostPlan.objects.select_related("project__unit__building__compound__community__subdistrict")
            .filter(pk=plan_id).first())
    share = next((s for s in plan.shares if s["household"] == household_id), None) if plan is not None else None
    if plan is None or share is None:
        raise NotFound("找不到本户的明白账", "No such statement for this household")
    return statements.render_statement(plan, household_id), f"明白账-{share['room_code']}-v{plan.version}.pdf"
