"""The 长效管理 pages and API: what staff see and do, with the same rules as the services."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from anju.stewardship import services
from anju.stewardship.models import Contract, Management, Mode, RuleSetVersion
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
D = datetime.date
CODE = "91350100M0001TGQX1"


@pytest.fixture
def company(world):
    return services.company_create(subdistrict=world.subdistrict, name="安心物业", credit_code=CODE, actor=SYSTEM)


def test_the_index_shows_coverage_and_the_compound_without_a_manager(client, world, company, subdistrict_staff):
    services.management_set(compound=world.compound_a, mode=Mode.MARKET, company=company, since=D(2021, 1, 1),
                            actor=SYSTEM)
    client.force_login(subdistrict_staff)
    page = client.get(reverse("stewardship:index")).content.decode()
    assert "1 / 2" in page  # compounds under management
    assert "乙小区" in page and "无人管理的小区" in page
    assert "第九百四十七条" in page


def test_staff_set_a_compounds_management_on_its_page(client, world, company, staff_a):
    client.force_login(staff_a)
    url = reverse("stewardship:management_set", args=[world.compound_a.pk])
    response = client.post(url, {"mode": "market", "company": company.pk, "since": "2021-03-01"}, follow=True)
    assert "已更新管理方式" in response.content.decode()
    assert Management.objects.get(compound=world.compound_a).company == company
    page = client.get(reverse("stewardship:compound", args=[world.compound_a.pk])).content.decode()
    assert "市场化物业" in page and "安心物业" in page and "2021年3月1日" in page


def test_a_bad_form_says_which_field_and_saves_nothing(client, world, company, staff_a):
    client.force_login(staff_a)
    url = reverse("stewardship:contract_create", args=[world.compound_a.pk])
    response = client.post(url, {"company": company.pk, "signed_on": "2026-01-05", "starts_on": "2026-02-01",
                                 "fee": "1020"}, follow=True)
    assert "物业费应在 0.01 至 100 元" in response.content.decode()
    response = client.post(url, {"company": company.pk, "signed_on": "不是日期", "starts_on": "2026-02-01",
                                 "fee": "0.8"}, follow=True)
    assert response.status_code == 200 and "签订日期" in response.content.decode()
    assert not Contract.objects.exists()


def test_a_volunteer_reads_but_cannot_change_and_sees_no_forms(client, world, company, volunteer_a):
    client.force_login(volunteer_a)
    page = client.get(reverse("stewardship:compound", args=[world.compound_a.pk])).content.decode()
    assert 'data-testid="management-form"' not in page
    response = client.post(reverse("stewardship:management_set", args=[world.compound_a.pk]),
                           {"mode": "self", "since": "2021-03-01"})
    assert response.status_code == 403
    assert client.get(reverse("stewardship:compound", args=[world.compound_b.pk])).status_code == 404


def test_the_rules_page_lists_every_figure_with_its_article_and_takes_an_adjustment(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    page = client.get(reverse("stewardship:rules")).content.decode()
    assert "全国通用规则" in page and "《业主大会和业主委员会指导规则》第三十一条" in page and "上位法规定" in page
    response = client.post(reverse("stewardship:rules"), {"base": "beijing", "reason": "本街道属北京市"}, follow=True)
    assert "已保存新版本的规则" in response.content.decode()
    response = client.post(reverse("stewardship:rules"), {
        "base": "beijing", "keep": "1", "reason": "区住建委要求 20 日内备案", "f_contract_filing_days": "20",
        "f_application_review_days": "30"}, follow=True)
    page = response.content.decode()
    assert "本街道调整" in page and "第 2 版" in page and "20 日" in page
    latest = RuleSetVersion.objects.filter(subdistrict=world.subdistrict).order_by("-version").first()
    assert latest.changes == {"contract_filing_days": 20} and latest.base == "beijing"


def test_a_bad_adjustment_is_refused_with_the_figure_named(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    response = client.post(reverse("stewardship:rules"), {
        "base": "national", "keep": "1", "reason": "试试", "f_committee_members_min": "4"}, follow=True)
    assert "业主委员会最少人数" in response.content.decode() and "单数" in response.content.decode()
    assert not RuleSetVersion.objects.exists()


def test_community_staff_read_the_rules_but_do_not_change_them(client, world, staff_a):
    client.force_login(staff_a)
    assert 'data-testid="adjust"' not in client.get(reverse("stewardship:rules")).content.decode()
    assert client.post(reverse("stewardship:rules"), {"base": "beijing", "reason": "x"}).status_code == 403


def test_the_api_answers_as_the_page_does(client, world, company, staff_a):
    client.force_login(staff_a)
    url = f"/api/stewardship/compounds/{world.compound_a.pk}/management"
    response = client.post(url, {"mode": "market", "since": "2021-03-01"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "company"
    response = client.post(url, {"mode": "market", "company_id": company.pk, "since": "2021-03-01"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["current"]["mode_label"] == "市场化物业"
    response = client.post(f"/api/stewardship/compounds/{world.compound_a.pk}/contracts", {
        "company_id": company.pk, "signed_on": "2026-01-05", "starts_on": "2026-02-01", "ends_on": "2029-01-31",
        "fee_yuan_per_m2_month": "0.85"}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["contracts"][0]["fee_yuan_per_m2_month"] == "0.85"
    coverage = client.get("/api/stewardship/coverage").json()
    assert coverage[-1]["community_id"] is None and coverage[-1]["managed_compounds"] == 1
    rules = client.get("/api/stewardship/rules").json()
    figure = next(f for f in rules["figures"] if f["key"] == "committee_members_min")
    assert figure["value"] == 5 and figure["source_zh"] == "《业主大会和业主委员会指导规则》第三十一条"


def test_a_company_is_registered_on_its_page(client, world, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("stewardship:companies"), {"name": "安心物业", "credit_code": CODE}, follow=True)
    assert "已登记物业服务企业" in response.content.decode() and CODE in response.content.decode()
    response = client.post(reverse("stewardship:companies"), {"name": "错码", "credit_code": "123"}, follow=True)
    assert "18 位" in response.content.decode()


def test_a_contract_ending_within_90_days_says_so_on_the_compound_page(client, world, company, staff_a):
    from django.utils import timezone

    today = timezone.localdate()
    services.contract_create(compound=world.compound_a, company=company, signed_on=today - datetime.timedelta(days=900),
                             starts_on=today - datetime.timedelta(days=800), ends_on=today + datetime.timedelta(days=45),
                             fee_yuan="0.80", actor=SYSTEM)
    client.force_login(staff_a)
    page = client.get(reverse("stewardship:compound", args=[world.compound_a.pk])).content.decode()
    assert "45 日后到期" in page
