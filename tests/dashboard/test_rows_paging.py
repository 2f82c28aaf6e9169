"""The rows behind a dashboard figure page with their total and narrow by community or compound (issue 18.10).

Before: the 悬空老人 drill-down put up to 2,000 rows on one page and cut the rest, with no filter.
"""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anju.core.paging import PAGE_SIZE
from tests import crowds

pytestmark = pytest.mark.django_db

ROWS = reverse("dashboard:rows", args=["stranded"])


def shown(page: str) -> tuple[str, list[str]]:
    """The total shown in the heading and the names in the rows of this page."""
    total = re.search(r'data-testid="row-count">([^<]+)<', page).group(1)
    body = page.split('data-testid="rows"', 1)[1].split("</tbody>", 1)[0]
    return total, re.findall(r"<td>(老人\d+|王秀兰)</td>", body)


@pytest.fixture
def many(world):
    """55 stranded elderly in compound A (56 with 王秀兰) and 5 in compound B."""
    crowds.stranded_elderly(world.building_a, 55, unit="2")
    crowds.stranded_elderly(world.building_b, 5, first=100)
    return world


def test_the_stranded_list_shows_its_total_and_the_second_page_has_the_next_rows(client, subdistrict_staff, many):
    client.force_login(subdistrict_staff)
    dashboard = client.get(reverse("dashboard:index")).content.decode()
    figure = re.search(r'data-figure="stranded"[^>]*>([^<]+)<', dashboard).group(1)
    first = client.get(ROWS).content.decode()
    total, names = shown(first)
    assert total == figure == "61" and len(names) == PAGE_SIZE
    assert "第 1 / 2 页 · 共 61 条" in first
    second = client.get(ROWS + "?page=2").content.decode()
    _total, more = shown(second)
    assert len(more) == 11 and not set(names) & set(more)
    assert "第 2 / 2 页 · 共 61 条" in second


def test_a_compound_or_a_community_narrows_the_list_and_the_pages_keep_it(client, subdistrict_staff, many):
    client.force_login(subdistrict_staff)
    page = client.get(ROWS, {"compound": many.compound_b.pk}).content.decode()
    total, names = shown(page)
    assert total == "5" and sorted(names) == [f"老人{n}" for n in range(100, 105)]
    page = client.get(ROWS, {"community": many.community_a.pk}).content.decode()
    total, names = shown(page)
    assert total == "56" and len(names) == PAGE_SIZE and "老人100" not in page
    assert f'href="?community={many.community_a.pk}&amp;page=2"' in page
    _total, rest = shown(client.get(ROWS, {"community": many.community_a.pk, "page": 2}).content.decode())
    assert len(rest) == 6 and not set(rest) & set(names)


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "99999999999999999999", "²"])
def test_a_page_that_is_not_a_page_opens_the_first_or_the_last(client, subdistrict_staff, many, bad):
    client.force_login(subdistrict_staff)
    response = client.get(ROWS, {"page": bad})
    assert response.status_code == 200 and shown(response.content.decode())[0] == "61"


def test_the_export_has_the_whole_filtered_list_not_one_page(client, subdistrict_staff, many):
    client.force_login(subdistrict_staff)
    page = client.get(ROWS, {"community": many.community_a.pk, "page": 2}).content.decode()
    export = re.search(r'href="\?([^"]+)" data-testid="export"', page).group(1).replace("&amp;", "&")
    assert "page=" not in export
    response = client.get(f"{ROWS}?{export}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True) if row[3]]
    assert len(names) == 56 and "老人100" not in names


def test_community_staff_are_offered_only_their_own_community(client, staff_a, many):
    client.force_login(staff_a)
    page = client.get(ROWS).content.decode()
    assert shown(page)[0] == "56" and "乙小区" not in page and "乙社区" not in page
    assert client.get(ROWS, {"compound": many.compound_b.pk}).status_code == 404


def test_a_full_page_costs_the_queries_of_a_short_one(client, subdistrict_staff, many):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(subdistrict_staff)
    client.get(ROWS)  # the first request of a session reads what later ones find cached
    with CaptureQueriesContext(connection) as short:
        assert len(shown(client.get(ROWS, {"compound": many.compound_b.pk}).content.decode())[1]) == 5
    with CaptureQueriesContext(connection) as full:
        assert len(shown(client.get(ROWS, {"compound": many.compound_a.pk}).content.decode())[1]) == PAGE_SIZE
    assert len(full.captured_queries) == len(short.captured_queries)
