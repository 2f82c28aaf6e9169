"""The ballot list of a consultation pages with its total and narrows by channel and state, on the staff page
and the API (issue 18.10). Before: the page showed the latest 30 ballots, the API every ballot at once."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from anju.consultations import services
from anju.core.paging import PAGE_SIZE
from tests import crowds
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def vote(world):
    """A unit of 55 flats: 40 paper ballots, 15 door-to-door, then 5 of the paper ones entered again (replaced)."""
    homes = crowds.households(world.building_a, 55)
    unit = world.building_a.units.get(number="2")
    c = services.consultation_create(compound=world.compound_a, unit=unit, title="2单元加装电梯表决", actor=SYSTEM)
    services.questions_from_template(consultation=c, template="elevator", actor=SYSTEM)
    services.consultation_open(consultation=c, actor=SYSTEM)
    q = str(c.questions.get().pk)
    for n, home in enumerate(homes):
        services.paper_ballot_cast(consultation=c, household=home, answers={q: "yes"},
                                   channel="paper" if n < 40 else "door", actor=SYSTEM)
    for home in homes[:5]:
        services.paper_ballot_cast(consultation=c, household=home, answers={q: "no"}, channel="paper", actor=SYSTEM)
    return c


def receipts(page: str) -> list[str]:
    body = page.split('data-testid="ballots"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>([^<]+)</td>", body)


def test_the_ballot_list_shows_its_total_and_the_second_page_has_the_next_ballots(client, staff_a, vote):
    client.force_login(staff_a)
    url = reverse("consultations:detail", args=[vote.pk])
    first = client.get(url).content.decode()
    newest = list(vote.ballots.order_by("-id").values_list("receipt", flat=True))
    assert "第 1 / 2 页 · 共 60 条" in first and receipts(first) == newest[:PAGE_SIZE]
    assert 'href="?page=2#ballots"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert receipts(second) == newest[PAGE_SIZE:]


def test_channel_and_state_narrow_the_ballots_and_the_next_page_keeps_them(client, staff_a, vote):
    client.force_login(staff_a)
    url = reverse("consultations:detail", args=[vote.pk])
    door = client.get(url, {"channel": "door"}).content.decode()
    assert "共 15 条" in door and len(receipts(door)) == 15
    replaced = client.get(url, {"state": "replaced"}).content.decode()
    assert "共 5 条" in replaced and set(receipts(replaced)) == set(
        vote.ballots.filter(state="replaced").values_list("receipt", flat=True))
    paper = client.get(url, {"channel": "paper", "state": "counted"}).content.decode()
    assert "第 1 / 1 页 · 共 40 条" in paper
    counted = client.get(url, {"state": "counted"}).content.decode()
    assert "第 1 / 2 页 · 共 55 条" in counted and 'href="?state=counted&amp;page=2#ballots"' in counted
    for bad in ({"page": "x"}, {"page": "-1"}, {"page": "9" * 25}, {"channel": "fax", "state": "lost"}):
        response = client.get(url, bad)
        assert response.status_code == 200 and "共 60 条" in response.content.decode()


def test_the_ballots_api_filters_like_the_page_and_says_the_total(client, staff_a, vote):
    client.force_login(staff_a)
    url = f"/api/consultations/consultations/{vote.pk}/ballots"
    response = client.get(url, {"channel": "door"})
    assert response.status_code == 200 and response["X-Total-Count"] == "15" and len(response.json()) == 15
    cast = list(vote.ballots.order_by("id").values_list("receipt", flat=True))
    response = client.get(url, {"limit": 20, "offset": 50})
    assert response["X-Total-Count"] == "60" and [b["receipt"] for b in response.json()] == cast[50:]
    assert client.get(url, {"limit": 0}).status_code == 422
