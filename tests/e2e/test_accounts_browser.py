"""Done when: a worker who mistyped the password too often is told to ask staff, and sub-district staff
unlock the account from a phone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.accounts.models import AccountLock
from tests.factories import PASSWORD, make_user, make_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_a_locked_worker_is_told_to_ask_staff_and_staff_unlock_from_a_phone(browser, phone, live_server, settings):
    from anju.accounts.models import Role

    settings.ANJU_ACCOUNT_LOCK_FAILURES = 3
    world = make_world()
    make_user("staff_a", Role.COMMUNITY_STAFF, world, community=world.community_a)
    make_user("jiedao", Role.SUBDISTRICT_STAFF, world)
    for _ in range(3):
        log_in(phone, live_server, "staff_a", "wrong password")
    log_in(phone, live_server, "staff_a", PASSWORD)
    assert "请联系街道工作人员解锁" in phone.inner_text("main")
    assert AccountLock.objects.filter(user__username="staff_a").exists()

    staff = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    log_in(staff, live_server, "jiedao", PASSWORD)
    staff.goto(live_server.url + reverse("accounts:locked"))
    assert "staff_a" in staff.inner_text("[data-testid=locked-accounts]")
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    staff.click("[data-testid=locked-accounts] button")
    staff.wait_for_load_state()
    assert "已解锁账号 staff_a" in staff.inner_text("main")
    assert "没有锁定的账号" in staff.inner_text("[data-testid=locked-accounts]")
    staff.context.close()

    log_in(phone, live_server, "staff_a", PASSWORD)
    assert "/accounts/login/" not in phone.url
