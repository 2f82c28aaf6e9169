"""A user who sees several sub-districts picks one with a plain form; the choice holds through the drill-downs
and the menu link; everyone else never sees the selector."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from anju.roster import services as roster
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(world):
    """A second sub-district with one community and one compound."""
    sd = roster.subdistrict_create(name="北关街道", actor=SYSTEM)
    community = roster.community_create(subdistrict=sd, name="北关社区", actor=SYSTEM)
    roster.compound_create(community=community, name="北关小区", year_built=1995, actor=SYSTEM)
    return sd


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser(username="root", password="x-pass-1234")


def shown(html: str) -> str:
    return re.search(r'data-testid="shown-subdistrict">[^<]*<strong>([^<]+)</strong>', html).group(1)


def test_a_superuser_sees_a_selector_and_which_subdistrict_is_shown(client, admin, world, second):
    client.force_login(admin)
    html = client.get(reverse("dashboard:index")).content.decode()
    form = re.search(r'<form method="get" action="([^"]+)"[^>]*data-testid="subdistrict-form">(.*?)</form>', html, re.S)
    assert form and form.group(1) == reverse("dashboard:index")
    assert 'name="subdistrict"' in form.group(2) and 'type="submit"' in form.group(2)  # works without JavaScript
    options = dict(re.findall(r'<option value="(\d+)"( selected)?>', form.group(2)))
    assert set(options) == {str(world.subdistrict.pk), str(second.pk)}
    assert options[str(world.subdistrict.pk)] == " selected" and shown(html) == "测试街道"


def test_the_choice_holds_through_drill_downs_and_the_menu_link(client, admin, world, second):
    client.force_login(admin)
    html = client.get(reverse("dashboard:index") + f"?subdistrict={second.pk}").content.decode()
    assert shown(html) == "北关街道" and "北关社区" in html and "甲社区" not in html
    assert f'<option value="{second.pk}" selected>' in html
    assert f"?subdistrict={second.pk}&amp;" in html or f"?subdistrict={second.pk}&" in html  # drill-down links carry it
    rows = client.get(reverse("dashboard:rows", args=["years"])).content.decode()
    assert f"subdistrict={second.pk}" in rows  # the back link and the year links keep the choice
    again = client.get(reverse("dashboard:index")).content.decode()  # the menu link has no parameter
    assert shown(again) == "北关街道"
    back = client.get(reverse("dashboard:index") + f"?subdistrict={world.subdistrict.pk}").content.decode()
    assert shown(back) == "测试街道"


def test_staff_of_one_subdistrict_never_see_the_selector(client, subdistrict_staff, staff_a, volunteer_a, world, second):
    for user in (subdistrict_staff, staff_a, volunteer_a):
        client.force_login(user)
        html = client.get(reverse("dashboard:index")).content.decode()
        assert 'data-testid="subdistrict-form"' not in html and "北关街道" not in html, user.username
    client.force_login(subdistrict_staff)
    assert client.get(reverse("dashboard:index") + f"?subdistrict={second.pk}").status_code == 404


def test_a_remembered_subdistrict_out_of_scope_is_not_shown(client, subdistrict_staff, world, second):
    client.force_login(subdistrict_staff)
    session = client.session
    session["dashboard_subdistrict"] = second.pk  # e.g. left over from before the user's scope changed
    session.save()
    html = client.get(reverse("dashboard:index")).content.decode()
    assert "北关" not in html and "测试街道" in html


def test_the_api_does_not_remember_a_choice(client, admin, world, second):
    client.force_login(admin)
    r = client.get("/api/dashboard/figures", {"subdistrict": second.pk})
    assert r.status_code == 200 and r.json()["name"] == "北关街道"
    assert "dashboard_subdistrict" not in client.session
