"""A small world for tests: one sub-district, two communities, a compound in each, and the fixed cast."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model

from anju.accounts.models import Profile, Role
from anju.core.audit import Actor
from anju.domain.ids import make_id_number
from anju.roster import services
from anju.roster.models import Building, Community, Compound, Household, Person, Subdistrict

SYSTEM = Actor.system("tests")
PASSWORD = "correct horse battery staple"


@dataclass
class World:
    subdistrict: Subdistrict
    community_a: Community
    community_b: Community
    compound_a: Compound
    compound_b: Compound
    building_a: Building
    building_b: Building
    household_a: Household  # 3栋1单元501 in community A, an elderly owner on the 5th floor
    household_b: Household  # 3栋1单元501 in community B: the same room code elsewhere
    owner_a: Person
    owner_b: Person


def id_number(n: int, year: int = 1950) -> str:
    return make_id_number("420302", datetime.date(year, 3, 15), n)


def make_world() -> World:
    sd = services.subdistrict_create(name="测试街道", actor=SYSTEM)
    ca = services.community_create(subdistrict=sd, name="甲社区", actor=SYSTEM)
    cb = services.community_create(subdistrict=sd, name="乙社区", actor=SYSTEM)
    pa = services.compound_create(community=ca, name="甲小区", year_built=1998, actor=SYSTEM)
    pb = services.compound_create(community=cb, name="乙小区", year_built=2003, actor=SYSTEM)
    ba = services.building_create(compound=pa, number="3", storeys=6, units=2, gross_area=Decimal("3000"), actor=SYSTEM)
    bb = services.building_create(compound=pb, number="3", storeys=6, units=1, gross_area=Decimal("1500"), actor=SYSTEM)
    ha = services.household_create(unit=ba.units.get(number="1"), floor=5, room="501", exclusive_area="72.50", actor=SYSTEM)
    hb = services.household_create(unit=bb.units.get(number="1"), floor=5, room="501", exclusive_area="88.00", actor=SYSTEM)
    oa = services.person_create(subdistrict=sd, name="王秀兰", sex="F", birth_year=1950, id_number=id_number(2),
                                phone="13812345678", actor=SYSTEM)
    ob = services.person_create(subdistrict=sd, name="赵建国", sex="M", birth_year=1980, id_number=id_number(3, 1980),
                                phone="13900001111", actor=SYSTEM)
    for person, household in ((oa, ha), (ob, hb)):
        services.ownership_add(person=person, household=household, actor=SYSTEM)
        services.residence_add(person=person, household=household, actor=SYSTEM)
    return World(sd, ca, cb, pa, pb, ba, bb, ha, hb, oa, ob)


def make_user(username: str, role: Role | None, world: World, *, community: Community | None = None,
              compound: Compound | None = None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_staff=role is not None)
    if role is not None:
        Profile.objects.create(user=user, role=role, subdistrict=world.subdistrict, community=community, compound=compound)
    return user
