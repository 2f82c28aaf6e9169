"""The party page's figures are its own and agree with the visits page.

Before: the tree was ordered by the level's code (branch, community, subdistrict: 小区党支部 first), and
"走访户数" summed what service entries said they visited (the demo's 193) while the visits page counted
households with a visit record (24 of 144).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.core.audit import Actor
from anju.participation import queries, services
from anju.participation.models import OrgLevel
from anju.roster.models import Household

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


@pytest.fixture
def tree(world):
    top = services.organisation_create(level=OrgLevel.SUBDISTRICT, name="党工委", subdistrict_id=world.subdistrict.pk, actor=SYSTEM)
    mid_a = services.organisation_create(level=OrgLevel.COMMUNITY, name="甲社区党委", parent=top, community=world.community_a, actor=SYSTEM)
    mid_b = services.organisation_create(level=OrgLevel.COMMUNITY, name="乙社区党委", parent=top, community=world.community_b, actor=SYSTEM)
    branch_b = services.organisation_create(level=OrgLevel.BRANCH, name="乙小区党支部", parent=mid_b, compound=world.compound_b, actor=SYSTEM)
    branch_a = services.organisation_create(level=OrgLevel.BRANCH, name="甲小区党支部", parent=mid_a, compound=world.compound_a, actor=SYSTEM)
    today = timezone.localdate()
    # One household visited twice counts once; a service entry claiming 5 visits is not a visit record.
    for day in (today, today - timezone.timedelta(days=3)):
        services.visit_record(household=world.household_a, visited_on=day, visitors="李华", answers={"renovation": "yes"}, actor=SYSTEM)
    services.visit_record(household=world.household_b, visited_on=today, visitors="张明", answers={}, actor=SYSTEM)
    services.volunteer_assign(person=world.owner_a, compound=world.compound_a, role="observer", actor=SYSTEM)
    services.activity_log(person=world.owner_a, compound=world.compound_a, on=today, kind="visit", hours="2", visits=5, actor=SYSTEM)
    return top, mid_a, mid_b, branch_a, branch_b


def party_rows(html: str) -> list[tuple[str, str, int]]:
    """(level, name, 走访户数) of each row of the party table, in order."""
    rows = re.findall(r'<tr data-level="(\w+)">.*?<a href="[^"]+">([^<]+)</a>.*?<td class="num" data-visits>(\d+)</td>', html, re.S)
    return [(level, name, int(visits)) for level, name, visits in rows]


def visits_page(html: str) -> dict[str, int]:
    return {name: int(visited) for name, visited in
            re.findall(r'<a href="/participation/visits/compound/\d+/">([^<]+)</a></td><td class="num">(\d+)</td>', html)}


def test_the_tree_reads_subdistrict_then_each_community_with_its_branches(client, subdistrict_staff, tree):
    client.force_login(subdistrict_staff)
    rows = party_rows(client.get(reverse("participation:party")).content.decode())
    assert [(level, name) for level, name, _ in rows] == [
        ("subdistrict", "党工委"), ("community", "甲社区党委"), ("branch", "甲小区党支部"),
        ("community", "乙社区党委"), ("branch", "乙小区党支部")]


def test_visited_households_on_the_party_page_are_the_visits_pages(client, subdistrict_staff, world, tree):
    client.force_login(subdistrict_staff)
    party = {name: visits for _level, name, visits in party_rows(client.get(reverse("participation:party")).content.decode())}
    visited = visits_page(client.get(reverse("participation:visits")).content.decode())
    assert party["甲小区党支部"] == visited[world.compound_a.name] == 1  # two visits to one household, not the entry's 5
    assert party["乙小区党支部"] == visited[world.compound_b.name] == 1
    assert party["甲社区党委"] == 1 and party["乙社区党委"] == 1
    assert party["党工委"] == 2 == sum(visited.values())


def test_the_api_and_the_organisation_page_say_the_same(client, subdistrict_staff, tree):
    top, mid_a, _mid_b, branch_a, _branch_b = tree
    client.force_login(subdistrict_staff)
    listed = client.get("/api/participation/party/organisations").json()
    assert [o["level"] for o in listed] == ["subdistrict", "community", "branch", "community", "branch"]
    by_id = {o["id"]: o for o in listed}
    assert (by_id[branch_a.pk]["visits"], by_id[top.pk]["visits"]) == (1, 2)
    assert by_id[branch_a.pk]["households"] == Household.objects.filter(compound=branch_a.compound).count()
    page = client.get(reverse("participation:organisation", args=[branch_a.pk])).content.decode()
    assert re.search(r'data-figure="visits">1<', page)


def test_a_community_user_sees_the_subdistrict_above_their_own_tree(client, staff_a, tree):
    client.force_login(staff_a)
    rows = party_rows(client.get(reverse("participation:party")).content.decode())
    assert [name for _level, name, _ in rows] == ["党工委", "甲社区党委", "甲小区党支部"]
    assert queries.party_tree([]) == []
