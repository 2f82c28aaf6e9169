"""On a 390 px phone: staff write the proposal in the editor, the resident reads it with the household's own
share, opens 我的家, finds the vote and the statement, and sends a suggestion; nothing is wider than the screen."""

from __future__ import annotations

import pytest

from anju.consultations import services
from anju.elevators import queries as elevator_queries
from anju.elevators import services as elevators
from tests.consultations.conftest import issue_letter, make_unit_vote
from tests.e2e.test_roster_browser import log_in
from tests.elevators.conftest import make_project
from tests.factories import SYSTEM

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_staff_write_the_proposal_and_a_resident_reads_it_with_the_share_and_my_home(phone, desktop, live_server,
                                                                                         world, staff_a):
    v = make_unit_vote(world, open_it=False)
    c = v.consultation
    plan = elevators.plan_save(project=make_project(v.households[0].unit), method="table:guangzhou-2025",
                               scenario=elevator_queries.Scenario(), reason="征求意见稿", actor=SYSTEM)

    log_in(desktop, live_server, "staff_a")
    desktop.goto(f"{live_server.url}/consultations/{c.pk}/")
    area = desktop.locator("[data-testid=rich-area]")
    area.click()
    desktop.click("button[data-action=heading]")
    desktop.keyboard.type("加装电梯方案")
    desktop.keyboard.press("Enter")
    desktop.keyboard.type("北侧加装一部电梯，平层入户，工期约四个月，施工期间保留一条通道供老人进出，请各户理解支持。")
    desktop.click("button:has-text('保存说明')")
    desktop.wait_for_selector("[data-testid=description] h2:has-text('加装电梯方案')")
    services.consultation_open(consultation=c, actor=SYSTEM)

    code, _ = issue_letter(c, "3-2-501")
    phone.goto(f"{live_server.url}/consultations/v/{code}/")
    phone.fill("#name", "业主5")
    phone.fill("#number", v.owners[4].id_number)
    phone.click("main button[type=submit]")
    proposal = phone.locator("[data-testid=proposal]")
    proposal.locator("h2:has-text('加装电梯方案')").wait_for()
    share = next(s for s in plan.shares if s["floor"] == 5)
    assert "本户在 5 层" in proposal.locator("[data-testid=share]").inner_text()
    assert f"{share['amount'] // 100:,}" in proposal.inner_text()
    assert fits(phone)

    phone.click("text=我的家：本户的表决、明白账和公示")
    phone.wait_for_selector("h1:has-text('我的家')")
    assert "2单元加装电梯表决" in phone.locator("[data-testid=home-consultation]").inner_text()
    href = phone.locator("[data-testid=home-statement] a").get_attribute("href")
    pdf = phone.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert fits(phone)

    phone.select_option("#s-category", "elevator")
    phone.fill("#s-title", "五楼采光")
    phone.fill("#s-body", "电梯井会不会挡住五楼的窗户？")
    phone.click("[data-testid=home-suggest] button[type=submit]")
    phone.wait_for_selector("[data-testid=home-suggestion]:has-text('五楼采光')")
    assert fits(phone)
