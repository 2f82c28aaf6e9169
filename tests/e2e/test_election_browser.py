"""A newcomer runs a compound's committee election end to end in the browser, under Beijing's rules:
application → preparatory group → candidates → the candidate list posted (a PDF with its QR) → the
vote, one owner on a phone from the letter's link and one on paper entered by staff → the close →
the result posted → the committee seated, its first meeting and filing → the filing pack PDF. Every
step's deadline shows on the way (issue 13, "done when")."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.utils import timezone

from tests.e2e.test_roster_browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def pdf_text(page, url: str, tmp_path, name: str) -> str:
    response = page.request.get(url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(response.body())
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def step(page, key: str, on: datetime.date) -> None:
    form = page.locator(f"[data-testid=step-{key}] form")
    form.locator("input[name=on]").fill(on.isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"[data-testid=step-{key}].border-success")


def test_a_committee_election_end_to_end_in_the_browser(desktop, phone, live_server, world, staff_a, tmp_path):
    from anju.consultations import services as consultations
    from anju.consultations.services import elector_key
    from anju.stewardship import services
    from anju.stewardship.models import Committee, FormationCase
    from tests.consultations.conftest import issue_letter
    from tests.factories import SYSTEM, id_number
    from tests.stewardship.test_committee import owners

    services.rules_choose(subdistrict=world.subdistrict, base="beijing", changes={}, reason="北京", actor=SYSTEM)
    people = owners(world, 7)
    homes = [p.ownerships.get().household for p in people]
    today = timezone.localdate()
    days = datetime.timedelta
    base = live_server.url
    formation = f"{base}/stewardship/compound/{world.compound_a.pk}/formation/"

    log_in(desktop, live_server, "staff_a")
    desktop.goto(formation)
    desktop.fill("[data-testid=open-case] input[name=applied_on]", (today - days(40)).isoformat())
    desktop.click("[data-testid=open-case] button[type=submit]")
    desktop.wait_for_selector("[data-testid=timeline]")
    desktop.select_option("#hh", str(homes[0].pk))
    desktop.click("form[action$='/applicants/'] button[type=submit]")
    desktop.wait_for_selector("[data-testid=share-met]:has-text('已达到')")  # 北京 art. 30: 5% may apply
    timeline = desktop.locator("[data-testid=step-reviewed_on]").inner_text()
    assert "《北京市物业管理条例》第三十一条" in timeline and "期限" in timeline
    step(desktop, "reviewed_on", today - days(35))

    for person, leader in ((people[0], True), (people[1], False)):
        desktop.select_option("#mp", str(person.pk))
        desktop.fill("#mr", "业主代表")
        if leader:
            desktop.check("#ml")
        desktop.click("form[action$='/members/'] button[type=submit]")
        desktop.wait_for_selector(f"[data-testid=members]:has-text('{person.name}')")
    desktop.select_option("#mp", "")
    desktop.fill("#mn", "刘芳")
    desktop.fill("#mr", "居民委员会代表")
    desktop.click("form[action$='/members/'] button[type=submit]")
    desktop.wait_for_selector("[data-testid=members]:has-text('刘芳')")
    step(desktop, "group_formed_on", today - days(30))
    step(desktop, "group_published_on", today - days(29))

    desktop.fill("#seats", "5")
    desktop.click("form[action$='/seats/'] button[type=submit]")
    for person in people[:6]:
        desktop.select_option("#cp", str(person.pk))
        desktop.fill("#cd", (today - days(25)).isoformat())
        desktop.click("form[action$='/candidates/'] button[type=submit]")
        desktop.wait_for_selector(f"[data-testid=candidates]:has-text('{person.name}')")
    assert "6号 业主6" in desktop.locator("[data-testid=candidates]").inner_text()
    desktop.fill("#planned", today.isoformat())
    desktop.click("form[action$='/steps/']:has(#planned) button[type=submit]")
    desktop.wait_for_load_state("load")
    publicity = desktop.locator("[data-testid=step-publicity_on]").inner_text()
    assert "《北京市物业管理条例》第三十二条" in publicity  # fifteen days before the meeting
    desktop.fill("#cn-on", (today - days(20)).isoformat())
    desktop.click("[data-testid=candidates-notice-form] button[type=submit]")
    desktop.wait_for_selector("[data-testid=candidates-notice]")
    assert desktop.locator("[data-testid=step-publicity_on]").get_attribute("class").count("border-success")
    notice = pdf_text(desktop, base + desktop.get_attribute("[data-testid=candidates-notice-pdf]", "href"), tmp_path,
                      "candidates")
    assert "候选人名单公示" in notice and "1号" in notice and "扫码查看网上版本" in notice

    desktop.click("form[action$='/assembly/'] button[type=submit]")
    desktop.wait_for_selector("text=已发起首次业主大会会议表决")
    case = FormationCase.objects.get(compound=world.compound_a)
    c = case.assembly
    q = c.questions.get()
    assert q.choices[:2] == ["1号 业主1", "2号 业主2"]

    # One owner votes on a phone from the QR link on her letter.
    code, _elector = issue_letter(c, elector_key(homes[2]))
    phone.goto(f"{base}/consultations/v/{code}/")
    phone.fill("#name", "业主3")
    phone.fill("#number", id_number(203))
    phone.click("main button[type=submit]")
    for label in ("1号 业主1", "2号 业主2", "3号 业主3", "4号 业主4", "5号 业主5"):
        phone.check(f"input[value='{label}']")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.click("main button[type=submit]")
    phone.wait_for_selector("#receipt")

    # Another on paper, entered by staff on the vote's page.
    desktop.goto(f"{base}/consultations/{c.pk}/")
    paper = homes[3]
    desktop.fill("#paper-room", f"{paper.unit.building.number}栋{paper.unit.number}单元{paper.room}")
    elector = c.electors.get(key=elector_key(paper))
    desktop.wait_for_selector(f"#elector-{elector.pk}:checked")
    for label in ("1号 业主1", "2号 业主2", "3号 业主3", "4号 业主4", "6号 业主6"):
        desktop.check(f"#paper-form input[value='{label}']")
    desktop.fill("#signer", "业主4")
    desktop.click("#paper-form button[type=submit]")
    desktop.wait_for_selector("#tally:has-text('已表态 2 / 8 户')")
    for home in (homes[0], homes[1], homes[4], homes[5]):  # the rest of the paper forms, as entered in bulk
        consultations.ballot_cast(consultation=c, household=home, channel="paper", actor=SYSTEM,
                                  answers={str(q.pk): ["1号 业主1", "2号 业主2", "3号 业主3", "4号 业主4", "5号 业主5"]})
    desktop.reload()
    desktop.once("dialog", lambda dialog: dialog.accept())
    desktop.click("form[action$='/close/'] button")
    desktop.wait_for_selector("text=已截止")

    desktop.goto(formation)
    desktop.wait_for_selector("[data-testid=assembly-vote] [data-candidate='5号 业主5'][data-status='elected']")
    desktop.fill("#rn-on", today.isoformat())
    desktop.click("[data-testid=result-notice-form] button[type=submit]")
    desktop.wait_for_selector("[data-testid=result-notice]")
    result = pdf_text(desktop, base + desktop.get_attribute("[data-testid=result-notice-pdf]", "href"), tmp_path,
                      "result")
    assert "选举结果公告" in result and "当选" in result
    assert "《北京市物业管理条例》第三十七条" in desktop.locator("[data-testid=step-result_published_on]").inner_text()
    desktop.click("form[action$='/elected/'] button[type=submit]")
    desktop.wait_for_selector("[data-testid=case-committee]")
    steps = desktop.locator("[data-testid=timeline] li")
    for i in range(1, steps.count() - 2):  # every step after the application shows its deadline, met
        text = steps.nth(i).inner_text()
        assert "期限" in text and "按期完成" in text, text

    desktop.goto(f"{base}/stewardship/compound/{world.compound_a.pk}/committee/")
    deadlines = desktop.locator("[data-testid=committee-deadlines]").inner_text()
    assert "《北京市物业管理条例》第四十二条" in deadlines and "《北京市物业管理条例》第四十三条" in deadlines
    committee = Committee.objects.get(case=case)
    chair = committee.members.get(name="业主1")
    form = desktop.locator("[data-testid=officers-form]")
    form.locator("input[name=on]").fill(today.isoformat())
    form.locator("select[name=chair]").select_option(str(chair.pk))
    form.locator("button[type=submit]").click()
    desktop.wait_for_load_state("load")
    form = desktop.locator("[data-testid=file-form]")
    form.locator("input[name=filed_on]").fill(today.isoformat())
    form.locator("button[type=submit]").click()
    desktop.wait_for_selector("text=已登记备案")
    pack = pdf_text(desktop, base + desktop.get_attribute("[data-testid=pack]", "href"), tmp_path, "pack")
    for name in ("业主1", "业主2", "业主3", "业主4", "业主5"):
        assert name in pack
    assert "备案" in pack and "主任" in pack
    case.refresh_from_db()
    assert case.closed and case.first_meeting_on == today and case.filed_on == today
