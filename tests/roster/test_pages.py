"""The hierarchy pages show counts and areas; personal data is masked for volunteers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.roster import services
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def test_subdistrict_page_shows_totals_of_both_communities(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    response = client.get(reverse("roster:subdistrict", args=[world.subdistrict.pk]))
    total = response.context["total"]
    assert (total.compounds, total.buildings, total.households, total.people) == (2, 2, 2, 2)
    assert str(total.gross_area) == "4500.00"
    assert str(total.exclusive_area) == "160.50"
    # 王秀兰 is over 60 on the 5th floor of a unit without an elevator; 赵建国 is not elderly.
    assert total.stranded_elderly == 1


def test_stranded_elderly_stop_counting_once_the_unit_has_an_elevator(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    services.unit_set_elevator(unit=world.household_a.unit, has_elevator=True, actor=SYSTEM)
    response = client.get(reverse("roster:subdistrict", args=[world.subdistrict.pk]))
    assert response.context["total"].stranded_elderly == 0


def test_phones_are_masked_for_everyone_until_staff_ask(client, world, staff_a, volunteer_a):
    """Staff see the mask too and a "显示" action (tests/roster/test_reveal.py); volunteers only the mask."""
    url = reverse("roster:household", args=[world.household_a.pk])
    client.force_login(staff_a)
    page = client.get(url).content.decode()
    assert "13812345678" not in page
    assert "138****5678" in page and reverse("roster:person_reveal", args=[world.owner_a.pk]) in page
    client.force_login(volunteer_a)
    page = client.get(url).content.decode()
    assert "13812345678" not in page
    assert "138****5678" in page
    assert world.owner_a.id_number not in page
    assert world.owner_a.id_number[:4] + "**********" + world.owner_a.id_number[-4:] in page


def test_pages_name_a_room_as_people_write_it(client, world, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("roster:household", args=[world.household_a.pk])).content.decode()
    assert '<span data-testid="room-code">3栋1单元501室</span>' in page
    found = client.get(reverse("roster:search"), {"q": "3-1-501"}).content.decode()
    assert "3栋1单元501室" in found


def test_list_pages_run_a_fixed_number_of_queries(client, world, subdistrict_staff, django_assert_max_num_queries):
    client.force_login(subdistrict_staff)
    with django_assert_max_num_queries(12):
        client.get(reverse("roster:subdistrict", args=[world.subdistrict.pk]))
    with django_assert_max_num_queries(14):
        client.get(reverse("roster:compound", args=[world.compound_a.pk]))


def test_language_switch_shows_english(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    url = reverse("roster:subdistrict", args=[world.subdistrict.pk])
    assert "户数" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    page = client.get(url).content.decode()
    assert "Households" in page
    assert 'lang="en"' in page
