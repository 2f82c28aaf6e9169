"""Keyset pagination of the API lists (issue 15.4): a signed cursor, the next page by key, never OFFSET.

Before: `?offset=900000` sorted and skipped the whole scope (489 ms at a million households), and a row
added or removed between two requests moved every later row by one, so a client walking the list
repeated or missed one.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anju.core import paging
from anju.core.errors import ValidationFailed
from anju.roster.models import Household
from tests import crowds

pytestmark = pytest.mark.django_db
HOUSEHOLDS = "/api/roster/households"


@pytest.fixture
def many(world):
    """32 households in scope (the world's two and 30 more in building A, unit 2, floors 1 to 6)."""
    crowds.households(world.building_a, 30)
    return list(Household.objects.order_by("id").values_list("id", flat=True))


def walk(client, url: str, params: dict, *, between=None) -> tuple[list[int], list]:
    """Every page of an API list by its cursor: the ids in the order shown, and each response."""
    ids, responses, cursor = [], [], None
    while True:
        response = client.get(url, {**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        responses.append(response)
        ids += [row["id"] for row in response.json()]
        cursor = response.headers.get(paging.NEXT_HEADER)
        if cursor is None:
            return ids, responses
        if between is not None:
            between(len(responses))


def test_walking_the_household_list_by_cursor_shows_every_row_once_in_the_offset_order(
    client, subdistrict_staff, many
):
    client.force_login(subdistrict_staff)
    ids, responses = walk(client, HOUSEHOLDS, {"limit": 5})
    by_offset = [
        row["id"]
        for offset in range(0, 35, 5)
        for row in client.get(HOUSEHOLDS, {"limit": 5, "offset": offset}).json()
    ]
    assert ids == by_offset == many and len(responses) == 7  # 6 full pages and 2 rows, no empty last page
    first, second = responses[0], responses[1]
    assert (
        first[paging.TOTAL_HEADER] == "32" and paging.TOTAL_HEADER not in second
    )  # the count once, on page 1
    cursor = first[paging.NEXT_HEADER]
    assert first["Link"] == f'<{HOUSEHOLDS}?limit=5&cursor={cursor}>; rel="next"'
    assert paging.NEXT_HEADER not in responses[-1] and "Link" not in responses[-1]


def test_rows_added_or_removed_between_pages_neither_repeat_nor_skip_another(
    client, world, subdistrict_staff, many
):
    client.force_login(subdistrict_staff)
    added = []

    def between(pages: int) -> None:
        if pages == 1:  # one row already shown and one still ahead are removed, one is added
            Household.objects.filter(pk__in=[many[1], many[20]]).delete()
            added.extend(crowds.households(world.building_b, 1, unit="1"))

    ids, _ = walk(client, HOUSEHOLDS, {"limit": 5}, between=between)
    assert len(ids) == len(set(ids))
    assert ids == [pk for pk in many if pk != many[20]] + [added[0].pk]


def test_an_altered_cursor_is_refused_with_a_message_naming_it(client, subdistrict_staff, many):
    client.force_login(subdistrict_staff)
    cursor = client.get(HOUSEHOLDS, {"limit": 5})[paging.NEXT_HEADER]
    for bad in (
        cursor[:-1] + ("A" if cursor[-1] != "A" else "B"),
        "x",
        "eyJ2IjpbMV19:abc",
        "::",
        "\u79cb" * 3,
    ):
        response = client.get(HOUSEHOLDS, {"limit": 5, "cursor": bad})
        assert response.status_code == 400, bad
        assert response.json() == {"detail": paging.BAD_CURSOR[0], "field": "cursor"}
    english = client.get(HOUSEHOLDS, {"cursor": "x"}, headers={"Accept-Language": "en"})
    assert english.status_code == 400 and "cursor" in english.json()["detail"]
    too_long = client.get(HOUSEHOLDS, {"cursor": "a" * 501})
    assert too_long.status_code == 422
    both = client.get(HOUSEHOLDS, {"cursor": cursor, "offset": 5})
    assert both.status_code == 400 and both.json()["field"] == "offset"


def test_a_cursor_of_one_list_is_refused_on_another(client, world, subdistrict_staff, many):
    client.force_login(subdistrict_staff)
    cursor = client.get(HOUSEHOLDS, {"limit": 5})[paging.NEXT_HEADER]
    for other in ("/api/participation/suggestions", "/api/participation/visits"):
        response = client.get(other, {"cursor": cursor})
        assert response.status_code == 400 and response.json() == {
            "detail": paging.OTHER_LIST[0],
            "field": "cursor",
        }
    # The same list found another way (a room search orders by compound, unit, floor and room) is another order.
    response = client.get(HOUSEHOLDS, {"q": "3栋", "cursor": cursor})
    assert response.status_code == 400 and response.json()["field"] == "cursor"


def test_the_limit_bound_holds_by_cursor_as_by_offset(client, subdistrict_staff, many):
    client.force_login(subdistrict_staff)
    cursor = client.get(HOUSEHOLDS, {"limit": 1})[paging.NEXT_HEADER]
    assert client.get(HOUSEHOLDS, {"limit": 1000, "cursor": cursor}).status_code == 200
    for limit in (0, 1001, -1):
        assert client.get(HOUSEHOLDS, {"limit": limit, "cursor": cursor}).status_code == 422


def test_a_page_by_cursor_is_one_query_without_offset_or_count_wherever_it_starts(
    client, subdistrict_staff, many
):
    client.force_login(subdistrict_staff)
    _ids, responses = walk(client, HOUSEHOLDS, {"limit": 3})
    cursors = [r[paging.NEXT_HEADER] for r in responses[:-1]]
    counts = []
    for cursor in (cursors[0], cursors[5], cursors[-1]):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOUSEHOLDS, {"limit": 3, "cursor": cursor}).status_code == 200
        rows = [q["sql"] for q in queries.captured_queries if "roster_household" in q["sql"]]
        assert len(rows) == 1 and "OFFSET" not in rows[0].upper() and "COUNT(" not in rows[0].upper()
        counts.append(len(queries.captured_queries))
    assert len(set(counts)) == 1


keys = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(max_size=20),
    st.dates(),
    st.datetimes(timezones=st.just(datetime.UTC)),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9),
)


@given(values=st.lists(keys, min_size=1, max_size=4), name=st.text(min_size=1, max_size=30))
def test_a_cursor_carries_its_key_values_back_exactly(values, name):
    key = [(f"f{i}", i % 2 == 1) for i in range(len(values))]
    cursor = paging.encode_cursor(values, name=name, key=key)
    assert paging.decode_cursor(cursor, name=name, key=key) == values
    with pytest.raises(ValidationFailed):
        paging.decode_cursor(cursor, name=name + "/", key=key)
    with pytest.raises(ValidationFailed):
        paging.decode_cursor(cursor, name=name, key=[(f, not d) for f, d in key])


ORDERS = [
    ("id",),
    ("-id",),
    ("floor", "room"),
    ("-floor", "-room"),
    ("compound__name", "-exclusive_area"),
    ("-unit_id", "floor"),
]


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.sampled_from(ORDERS), limit=st.integers(min_value=1, max_value=12))
def test_pages_by_cursor_partition_the_rows_in_the_lists_own_order(many, order, limit):
    rows = Household.objects.select_related("compound").order_by(*order)
    expected = list(paging.stable(rows).values_list("id", flat=True))
    request, seen, cursor = RequestFactory().get(HOUSEHOLDS), [], None
    while True:
        response = HttpResponse()
        found = paging.page(rows, limit=limit, cursor=cursor, offset=0, request=request, response=response)
        assert len(found) <= limit and (found or not seen)
        seen += [h.pk for h in found]
        cursor = response.headers.get(paging.NEXT_HEADER)
        if cursor is None:
            break
    assert seen == expected


def test_a_key_of_an_exact_decimal_and_a_datetime_pages_on_the_value_itself():
    key = [("at", True), ("area", False), ("id", False)]
    values = [datetime.datetime(2026, 12, 3, 7, 30, tzinfo=datetime.UTC), Decimal("72.50"), 9]
    assert paging.decode_cursor(paging.encode_cursor(values, name="l", key=key), name="l", key=key) == values
    with pytest.raises(TypeError):
        paging.encode_cursor([None], name="l", key=[("id", False)])


@pytest.mark.parametrize(
    "url", ["/api/roster/communities", "/api/roster/compounds", "/api/roster/buildings", HOUSEHOLDS]
)
def test_every_roster_list_walks_one_row_a_page_in_its_whole_lists_order(
    client, world, subdistrict_staff, many, url
):
    client.force_login(subdistrict_staff)
    whole = client.get(url)
    assert whole[paging.TOTAL_HEADER] == str(len(whole.json())) and paging.NEXT_HEADER not in whole
    ids, responses = walk(client, url, {"limit": 1})
    assert ids == [row["id"] for row in whole.json()] and len(responses) == len(ids) >= 2


PAGED = [
    "/api/roster/subdistricts",
    "/api/roster/communities",
    "/api/roster/compounds",
    "/api/roster/buildings",
    HOUSEHOLDS,
    "/api/roster/personal-data-views",
    "/api/consultations/consultations",
    "/api/consultations/consultations/{pk}/ballots",
    "/api/elevators/projects",
    "/api/programme/projects",
    "/api/programme/stages/overdue",
    "/api/programme/projects/{pk}/inspections",
    "/api/participation/suggestions",
    "/api/participation/meetings",
    "/api/participation/visits",
]


def test_the_openapi_schema_offers_a_cursor_on_every_paged_list(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in PAGED:
        assert {"cursor", "limit"} <= {p["name"] for p in paths[path]["get"]["parameters"]}, path
