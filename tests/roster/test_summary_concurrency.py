"""Writers to the same building at once (PostgreSQL, READ COMMITTED): the kept totals still equal a recount.

Each refresh locks the building's summary row before it counts, so a writer that commits second counts
the first one's rows too. SQLite serialises writers anyway (IMMEDIATE transactions), so this runs on
PostgreSQL only, in .ci/run's PostgreSQL pass.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from anju.roster import services, summary
from anju.roster.models import BuildingSummary
from tests.factories import SYSTEM


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL's concurrency")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_to_one_building_are_all_counted(world):
    unit = world.building_a.units.get(number="2")

    def add(n: int) -> None:
        try:
            household = services.household_create(unit=unit, floor=1 + n % 6, room=f"{1 + n % 6}{n:02d}",
                                                   exclusive_area="50.01", actor=SYSTEM)
            person = services.person_create(subdistrict=world.subdistrict, name=f"住户{n}", birth_year=1940, actor=SYSTEM)
            services.residence_add(person=person, household=household, actor=SYSTEM)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(add, range(24)))
    assert summary.differences() == []
    kept = BuildingSummary.objects.get(building=world.building_a)
    assert (kept.households, kept.people, kept.exclusive_area_cm2) == (25, 25, 7250 + 24 * 5001)
