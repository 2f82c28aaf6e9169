"""Every dashboard figure with a drill-down says what its rows say, on the demo (issue 18.5).

A headline that links to `dashboard:rows` must equal that page's row count (or the sum of the
column it counts), at the sub-district and at each community: a leader who clicks 9 must see 9 rows.
"""

from __future__ import annotations

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from anju import demo
from anju.roster.models import Community

pytestmark = pytest.mark.django_db

PROJECT_COLUMNS = {"buildings": 5, "households": 6}  # 楼栋 and 户数 in tables.projects


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        sd, _ = demo.load_demo()
        yield sd
        transaction.set_rollback(True)


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


def headline_figures(page: str) -> dict[str, tuple[str, str]]:
    """data-figure → (href, shown value), for the figures that link to their rows."""
    found = {}
    for tag, value in re.findall(r"(<a [^>]*data-figure=\"[^\"]+\"[^>]*>)([^<]*)<", page):
        name = re.search(r'data-figure="([^"]+)"', tag).group(1)
        href = re.search(r'href="([^"]+)"', tag)
        if href and "/dashboard/rows/" in href.group(1):
            found[name] = (html_lib.unescape(href.group(1)), value.strip())
    return found


def rows_of(client, href: str) -> tuple[int, list[list[str]]]:
    page = client.get(href).content.decode()
    total = number(re.search(r'data-testid="row-count">([^<]+)<', page).group(1))
    body = page.split('data-testid="rows"', 1)[1].split("</tbody>", 1)[0]
    rows = [re.findall(r"<td>(.*?)</td>", tr, re.S) for tr in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)]
    rows = [r for r in rows if r and "没有数据" not in r[0]]
    return total, rows


def check_level(client, query: str) -> list[str]:
    page = client.get(f"/dashboard/?{query}").content.decode()
    figures = headline_figures(page)
    assert figures, "the dashboard shows no linked figures"
    wrong = []
    for name, (href, shown) in figures.items():
        total, rows = rows_of(client, href)
        if name == "elevator-items":  # done/planned elevators (部): planned is the sum of the rows' 工程量
            planned = sum(Decimal(html_lib.unescape(r[4]).replace(",", "")) for r in rows)
            if Decimal(shown.split("/")[1].replace(",", "")) != planned:
                wrong.append(f"{query} {name}: plans {shown}, its rows plan {planned} ({href})")
            continue
        if name.endswith(("-gross-area", "-budget", "-progress")):
            continue  # sums of money, area and a weighted percent, not counts of rows
        kind = name.rsplit("-", 1)[-1]
        if kind in PROJECT_COLUMNS:
            expected = sum(number(r[PROJECT_COLUMNS[kind]]) for r in rows)
            assert total == len(rows), f"{name}: the rows page is cut ({len(rows)} of {total})"
        else:
            expected = total
        if number(shown) != expected:
            wrong.append(f"{query} {name}: shows {shown}, its rows say {expected} ({href})")
    return wrong


def test_every_linked_figure_equals_its_rows_at_every_level(client, demo_db):
    client.force_login(get_user_model().objects.get(username="jiedao"))
    wrong = check_level(client, f"subdistrict={demo_db.pk}")
    for community in Community.objects.filter(subdistrict=demo_db):
        wrong += check_level(client, f"community={community.pk}")
    assert wrong == []


def test_open_votes_are_not_failed_in_the_demo(client, demo_db):
    """The demo's open vote reads 进行中 with its live figures (before: ✘ 未通过)."""
    from anju.consultations.models import Consultation, Status

    client.force_login(get_user_model().objects.get(username="jiedao"))
    page = client.get(f"/dashboard/?subdistrict={demo_db.pk}").content.decode()
    open_titles = set(Consultation.objects.filter(status=Status.OPEN).values_list("title", flat=True))
    assert open_titles, "the demo has an open vote"
    for row in re.findall(r'<tr data-status="(\w+)">(.*?)</tr>', page, re.S):
        status, cells = row
        if any(title in cells for title in open_titles):
            assert status in ("open", "pending"), cells


def test_the_party_pages_visited_households_are_the_visits_pages_on_the_demo(client, demo_db):
    """Before: 世纪花园's branch said 走访户数 193 (what service entries claimed) against the visits page's 24 of 144."""
    client.force_login(get_user_model().objects.get(username="jiedao"))
    party = client.get("/participation/party/").content.decode()
    rows = re.findall(r'<tr data-level="(\w+)">.*?<a href="[^"]+">([^<]+)</a>.*?<td class="num" data-visits>([\d,]+)</td>',
                      party, re.S)
    assert [level for level, _name, _visits in rows][:3] == ["subdistrict", "community", "branch"]
    levels = [level for level, _name, _visits in rows]
    assert levels.count("subdistrict") == 1 and levels[0] == "subdistrict"
    visits = client.get("/participation/visits/").content.decode()
    visited = {name: number(v) for name, v in
               re.findall(r'<a href="/participation/visits/compound/\d+/">([^<]+)</a></td><td class="num">([\d,]+)</td>', visits)}
    branch = {name: number(v) for level, name, v in rows if level == "branch"}
    assert branch["世纪花园小区党支部"] == visited["世纪花园"] == 24
    assert number(rows[0][2]) == sum(visited.values())
