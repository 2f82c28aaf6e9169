"""A six-storey unit with two dwellings per floor (the world's 3栋1单元 of community A) and its project."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anju.elevators import services
from anju.elevators.models import CostKind, SubsidyKind
from anju.roster import services as roster
from tests.factories import SYSTEM

FEN = 100


def fill_unit(unit, existing=()) -> None:
    """Rooms x01 and x02 on floors 1..6; x01 is 72.50 m², x02 is 88.00 m²."""
    for floor in range(1, 7):
        for pos, area in ((1, "72.50"), (2, "88.00")):
            room = f"{floor}{pos:02d}"
            if room not in existing:
                roster.household_create(unit=unit, floor=floor, room=room, exclusive_area=Decimal(area), actor=SYSTEM)


def make_project(unit, **kwargs):
    defaults = dict(
        costs=[(CostKind.CONSTRUCTION, "", 520_000 * FEN), (CostKind.DESIGN, "", 30_000 * FEN),
               (CostKind.SUPERVISION, "", 15_000 * FEN), (CostKind.PIPELINE, "", 60_000 * FEN),
               (CostKind.OTHER, "", 20_000 * FEN)],
        subsidies=[(SubsidyKind.MUNICIPAL, "", 150_000 * FEN), (SubsidyKind.DISTRICT, "", 50_000 * FEN)],
        exempt_floors=[1],
        running_costs=[("电费", 3_600 * FEN), ("维保合同", 6_000 * FEN), ("年检", 500 * FEN), ("保险", 900 * FEN)],
    )
    defaults.update(kwargs)
    return services.project_create(unit=unit, actor=SYSTEM, **defaults)


@pytest.fixture
def unit_a(world):
    unit = world.household_a.unit
    fill_unit(unit, existing={"501"})
    return unit


@pytest.fixture
def project_a(unit_a):
    return make_project(unit_a)


@pytest.fixture
def project_b(world):
    unit = world.household_b.unit
    fill_unit(unit, existing={"501"})
    return make_project(unit)
