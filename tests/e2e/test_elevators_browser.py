"""Staff work out an elevator's shares in a real browser: change the subsidy, save a plan, print a statement."""

from __future__ import annotations

import pytest

from tests.e2e.test_roster_browser import log_in
from tests.elevators.conftest import fill_unit, make_project

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_project(world):
    unit = world.household_a.unit
    fill_unit(unit, existing={"501"})
    return make_project(unit)


def test_change_the_subsidy_see_the_shares_update_and_download_a_statement(desktop, live_server, live_project, staff_a):
    page = desktop
    log_in(page, live_server, "staff_a")
    page.wait_for_selector("h1")
    page.goto(f"{live_server.url}/elevators/{live_project.pk}/calculator/")
    assert page.locator("[data-testid=net]").inner_text() == "445,000.00"
    before = page.locator('tr[data-room="601"] td[data-method="area"]').inner_text()
    page.evaluate("window.__sameDocument = true")

    page.fill("#id_subsidy", "300000")
    page.wait_for_selector("[data-testid=net]:has-text('345,000.00')")
    after = page.locator('tr[data-room="601"] td[data-method="area"]').inner_text()
    assert after != before
    assert page.evaluate("window.__sameDocument") is True  # updated in place, no reload
    totals = page.locator("[data-testid=shares] tfoot tr").first.locator("td.num").all_inner_texts()
    assert totals and set(totals) == {"345,000.00"}
    assert page.evaluate("document.querySelector('#chart canvas') !== null")

    page.fill("#id_subsidy", "900000")
    page.wait_for_selector("#err-subsidy:has-text('超过费用合计')")
    page.fill("#id_subsidy", "300000")
    page.wait_for_selector("#err-subsidy:empty", state="attached")

    page.select_option("#id_method", "area")
    page.fill("#id_reason", "区里追加补贴后按面积分摊")
    page.click("button:has-text('保存为分摊方案')")
    page.wait_for_selector("[data-testid=plan-shares]")
    assert page.locator("[data-testid=net]").inner_text() == "345,000.00"
    assert "区里追加补贴后按面积分摊" in page.locator("[data-testid=plan-meta]").inner_text()

    with page.expect_download() as info:
        page.click("[data-testid=statement-501]")
    download = info.value
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert download.suggested_filename.endswith(".pdf")
