"""Lists longer than one page, for the paging tests (issue 18.10): many rows, made through the services."""

from __future__ import annotations

from anju.roster import services
from anju.roster.models import Building, Household, Residence
from tests.factories import SYSTEM


def stranded_elderly(building: Building, count: int, *, unit: str = "1", first: int = 0) -> list[Residence]:
    """`count` people of 70 living alone on floors 3 to 6 of `building`'s unit, with no elevator: 悬空老人."""
    unit_ = building.units.get(number=unit)
    made = []
    for n in range(first, first + count):
        floor = 3 + n % 4
        household = services.household_create(unit=unit_, floor=floor, room=f"{floor}{n:02d}", exclusive_area="60.00",
                                              actor=SYSTEM)
        person = services.person_create(subdistrict=building.compound.subdistrict, name=f"老人{n:03d}", sex="F",
                                        birth_year=1956, actor=SYSTEM)
        made.append(services.residence_add(person=person, household=household, actor=SYSTEM))
    return made


def households(building: Building, count: int, *, unit: str = "2") -> list[Household]:
    """`count` more households in `building`'s unit, floors 1 to 6."""
    unit_ = building.units.get(number=unit)
    return [services.household_create(unit=unit_, floor=1 + n % 6, room=f"{1 + n % 6}{n:02d}", exclusive_area="60.00",
                                      actor=SYSTEM) for n in range(count)]
