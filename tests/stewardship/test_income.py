"""公共收益 (Civil Code art. 282) and the manager's yearly accounts and budget (art. 943): every row with
its document, never edited (a reversal instead), money exact to the fen, and both in their statements."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from anju.core.errors import Conflict, ValidationFailed
from anju.core.models import AuditEvent
from anju.domain.stewardship.disclosure import Period
from anju.stewardship import queries_disclosure
from anju.stewardship.models_income import CommonIncome, ManagerLine
from anju.stewardship.services import income as services
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
D = datetime.date
Q3 = Period(D(2025, 7, 1), D(2025, 9, 30))


def receipt(world, **kw):
    args = dict(compound=world.compound_a, source="parking", received_on=D(2025, 8, 3), gross_yuan="12345.67",
                cost_yuan="2345.60", to_fund_yuan="3000.00", document_ref="收据 No.0081", actor=SYSTEM)
    return services.common_income_record(**{**args, **kw})


def figures(rows):
    return {r["key"]: r["fen"] for r in rows}


def test_the_quarter_statement_shows_gross_costs_net_and_the_funds_part_to_the_fen(world):
    receipt(world)
    receipt(world, source="advertising", gross_yuan="800.05", cost_yuan="", to_fund_yuan="0.05", document_ref="R2")
    receipt(world, received_on=D(2025, 10, 1), document_ref="R3")  # the next quarter
    got = figures(queries_disclosure.statement_rows(world.compound_a, "common_income", Q3))
    assert got["income:parking"] == 1234567 and got["income:advertising"] == 80005
    assert got["income_gross"] == 1314572 and got["income_cost"] == 234560
    assert got["income_net"] == 1314572 - 234560 == 1080012
    assert got["income_to_fund"] == 300005
    assert got["income_left"] == got["income_net"] - got["income_to_fund"] == 780007
    assert AuditEvent.objects.filter(action="common_income_record").count() == 3


@pytest.mark.parametrize(("kw", "field"), [
    ({"document_ref": "  "}, "document_ref"),
    ({"gross_yuan": "0"}, "gross_yuan"),
    ({"gross_yuan": "12.345"}, "gross_yuan"),
    ({"gross_yuan": "-5"}, "gross_yuan"),
    ({"cost_yuan": "20000"}, "cost_yuan"),
    ({"to_fund_yuan": "10000.08"}, "to_fund_yuan"),  # more than gross − cost (10,000.07)
    ({"source": "lottery"}, "source"),
    ({"received_on": datetime.date.today() + datetime.timedelta(days=1)}, "received_on"),
])
def test_bad_receipts_name_the_field_and_save_nothing(world, kw, field):
    with pytest.raises(ValidationFailed) as caught:
        receipt(world, **kw)
    assert caught.value.field == field
    assert not CommonIncome.objects.exists()


def test_the_whole_net_may_go_to_the_fund(world):
    row = receipt(world, to_fund_yuan="10000.07")
    assert row.net_fen == row.to_fund_fen == 1000007


def test_a_wrong_receipt_is_reversed_not_edited(world):
    row = receipt(world)
    back = services.common_income_reverse(row=row, document_ref="更正说明 1", actor=SYSTEM)
    assert (back.gross_fen, back.cost_fen, back.to_fund_fen) == (-row.gross_fen, -row.cost_fen, -row.to_fund_fen)
    with pytest.raises(Conflict):
        services.common_income_reverse(row=row, document_ref="again", actor=SYSTEM)
    with pytest.raises(Conflict):
        services.common_income_reverse(row=back, document_ref="again", actor=SYSTEM)
    period = Period(D(2025, 1, 1), datetime.date.today())
    assert figures(queries_disclosure.statement_rows(world.compound_a, "common_income", period))["income_gross"] == 0


def test_the_database_refuses_costs_above_the_income(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        CommonIncome.objects.create(compound=world.compound_a, source="parking", received_on=D(2025, 1, 1),
                                    gross_fen=100, cost_fen=101, document_ref="x")


def test_the_managers_year_and_budget_are_in_its_statement(world):
    line = dict(compound=world.compound_a, year=2025, document_ref="年度财务报告", actor=SYSTEM)
    services.manager_line_record(section="income", item="物业费收入", amount_yuan="512000.00", **line)
    services.manager_line_record(section="income", item="停车管理服务费", amount_yuan="38000.50", **line)
    services.manager_line_record(section="spending", item="保洁", amount_yuan="120000.00", **line)
    services.manager_line_record(section="budget_spending", item="保洁", amount_yuan="126000.00", **line)
    services.manager_line_record(section="income", item="物业费收入", amount_yuan="1.00", **{**line, "year": 2024})
    got = figures(queries_disclosure.statement_rows(world.compound_a, "manager", Period(D(2025, 1, 1), D(2025, 12, 31))))
    assert got["income:物业费收入"] == 51200000 and got["income:total"] == 55000050
    assert got["spending:total"] == 12000000 and got["budget_spending:保洁"] == 12600000
    assert "budget_income:total" not in got  # no budgeted income recorded: no line
    with pytest.raises(ValidationFailed) as caught:
        services.manager_line_record(section="income", item="物业费", amount_yuan="1", **{**line, "document_ref": ""})
    assert caught.value.field == "document_ref"
    with pytest.raises(ValidationFailed) as caught:
        services.manager_line_record(section="bonus", item="x", amount_yuan="1", **line)
    assert caught.value.field == "section"
    assert ManagerLine.objects.count() == 5


def test_the_pages_record_and_refuse(client, world, staff_a, staff_b, volunteer_a):
    url = reverse("stewardship:common_income", args=[world.compound_a.pk])
    body = {"source": "venue", "received_on": "2025-05-01", "gross_yuan": "600", "document_ref": "R-9"}
    client.force_login(staff_a)
    assert client.post(url, body).status_code == 302
    page = client.get(reverse("stewardship:disclosures", args=[world.compound_a.pk])).content.decode()
    assert "场地出租" in page and "R-9" in page and "第二百八十二条" in page
    r = client.post(url, {**body, "document_ref": ""}, follow=True)
    assert "没有凭证的账目不能登记" in r.content.decode() and CommonIncome.objects.count() == 1
    client.force_login(staff_b)
    assert client.post(url, body).status_code == 404
    client.force_login(volunteer_a)
    assert client.post(url, body).status_code == 403
    assert client.post(reverse("stewardship:manager_line", args=[world.compound_a.pk]),
                       {"year": "2025", "section": "income", "item": "x", "amount_yuan": "1",
                        "document_ref": "y"}).status_code == 403
    assert CommonIncome.objects.count() == 1 and not ManagerLine.objects.exists()
