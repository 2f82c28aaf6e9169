"""操作手册 in a real browser: a new office's worker lands on 我的待办 with the 开始使用 list, opens the
manual from it and from the header's 帮助, reads every topic on a phone (390 px, nothing wider than the
screen, no serious or critical axe violation), and prints it (only the manual, links with their address)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from anju.accounts.models import Profile, Role
from anju.core.help import TOPICS
from anju.roster import services as roster
from tests.e2e.test_accessibility_browser import FAIL_ON, RUN, axe_script
from tests.factories import PASSWORD, SYSTEM

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    subdistrict = roster.subdistrict_create(name="新建街道", actor=SYSTEM)
    roster.community_create(subdistrict=subdistrict, name="新社区", actor=SYSTEM)
    user = get_user_model().objects.create_user(username="first", password=PASSWORD, is_staff=True)
    Profile.objects.create(user=user, role=Role.SUBDISTRICT_STAFF, subdistrict=subdistrict)
    return user


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.add_init_script(path=str(axe_script()))
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "first")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_new_office_reads_the_manual_on_a_phone_and_prints_it(phone_page, live_server, worker):
    page, base = phone_page, live_server.url
    _sign_in(page, base)
    assert page.url.endswith(reverse("dashboard:work"))
    checklist = page.get_by_test_id("first-steps")
    assert checklist.is_visible()
    assert page.locator('[data-step][data-done="0"]').count() == 3
    checklist.get_by_role("link", name="每一步怎样做（操作手册）").click()
    page.wait_for_url(f"**{reverse('core:help', args=['start'])}")
    assert page.locator("h1").inner_text() == "新街道上手：三步开始使用"

    page.goto(base + reverse("roster:transfer_upload"))
    page.click(".navbar-toggler")  # on the phone the header is folded into the menu
    page.get_by_test_id("help-link").click()
    page.wait_for_url(f"**{reverse('core:help', args=['roster'])}")

    found = []
    for slug in TOPICS:
        page.goto(base + reverse("core:help", args=[slug]))
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{slug}: the page is {width}px wide on a 390px phone"
        found += [(slug, v["id"], v["targets"][:3]) for v in page.evaluate(RUN) if v["impact"] in FAIL_ON]
    assert found == []

    page.goto(base + reverse("core:help", args=["roster"]))
    page.emulate_media(media="print")
    assert not page.locator(".anju-nav").is_visible()
    assert not page.get_by_role("navigation", name="操作手册目录").is_visible()
    assert page.get_by_test_id("help-article").is_visible()
    after = page.evaluate("""() => getComputedStyle(
        document.querySelector('.help-article a[href="/roster/transfer/"]'), '::after').content""")
    assert "/roster/transfer/" in after
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
