"""Finding a household by room code in the forms offices write, by name, or by phone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.core.scoping import Scope
from anju.roster import queries

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
    found, kind = queries.search_households(Scope(everything=False, subdistrict_id=world.subdistrict.pk), "秀兰")
    assert kind == "name" and list(found) == [world.household_a]


def test_a_city_wide_search_compares_the_start_of_names(world):
    # Inside names only where a scope bounds the people compared (issue 15 brings indexes for the rest).
    assert list(queries.search_households(EVERYTHING, "秀兰")[0]) == []
    assert list(queries.search_households(EVERYTHING, "王秀")[0]) == [world.household_a]
    found = queries.search(EVERYTHING, "秀兰", compound_id=world.compound_a.pk)
    assert [hit.person for hit in found[0:10]] == [world.owner_a]


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


# Pages and API: a full ID number or phone travels in a POST body, never in a URL (access logs,
# browser history and proxies keep URLs).
@pytest.mark.parametrize("text", ["13812345678", "+86 138-1234-5678", "0731-88881234", "420302195003150028"])
def test_the_search_page_refuses_a_personal_number_in_the_url(client, world, staff_a, text):
    client.force_login(staff_a)
    response = client.get(reverse("roster:search"), {"q": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "网址" in body and "web address" in body
    assert text not in body and "13812345678" not in body
    assert "hits" not in response.context


def test_a_search_by_phone_or_id_number_is_posted(client, world, staff_a):
    client.force_login(staff_a)
    for text in ("13812345678", world.owner_a.id_number):
        response = client.post(reverse("roster:search"), {"q": text})
        assert response.status_code == 200
        [hit] = response.context["hits"]
        assert hit.person == world.owner_a and hit.households == [world.household_a]
        assert 'method="post"' in response.content.decode()


def test_the_search_box_posts_its_query(client, world, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("roster:community", args=[world.community_a.pk])).content.decode()
    assert 'method="post"' in page and "hx-post" in page and "hx-get=\"/roster/search" not in page


def test_the_search_results_come_back_for_htmx_by_post(client, world, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("roster:search"), {"q": "13812345678"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert [hit.households for hit in response.context["hits"]] == [[world.household_a]]


@pytest.mark.parametrize("text", ["3-1-501", "秀兰", "1381234"])
def test_a_room_code_a_name_or_a_partial_number_may_still_be_searched_by_get(client, world, staff_a, text):
    client.force_login(staff_a)
    response = client.get(reverse("roster:search"), {"q": text})
    assert response.status_code == 200


def test_the_api_searches_personal_numbers_by_post_only(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    refused = client.get("/api/roster/households", {"q": "13812345678"})
    assert refused.status_code == 400 and "POST" in refused.json()["detail"]
    found = client.post("/api/roster/households/search", {"q": "13812345678"}, content_type="application/json")
    assert found.status_code == 200 and [h["id"] for h in found.json()] == [world.household_a.pk]
    assert client.get("/api/roster/households", {"q": "3-1-501"}).status_code == 200
