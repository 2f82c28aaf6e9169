"""物业费 on a 390 px phone: staff bill a month, record a payment, and read the rates and arrears without sideways scroll."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.accounts.models import Role
from anju.domain.stewardship.fees import Period
from anju.roster import services as roster
from anju.stewardship.services import fees as services
from tests.factories import PASSWORD, SYSTEM, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_compounds_fees_on_a_phone(phone, live_server, world):
    make_user("staff_a", Role.COMMUNITY_STAFF, world, community=world.community_a)
    for floor in (1, 2, 3):
        roster.household_create(unit=world.household_a.unit, floor=floor, room=f"{floor}01", exclusive_area="66.60",
                                actor=SYSTEM)
    last = Period.of(timezone.localdate()) + -1
    services.standard_set(compound=world.compound_a, since=(last + -3).first, rate_yuan="0.80", actor=SYSTEM)
    for p in (last + -3, last + -2, last + -1):
        services.bill_month(compound=world.compound_a, period=p, actor=SYSTEM)
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", "staff_a")
    phone.fill("#id_password", PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    phone.goto(live_server.url + reverse("stewardship:fees_compound", args=[world.compound_a.pk]))
    assert "停止供电" in phone.locator("[data-testid=utility-ban]").inner_text()
    phone.fill("#b-period", str(last))
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.locator("[data-testid=bill-form] button").click()
    phone.wait_for_load_state()
    assert "已出账" in phone.content()
    phone.select_option("#p-household", label="3栋1单元101室")
    phone.fill("#p-amount", "53.28")
    phone.fill("#p-receipt", "SJ-0001")
    phone.locator("[data-testid=payment-form] button").click()
    phone.wait_for_load_state()
    assert "已登记缴费" in phone.content()
    assert phone.locator("[data-testid=debtors] tbody tr").count() == 4
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto(live_server.url + reverse("stewardship:fees") + f"?period={last}")
    # Paid this month, the payment settled the oldest bill: last month's current rate stays 0, arrears moved.
    assert phone.locator("[data-testid=current-households]").inner_text() == "0.0%"
    assert "甲小区" in phone.locator("[data-testid=fee-levels]").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
