"""Done when: on a phone, the operator sets up 东湖街道 from its own sheet and invites its first staff member,
who sets a password through the link and logs in."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from anju.roster.models import Building
from tests.e2e.test_accounts_browser import log_in
from tests.factories import PASSWORD
from tests.roster.test_setup import BUILDING_SHEET, COMPOUND_SHEET, MAPPING, workbook

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "lotus pond under the east lake"


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_operator_sets_up_a_new_sub_district_from_a_phone(browser, phone, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    log_in(phone, live_server, "root", PASSWORD)
    phone.goto(live_server.url + reverse("roster:setup"))
    assert fits(phone)
    phone.fill("#sd-name", "东湖街道")
    phone.click("[data-testid=subdistrict-form] button[type=submit]")
    phone.wait_for_load_state()
    assert "已新建东湖街道" in phone.inner_text("main")
    phone.fill("#community-names", "桂园社区\n湖滨社区")
    phone.click("[data-testid=communities] button[type=submit]")
    phone.wait_for_load_state()
    assert "桂园社区、湖滨社区" in phone.inner_text("[data-testid=communities]")

    phone.set_input_files("#structure-file", str(workbook(tmp_path / "东湖台账.xlsx", COMPOUND_SHEET, BUILDING_SHEET)))
    phone.fill("#structure-mapping", MAPPING)
    phone.click("[data-testid=structure] form button[type=submit]")
    phone.wait_for_load_state()
    assert "将新建：小区 4 个、楼栋 5 栋、单元 8 个" in phone.inner_text("[data-testid=structure-plan]")
    assert fits(phone)
    phone.click("[data-testid=confirm]")
    phone.wait_for_load_state()
    assert "已导入：新建小区 4 个、楼栋 5 栋、单元 8 个" in phone.inner_text("main")
    assert Building.objects.filter(compound__subdistrict__name="东湖街道").count() == 5

    phone.select_option("#invite-role", "subdistrict_staff")
    phone.fill("#invite-username", "donghu_li")
    phone.click("[data-testid=invite] form button[type=submit]")
    phone.wait_for_load_state()
    link = phone.input_value("[data-testid=invite-link] input")
    assert fits(phone)

    invited = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    invited.goto(link)
    invited.fill("#new-password1", NEW_PASSWORD)
    invited.fill("#new-password2", NEW_PASSWORD)
    invited.click("[data-testid=invitation-form] button[type=submit]")
    invited.wait_for_load_state()
    assert "密码已设置" in invited.inner_text("main")
    log_in(invited, live_server, "donghu_li", NEW_PASSWORD)
    invited.goto(live_server.url + reverse("roster:setup"))
    assert "建立东湖街道" in invited.inner_text("main h1")
    invited.context.close()
