"""A parent's progress (plan, community) comes from its projects and lies between them."""

from __future__ import annotations

import datetime

import pytest

from anju.core.scoping import Scope
from anju.dashboard import queries
from anju.programme import queries as programme
from anju.programme import services
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def test_plan_and_area_progress_lie_between_their_projects(project_a, project_b, world):
    for stage in project_a.stages.order_by("position")[:4]:
        services.stage_sign_off(stage=stage, actual_end=datetime.date(2021, 4, 1), actor=SYSTEM)
    services.item_set_progress(item=project_a.items.first(), percent=70, actor=SYSTEM)
    project_a.refresh_from_db()
    project_b.refresh_from_db()
    scope = Scope(everything=False, subdistrict_id=world.subdistrict.pk)
    (year,) = programme.plan_vs_done(scope)
    low, high = sorted([project_a.progress, project_b.progress])
    assert low / 100 <= year.progress <= high / 100 and low < high
    areas = programme.by_area(scope, "community")
    assert areas[world.community_a.pk]["progress"] * 100 == project_a.progress
    assert areas[world.community_b.pk]["progress"] == 0


def test_roster_figures_are_cached_until_an_audited_write(world):
    from anju.roster import services as roster

    scope = Scope(everything=False, subdistrict_id=world.subdistrict.pk)
    assert queries.roster_summary(scope).households == 2
    roster.household_create(unit=world.building_a.units.get(number="2"), floor=1, room="101", exclusive_area="50",
                            actor=SYSTEM)
    assert queries.roster_summary(scope).households == 3
