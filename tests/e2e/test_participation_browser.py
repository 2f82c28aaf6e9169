"""Done when: a newcomer opens a notice's QR link on a phone, sends a suggestion with a photo, sees the staff's
answer by receipt code and the meeting where it was discussed; 世纪花园's branch shows pledges and hours."""

from __future__ import annotations

import pytest

from anju.participation import demo
from anju.participation.models import Meeting, Notice, PartyOrganisation
from anju.roster import demo as roster_demo
from tests.participation.conftest import jpeg_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", roster_demo.DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_a_resident_is_heard_and_finds_the_meeting(phone, desktop, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    sd = roster_demo.load_demo()
    demo.load_demo(sd)
    notice = Notice.objects.get(title__contains="1栋2单元加装电梯")
    meeting = Meeting.objects.get(compound__name="世纪花园")
    photo = tmp_path / "楼道.jpg"
    photo.write_bytes(jpeg_bytes(gps=True, size=(1200, 900)))

    # A newcomer scans the QR code on the printed notice: the public page, no login.
    phone.goto(f"{live_server.url}/participation/n/{notice.pk}/")
    assert "加装电梯" in phone.locator("[data-testid=notice-title]").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.click("[data-testid=suggest-link]")
    phone.wait_for_selector("[data-testid=suggest-form]")
    assert phone.locator("#id_compound option:checked").inner_text() == "世纪花园"
    phone.select_option("#id_category", "elevator")
    phone.fill("#id_title", "2单元电梯费用怎么算")
    phone.fill("#id_body", "我家住五楼，想知道分摊费用大概多少。")
    phone.set_input_files("#id_photos", str(photo))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.click("[data-testid=suggest-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=receipt-code]")
    code = phone.locator("[data-testid=receipt-code]").inner_text().strip()
    assert len(code) == 10 and phone.locator("[data-testid=status]").inner_text() == "待处理"
    receipt_url = phone.url

    # Staff of 南庄坪社区 answer it and take it to the meeting.
    log_in(desktop, live_server, "nanzhuangping")
    desktop.goto(f"{live_server.url}/participation/suggestions/")
    desktop.click("text=2单元电梯费用怎么算")
    desktop.wait_for_selector("[data-testid=reply-form]")
    assert desktop.locator("[data-testid=photo]").count() == 1
    desktop.select_option("select[name=meeting]", str(meeting.pk))
    desktop.click("button:has-text('关联会议')")
    desktop.wait_for_selector("[data-testid=discussed-at]")
    desktop.fill("#id_reply", "五楼按楼层系数约分摊 2.6 万元，详见公示；3月20日恳谈会已讨论。")
    desktop.click("[data-testid=reply-form] button[type=submit]")
    desktop.wait_for_selector("[data-testid=status]:has-text('已答复')")

    # The resident comes back with the receipt code.
    phone.goto(f"{live_server.url}/participation/s/track/")
    phone.fill("#id_code", code.lower())
    phone.click("main form button[type=submit]")
    phone.wait_for_selector("[data-testid=reply]")
    assert phone.url == receipt_url
    assert "2.6 万元" in phone.locator("[data-testid=reply]").inner_text()
    assert "民情恳谈会" in phone.locator("[data-testid=meeting]").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # Staff find the meeting where it was discussed.
    desktop.click("[data-testid=discussed-at]")
    desktop.wait_for_selector("[data-testid=meeting-topic]")
    assert "2单元电梯费用怎么算" in desktop.locator("[data-testid=meeting-suggestions]").inner_text()

    # The 世纪花园 branch: members' pledges and volunteers' hours.
    branch = PartyOrganisation.objects.get(name="世纪花园小区党支部")
    desktop.goto(f"{live_server.url}/participation/party/")
    desktop.click(f"text={branch.name}")
    desktop.wait_for_selector("[data-testid=org-name]")
    pledges = desktop.locator("[data-testid=pledges]").inner_text()
    assert "支持改造" in pledges and "已兑现" in pledges
    assert desktop.locator("[data-testid=hours] tbody tr").count() >= 7
    assert float(desktop.locator("[data-figure=hours]").inner_text()) > 0
