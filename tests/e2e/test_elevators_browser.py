"""Staff work out an elevator's shares in a real browser: change the subsidy, save a plan, print a statement."""

from __future__ import annotations

import pytest

from anju.elevators import services
from anju.elevators.models import CostKind
from tests.e2e.test_roster_browser import log_in
from tests.elevators.conftest import FEN, fill_unit, make_project
from tests.factories import SYSTEM

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


@pytest.fixture
def laptop(browser):
    """The office laptop's screen, 1366×768."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def wide_project(world):
    """The widest calculator an office meets: own coefficients, two saved tables with long names, every header
    with a note (subsidy first on the common part) and a tall price (shares up to 1,000,000 元)."""
    unit = world.household_a.unit
    fill_unit(unit, existing={"501"})
    project = make_project(unit, costs=[(CostKind.CONSTRUCTION, "", 4_800_000 * FEN)], subsidies=[])
    subdistrict = unit.building.compound.subdistrict
    for name in ("2024年第三次业主大会通过的系数表", "街道推荐系数（参照周边小区）"):
        services.table_save(subdistrict=subdistrict, name=name, source="", actor=SYSTEM,
                            by_floor={2: "1", 3: "1.2", 4: "1.4", 5: "1.6", 6: "1.8"})
    by_floor = {"2": "1", "3": "1.1", "4": "1.3", "5": "1.5", "6": "1.7"}
    return services.project_update(project=project, actor=SYSTEM, subsidy_mode="common_first",
                                   method={"kind": "coefficients", "by_floor": by_floor})


def test_the_comparison_fits_a_1366_screen_with_the_adopted_method_first(laptop, live_server, wide_project, staff_a,
                                                                         tmp_path):
    page = laptop
    log_in(page, live_server, "staff_a")
    page.wait_for_selector("h1")
    page.goto(f"{live_server.url}/elevators/{wide_project.pk}/calculator/")
    page.wait_for_selector("[data-testid=shares]")
    page.screenshot(path=str(tmp_path / "calculator-1366.png"), full_page=True)
    methods = page.locator("[data-testid=shares] thead th[data-method]")
    assert methods.count() == 11
    fits = page.evaluate("""() => {
        const box = document.querySelector('#results .table-responsive');
        return {scroll: box.scrollWidth, client: box.clientWidth, page: document.documentElement.scrollWidth};
    }""")
    assert fits["scroll"] <= fits["client"] and fits["page"] <= 1366, fits
    assert methods.first.get_attribute("data-method") == "coefficients"  # the project's adopted method
    assert methods.first.locator("[data-testid=adopted]").inner_text() == "当前采用"
    assert page.locator("#id_method").input_value() == "coefficients"
    page.select_option("#id_method", "nucleolus")
    page.fill("#id_reason", "改用核仁")
    page.click("button:has-text('保存为分摊方案')")
    page.wait_for_selector("[data-testid=plan-shares]")
    page.goto(f"{live_server.url}/elevators/{wide_project.pk}/calculator/")
    assert page.locator("[data-testid=shares] thead th[data-method]").first.get_attribute("data-method") == "nucleolus"
    page.locator("[data-testid=glossary] summary").click()
    assert page.locator("[data-testid=glossary] dd").first.is_visible()


def test_the_glossary_opens_on_a_phone(phone, live_server, live_project, staff_a):
    log_in(phone, live_server, "staff_a")
    phone.wait_for_selector("h1")
    phone.goto(f"{live_server.url}/elevators/{live_project.pk}/calculator/")
    glossary = phone.locator("[data-testid=glossary]")
    assert not glossary.locator("dd").first.is_visible()
    glossary.locator("summary").click()
    assert glossary.locator("dd").last.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
