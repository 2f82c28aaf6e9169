"""我的待办 on a 390 px phone: staff land on it, it fits the screen, and an item is given to a colleague."""

from __future__ import annotations

import pytest

from anju.accounts.models import Role
from anju.dashboard.models import WorkAssignment
from tests.dashboard.test_work import build
from tests.e2e.test_accessibility_browser import Audit, axe_script
from tests.e2e.test_csp_browser import WATCH
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_land_on_their_work_on_a_phone_and_assign_an_item(phone, live_server, world):
    staff_a = make_user("staff_a", Role.COMMUNITY_STAFF, world, community=world.community_a)
    volunteer_a = make_user(
        "volunteer_a", Role.VOLUNTEER, world, community=world.community_a, compound=world.compound_a
    )
    colleague = make_user("staff_a2", Role.COMMUNITY_STAFF, world, community=world.community_a)
    items = build(world, staff_a, volunteer_a)
    phone.add_init_script(WATCH)
    phone.add_init_script(path=str(axe_script()))
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", "staff_a")
    phone.fill("#id_password", PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/dashboard/work/")
    assert phone.locator("[data-testid=work-total]").inner_text() == "10"
    # The header's badge arrives after the page (the menu is folded on a phone: it is in the DOM).
    phone.wait_for_selector("[data-testid=work-count]", state="attached")
    assert phone.locator("[data-testid=work-count]").text_content() == "10"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    line = phone.locator(f"[data-key='stage:{items.stage.pk}']")
    line.locator("summary").click()
    line.locator("select[name=assignee]").select_option(str(colleague.pk))
    line.locator("button[type=submit]").click()
    phone.wait_for_load_state()
    assert "已指派给 staff_a2" in phone.locator(f"[data-key='stage:{items.stage.pk}']").inner_text()
    assert WorkAssignment.objects.get().assigned_to == colleague
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate("window.__csp") == []  # the page, its form and the badge run under the CSP

    # axe on the phone, with the assignment form open: nothing serious or critical.
    phone.locator(f"[data-key='stage:{items.stage.pk}'] summary").click()
    audit = Audit()
    audit.check(phone, "phone", "dashboard:work")
    assert not audit.found, audit.report()
