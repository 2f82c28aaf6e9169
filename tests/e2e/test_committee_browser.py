"""A community worker registers the elected committee on a phone, sees its deadlines, and the
committee pages pass axe and the content security policy at 390 px."""

from __future__ import annotations

import pytest

from tests.e2e.test_accessibility_browser import Audit, new_page
from tests.e2e.test_csp_browser import WATCH
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_worker_registers_the_committee_on_a_phone(browser, live_server):
    from anju.accounts.models import Role
    from tests.factories import make_user, make_world
    from tests.stewardship.test_committee import owners

    world = make_world()
    make_user("staff_a", Role.COMMUNITY_STAFF, world, community=world.community_a)
    people = owners(world, 5)
    context, page = new_page(browser, "phone")
    page.add_init_script(WATCH)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "staff_a")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    audit = Audit()
    page.goto(f"{base}/stewardship/compound/{world.compound_a.pk}/committee/")
    audit.check(page, "phone", "stewardship:committee (none)")
    form = page.locator("[data-testid=elect-form]")
    form.locator("input[name=elected_on]").fill("2026-03-02")
    form.locator("select[name=members]").select_option([str(p.pk) for p in people])
    form.locator("input[name=election_ref]").fill("甲小区业主大会公告第1号")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "已登记业主委员会" in page.content()
    deadlines = page.locator("[data-testid=committee-deadlines]").inner_text()
    assert "《物业管理条例》第十六条" in deadlines and "《业主大会和业主委员会指导规则》第三十二条" in deadlines
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # nothing wider than the phone
    audit.check(page, "phone", "stewardship:committee")
    refused = page.evaluate("window.__csp")
    for path in (f"/stewardship/compound/{world.compound_a.pk}/", "/stewardship/", "/stewardship/lists/committee/"):
        page.goto(base + path)
        audit.check(page, "phone", path)
        refused += page.evaluate("window.__csp")
    assert refused == []
    context.close()
    assert not audit.found, audit.report()
