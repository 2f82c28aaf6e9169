"""Household statements (明白账): what one PDF page says about one household's share, from a saved plan."""

from __future__ import annotations

from collections.abc import Callable
from itertools import zip_longest
from typing import Any

from anju.core.pdf import issuing_unit, render_pdf, render_pdf_each
from anju.elevators import glossary, queries
from anju.elevators.models import CostPlan
from anju.roster.models import Household, Person

TEMPLATE = "elevators/print/statements.html"

METHOD_EXPLAINED = {
    "coefficients": "按楼层系数分摊：每户的份额与其所在楼层的系数成正比{area}。",
    "table": "按参考系数表分摊：每户的份额与参考表中该楼层的系数成正比{area}。",
    "area": "按专有部分面积分摊（民法典第二百八十三条）：每户的份额与其专有部分面积成正比。",
}
GAME_EXPLAINED = "按机场博弈{name}分摊：{sentence}{area}"  # the sentence is the calculator's help, word for word


RUNNING_BASIS = {"coefficients": "按本方案的楼层系数分摊", "equal": "由使用电梯的住户平均分摊",
                 "rides": "按各户刷卡乘梯次数分摊"}


def method_explained(plan: CostPlan) -> str:
    method = plan.inputs.get("method", {})
    kind = method.get("kind", "")
    by_area = method.get("weight_by_area", False)
    if kind in glossary.BY_KEY:
        term = glossary.BY_KEY[kind]
        return GAME_EXPLAINED.format(name=f" {term.name}" if term.name[0].isascii() else term.name, sentence=term.sentence,
                                     area="（本方案中每一段按住户面积分担。）" if by_area else "")
    return METHOD_EXPLAINED.get(kind, "").format(area="，并乘以面积" if by_area else "")


def paying_rides(plan: CostPlan) -> dict[int, int]:
    """Metered rides of the households that share the running costs under `plan` (household pk -> rides)."""
    rooms = queries.running_payers(plan.project, plan)
    paying = {s["household"] for s in plan.shares if s["room"] in rooms}
    return {pk: rides or 0 for pk, rides in plan.project.households.filter(household_id__in=paying)
            .values_list("household_id", "rides")}


def statement_pages(plan: CostPlan, household_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """One page per household of the plan (or the given households), in floor and room order.

    When the running costs go by metered rides, each page also carries the household's rides (None otherwise).
    """
    basis, running = queries.running_estimate(plan.project, plan)
    rides = paying_rides(plan) if basis == "rides" else {}
    wanted = [s for s in plan.shares if household_ids is None or s["household"] in household_ids]
    owners: dict[int, list[Person]] = {}
    for h in Household.objects.filter(pk__in=[s["household"] for s in wanted]).prefetch_related("owners"):
        owners[h.pk] = list(h.owners.all())
    pages = []
    for share in sorted(wanted, key=lambda s: (s["floor"], s["room"])):
        pages.append({
            "share": share, "room": f"{share['room_code']}室",  # the stored key reads 3栋2单元501; paper says 室
            "owners": [{"name": p.name, "phone": p.phone_masked} for p in owners.get(share["household"], [])],
            "running": running.get(share["room"]),
            "rides": rides.get(share["household"]) if basis == "rides" else None,
        })
    return pages


def _context(plan: CostPlan, pages: list[dict[str, Any]]) -> dict[str, Any]:
    project = plan.project
    doc = plan.inputs
    return {
        "plan": plan, "project": project, "compound": project.unit.building.compound,
        "subdistrict": project.unit.building.compound.subdistrict, **issuing_unit(project.unit.building.compound),
        "pages": pages, "costs": doc.get("costs", []),
        "subsidies": doc.get("subsidies", []),
        "money_rows": list(zip_longest(doc.get("costs", []), doc.get("subsidies", []))), "method_explained": method_explained(plan),
        "glossary": [glossary.BY_KEY["rounding"]],  # the game of the method is explained in section 二
        "running_items": [(i["name"], i["amount"]) for i in project.running_costs],
        "running_total": sum(i["amount"] for i in project.running_costs),
        "running_basis": RUNNING_BASIS[queries.running_estimate(project, plan)[0]],
        "rides_total": sum(paying_rides(plan).values()) if project.running_basis == "rides" else None,
    }


def render_statement(plan: CostPlan, household_id: int) -> bytes:
    """One household's statement as an A4 PDF."""
    return render_pdf(TEMPLATE, _context(plan, statement_pages(plan, [household_id])))


def render_unit(plan: CostPlan, progress: Callable[[int, int], None] | None = None) -> tuple[bytes, int]:
    """Every household's statement in one PDF (and its page count), page numbers counted per household."""
    return render_pdf_each(TEMPLATE, (_context(plan, [page]) for page in statement_pages(plan)), progress=progress)
