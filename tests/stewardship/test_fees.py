"""物业费 through the services: the standard, a month's bills, payments by staff and by file, rates, letters."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest
from django.db.models import Sum

from anju.core.errors import Conflict, ValidationFailed
from anju.core.models import AuditEvent
from anju.domain.stewardship.fees import Period
from anju.roster import services as roster
from anju.roster.models import Occupancy
from anju.stewardship import queries_fees as q
from anju.stewardship.models_fees import Allocation, Bill, DemandLetter, FeePayment
from anju.stewardship.services import fees as services
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 6, 20)


@pytest.fixture
def homes(world):
    """甲小区: 501 (72.50 ㎡, 王秀兰) and three more in 3栋1单元, one of them vacant."""
    unit = world.household_a.unit
    extra = [roster.household_create(unit=unit, floor=f, room=f"{f}01", exclusive_area=a, actor=SYSTEM)
             for f, a in ((1, "60.00"), (2, "80.25"), (3, "100.00"))]
    extra[2].occupancy = Occupancy.VACANT
    extra[2].save()
    services.standard_set(compound=world.compound_a, since=D(2025, 1, 1), rate_yuan="0.80", actor=SYSTEM)
    return [world.household_a, *extra]


def bill(world, y, m):
    return services.bill_month(compound=world.compound_a, period=Period(y, m), actor=SYSTEM, today=TODAY)


def pay(household, day, yuan, receipt):
    return services.payment_record(household=household, paid_on=day, amount_yuan=yuan, receipt=receipt, actor=SYSTEM,
                                   today=TODAY)


def test_a_month_is_billed_once_to_the_fen(world, homes):
    run = bill(world, 2025, 1)
    # 72.50×0.80=58.00, 60×0.80=48.00, 80.25×0.80=64.20, vacant 100×0.80=80.00 (民法典 944: full fee)
    assert run.bills == 4 and run.total_fen == 5800 + 4800 + 6420 + 8000 and run.vacant == 1
    assert Bill.objects.get(household=homes[3]).amount_fen == 8000
    with pytest.raises(ValidationFailed) as error:
        bill(world, 2025, 1)
    assert "已出账" in error.value.zh and error.value.field == "period"
    assert Bill.objects.count() == 4
    with pytest.raises(ValidationFailed, match="尚未开始"):
        bill(world, 2025, 7)
    with pytest.raises(ValidationFailed, match="没有适用的物业费标准"):
        services.bill_month(compound=world.compound_b, period=Period(2025, 1), actor=SYSTEM, today=TODAY)
    assert AuditEvent.objects.filter(action="fee_bill_month").count() == 1


def test_a_contract_share_for_vacant_homes_is_used(world, homes):
    services.standard_set(compound=world.compound_a, since=D(2025, 2, 1), rate_yuan="0.80", vacant_percent=50,
                          actor=SYSTEM)
    bill(world, 2025, 2)
    assert Bill.objects.get(household=homes[3]).amount_fen == 4000
    with pytest.raises(ValidationFailed, match="已出账"):
        services.standard_set(compound=world.compound_a, since=D(2025, 2, 15), rate_yuan="1.00", actor=SYSTEM)


def test_payments_settle_the_oldest_bill_first_and_prepayment_waits_for_the_next_bill(world, homes):
    bill(world, 2025, 1)
    bill(world, 2025, 2)
    payment = pay(homes[0], D(2025, 2, 10), "100.00", "R-001")  # 58.00 Jan + 42.00 of Feb
    jan, feb = Bill.objects.filter(household=homes[0]).order_by("period")
    assert (jan.paid_fen, feb.paid_fen, payment.credit_fen) == (5800, 4200, 0)
    assert jan.settled_on == D(2025, 2, 10) and feb.settled_on is None
    ahead = pay(homes[1], D(2025, 2, 20), "200.00", "R-002")  # 48 + 48, 104.00 left as credit
    assert ahead.credit_fen == 10400
    bill(world, 2025, 3)
    ahead.refresh_from_db()
    assert ahead.credit_fen == 10400 - 4800
    march = Bill.objects.get(household=homes[1], period=D(2025, 3, 1))
    assert march.paid_fen == 4800 and march.settled_on == D(2025, 3, 1)
    # Every bill's paid equals its allocations; every payment's money is allocated or credit.
    for b in Bill.objects.all():
        assert b.paid_fen == (b.allocations.aggregate(s=Sum("amount_fen"))["s"] or 0)
    for p in FeePayment.objects.all():
        assert p.amount_fen == (p.allocations.aggregate(s=Sum("amount_fen"))["s"] or 0) + p.credit_fen


def test_a_receipt_is_recorded_once(world, homes):
    bill(world, 2025, 1)
    pay(homes[0], D(2025, 1, 5), "58.00", "R-9")
    with pytest.raises(Conflict) as error:
        pay(homes[1], D(2025, 1, 6), "48.00", "R-9")
    assert "已于" in error.value.zh and "不能重复登记" in error.value.zh
    for bad, field in ((("0", "R-10"), "amount"), (("1.234", "R-10"), "amount"), (("10", " "), "receipt")):
        with pytest.raises(ValidationFailed) as e:
            pay(homes[1], D(2025, 1, 6), *bad)
        assert e.value.field == field
    with pytest.raises(ValidationFailed, match="不能晚于今天"):
        pay(homes[1], D(2025, 7, 1), "10", "R-11")
    assert FeePayment.objects.count() == 1


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_an_import_with_problems_is_refused_whole_naming_every_row(world, homes):
    bill(world, 2025, 1)
    pay(homes[0], D(2025, 1, 5), "58.00", "OLD-1")
    rows = [["房号", "金额（元）", "缴费日期", "收据号", "缴费方式"],
            ["3栋1单元101", "48.00", "2025-01-08", "A-1", "微信"],
            ["3栋1单元909", "10.00", "2025-01-08", "A-2", ""],
            ["3栋1单元201", "六十", "2025-01-08", "A-3", ""],
            ["3栋1单元201", "64.20", "2025/13/01", "A-4", ""],
            ["3栋1单元301", "80.00", "2025-01-09", "A-1", ""],
            ["3栋1单元301", "80.00", "2025-01-09", "OLD-1", ""],
            ["101", "1", "2025-01-09", "A-7", ""]]
    result = services.payments_import(compound=world.compound_a, source=_xlsx(rows), actor=SYSTEM, today=TODAY)
    assert not result.applied and FeePayment.objects.count() == 1
    said = [(p.row, p.column) for p in result.problems]
    assert said == [(3, "房号"), (4, "金额（元）"), (5, "缴费日期"), (6, "收据号"), (7, "收据号"), (8, "房号")]
    assert "没有 3栋1单元909" in result.problems[0].zh and "第 6 行" in result.problems[3].zh
    assert "与第 2 行的收据号重复" in result.problems[3].zh and "已经登记过" in result.problems[4].zh


def test_a_clean_csv_import_is_taken_whole_and_moves_the_rate(world, homes):
    bill(world, 2025, 1)
    before = q.current_rates(q.bills_in(_scope(world)), Period(2025, 1))
    assert before.by_amount == 0
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerows([["房号", "金额（元）", "缴费日期", "收据号"], ["3栋1单元501", "58.00", "2025-01-08", "B-1"],
                      ["3栋1单元101", "48", "2025/1/20", "B-2"], ["3栋1单元201", "64.20", "2025-02-03", "B-3"]])
    source = io.BytesIO(text.getvalue().encode("utf-8-sig"))
    result = services.payments_import(compound=world.compound_a, source=source, actor=SYSTEM, label="一月.csv",
                                      today=TODAY)
    assert result.applied and result.rows == 3 and result.total_fen == 5800 + 4800 + 6420
    after = q.current_rates(q.bills_in(_scope(world)), Period(2025, 1))
    # By the end of January two of four homes had paid: 106.00 of 250.20 元; 201 paid in February.
    assert after.by_amount == Fraction(10600, 25020) and after.by_household == Fraction(1, 2)
    assert AuditEvent.objects.filter(action="fee_payment").count() == 3
    assert AuditEvent.objects.filter(action="fee_payments_import").get().after["payments"] == 3


def _scope(world):
    from anju.core.scoping import Scope

    return Scope(everything=False, subdistrict_id=world.subdistrict.pk, can_edit=True, sees_personal_data=True)


def test_arrears_by_age_letters_and_the_list_for_court(world, homes):
    for m in range(1, 7):
        bill(world, 2025, m)
    pay(homes[0], D(2025, 6, 1), "348.00", "C-1")  # 501 pays Jan–Jun in full
    pay(homes[1], D(2025, 3, 1), "96.00", "C-2")  # 101 pays Jan–Feb
    totals, debtors = q.arrears(world.compound_a, TODAY)
    by_room = {d.household.room_code: d for d in debtors}
    assert "3栋1单元501" not in by_room
    assert by_room["3栋1单元101"].months == 3 and by_room["3栋1单元101"].owed_fen == 3 * 4800
    assert by_room["3栋1单元201"].buckets == {"m0_3": 3 * 6420, "m3_6": 2 * 6420, "m6_12": 0, "m12": 0}
    assert sum(totals.values()) == sum(d.owed_fen for d in debtors)
    with pytest.raises(ValidationFailed, match="没有欠费"):
        services.letters_issue(compound=world.compound_a, household_ids=[homes[0].pk], issued_on=D(2025, 6, 2),
                               actor=SYSTEM)
    letters = services.letters_issue(compound=world.compound_a, min_months=4, issued_on=D(2025, 6, 2), actor=SYSTEM)
    assert [x.household_id for x in letters] == [homes[2].pk, homes[3].pk]
    assert letters[0].pay_by == D(2025, 7, 2) and letters[0].owed_fen == 5 * 6420 and letters[0].months == 5
    assert q.legal_list(world.compound_a, D(2025, 7, 2)) == []  # the period has not passed
    pay(homes[2], D(2025, 6, 10), str(Decimal(5 * 6420) / 100), "C-3")
    cases = q.legal_list(world.compound_a, D(2025, 7, 3))
    assert [c.letter.household_id for c in cases] == [homes[3].pk] and cases[0].still_owed_fen == 5 * 8000
    assert DemandLetter.objects.count() == 2 and Allocation.objects.exists()
