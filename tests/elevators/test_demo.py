"""The demo's elevators: 世纪花园's running since the end of 2020, 金盾苑's two, one in consultation."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from anju.elevators import demo, queries
from anju.elevators.models import CostPlan, ElevatorProject, SavedTable, Status
from anju.roster import demo as roster_demo

pytestmark = pytest.mark.django_db


def test_demo_elevators_are_loaded_once_and_add_up():
    sd = roster_demo.load_demo()
    projects = demo.load_demo(sd)
    assert len(projects) == 4
    shiji = ElevatorProject.objects.get(unit__building__compound__name="世纪花园")
    assert shiji.unit.has_elevator and shiji.status == Status.OPERATING
    assert shiji.actual_completion == datetime.date(2020, 12, 28)
    plans = list(shiji.plans.order_by("version"))
    assert [p.version for p in plans] == [1, 2] and plans[1].created.year == 2020
    assert (plans[0].compensation, plans[1].compensation) == (0, 5_000 * 100)
    basis, yearly = queries.running_estimate(shiji, plans[1])  # metered rides since it opened
    assert basis == "rides" and sum(yearly.values()) == 11_000 * 100
    assert all(yearly[s["room"]] == 0 for s in plans[1].shares if s["floor"] == 1)
    jindun = ElevatorProject.objects.filter(unit__building__compound__name="金盾苑")
    assert jindun.count() == 2 and all(p.status == Status.OPERATING and p.plans.count() == 1 for p in jindun)
    live = ElevatorProject.objects.get(status=Status.CONSULTING)
    assert live.storeys == 6 and not live.unit.has_elevator and live.households.count() >= 10
    # Planned from the day the demo is loaded, not from 2021: it reads as current, never years late.
    ahead = live.planned_completion - timezone.localdate()
    assert datetime.timedelta(days=270) <= ahead <= datetime.timedelta(days=340)
    for plan in CostPlan.objects.all():
        assert sum(s["amount"] for s in plan.shares) == plan.net
        assert all(s["amount"] == 0 for s in plan.shares if s["floor"] == 1)
    assert queries.gross_of(live) == 645_000 * 100  # a 6-storey retrofit (demo figures)
    assert queries.compare(live, queries.Scenario()).net == 445_000 * 100

    counts = (ElevatorProject.objects.count(), CostPlan.objects.count(), SavedTable.objects.count())
    again = demo.load_demo(sd)
    assert len(again) == 4
    assert (ElevatorProject.objects.count(), CostPlan.objects.count(), SavedTable.objects.count()) == counts
