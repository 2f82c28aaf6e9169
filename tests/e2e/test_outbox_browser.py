"""The reminders on a 390 px phone: the resident's opt-out link asks, then stops reminders; 消息记录 fits
the screen; both pass axe (nothing serious or critical) under the Content-Security-Policy."""

from __future__ import annotations

import pytest

from anju.accounts.models import Role
from anju.core.outbox import services as outbox
from anju.core.outbox.models import Channel, MessageStatus, RecipientKind
from tests.e2e.test_accessibility_browser import Audit, axe_script
from tests.e2e.test_csp_browser import WATCH
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def reminder(world, key: str):
    return outbox.message_queue(
        kind="vote_closing",
        channel=Channel.SMS,
        recipient_kind=RecipientKind.HOUSEHOLD,
        address="13812345678",
        subject="",
        body="3栋1单元501室：表决将于明天截止。",
        subdistrict_id=world.subdistrict.pk,
        household_id=world.household_a.pk,
        dedupe_key=key,
    )


def test_a_resident_stops_reminders_from_the_sms_link_on_a_phone(phone, live_server, world):
    message = reminder(world, "browser-opt-out")
    phone.add_init_script(WATCH)
    phone.add_init_script(path=str(axe_script()))
    phone.goto(f"{live_server.url}/td/{message.opt_out_code}/")
    assert "138****5678" in phone.locator("main").inner_text()
    audit = Audit()
    audit.check(phone, "phone", "core:opt_out")
    phone.click("[data-testid=opt-out-confirm] button")
    phone.wait_for_selector("[data-testid=opt-out-done]")
    message.refresh_from_db()
    assert message.status == MessageStatus.OPTED_OUT
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate("window.__csp") == []
    assert not audit.found, audit.report()


def test_the_message_record_fits_a_phone_and_passes_axe(phone, live_server, world):
    make_user("jiedao", Role.SUBDISTRICT_STAFF, world)
    reminder(world, "browser-record")
    phone.add_init_script(WATCH)
    phone.add_init_script(path=str(axe_script()))
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", "jiedao")
    phone.fill("#id_password", PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/dashboard/work/")
    phone.goto(f"{live_server.url}/dashboard/outbox/")
    assert phone.locator("[data-testid=outbox-address]").inner_text() == "138****5678"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    audit = Audit()
    audit.check(phone, "phone", "dashboard:outbox")
    assert phone.evaluate("window.__csp") == []
    assert not audit.found, audit.report()
