"""A unit of six flats on floors 1-6 in compound A; one owner holds two flats (counted once)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from anju.consultations import services
from anju.consultations.models import Consultation
from anju.roster import services as roster
from anju.roster.models import Household, Person
from tests.factories import SYSTEM, id_number


@dataclass
class Vote6:
    consultation: Consultation
    households: list[Household]  # floors 1..6, room x01
    owners: list[Person]  # owners[4] owns floors 5 and 6


def make_unit_vote(world, *, open_it: bool = True, template: str = "elevator") -> Vote6:
    unit = world.building_a.units.get(number="2")
    households, owners = [], []
    for floor in range(1, 7):
        h = roster.household_create(unit=unit, floor=floor, room=f"{floor}01",
                                    exclusive_area=str(Decimal("60.00") + floor), actor=SYSTEM)
        households.append(h)
        if floor <= 5:
            p = roster.person_create(subdistrict=world.subdistrict, name=f"业主{floor}", sex="M", birth_year=1960,
                                     id_number=id_number(100 + floor), phone=f"1380000{floor:04d}", actor=SYSTEM)
            owners.append(p)
        roster.ownership_add(person=owners[min(floor, 5) - 1], household=h, actor=SYSTEM)
    c = services.consultation_create(compound=world.compound_a, unit=unit, title="2单元加装电梯表决", actor=SYSTEM)
    services.questions_from_template(consultation=c, template=template, actor=SYSTEM)
    if open_it:
        services.consultation_open(consultation=c, actor=SYSTEM)
    return Vote6(c, households, owners)


@pytest.fixture
def vote6(world) -> Vote6:
    return make_unit_vote(world)


def issue_letter(consultation: Consultation, key: str, actor=SYSTEM) -> tuple[str, object]:
    """Print (without the PDF) one household's letter: its code, as only the paper would carry it."""
    e = consultation.electors.get(key=key)
    issued = services.letter_codes([e])
    services.letters_record(consultation=consultation, issued=issued, actor=actor)
    return issued[0][1], e
