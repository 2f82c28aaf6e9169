"""The one paging helper every long list uses (issue 18.10): the total, the last page, bad ?page= values."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from anju.core import paging
from anju.roster import services as roster
from anju.roster.models import Household
from tests.factories import SYSTEM


def test_a_list_of_120_reads_as_three_pages_with_its_total():
    rows = list(range(120))
    first = paging.page_of(rows, QueryDict(""))
    assert (first.number, first.pages, first.total, first.rows[:2]) == (1, 3, 120, [0, 1])
    assert len(first) == paging.PAGE_SIZE and not first.has_previous and first.has_next
    last = paging.page_of(rows, QueryDict("page=3"))
    assert last.rows == rows[100:] and last.has_previous and not last.has_next


def test_an_empty_list_is_page_1_of_1():
    page = paging.page_of([], QueryDict("page=4"))
    assert (page.number, page.pages, page.total, page.rows) == (1, 1, 0, [])


@pytest.mark.parametrize(("value", "number"), [
    ("", 1), ("abc", 1), ("0", 1), ("-2", 1), ("1.5", 1), ("²", 1), ("٣", 1), (" 2 ", 2),
    ("4", 3), ("99999", 3), ("9" * 40, 3), ("last", 3),
])
def test_a_page_that_is_not_a_page_opens_the_first_or_the_last(value, number):
    params = QueryDict(mutable=True)
    params["page"] = value
    assert paging.page_of(list(range(120)), params).number == number


def test_the_links_keep_the_filters_and_change_only_the_page():
    page = paging.page_of(list(range(120)), QueryDict("status=open&compound=3&page=2"))
    assert QueryDict(page.next_query).dict() == {"status": "open", "compound": "3", "page": "3"}
    assert QueryDict(page.previous_query).dict() == {"status": "open", "compound": "3"}  # page 1 needs no number
    assert QueryDict(page.filters_query).dict() == {"status": "open", "compound": "3"}


def test_the_pager_says_which_page_of_how_many_and_the_total():
    page = paging.page_of(list(range(1907)), QueryDict("compound=3&page=2"))
    html = render_to_string("core/_pager.html", {"page": page, "anchor": "ballots"})
    assert "第 2 / 39 页 · 共 1,907 条" in html
    assert 'href="?compound=3#ballots"' in html and 'href="?compound=3&amp;page=3#ballots"' in html


def test_a_single_page_shows_the_total_without_links():
    html = render_to_string("core/_pager.html", {"page": paging.page_of([1, 2], QueryDict(""))})
    assert "第 1 / 1 页 · 共 2 条" in html and "href" not in html


@pytest.mark.django_db
def test_rows_that_sort_alike_are_neither_repeated_nor_skipped_between_pages(world):
    unit = world.building_a.units.get(number="2")
    for n in range(60):
        roster.household_create(unit=unit, floor=2, room=f"2{n:02d}", exclusive_area="60.00", actor=SYSTEM)
    rows = Household.objects.filter(unit=unit).order_by("floor")  # every row sorts alike
    seen = [h.pk for number in (1, 2) for h in paging.page_of(rows, QueryDict(f"page={number}"))]
    assert sorted(seen) == sorted(rows.values_list("pk", flat=True)) and len(set(seen)) == 60


@pytest.mark.django_db
def test_a_page_of_a_queryset_costs_two_queries(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        page = paging.page_of(Household.objects.all(), QueryDict(""))
    assert page.total == 2
