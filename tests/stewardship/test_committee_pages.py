"""The committee pages, the filing pack PDF and the work lists, as staff and volunteers use them."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.urls import reverse

from anju.stewardship import services
from anju.stewardship.models import Committee, CommitteeMember, Mode
from anju.stewardship.services import NewMember
from tests.factories import SYSTEM
from tests.stewardship.test_committee import owners

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def committee(world):
    return services.committee_elect(compound=world.compound_a, elected_on=D(2021, 6, 15), term_years=5,
                                    members=[NewMember(p) for p in owners(world, 5)],
                                    election_ref="甲小区业主大会公告〔2021〕2号", actor=SYSTEM)


def text_of(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_staff_register_the_elected_committee_on_its_page(client, world, staff_a):
    people = owners(world, 5)
    client.force_login(staff_a)
    response = client.post(reverse("stewardship:committee_elect", args=[world.compound_a.pk]), {
        "elected_on": "2026-03-02", "term_years": "5", "members": [p.pk for p in people],
        "election_ref": "公告1号"}, follow=True)
    page = response.content.decode()
    assert "已登记业主委员会" in page and "第 1 届业主委员会" in page
    assert "2031年3月2日" in page  # the term's last day
    assert "《业主大会和业主委员会指导规则》第三十二条" in page  # the first meeting's article


def test_a_bad_committee_says_why_in_chinese_and_saves_nothing(client, world, staff_a):
    people = owners(world, 4)
    client.force_login(staff_a)
    response = client.post(reverse("stewardship:committee_elect", args=[world.compound_a.pk]), {
        "elected_on": "2026-03-02", "term_years": "5", "members": [p.pk for p in people]}, follow=True)
    assert "业主委员会人数须为5 至 11 人，现为 4 人" in response.content.decode()
    response = client.post(reverse("stewardship:committee_elect", args=[world.compound_a.pk]), {
        "elected_on": "不是日期", "term_years": "5", "members": [p.pk for p in people]}, follow=True)
    assert "请填写日期" in response.content.decode()
    assert not Committee.objects.exists()


def test_the_compound_page_shows_overdue_filings_in_red_with_the_article(client, world, committee, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("stewardship:compound", args=[world.compound_a.pk])).content.decode()
    assert 'data-testid="committee-summary"' in page
    assert "text-bg-danger" in page and "已逾期" in page
    assert "《物业管理条例》第十六条" in page  # filing within 30 days
    # Elected 2021-06-15 for five years: the term ended 2026-06-15 and no one was re-elected.
    assert "任期已届满" in page and "第二百七十八条第一款第（三）项" in page


def test_a_term_ending_within_90_days_shows_the_renewal_reminder(client, world, staff_a):
    today = datetime.date.today()
    services.committee_elect(compound=world.compound_a, elected_on=today.replace(year=today.year - 5) + datetime.timedelta(days=30),
                             term_years=5, members=[NewMember(p) for p in owners(world, 5)], actor=SYSTEM)
    client.force_login(staff_a)
    page = client.get(reverse("stewardship:committee", args=[world.compound_a.pk])).content.decode()
    assert "换届：" in page and "日后任期届满" in page


def test_a_volunteer_sees_the_committee_but_changes_nothing(client, world, committee, volunteer_a):
    client.force_login(volunteer_a)
    page = client.get(reverse("stewardship:committee", args=[world.compound_a.pk])).content.decode()
    assert "第 1 届业主委员会" in page and "登记离任" not in page and "打印备案材料" not in page
    member = committee.members.first()
    assert client.post(reverse("stewardship:committee_member_leave", args=[member.pk]),
                       {"on": "2026-01-05", "reason": "resigned"}).status_code == 403
    assert client.post(reverse("stewardship:committee_file", args=[committee.pk]), {"filed_on": "2021-07-01"}).status_code == 403
    assert client.get(reverse("stewardship:committee_pack", args=[committee.pk])).status_code == 403
    assert CommitteeMember.objects.filter(left_on__isnull=False).count() == 0


def test_staff_of_another_community_do_not_find_it(client, world, committee, staff_b):
    client.force_login(staff_b)
    assert client.get(reverse("stewardship:committee", args=[world.compound_a.pk])).status_code == 404
    assert client.get(reverse("stewardship:committee_pack", args=[committee.pk])).status_code == 404


def test_a_resignation_on_the_page_becomes_a_change_to_file(client, world, committee, staff_a):
    client.force_login(staff_a)
    member = committee.members.first()
    response = client.post(reverse("stewardship:committee_member_leave", args=[member.pk]),
                           {"on": "2025-05-06", "reason": "resigned"}, follow=True)
    page = response.content.decode()
    assert "请在 30 日内办理变更备案" in page and "离任（书面辞职）" in page
    change = committee.changes.get()
    response = client.post(reverse("stewardship:committee_change_file", args=[change.pk]), {"filed_on": "2025-07-01"},
                           follow=True)
    assert "逾期备案请写明原因" in response.content.decode()


def test_the_filing_pack_prints_members_term_election_and_articles(client, world, committee, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("stewardship:committee_pack", args=[committee.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    for expected in ("甲小区第1届业主委员会备案材料", "业主1", "委员名单", "2026年6月15日", "甲小区业主大会公告〔2021〕2号",
                     "《业主大会和业主委员会指导规则》第三十一条", "《物业管理条例》第十六条", "街道办事处备案意见", "（盖章）"):
        assert expected in text, expected


def test_the_index_counts_equal_the_drill_down_rows(client, world, committee, subdistrict_staff):
    company = services.company_create(subdistrict=world.subdistrict, name="安心物业", credit_code="91350100M0001TGQX1",
                                      actor=SYSTEM)
    services.management_set(compound=world.compound_b, mode=Mode.EMERGENCY, company=company, since=D(2026, 10, 1),
                            note="原物业退出", actor=SYSTEM)
    client.force_login(subdistrict_staff)
    page = client.get(reverse("stewardship:index")).content.decode()
    assert "业主自治与临时安排" in page
    for kind, n in (("committee", 1), ("interim", 0), ("emergency", 1), ("overdue", 1), ("expired", 1), ("ending", 0)):
        assert f'data-testid="list-{kind}">{n}<' in page, kind
        listing = client.get(reverse("stewardship:list", args=[kind])).content.decode()
        assert f'data-testid="count">{n}<' in listing
    listing = client.get(reverse("stewardship:list", args=["emergency"])).content.decode()
    assert "乙小区" in listing and "安心物业" in listing
    assert client.get(reverse("stewardship:list", args=["nonsense"])).status_code == 404


def test_the_party_link_and_party_share_show_on_the_committee_page(client, world, committee, staff_a):
    from anju.participation import services as participation
    from anju.participation.models import OrgLevel

    top = participation.organisation_create(level=OrgLevel.SUBDISTRICT, name="街道党工委",
                                            subdistrict_id=world.subdistrict.pk, actor=SYSTEM)
    org = participation.organisation_create(level=OrgLevel.COMMUNITY, name="甲社区党委", parent=top,
                                            community=world.community_a, actor=SYSTEM)
    client.force_login(staff_a)
    response = client.post(reverse("stewardship:party_link", args=[world.compound_a.pk]),
                           {"organisation": org.pk, "since": "2024-01-01", "company_branch": "安心物业党支部"}, follow=True)
    page = response.content.decode()
    assert "已保存党建引领" in page and "甲社区党委" in page and "其中党员 0 人，占 0%" in page
    listing = client.get(reverse("stewardship:list", args=["party"])).content.decode()
    assert 'data-testid="count">1<' in listing and "安心物业党支部" in listing and "委员会中党员 0 人（共 5 人）" in listing


def test_the_committee_page_reads_in_english(client, world, committee, staff_a):
    client.force_login(staff_a)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("stewardship:committee", args=[world.compound_a.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Owners' committee no. 1" in page and "Term ended" in page


def test_the_formation_case_links_to_the_committee_it_elected(client, world, staff_a):
    from anju.stewardship.models import FormationCase

    people = owners(world, 5)
    case = services.case_open(compound=world.compound_a, applied_on=D(2026, 1, 5), actor=SYSTEM)
    for p in people:
        services.candidate_add(case=case, person=p, pledge_on=D(2026, 1, 20), actor=SYSTEM)
    FormationCase.objects.filter(pk=case.pk).update(elected_on=D(2026, 3, 2), seats=5)
    client.force_login(staff_a)
    page = client.get(reverse("stewardship:committee", args=[world.compound_a.pk])).content.decode()
    assert 'data-testid="from-case"' in page  # the election form offers the case's candidates
    client.post(reverse("stewardship:committee_elect", args=[world.compound_a.pk]),
                {"case": case.pk, "term_years": "5", "members": [p.pk for p in people]})
    assert Committee.objects.get().case_id == case.pk
    page = client.get(reverse("stewardship:formation", args=[world.compound_a.pk])).content.decode()
    assert 'data-testid="case-committee"' in page and "选举产生业主委员会" in page


def test_the_api_reads_and_writes_the_committee_with_the_pages_rules(client, world, committee, staff_a, volunteer_a):
    url = f"/api/stewardship/compounds/{world.compound_a.pk}/committee"
    client.force_login(volunteer_a)
    body = client.get(url).json()
    assert body["number"] == 1 and body["term_state"] == "expired" and len(body["members"]) == 5
    assert {d["key"] for d in body["deadlines"]} >= {"first_meeting", "filing"}
    assert next(d for d in body["deadlines"] if d["key"] == "filing")["source_zh"] == "《物业管理条例》第十六条"
    assert client.post(f"/api/stewardship/committees/{committee.pk}/filing", {"filed_on": "2021-07-01"},
                       content_type="application/json").status_code == 403
    client.force_login(staff_a)
    late = client.post(f"/api/stewardship/committees/{committee.pk}/filing", {"filed_on": "2021-08-01"},
                       content_type="application/json")
    assert late.status_code == 400 and "逾期备案请写明原因" in late.json()["detail"] and late.json()["field"] == "late_reason"
    done = client.post(f"/api/stewardship/committees/{committee.pk}/filing", {"filed_on": "2021-07-01"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["filed_on"] == "2021-07-01"
    rows = client.get("/api/stewardship/lists/expired").json()
    assert [r["compound"] for r in rows] == ["甲小区"]
    assert client.get("/api/stewardship/lists/nonsense").status_code == 404
    assert client.get(f"/api/stewardship/compounds/{world.compound_b.pk}/committee").status_code == 404


def test_the_street_forms_an_interim_committee_on_the_page_in_beijing(client, world, staff_a):
    services.rules_choose(subdistrict=world.subdistrict, base="beijing", changes={}, reason="北京", actor=SYSTEM)
    people = owners(world, 4)
    client.force_login(staff_a)
    url = reverse("stewardship:committee_interim", args=[world.compound_a.pk])
    response = client.post(url, {"formed_on": "2026-09-01", "term_years": "3", "led_by": "甲社区居民委员会",
                                 "members": [p.pk for p in people],
                                 "representatives": "李梅，居民委员会代表\n张强，居民委员会代表\n刘洋 街道办事处代表"}, follow=True)
    page = response.content.decode()
    assert "已登记物业管理委员会" in page and "《北京市物业管理条例》第五十四条" in page
    assert "《北京市物业管理条例》第五十五条" in page  # its filing within 30 days
    body = Committee.objects.get()
    assert body.interim and body.members.count() == 7 and body.members.filter(owner=True).count() == 4
    response = client.post(url, {"formed_on": "2026-09-01", "term_years": "三年", "led_by": "居委会"}, follow=True)
    assert "请填写任期（年）" in response.content.decode()


def test_the_rules_page_lists_a_version_the_demo_chose_without_a_user(client, world, subdistrict_staff):
    # The demo's adjustment is made by the system actor: no user to name (it was a 500).
    services.rules_choose(subdistrict=world.subdistrict, base="national", changes={"interim_committee_members_min": 7},
                          reason="参照北京", actor=SYSTEM)
    client.force_login(subdistrict_staff)
    page = client.get(reverse("stewardship:rules")).content.decode()
    assert "参照北京" in page
