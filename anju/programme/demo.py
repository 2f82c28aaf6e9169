"""Demo programme of 南庄坪街道, reproducing the article from the roster.

2020: the 9 compounds of `PROGRAMME_2020` renovated and complete (31 buildings, 860 households), with
世纪花园's elevator (the city's first, end of 2020) and 金盾苑's two. 2021: the 10 compounds of
`PROGRAMME_2021` (28 buildings, 1,010 households, 149,100 m²): the article (spring 2021) reports survey,
consultation, design and tendering done and construction due at the end of 2021; the demo is read years
later, so they finished as planned and every stage is signed off on a date in the past (a stage left
open would read as years overdue). 旺角家园's water supply (369 households, 1,200 residents), a special
project, likewise. Items follow the article's
consultation list. Budgets are invented demo figures of a plausible size, labelled as such.
Deterministic and idempotent: a second run does nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from anju.core.audit import Actor
from anju.programme import services
from anju.programme.models import AnnualPlan, FundingSource, ItemKind, OrgKind, Project, ProjectKind, Severity
from anju.roster.demo import ELEVATORS, PROGRAMME_2020, PROGRAMME_2021
from anju.roster.models import Building, Compound, Household, Subdistrict

TZ = ZoneInfo("Asia/Shanghai")
DEMO_NOTE = "预算及资金来源为演示数据，非真实数字。"
YUAN = 100
D = datetime.date

# The article's consultation list (items approved by more than 90 % of residents), as item kinds with a
# demo cost per household in yuan and the unit the quantity is counted in.
ARTICLE_ITEMS = (
    (ItemKind.GAS, "燃气管道改造", 1_800, "户"),
    (ItemKind.SEWER, "下水道改造", 1_500, "户"),
    (ItemKind.ROOF, "楼顶防水", 1_600, "户"),
    (ItemKind.FIRE, "消防安全设施", 700, "户"),
    (ItemKind.BARRIER_FREE, "无障碍通道", 300, "户"),
    (ItemKind.ENERGY, "节能设施", 1_200, "户"),
    (ItemKind.LIGHTING, "路灯", 400, "户"),
    (ItemKind.PARKING, "停车位", 900, "户"),
    (ItemKind.WALL, "围墙修缮", 500, "户"),
)
ELEVATOR_COST_YUAN = 645_000
# Shares of each budget by source (percent); utilities pay part of gas and water work.
SPLIT = {FundingSource.CENTRAL: 45, FundingSource.PROVINCIAL: 10, FundingSource.MUNICIPAL: 15,
         FundingSource.DISTRICT: 20, FundingSource.RESIDENTS: 5, FundingSource.SOCIAL: 5}
SPLIT_UTILITY = {FundingSource.CENTRAL: 40, FundingSource.PROVINCIAL: 10, FundingSource.MUNICIPAL: 10,
                 FundingSource.DISTRICT: 15, FundingSource.UTILITIES: 25}
SPLIT_ELEVATOR = {FundingSource.MUNICIPAL: 23, FundingSource.DISTRICT: 8, FundingSource.RESIDENTS: 69}

STAGES_2020 = {
    "survey": (D(2020, 1, 6), D(2020, 2, 28)), "consultation": (D(2020, 3, 1), D(2020, 3, 31)),
    "design": (D(2020, 4, 1), D(2020, 5, 15)), "tender": (D(2020, 5, 16), D(2020, 6, 15)),
    "construction": (D(2020, 6, 20), D(2020, 11, 30)), "acceptance": (D(2020, 12, 1), D(2020, 12, 25)),
    "stewardship": (D(2020, 12, 26), D(2020, 12, 31)),
}
STAGES_2021 = {
    "survey": (D(2021, 1, 4), D(2021, 2, 10)), "consultation": (D(2021, 2, 20), D(2021, 3, 20)),
    "design": (D(2021, 3, 21), D(2021, 4, 20)), "tender": (D(2021, 4, 21), D(2021, 5, 20)),
    "construction": (D(2021, 6, 1), D(2021, 12, 31)), "acceptance": (D(2022, 1, 4), D(2022, 1, 31)),
    "stewardship": (D(2022, 2, 1), D(2022, 3, 31)),
}


def _split(total_fen: int, shares: dict[str, int]) -> dict[str, int]:
    """Split `total_fen` by percent shares; the last source takes the rounding remainder so the sum is exact."""
    sources = list(shares)
    amounts = {s: total_fen * shares[s] // 100 for s in sources[:-1]}
    amounts[sources[-1]] = total_fen - sum(amounts.values())
    return amounts


def _sign_off(project: Project, upto: str, dates: dict, actor: Actor, *, late_days: int = 0) -> None:
    """Sign off each stage up to `upto` on its planned end (`late_days` later for construction and after:
    projects do not all finish the same day), recorded the next morning."""
    shift = datetime.timedelta(days=0)
    for stage in project.stages.order_by("position"):
        start, end = dates[stage.kind]
        if stage.kind == "construction":
            shift = datetime.timedelta(days=late_days)
        services.stage_update(stage=stage, planned_start=stage.planned_start, planned_end=stage.planned_end,
                              actual_start=start + shift, actor=actor)
        services.stage_sign_off(stage=stage, actual_end=end + shift, actor=actor,
                                at=datetime.datetime.combine(end + shift + datetime.timedelta(days=1),
                                                             datetime.time(10, 0), TZ))
        if stage.kind == upto:
            return


# Result indicators (成效指标) per household of the compound, by item kind: invented demo rates of a
# plausible size (metres of pipe, ㎡ of roof insulated, one parking space per 8 households…).
DEMO_RESULTS = {
    ItemKind.GAS: {"gas_pipe_km": Decimal("0.012")},
    ItemKind.SEWER: {"drainage_pipe_km": Decimal("0.009")},
    ItemKind.ENERGY: {"energy_saving_area": Decimal("18.5")},
    ItemKind.LIGHTING: {"power_line_km": Decimal("0.004")},
    ItemKind.PARKING: {"parking_spaces": Decimal("0.125")},
}


def _results(kind: str, households: int) -> dict[str, Decimal]:
    values = {field: (rate * households).quantize(Decimal("0.001") if field.endswith("_km") else Decimal(1)
                                                  if field == "parking_spaces" else Decimal("0.01"), ROUND_HALF_UP)
              for field, rate in DEMO_RESULTS.get(kind, {}).items()}
    if kind == ItemKind.BARRIER_FREE:  # ramps and handrails at the entrances, a few per compound
        values = {"barrier_free_count": Decimal(2 + households // 60), "barrier_free_area": Decimal(households) * Decimal("0.35")}
    return values


def _article_items(project: Project, households: int, rng: random.Random, actor: Actor, *, done: bool) -> None:
    for kind, name, per_household, unit in ARTICLE_ITEMS:
        budget = per_household * households * YUAN
        split = SPLIT_UTILITY if kind == ItemKind.GAS else SPLIT
        item = services.item_add(project=project, kind=kind, name=name, quantity=households, unit=unit, budget_fen=budget,
                                 funding=_split(budget, split), actor=actor)
        services.item_set_progress(item=item, percent=100 if done else rng.choice((15, 25, 35, 45, 55, 65)), actor=actor)
        if results := _results(kind, households):
            services.item_results_set(item=item, values=results, actor=actor)


def _elevator_item(project: Project, actor: Actor) -> None:
    lifts = ELEVATORS.get(project.compound.name, 0)
    if not lifts:
        return
    buildings = Building.objects.filter(compound=project.compound, units__has_elevator=True).distinct()
    budget = lifts * ELEVATOR_COST_YUAN * YUAN
    item = services.item_add(project=project, kind=ItemKind.ELEVATOR, name="加装电梯", buildings=buildings, quantity=lifts,
                             unit="部", budget_fen=budget, funding=_split(budget, SPLIT_ELEVATOR), actor=actor)
    services.item_set_progress(item=item, percent=100, actor=actor)
    services.item_results_set(item=item, values={"elevators_added": lifts}, actor=actor)


@transaction.atomic
def load_demo(subdistrict: Subdistrict) -> list[AnnualPlan]:
    """Create the 2020 and 2021 plans of the demo sub-district; nothing if a plan exists already."""
    if AnnualPlan.objects.filter(subdistrict=subdistrict).exists():
        return list(AnnualPlan.objects.filter(subdistrict=subdistrict))
    rng = random.Random(20211231)
    actor = Actor.system("demo")
    org = {
        "contractor": services.organisation_ensure(subdistrict=subdistrict, name="十堰安居建设工程有限公司（演示）",
                                                   kind=OrgKind.CONTRACTOR, actor=actor),
        "supervisor": services.organisation_ensure(subdistrict=subdistrict, name="十堰诚信工程监理有限公司（演示）",
                                                   kind=OrgKind.SUPERVISOR, actor=actor),
        "water": services.organisation_ensure(subdistrict=subdistrict, name="十堰市供水公司（演示）",
                                              kind=OrgKind.CONTRACTOR, actor=actor),
    }
    compounds = {c.name: c for c in Compound.objects.filter(subdistrict=subdistrict)}
    households = {c: Household.objects.filter(compound=compounds[c]).count() for c in compounds}
    plan_2020 = services.plan_create(subdistrict=subdistrict, year=2020, note=DEMO_NOTE, actor=actor)
    for name in PROGRAMME_2020:
        project = services.project_create(plan=plan_2020, compound=compounds[name], contractor=org["contractor"],
                                          supervisor=org["supervisor"], stage_dates=STAGES_2020, note=DEMO_NOTE, actor=actor)
        _article_items(project, households[name], rng, actor, done=True)
        _elevator_item(project, actor)
        _sign_off(project, "stewardship", STAGES_2020, actor)
    plan_2021 = services.plan_create(subdistrict=subdistrict, year=2021, note=DEMO_NOTE, actor=actor)
    for name in PROGRAMME_2021:
        project = services.project_create(plan=plan_2021, compound=compounds[name], contractor=org["contractor"],
                                          supervisor=org["supervisor"], stage_dates=STAGES_2021, note=DEMO_NOTE, actor=actor)
        _article_items(project, households[name], rng, actor, done=True)
        _sign_off(project, "stewardship", STAGES_2021, actor, late_days=-rng.randint(0, 12))
    water = services.project_create(
        plan=plan_2021, compound=compounds["旺角家园"], kind=ProjectKind.SPECIAL, name="旺角家园供水改造",
        contractor=org["water"], supervisor=org["supervisor"], stage_dates=STAGES_2021, note=DEMO_NOTE, actor=actor,
    )
    budget = 260 * YUAN * households["旺角家园"] * 10
    item = services.item_add(project=water, kind=ItemKind.WATER, name="供水管网及二次供水改造", quantity=households["旺角家园"],
                             unit="户", budget_fen=budget, funding=_split(budget, SPLIT_UTILITY), actor=actor)
    services.item_set_progress(item=item, percent=100, actor=actor)
    services.item_results_set(item=item, values={"water_pipe_km": Decimal("3.6")}, actor=actor)
    _sign_off(water, "stewardship", STAGES_2021, actor, late_days=-5)
    first = Project.objects.filter(plan=plan_2021, kind=ProjectKind.COMPREHENSIVE).order_by("id").first()
    services.inspection_create(project=first, findings="施工区域围挡不完整，夜间缺少警示灯。", severity=Severity.MEDIUM,
                               actor=actor)
    return [plan_2020, plan_2021]
