"""Bulk inserts (roster imports): ids come back in the rows' order, conflicts are skipped, on both databases."""

from __future__ import annotations

import pytest
from django.db import transaction

from anju.core.bulk import insert_many, insert_returning_ids
from anju.roster.models import Ownership, Person

pytestmark = pytest.mark.django_db

COLUMNS = ("subdistrict_id", "name", "sex", "birth_year", "id_number_encrypted", "id_number_hash",
           "phone_encrypted", "phone_hash", "limited_mobility", "party_member")


def people(world, names):
    return [(world.subdistrict.pk, name, "F", 1950, "", "", "", "", False, False) for name in names]


def test_ids_come_back_in_the_order_of_the_rows(world):
    names = [f"居民{i:04d}" for i in range(2500)]  # more than one batch
    with transaction.atomic():
        ids = insert_returning_ids(Person, COLUMNS, people(world, names))
    assert len(set(ids)) == len(names)
    assert dict(Person.objects.filter(pk__in=ids).values_list("pk", "name")) == dict(zip(ids, names, strict=True))
    # The sequence moved on: the ORM's next person gets a fresh id.
    later = Person.objects.create(subdistrict=world.subdistrict, name="后来者")
    assert later.pk not in ids


def test_conflicting_rows_are_skipped_and_the_rest_written(world):
    a, b = insert_returning_ids(Person, COLUMNS, people(world, ["甲", "乙"]))
    household = world.household_a.pk
    with transaction.atomic():
        insert_many(Ownership, ("person_id", "household_id"), [(a, household)], ignore_conflicts=True)
        # Twice in one transaction: the staging table is reused, emptied in between.
        insert_many(Ownership, ("person_id", "household_id"), [(a, household), (b, household)],
                    ignore_conflicts=True)
    assert sorted(Ownership.objects.filter(household_id=household, person_id__in=[a, b])
                  .values_list("person_id", flat=True)) == [a, b]
