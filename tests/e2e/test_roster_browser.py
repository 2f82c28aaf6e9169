"""A staff member logs in, switches language and finds a household, in a real browser."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username: str) -> None:
    """Sign in (staff land on 我的待办), then open 摸底台账, the roster of their own scope, as its menu link does."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/roster/")


def test_staff_log_in_switch_language_and_find_a_household(desktop, live_server, world, staff_a):
    page = desktop
    log_in(page, live_server, "staff_a")
    page.wait_for_selector("h1:has-text('甲社区')")
    assert page.locator("[data-figure=households]").inner_text() == "1"

    page.click("#language-switch button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("text=Households").first.is_visible()

    page.fill("input[name=q]", "3-1-501")
    page.wait_for_selector("[data-testid=search-results] a")
    results = page.locator("[data-testid=search-results] a")
    assert results.count() == 1
    results.first.click()
    page.wait_for_selector("[data-testid=room-code]")
    assert page.locator("[data-testid=room-code]").inner_text() == "3栋1单元501室"
    assert page.locator("text=王秀兰").first.is_visible()


def test_a_search_by_phone_keeps_the_number_out_of_every_url(desktop, live_server, world, staff_a):
    page = desktop
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, live_server, "staff_a")
    page.wait_for_selector("h1:has-text('甲社区')")
    page.fill("input[name=q]", "138 1234 5678")  # as typed: the box searches while typing (htmx, POST)
    page.wait_for_selector("[data-testid=search-results] a")
    assert page.locator("[data-testid=search-results] a").count() == 1
    page.press("input[name=q]", "Enter")  # and the form itself posts
    page.wait_for_url("**/roster/search/")
    page.wait_for_selector("[data-testid=search-results] a")
    assert page.locator("[data-testid=search-results] a").count() == 1
    assert requested and not [url for url in requested if "1234" in url]


def test_a_volunteer_on_a_phone_finds_a_person_with_role_and_a_masked_phone(phone, live_server, world, volunteer_a):
    log_in(phone, live_server, "volunteer_a")
    phone.wait_for_selector("h1:has-text('甲小区')")
    phone.goto(f"{live_server.url}/roster/search/")
    phone.fill("input[name=q]", "王秀兰")
    phone.wait_for_selector("[data-kind=person]")
    hit = phone.locator("[data-kind=person]").inner_text()
    assert "王秀兰" in hit and "业主" in hit and "138****5678" in hit and "3栋1单元501室" in hit
    assert "13812345678" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_volunteer_on_a_phone_sees_masked_phones(phone, live_server, world, volunteer_a):
    log_in(phone, live_server, "volunteer_a")
    phone.wait_for_selector("h1:has-text('甲小区')")
    phone.goto(f"{live_server.url}/roster/household/{world.household_a.pk}/")
    body = phone.locator("main").inner_text()
    assert "138****5678" in body and "13812345678" not in body
    # Nothing wider than the phone: no sideways scrolling on the page itself.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_chinese_text_renders_with_the_served_font(phone, live_server, world, staff_a):
    log_in(phone, live_server, "staff_a")
    phone.wait_for_selector("h1:has-text('甲社区')")
    phone.evaluate("document.fonts.ready")
    loaded = phone.evaluate("document.fonts.check('16px \"Noto Sans SC\"', '甲社区')")
    assert loaded
