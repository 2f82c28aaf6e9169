"""Search finds what an office types: a compound's name with a room code, part of a code, a bare room,
a compound, a person; paged with its total, limited to one compound on request, and to the caller's scope."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from anju.accounts.models import Role
from anju.core.errors import ValidationFailed
from anju.roster import queries, services
from tests.factories import SYSTEM, id_number, make_user

pytestmark = pytest.mark.django_db
QUERIES_PER_PAGE = 12  # session, user and profile, the compound filter, counts, one page, its people's households


@pytest.fixture
def garden(world):
    """世纪花园 in community A, like the demo's: building 3 with 3 units of 6 floors, 3 flats a floor (54 flats),
    owned by 张 family members; and another sub-district with its own 世纪花园 and its own 王秀兰."""
    compound = services.compound_create(community=world.community_a, name="世纪花园", year_built=1996, actor=SYSTEM)
    building = services.building_create(compound=compound, number="3", storeys=6, units=3,
                                        gross_area=Decimal("5400"), actor=SYSTEM)
    households = {}
    for unit in building.units.all():
        for floor in range(1, 7):
            for door in range(1, 4):
                room = f"{floor}{door:02d}"
                households[(unit.number, room)] = services.household_create(
                    unit=unit, floor=floor, room=room, exclusive_area="60.00", actor=SYSTEM)
    for n, household in enumerate(households.values()):
        person = services.person_create(subdistrict=world.subdistrict, name=f"张{'伟芳娜敏静丽强磊军洋'[n % 10]}{n}",
                                        sex="M", birth_year=1960 + n % 30, actor=SYSTEM)
        services.ownership_add(person=person, household=household, actor=SYSTEM)
    tenant = services.person_create(subdistrict=world.subdistrict, name="李桂英", sex="F", birth_year=1948,
                                    phone="13700002222", limited_mobility=True, actor=SYSTEM)
    services.residence_add(person=tenant, household=households[("2", "501")], actor=SYSTEM)

    elsewhere = services.subdistrict_create(name="别的街道", actor=SYSTEM)
    other_community = services.community_create(subdistrict=elsewhere, name="丙社区", actor=SYSTEM)
    other_compound = services.compound_create(community=other_community, name="世纪花园", actor=SYSTEM)
    other_building = services.building_create(compound=other_compound, number="3", storeys=6, units=2,
                                              gross_area=Decimal("3000"), actor=SYSTEM)
    other_household = services.household_create(unit=other_building.units.get(number="2"), floor=5, room="501",
                                                exclusive_area="70.00", actor=SYSTEM)
    namesake = services.person_create(subdistrict=elsewhere, name="王秀兰", sex="F", birth_year=1951,
                                      id_number=id_number(9), phone="13612340000", actor=SYSTEM)
    services.ownership_add(person=namesake, household=other_household, actor=SYSTEM)
    return type("Garden", (), {"compound": compound, "households": households, "tenant": tenant,
                               "other_household": other_household, "namesake": namesake})


def _search(client, user, **data):
    client.force_login(user)
    return client.post(reverse("roster:search"), data)


def _hits(response):
    return response.context["page"].paginator.object_list[0:response.context["page"].paginator.count]


def _text(response) -> str:
    """The page as a person reads it: tags dropped, runs of spaces one space."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _households(response):
    return [hit.household for hit in _hits(response) if hit.kind == "household"]


def test_a_compound_name_with_a_full_room_code_finds_that_one_flat(client, garden, staff_a):
    response = _search(client, staff_a, q="世纪花园3栋2单元501")
    assert response.status_code == 200
    assert _households(response) == [garden.households[("2", "501")]]
    assert "世纪花园 3栋2单元501室" in _text(response)


@pytest.mark.parametrize("typed", ["世纪花园 3-2-501", "世纪花园3号楼2单元501室", "3-2-501", "3栋2单元501"])
def test_the_same_flat_in_other_spellings(client, garden, staff_a, typed):
    assert garden.households[("2", "501")] in _households(_search(client, staff_a, q=typed))


def test_a_building_and_unit_find_every_flat_of_that_stairwell(client, garden, staff_a):
    found = _households(_search(client, staff_a, q="3栋2单元"))
    assert len(found) == 18 and {h.unit.number for h in found} == {"2"}
    assert set(found) == {h for (unit, _), h in garden.households.items() if unit == "2"}


def test_a_bare_room_number_finds_that_room_in_every_building_in_scope(client, world, garden, staff_a):
    found = _households(_search(client, staff_a, q="501"))
    assert set(found) == {garden.households[(u, "501")] for u in "123"} | {world.household_a}
    assert garden.other_household not in found and world.household_b not in found


def test_a_compound_name_finds_the_compound_linked(client, garden, staff_a):
    response = _search(client, staff_a, q="世纪花园")
    hits = _hits(response)
    assert [h.compound for h in hits if h.kind == "compound"] == [garden.compound]
    assert reverse("roster:compound", args=[garden.compound.pk]) in response.content.decode()


def test_a_persons_name_shows_the_name_role_flags_and_household(client, garden, staff_a):
    response = _search(client, staff_a, q="李桂英")
    [hit] = _hits(response)
    assert hit.kind == "person" and hit.person == garden.tenant
    assert hit.is_resident and not hit.is_owner and hit.households == [garden.households[("2", "501")]]
    body = response.content.decode()
    assert "居住人" in body and "行动不便" in body and "60岁以上" in body
    assert reverse("roster:household", args=[garden.households[("2", "501")].pk]) in body
    assert "世纪花园 3栋2单元501室" in _text(response)


def test_an_owner_is_shown_as_owner(client, world, garden, staff_a):
    [hit] = _hits(_search(client, staff_a, q="王秀兰"))
    assert hit.person == world.owner_a and hit.is_owner and hit.is_resident
    assert hit.households == [world.household_a]


def test_more_than_fifty_results_are_paged_with_their_total(client, garden, staff_a):
    response = _search(client, staff_a, q="世纪花园3栋")
    page = response.context["page"]
    assert page.paginator.count == 54 and page.paginator.num_pages == 3 and len(page.object_list) == 20
    assert "共 54 条" in _text(response) and "1 / 3" in _text(response)
    last = _search(client, staff_a, q="世纪花园3栋", page="3")
    assert len(last.context["page"].object_list) == 14
    seen = {h.household.pk for p in ("1", "2", "3") for h in _search(client, staff_a, q="世纪花园3栋", page=p).context["hits"]}
    assert len(seen) == 54


def test_a_family_name_pages_every_person_with_it(client, garden, staff_a):
    page = _search(client, staff_a, q="张").context["page"]
    assert page.paginator.count == 54 and all(h.person.name.startswith("张") for h in page.object_list)


def test_one_character_is_a_family_name_two_may_be_a_given_name(client, garden, staff_a):
    assert _hits(_search(client, staff_a, q="桂")) == []
    assert [h.person for h in _hits(_search(client, staff_a, q="桂英"))] == [garden.tenant]
    assert [h.person for h in _hits(_search(client, staff_a, q="李"))] == [garden.tenant]


def test_the_compound_filter_keeps_to_that_compound(client, world, garden, staff_a):
    everywhere = _households(_search(client, staff_a, q="501"))
    only_garden = _households(_search(client, staff_a, q="501", compound=str(garden.compound.pk)))
    assert world.household_a in everywhere and world.household_a not in only_garden
    assert set(only_garden) == {garden.households[(u, "501")] for u in "123"}
    assert _hits(_search(client, staff_a, q="王秀兰", compound=str(garden.compound.pk))) == []


def test_the_compound_filter_offers_the_compounds_in_scope_only(client, world, garden, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("roster:search"))
    assert list(response.context["compounds"]) == sorted([world.compound_a, garden.compound], key=lambda c: c.name)
    assert 'data-testid="search-compound"' in response.content.decode()


def test_a_compound_outside_scope_as_filter_finds_nothing(client, world, garden, staff_a):
    assert _hits(_search(client, staff_a, q="501", compound=str(world.compound_b.pk))) == []


def test_another_subdistricts_people_and_flats_never_appear(client, world, garden, subdistrict_staff):
    for typed in ("王秀兰", "世纪花园3栋2单元501", "3-2-501", "501", "13612340000", garden.namesake.id_number):
        response = _search(client, subdistrict_staff, q=typed)
        hits = _hits(response)
        assert garden.namesake not in [h.person for h in hits], typed
        assert garden.other_household not in [h.household for h in hits], typed


def test_a_volunteer_sees_masked_phones(client, world, garden, volunteer_a, staff_a):
    masked = _search(client, volunteer_a, q="王秀兰").content.decode()
    assert "王秀兰" in masked and "138****5678" in masked and "13812345678" not in masked
    staff = _search(client, staff_a, q="王秀兰").content.decode()
    assert "13812345678" not in staff and reverse("roster:person_reveal", args=[world.owner_a.pk]) in staff  # 显示, logged


def test_a_volunteer_finds_only_their_compound(client, world, garden, volunteer_a):
    assert _households(_search(client, volunteer_a, q="501")) == [world.household_a]
    assert _hits(_search(client, volunteer_a, q="李桂英")) == []


def test_a_phone_finds_the_person_and_their_household(client, garden, staff_a):
    [hit] = _hits(_search(client, staff_a, q="137 0000 2222"))
    assert hit.person == garden.tenant and hit.households == [garden.households[("2", "501")]]


@pytest.mark.parametrize("typed", ["x" * 2000, "世" * 2000, "3-2-501" * 300])
def test_a_very_long_query_is_a_clear_400(client, garden, staff_a, typed):
    response = _search(client, staff_a, q=typed)
    assert response.status_code == 400
    assert "查找内容太长" in response.content.decode()
    client.force_login(staff_a)
    assert client.get(reverse("roster:search"), {"q": typed}).status_code == 400


@pytest.mark.parametrize("page", ["abc", "-1", "999999", "1" * 400])
def test_a_bad_page_number_still_answers(client, garden, staff_a, page):
    assert _search(client, staff_a, q="世纪花园3栋", page=page).status_code == 200


@pytest.mark.parametrize("compound", ["abc", "-1", "0", "9" * 40])
def test_a_bad_compound_filter_is_ignored(client, garden, staff_a, compound):
    assert _search(client, staff_a, q="3栋2单元501", compound=compound).status_code == 200


def test_the_query_function_refuses_long_text_naming_the_field(world):
    with pytest.raises(ValidationFailed) as caught:
        queries.search(make_user("jd", Role.SUBDISTRICT_STAFF, world).anju_profile.scope(), "x" * 101)
    assert caught.value.field == "q"


@pytest.mark.parametrize("typed", ["世纪花园3栋", "张", "世纪花园", "13700002222"])
def test_a_page_of_results_costs_a_fixed_number_of_queries(client, garden, staff_a, django_assert_max_num_queries, typed):
    client.force_login(staff_a)
    with django_assert_max_num_queries(QUERIES_PER_PAGE):
        client.post(reverse("roster:search"), {"q": typed})


def test_the_page_reads_in_english_too(client, garden, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("roster:search"), {"q": "世纪花园3栋"}, headers={"Accept-Language": "en"})
    assert "54 results" in _text(response) and "page 1 of 3" in _text(response)




# The API answers with the same query function, one page at a time with the total.
def _api(client, user, **body):
    client.force_login(user)
    return client.post("/api/roster/search", body, content_type="application/json")


def test_the_api_pages_the_same_results_with_their_total(client, garden, staff_a):
    first = _api(client, staff_a, q="世纪花园3栋").json()
    assert first["kind"] == "room" and first["total"] == 54 and first["pages"] == 3 and len(first["results"]) == 20
    everything = [hit["household"]["id"] for p in (1, 2, 3)
                  for hit in _api(client, staff_a, q="世纪花园3栋", page=p).json()["results"]]
    page = [hit.household.pk for hit in _hits(_search(client, staff_a, q="世纪花园3栋"))]
    assert everything == page and len(set(everything)) == 54
    assert _api(client, staff_a, q="世纪花园3栋", page=9).json()["results"] == []


def test_the_api_shows_a_person_with_role_and_household_and_a_masked_phone(client, world, garden, staff_a):
    [hit] = _api(client, staff_a, q="李桂英").json()["results"]
    person = hit["person"]
    assert hit["kind"] == "person" and person["resident"] and not person["owner"] and person["limited_mobility"]
    assert person["phone"] == "137****2222"
    assert person["households"] == [{"id": garden.households[("2", "501")].pk, "compound_id": garden.compound.pk,
                                     "compound_name": "世纪花园", "room_code": "3栋2单元501", "room_label": "3栋2单元501室"}]


def test_the_api_filters_by_compound_and_keeps_to_scope(client, world, garden, staff_a, subdistrict_staff):
    only = _api(client, staff_a, q="501", compound_id=garden.compound.pk).json()
    assert {hit["household"]["compound_id"] for hit in only["results"]} == {garden.compound.pk} and only["total"] == 3
    assert _api(client, staff_a, q="501", compound_id=world.compound_b.pk).json()["total"] == 0
    names = [hit["person"]["id"] for hit in _api(client, subdistrict_staff, q="王秀兰").json()["results"]]
    assert names == [world.owner_a.pk]


@pytest.mark.parametrize("body", [{"q": "x" * 2000}, {"q": "501", "page": 0}, {"q": "501", "page_size": 1000},
                                  {"q": "501", "compound_id": -1}, {}])
def test_the_api_refuses_bad_input_with_4xx(client, garden, staff_a, body):
    assert 400 <= _api(client, staff_a, **body).status_code < 500


def test_the_household_list_api_refuses_a_long_query_naming_the_field(client, garden, staff_a):
    client.force_login(staff_a)
    response = client.get("/api/roster/households", {"q": "x" * 2000})
    assert response.status_code == 400 and response.json()["field"] == "q"


def test_the_household_list_api_pages_a_search(client, garden, staff_a):
    client.force_login(staff_a)
    first = client.get("/api/roster/households", {"q": "世纪花园3栋", "limit": 50}).json()
    rest = client.get("/api/roster/households", {"q": "世纪花园3栋", "limit": 50, "offset": 50}).json()
    assert len(first) == 50 and len(rest) == 4 and not {h["id"] for h in first} & {h["id"] for h in rest}
