"""The 悬空老人 list pages with its total and narrows by community or compound (issue 18.10)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from anju.core.paging import PAGE_SIZE
from tests import crowds

pytestmark = pytest.mark.django_db

URL = reverse("roster:stranded")


def names(page: str) -> list[str]:
    body = page.split('data-testid="stranded"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<td>(老人\d+|王秀兰)</td>", body)


@pytest.fixture
def many(world):
    """55 stranded elderly in compound A (56 with 王秀兰) and 5 in compound B."""
    crowds.stranded_elderly(world.building_a, 55, unit="2")
    crowds.stranded_elderly(world.building_b, 5, first=100)
    return world


def test_the_list_shows_its_total_and_the_second_page_has_the_next_rows(client, subdistrict_staff, many):
    client.force_login(subdistrict_staff)
    first = client.get(URL).content.decode()
    assert "第 1 / 2 页 · 共 61 条" in first and len(names(first)) == PAGE_SIZE
    assert 'href="?page=2"' in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert "第 2 / 2 页 · 共 61 条" in second and len(names(second)) == 11
    assert not set(names(first)) & set(names(second))


def test_a_compound_or_a_community_narrows_it_and_the_next_page_keeps_the_filter(client, subdistrict_staff, many):
    client.force_login(subdistrict_staff)
    page = client.get(URL, {"compound": many.compound_b.pk}).content.decode()
    assert "共 5 条" in page and sorted(names(page)) == [f"老人{n}" for n in range(100, 105)]
    page = client.get(URL, {"community": many.community_a.pk}).content.decode()
    assert "第 1 / 2 页 · 共 56 条" in page and "老人100" not in page
    assert f'href="?community={many.community_a.pk}&amp;page=2"' in page
    second = client.get(URL, {"community": many.community_a.pk, "page": 2}).content.decode()
    assert len(names(second)) == 6


@pytest.mark.parametrize(("bad", "number"), [("abc", 1), ("0", 1), ("-5", 1), ("7", 2), ("9" * 30, 2)])
def test_a_page_that_is_not_a_page_opens_the_first_or_the_last(client, subdistrict_staff, many, bad, number):
    client.force_login(subdistrict_staff)
    response = client.get(URL, {"page": bad})
    assert response.status_code == 200 and f"第 {number} / 2 页 · 共 61 条" in response.content.decode()


def test_a_compound_outside_the_scope_is_not_found(client, staff_a, many):
    client.force_login(staff_a)
    page = client.get(URL).content.decode()
    assert "共 56 条" in page and "乙小区" not in page
    assert client.get(URL, {"compound": many.compound_b.pk}).status_code == 404
    assert client.get(URL, {"community": many.community_b.pk}).status_code == 404
    assert client.get(URL, {"compound": "x"}).status_code == 200  # not an id: no filter


def test_a_full_page_costs_the_queries_of_a_short_one(client, subdistrict_staff, many):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(subdistrict_staff)
    client.get(URL)  # the first request of a session reads what later ones find cached
    with CaptureQueriesContext(connection) as short:
        assert len(names(client.get(URL, {"compound": many.compound_b.pk}).content.decode())) == 5
    with CaptureQueriesContext(connection) as full:
        assert len(names(client.get(URL, {"community": many.community_a.pk}).content.decode())) == PAGE_SIZE
    assert len(full.captured_queries) <= len(short.captured_queries) + 1  # the compound's access check vs the community's
