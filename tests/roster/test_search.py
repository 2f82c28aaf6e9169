"""Finding a household by room code in the forms offices write, by name, or by phone."""

from __future__ import annotations

import pytest

from anju.roster import queries
from anju.roster.scoping import Scope

pytestmark = pytest.mark.django_db
EVERYTHING = Scope(everything=True)


@pytest.mark.parametrize("text", ["3栋1单元501", "3-1-501", "3号楼1单元501室", "３－１－５０１"])
def test_room_codes_in_every_office_form_find_the_household(world, text):
    found, kind = queries.search_households(Scope(everything=False, subdistrict_id=world.subdistrict.pk,
                                                  community_id=world.community_a.pk), text)
    assert kind == "room"
    assert list(found) == [world.household_a]


def test_a_room_code_without_unit_finds_it_in_every_unit(world):
    found, _ = queries.search_households(EVERYTHING, "3栋501")
    assert set(found) == {world.household_a, world.household_b}


def test_search_by_owner_name(world):
    found, kind = queries.search_households(EVERYTHING, "秀兰")
    assert kind == "name" and list(found) == [world.household_a]


@pytest.mark.parametrize("text", ["13812345678", "138 1234 5678", "+86 138-1234-5678"])
def test_search_by_phone_in_any_spelling(world, text):
    found, kind = queries.search_households(EVERYTHING, text)
    assert kind == "phone" and list(found) == [world.household_a]


def test_search_by_id_number(world):
    found, kind = queries.search_households(EVERYTHING, world.owner_b.id_number)
    assert kind == "id" and list(found) == [world.household_b]


def test_a_partial_phone_finds_nothing_rather_than_guessing(world):
    found, _ = queries.search_households(EVERYTHING, "1381234")
    assert list(found) == []
