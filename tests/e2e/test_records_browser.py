"""On a phone, staff show one number on purpose (htmx swaps it in place), and correct a household."""

from __future__ import annotations

import pytest

from anju.roster.models import Household, RevealLog
from tests.e2e.test_roster_browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_show_a_phone_in_place_and_the_look_is_logged(phone, live_server, world, staff_a):
    log_in(phone, live_server, "staff_a")
    phone.wait_for_selector("h1:has-text('甲社区')")
    phone.goto(f"{live_server.url}/roster/household/{world.household_a.pk}/")
    cell = phone.locator(f"[data-testid=phone-{world.owner_a.pk}]").first.locator("xpath=..")
    assert cell.inner_text().startswith("138****5678")
    cell.locator("button:has-text('显示')").click()
    phone.wait_for_selector("[data-testid=revealed-phone]")
    assert phone.locator("[data-testid=revealed-phone]").first.inner_text() == "13812345678"
    assert RevealLog.objects.filter(person=world.owner_a, field="phone").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_staff_correct_an_area_on_a_phone_and_bad_input_names_the_field(phone, live_server, world, staff_a):
    log_in(phone, live_server, "staff_a")
    phone.wait_for_selector("h1:has-text('甲社区')")
    phone.goto(f"{live_server.url}/roster/household/{world.household_a.pk}/edit/")
    phone.fill("#exclusive_area", "-3")
    phone.locator("form[action$='/edit/'] button[type=submit]").click()
    phone.wait_for_selector("[data-testid=error]")
    assert "专有部分面积" in phone.locator("[data-testid=error]").inner_text()
    phone.fill("#exclusive_area", "74.20")
    phone.locator("form[action$='/edit/'] button[type=submit]").click()
    phone.wait_for_selector("[data-testid=room-code]")
    assert str(Household.objects.get(pk=world.household_a.pk).exclusive_area) == "74.20"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
