"""物业费 pages: a month billed, a payments file refused whole then taken, the rate moving, letters and lists."""

from __future__ import annotations

import datetime
import io
import subprocess

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anju.core import jobs
from anju.core.models import Job
from anju.domain.stewardship.fees import Period
from anju.roster import services as roster
from anju.stewardship.models_fees import Bill, DemandLetter, FeePayment
from anju.stewardship.services import fees as services
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def _xlsx(rows) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("台账.xlsx", out.getvalue())


@pytest.fixture
def setup(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    roster.household_create(unit=world.household_a.unit, floor=1, room="101", exclusive_area="60.00", actor=SYSTEM)
    last = Period.of(timezone.localdate()) + -1
    services.standard_set(compound=world.compound_a, since=(last + -2).first, rate_yuan="0.80", actor=SYSTEM)
    return last


def _run_jobs():
    for pk in Job.objects.filter(status="queued").values_list("pk", flat=True):
        jobs.run_job.call(pk)


def test_staff_bill_a_month_import_a_file_and_see_the_rate_move(client, world, staff_a, setup):
    last = setup
    client.force_login(staff_a)
    url = reverse("stewardship:fees_compound", args=[world.compound_a.pk])
    page = client.get(url).content.decode()
    assert "第九百四十四条" in page and "停止供电" in page and "尚未登记" not in page
    response = client.post(reverse("stewardship:fees_bill", args=[world.compound_a.pk]), {"period": str(last)},
                           follow=True)
    assert "已出账" in response.content.decode() and Bill.objects.count() == 2
    again = client.post(reverse("stewardship:fees_bill", args=[world.compound_a.pk]), {"period": str(last)}, follow=True)
    assert "已出账，同一月份不能重复出账" in again.content.decode()
    day = last.first.isoformat()
    bad = _xlsx([["房号", "金额（元）", "缴费日期", "收据号"], ["3栋1单元501", "58.00", day, "X1"],
                 ["3栋1单元999", "48.00", day, "X2"]])
    response = client.post(reverse("stewardship:fees_import", args=[world.compound_a.pk]), {"file": bad})
    _run_jobs()
    page = client.get(response["Location"]).content.decode()
    assert "整份文件未导入" in page and "第 3 行" in page and FeePayment.objects.count() == 0
    good = _xlsx([["房号", "金额（元）", "缴费日期", "收据号"], ["3栋1单元501", "58.00", day, "X1"]])
    response = client.post(reverse("stewardship:fees_import", args=[world.compound_a.pk]), {"file": good})
    _run_jobs()
    page = client.get(response["Location"]).content.decode()
    assert "已导入 1 笔缴费" in page and FeePayment.objects.count() == 1
    overview = client.get(reverse("stewardship:fees") + f"?period={last}").content.decode()
    assert "50.0%" in overview  # one of two homes paid in the month
    assert "甲小区" in overview


def test_letters_print_as_a4_and_the_legal_list_offers_only_the_court(client, world, staff_a, setup):
    last = setup
    for p in (last + -2, last + -1, last):
        services.bill_month(compound=world.compound_a, period=p, actor=SYSTEM)
    from anju.stewardship import services as stewardship

    company = stewardship.company_create(subdistrict=world.subdistrict, name="安心物业服务有限公司",
                                         credit_code="91350100M0001TGQX1", actor=SYSTEM)
    stewardship.management_set(compound=world.compound_a, mode="market", company=company,
                               since=datetime.date(2021, 1, 1), actor=SYSTEM)
    client.force_login(staff_a)
    response = client.post(reverse("stewardship:fees_letters", args=[world.compound_a.pk]), {"min_months": "2"})
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "物业费催缴通知" in text and "3栋1单元501室" in text and "不得采取停止供电" in text
    assert "安心物业服务有限公司" in text  # the demand is the manager's (民法典 944)
    letter = DemandLetter.objects.first()
    assert client.get(reverse("stewardship:fees_letter", args=[letter.pk]))["Content-Type"] == "application/pdf"
    DemandLetter.objects.update(issued_on=datetime.date(2020, 1, 1), pay_by=datetime.date(2020, 2, 1))
    # A letter printed again later is dated under its seal the day it was sent, not the day of the reprint.
    again = _pdf_text(client.get(reverse("stewardship:fees_letter", args=[letter.pk])).content).replace(" ", "")
    assert again.count("2020年1月1日") == 2 and "2020年2月1日" in again
    page = client.get(reverse("stewardship:fees_legal", args=[world.compound_a.pk])).content.decode()
    assert "提起诉讼或申请仲裁" in page and "3栋1单元501室" in page
    for word in ("停水", "停电", "断水", "断电", "限制用水"):
        assert word not in page


def test_the_pledge_list_names_party_members_and_their_payments(client, world, staff_a, volunteer_a, setup):
    world.owner_a.party_member = True
    world.owner_a.save()
    client.force_login(volunteer_a)
    page = client.get(reverse("stewardship:fees_pledge", args=[world.compound_a.pk])).content.decode()
    assert "王秀兰" in page and "党员" in page
    pdf = client.get(reverse("stewardship:fees_pledge_pdf", args=[world.compound_a.pk]))
    assert "王秀兰" in _pdf_text(pdf.content)
    # Households' amounts are for staff: the volunteer is refused the compound's fee page.
    assert client.get(reverse("stewardship:fees_compound", args=[world.compound_a.pk])).status_code == 403


def test_the_api_bills_records_payments_and_reports_rates_through_the_same_services(client, world, staff_a,
                                                                                     volunteer_a, setup):
    last = setup
    client.force_login(staff_a)
    base = f"/api/stewardship/fees/compounds/{world.compound_a.pk}"
    made = client.post(f"{base}/bills", {"period": str(last)}, content_type="application/json")
    assert made.status_code == 201 and made.json()["bills"] == 2 and made.json()["total_yuan"] == "106.00"
    again = client.post(f"{base}/bills", {"period": str(last)}, content_type="application/json")
    assert again.status_code == 400 and again.json()["field"] == "period"
    assert client.post(f"{base}/bills", {"period": "三月"}, content_type="application/json").status_code == 400
    body = {"household_id": world.household_a.pk, "paid_on": last.first.isoformat(), "amount_yuan": "58.00",
            "receipt": "API-1", "channel": "wechat"}
    paid = client.post(f"{base}/payments", body, content_type="application/json")
    assert paid.status_code == 201 and paid.json()["settled_bills"] == 1
    twice = client.post(f"{base}/payments", body, content_type="application/json")
    assert twice.status_code == 409 and "不能重复登记" in twice.json()["detail"]
    nobody = client.post(f"{base}/payments", body | {"household_id": 987_654, "receipt": "API-2"},
                         content_type="application/json")
    assert nobody.status_code == 404
    rates = client.get(f"/api/stewardship/fees/rates?period={last}").json()
    assert rates["current"]["by_household"] == "0.5000" and rates["rows"][0]["name"] == "甲小区"
    assert "停止供电" in rates["collection_note_zh"]
    detail = client.get(base).json()
    assert [d["room_code"] for d in detail["debtors"]] == ["3栋1单元101"]  # last month's bill, unpaid
    assert detail["ageing_yuan"]["m0_3"] == "48.00"
    client.force_login(volunteer_a)
    assert client.get(base).status_code == 403
    assert client.get(f"{base}/pledge").status_code == 200


def test_the_pledge_list_names_the_committee_in_office_and_not_a_member_who_left(client, world, staff_a, setup):
    from anju.stewardship.models import Committee, CommitteeMember

    today = timezone.localdate()
    body = Committee.objects.create(compound=world.compound_a, elected_on=today - datetime.timedelta(days=400),
                                    term_years=5, term_ends=today + datetime.timedelta(days=1400))
    member = CommitteeMember.objects.create(committee=body, person=world.owner_a, name=world.owner_a.name, owner=True,
                                            since=body.elected_on)
    client.force_login(staff_a)
    url = reverse("stewardship:fees_pledge", args=[world.compound_a.pk])
    page = client.get(url).content.decode()
    assert "王秀兰" in page and "业主委员会委员" in page
    member.left_on = today
    member.save()
    assert "王秀兰" not in client.get(url).content.decode()  # neither on the committee nor a party member now
