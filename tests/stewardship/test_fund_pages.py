"""The maintenance fund's pages and API: staff open the fund, book entries, take a repair through its case."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from anju.consultations import services as consultation_services
from anju.roster import services as roster_services
from anju.stewardship.models_fund import FundCase, FundEntry
from anju.stewardship.services import fund as services
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def homes(world):
    u1 = world.building_a.units.get(number="1")
    return [world.household_a] + [roster_services.household_create(unit=u1, floor=f, room=f"{f}01", exclusive_area="60.00",
                                                                    actor=SYSTEM) for f in (1, 2)]


def test_staff_open_the_fund_book_a_deposit_and_see_the_balance(client, world, homes, staff_a):
    client.force_login(staff_a)
    url = reverse("stewardship:fund_account", args=[world.compound_a.pk])
    assert "尚未建立专项维修资金账户" in client.get(url).content.decode()
    client.post(url, {"opened_on": "2021-03-01", "bank": "建设银行"})
    ledger = world.compound_a.fund_account.ledgers.get()
    entry_url = reverse("stewardship:fund_entry", args=[world.compound_a.pk])
    page = client.post(entry_url, {"ledger": ledger.pk, "kind": "opening", "amount": "1000.00", "booked_on": "2021-03-02",
                                   "document_kind": "bank_slip", "document_ref": ""}, follow=True).content.decode()
    assert "每笔记账须有凭证" in page and not FundEntry.objects.exists()
    page = client.post(entry_url, {"ledger": ledger.pk, "kind": "opening", "amount": "1000.00", "booked_on": "2021-03-02",
                                   "document_kind": "bank_slip", "document_ref": "YH-001"}, follow=True).content.decode()
    assert "已入账" in page and "¥1,000.00" in page and "银行回单 YH-001" in page
    assert "《住宅专项维修资金管理办法》第十七条" in page  # the 30% line cites its article
    page = client.get(reverse("stewardship:compound", args=[world.compound_a.pk])).content.decode()
    assert reverse("stewardship:fund_account", args=[world.compound_a.pk]) in page


def test_a_case_on_its_page_from_proposal_to_payment(client, world, homes, staff_a):
    account = services.fund_open(compound=world.compound_a, opened_on=D(2021, 3, 1), actor=SYSTEM)
    services.entry_book(ledger=account.ledgers.get(), kind="opening", amount_yuan="50000.00", booked_on=D(2021, 3, 2),
                        document_kind="bank_slip", document_ref="YH-1", actor=SYSTEM)
    client.force_login(staff_a)
    response = client.post(reverse("stewardship:fund_case_create", args=[world.compound_a.pk]), {
        "kind": "ordinary", "title": "3栋屋面防水", "location": "3栋屋面", "scope": f"b{world.building_a.pk}",
        "estimate": "1922.50", "proposed_on": "2026-03-02"}, follow=True)
    case = FundCase.objects.get()
    page = response.content.decode()
    assert "3栋1单元501室" in page and "3栋" in page and "¥1,922.50" in page
    # 72.50 + 60 + 60 = 192.50 ㎡: 1,922.50 × 72.5 / 192.5 = 724.058…, × 60 / 192.5 = 599.220… each; the fen
    # left after rounding down goes to the largest remainder (501's .58): 724.06 + 599.22 + 599.22 = 1,922.50.
    assert sorted(s.amount_fen for s in case.shares.all()) == [59_922, 59_922, 72_406]
    assert "724.06" in page
    client.post(reverse("stewardship:fund_case_vote", args=[case.pk]), {"closes_on": "2099-01-01"})
    case.refresh_from_db()
    c = case.consultation
    assert c.scope_label == "甲小区 3栋" and c.electors.count() == 3
    q = str(c.questions.get().pk)
    for home in homes:
        consultation_services.paper_ballot_cast(consultation=c, household=home, answers={q: "yes"}, channel="paper",
                                                actor=SYSTEM)
    consultation_services.consultation_close(consultation=c, actor=SYSTEM)
    for by in ("committee", "subdistrict"):
        client.post(reverse("stewardship:fund_case_approve", args=[case.pk]), {"by": by, "on": "2026-03-10"})
    page = client.post(reverse("stewardship:fund_case_pay", args=[case.pk]), {
        "amount": "1922.50", "paid_on": "2026-03-20", "document_kind": "invoice", "document_ref": "FP-1"},
        follow=True).content.decode()
    assert "已支付并记账" in page and "表决通过" in page and "发票 FP-1" in page


def test_an_emergency_form_without_its_evidence_names_it(client, world, homes, staff_a):
    services.fund_open(compound=world.compound_a, opened_on=D(2021, 3, 1), actor=SYSTEM)
    client.force_login(staff_a)
    page = client.post(reverse("stewardship:fund_case_create", args=[world.compound_a.pk]), {
        "kind": "emergency", "category": "fire_safety", "evidence_ref": "", "title": "消火栓损坏", "location": "3栋",
        "scope": "", "estimate": "3000", "proposed_on": "2026-03-02"}, follow=True).content.decode()
    assert "消防救援机构出具的整改通知书" in page and not FundCase.objects.exists()


def test_a_volunteer_reads_the_fund_but_may_not_book(client, world, homes, volunteer_a):
    services.fund_open(compound=world.compound_a, opened_on=D(2021, 3, 1), actor=SYSTEM)
    client.force_login(volunteer_a)
    assert client.get(reverse("stewardship:fund_account", args=[world.compound_a.pk])).status_code == 200
    response = client.post(reverse("stewardship:fund_entry", args=[world.compound_a.pk]), {})
    assert response.status_code == 403


def test_the_api_takes_a_case_through_the_same_services(client, world, homes, staff_a):
    client.force_login(staff_a)
    base = f"/api/stewardship/compounds/{world.compound_a.pk}/fund"
    assert client.get(base).status_code == 404
    assert client.post(base, {"opened_on": "2021-03-01"}, content_type="application/json").status_code == 201
    ledger = client.get(base).json()["ledgers"][0]
    response = client.post(f"{base}/entries", {"ledger_id": ledger["id"], "kind": "opening", "amount": "10000.00",
                                               "booked_on": "2021-03-02", "document_kind": "bank_slip",
                                               "document_ref": ""}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "document_ref"
    response = client.post(f"{base}/entries", {"ledger_id": ledger["id"], "kind": "opening", "amount": "10000.00",
                                               "booked_on": "2021-03-02", "document_kind": "bank_slip",
                                               "document_ref": "YH-1"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["amount"] == "10000.00"
    case = client.post(f"{base}/cases", {"kind": "emergency", "category": "burst_main", "evidence_ref": "查勘 1",
                                         "title": "主管爆裂", "location": "3栋地下室", "estimate": "7500.00",
                                         "proposed_on": "2026-03-02", "building_id": world.building_a.pk},
                       content_type="application/json").json()
    assert sum(int(s["amount"].replace(".", "")) for s in case["shares"]) == 750_000
    url = f"/api/stewardship/fund/cases/{case['id']}"
    assert client.post(f"{url}/vote", {"closes_at": "2099-01-01T10:00:00+08:00"},
                       content_type="application/json").status_code == 409  # an emergency has no vote
    client.post(f"{url}/approve", {"by": "committee", "on": "2026-03-03"}, content_type="application/json")
    paid = client.post(f"{url}/pay", {"amount": "7500.00", "paid_on": "2026-03-05", "document_kind": "invoice",
                                      "document_ref": "FP-1"}, content_type="application/json")
    assert paid.status_code == 200 and paid.json()["paid"] == "7500.00"
    fund = client.get(base).json()
    assert fund["balance"] == "2500.00" and fund["ledgers"][0]["below_line"] is True
    assert fund["topup_source"] == "《住宅专项维修资金管理办法》第十七条"
