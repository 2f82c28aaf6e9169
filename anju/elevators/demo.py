"""Demo elevators of 南庄坪街道: 世纪花园's (the city's first, end of 2020), 金盾苑's two, and one in consultation.

Costs and subsidies are invented demo figures of a plausible size (a 6-storey retrofit ≈ 645,000 元 gross,
about 200,000 元 of municipal and district subsidies), not the article's numbers. Deterministic and
idempotent: a second run does nothing.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from anju.core.audit import Actor
from anju.elevators import queries, services
from anju.elevators.models import CostKind, CostPlan, ElevatorProject, RunningBasis, Status, SubsidyKind
from anju.roster.models import Household, Subdistrict, Unit

YUAN = 100
TZ = ZoneInfo("Asia/Shanghai")
DEMO_NOTE = "（演示数据）"
TABLE_NAME = "南庄坪街道 2020 试行系数（演示）"
TABLE = {"1": "0", "2": "0.4", "3": "1.0", "4": "1.3", "5": "1.6", "6": "1.8", "7": "2.0"}
IN_PROGRESS_COMPOUNDS = ("安民小区", "茂隆新村", "锦绣花园", "丽景苑")


def _costs(storeys: int) -> list[tuple[str, str, int]]:
    return [
        (CostKind.CONSTRUCTION, "电梯设备及土建施工", (380_000 + 25_000 * storeys) * YUAN),
        (CostKind.DESIGN, "设计费", 28_000 * YUAN),
        (CostKind.SUPERVISION, "监理费", 14_000 * YUAN),
        (CostKind.PIPELINE, "管线迁移费", 55_000 * YUAN),
        (CostKind.OTHER, "审图、检测等其他费用", 18_000 * YUAN),
    ]


SUBSIDIES = [
    (SubsidyKind.MUNICIPAL, "市级补贴" + DEMO_NOTE, 150_000 * YUAN),
    (SubsidyKind.DISTRICT, "区级补贴" + DEMO_NOTE, 50_000 * YUAN),
]
RUNNING = [("电费", 3_600 * YUAN), ("维保合同", 6_000 * YUAN), ("年度检验", 500 * YUAN), ("电梯保险", 900 * YUAN)]


def _project(unit: Unit, actor: Actor, **kwargs) -> ElevatorProject:
    return services.project_create(unit=unit, actor=actor, costs=_costs(unit.building.storeys), subsidies=SUBSIDIES,
                                   exempt_floors=[1], running_costs=RUNNING, **kwargs)


def _plan(project: ElevatorProject, method: str, reason: str, actor: Actor, saved: datetime.datetime) -> CostPlan:
    plan = services.plan_save(project=project, method=method, scenario=queries.Scenario(), reason=reason, actor=actor)
    CostPlan.objects.filter(pk=plan.pk).update(created=saved)  # the demo's history, not today's date
    return plan


@transaction.atomic
def load_demo(subdistrict: Subdistrict) -> list[ElevatorProject]:
    """Create the demo projects of `subdistrict` (after the roster demo); nothing if they exist already."""
    existing = ElevatorProject.objects.filter(unit__building__compound__subdistrict=subdistrict)
    if existing.exists():
        return list(existing)
    actor = Actor.system("demo")
    table = services.table_save(subdistrict=subdistrict, name=TABLE_NAME, by_floor=TABLE,
                                source="演示数据：按低层少摊、高层多摊拟定", actor=actor)
    units = Unit.objects.filter(building__compound__subdistrict=subdistrict).select_related("building__compound")
    projects = []

    shiji = units.filter(building__compound__name="世纪花园", has_elevator=True).order_by("building_id", "id").first()
    if shiji is not None:
        project = _project(shiji, actor, status=Status.OPERATING, method={"kind": "saved", "saved_table": table.pk},
                           planned_completion=datetime.date(2020, 12, 31), actual_completion=datetime.date(2020, 12, 28))
        _plan(project, f"saved:{table.pk}", "第一轮意见征求后的方案" + DEMO_NOTE, actor,
              datetime.datetime(2020, 6, 18, 10, 0, tzinfo=TZ))
        ground = Household.objects.filter(unit=shiji, floor=1).order_by("room").first()
        if ground is not None:
            services.compensation_add(project=project, household=ground, amount=5_000 * YUAN,
                                      reason="电梯井遮挡采光补偿" + DEMO_NOTE, actor=actor)
        _plan(project, f"saved:{table.pk}", "第二轮意见征求：增加一层住户采光补偿后定稿" + DEMO_NOTE, actor,
              datetime.datetime(2020, 7, 9, 15, 30, tzinfo=TZ))
        # Running since 2020 with an IC-card reader: its running costs go by the year's metered rides.
        project = services.project_update(project=project, running_basis=RunningBasis.RIDES, actor=actor)
        services.rides_set(project=project, actor=actor, rides={
            row.household_id: _demo_rides(row.household) for row in project.households.select_related("household")})
        projects.append(project)

    jindun = units.filter(building__compound__name="金盾苑", has_elevator=True).order_by("building_id", "id")
    for number, (unit, done, method) in enumerate(zip(jindun, (datetime.date(2021, 6, 30), datetime.date(2021, 9, 28)),
                                                      ("table:nanjing-gulou", "shapley"), strict=False), start=1):
        project = _project(unit, actor, status=Status.OPERATING, method=_method_of(method),
                           planned_completion=done, actual_completion=done)
        _plan(project, method, f"金盾苑第 {number} 部电梯分摊方案定稿" + DEMO_NOTE, actor,
              datetime.datetime(done.year, done.month - 4, 10, 9, 0, tzinfo=TZ))
        projects.append(project)

    live = (units.filter(building__compound__name__in=IN_PROGRESS_COMPOUNDS, building__storeys=6, has_elevator=False)
            .order_by("building__compound_id", "building_id", "id"))
    for unit in live:
        if Household.objects.filter(unit=unit).count() >= 10:
            projects.append(_project(unit, actor, status=Status.CONSULTING,
                                     method={"kind": "table", "table": "guangzhou-2025"},
                                     planned_completion=planned_completion(timezone.localdate())))
            break
    return projects


def planned_completion(today: datetime.date) -> datetime.date:
    """The elevator still in consultation today is planned to run about ten months on (vote, design,
    permits, building): the last day of that month, so the demo is current whenever it is loaded."""
    later = today + datetime.timedelta(days=300)
    next_month = (later.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return next_month - datetime.timedelta(days=1)


def _demo_rides(household: Household) -> int:
    """A year's rides of one household, higher up the more; ground floors hardly ride (invented, deterministic)."""
    if household.floor <= 1:
        return 0
    return 150 * household.floor + sum(map(ord, household.room)) % 9 * 12


def _method_of(key: str) -> dict:
    if key.startswith("table:"):
        return {"kind": "table", "table": key.removeprefix("table:")}
    return {"kind": key}

