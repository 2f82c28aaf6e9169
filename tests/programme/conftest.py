from __future__ import annotations

import datetime

import pytest

from anju.programme import services
from anju.programme.models import FundingSource, ItemKind
from tests.factories import SYSTEM


@pytest.fixture
def plan(world):
    return services.plan_create(subdistrict=world.subdistrict, year=2021, actor=SYSTEM)


@pytest.fixture
def project_a(world, plan):
    d = datetime.date
    project = services.project_create(plan=plan, compound=world.compound_a, actor=SYSTEM, stage_dates={
        "survey": (d(2021, 1, 1), d(2021, 1, 31)), "construction": (d(2021, 5, 1), d(2021, 12, 31)),
    })
    services.item_add(project=project, kind=ItemKind.ROOF, buildings=[world.building_a], quantity=800, unit="㎡",
                      budget_fen=30_000_000, funding={FundingSource.CENTRAL: 20_000_000, FundingSource.DISTRICT: 10_000_000},
                      actor=SYSTEM)
    services.item_add(project=project, kind=ItemKind.GAS, budget_fen=10_000_000, actor=SYSTEM)
    project.refresh_from_db()
    return project


@pytest.fixture
def project_b(world, plan):
    return services.project_create(plan=plan, compound=world.compound_b, actor=SYSTEM)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
