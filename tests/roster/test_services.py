"""Bad input gets a message naming the field in Chinese and English, and nothing is saved."""

from __future__ import annotations

import pytest
from django.db import connection

from anju.core.errors import ValidationFailed
from anju.core.models import AuditEvent
from anju.roster import services
from anju.roster.models import Household, Person
from tests.factories import SYSTEM, id_number

pytestmark = pytest.mark.django_db


def test_wrong_id_checksum_names_the_field_and_saves_nothing(world):
    good = id_number(7)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    before = Person.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.person_create(subdistrict=world.subdistrict, name="李四", id_number=bad, actor=SYSTEM)
    assert caught.value.field == "id_number"
    assert "校验" in caught.value.zh and "check" in caught.value.en.lower()
    assert Person.objects.count() == before


def test_a_floor_above_the_building_is_refused(world):
    unit = world.building_a.units.first()
    with pytest.raises(ValidationFailed) as caught:
        services.household_create(unit=unit, floor=7, room="701", exclusive_area="60", actor=SYSTEM)
    assert caught.value.field == "floor"
    assert "6 层" in caught.value.zh and "6 storeys" in caught.value.en
    assert not Household.objects.filter(room="701").exists()


def test_a_duplicate_room_in_one_unit_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        services.household_create(unit=world.household_a.unit, floor=5, room="501", exclusive_area="60", actor=SYSTEM)
    assert caught.value.field == "room"
    assert Household.objects.filter(unit=world.household_a.unit, room="501").count() == 1


@pytest.mark.parametrize("area", ["0", "-3", "abc", "5000"])
def test_absurd_areas_are_refused(world, area):
    with pytest.raises(ValidationFailed) as caught:
        services.household_create(unit=world.household_a.unit, floor=2, room="201", exclusive_area=area, actor=SYSTEM)
    assert caught.value.field == "exclusive_area"


def test_the_same_room_number_may_exist_in_another_unit(world):
    other_unit = world.building_a.units.get(number="2")
    household = services.household_create(unit=other_unit, floor=5, room="501", exclusive_area="72.5", actor=SYSTEM)
    assert household.room_code == "3栋2单元501"


def test_personal_data_is_encrypted_at_rest_and_found_by_exact_value(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number_encrypted, phone_encrypted, id_number_hash FROM roster_person WHERE id = %s",
                       [world.owner_a.pk])
        enc_id, enc_phone, id_hash = cursor.fetchone()
    assert world.owner_a.id_number not in enc_id and "13812345678" not in enc_phone
    assert world.owner_a.id_number not in id_hash
    assert Person.objects.get(pk=world.owner_a.pk).phone == "13812345678"


def test_an_id_number_cannot_be_registered_twice(world):
    with pytest.raises(ValidationFailed) as caught:
        services.person_create(subdistrict=world.subdistrict, name="重复", id_number=world.owner_a.id_number, actor=SYSTEM)
    assert caught.value.field == "id_number"


def test_changes_leave_an_audit_record_with_masked_personal_data(world):
    services.person_update(person=world.owner_a, phone="13998765432", actor=SYSTEM)
    event = AuditEvent.objects.filter(object_type="roster.person", action="update").latest("id")
    assert event.before["phone"] == "138****5678" and event.after["phone"] == "139****5432"
    assert "13998765432" not in str(event.after)
    services.household_update(household=world.household_a, exclusive_area="75.00", actor=SYSTEM)
    event = AuditEvent.objects.filter(object_type="roster.household", action="update").latest("id")
    assert (event.before["exclusive_area"], event.after["exclusive_area"]) == ("72.50", "75.00")


def test_an_update_that_changes_nothing_leaves_no_record(world):
    count = AuditEvent.objects.count()
    services.household_update(household=world.household_a, exclusive_area="72.5", actor=SYSTEM)
    assert AuditEvent.objects.count() == count
