"""A long list on a 390 px phone: the filters, the pager and its links fit the screen and lead to the next page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.accounts.models import Role
from tests import crowds
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_stranded_list_pages_on_a_phone(phone, live_server, world):
    make_user("jiedao", Role.SUBDISTRICT_STAFF, world)
    crowds.stranded_elderly(world.building_a, 55, unit="2")
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", "jiedao")
    phone.fill("#id_password", PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    for url in (reverse("roster:stranded"), reverse("dashboard:rows", args=["stranded"])):
        phone.goto(live_server.url + url)
        pager = phone.locator("[data-testid=page-of]").first
        assert pager.inner_text() == "第 1 / 2 页 · 共 56 条"
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, url
        phone.locator("a[rel=next]").first.click()
        phone.wait_for_load_state()
        assert phone.locator("[data-testid=page-of]").first.inner_text() == "第 2 / 2 页 · 共 56 条"
