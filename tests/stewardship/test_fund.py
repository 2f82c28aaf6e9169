"""The maintenance fund through its services: ledgers, entries, reversals, the 30% line, use cases."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from anju.consultations import services as consultation_services
from anju.core.errors import Conflict, ValidationFailed
from anju.core.models import AuditEvent
from anju.roster import services as roster_services
from anju.stewardship import queries, queries_fund
from anju.stewardship.models import RuleSetVersion
from anju.stewardship.models_fund import AppendOnly, FundCase, FundEntry, FundShare
from anju.stewardship.services import fund as services
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def homes(world):
    """Building 3 of 甲小区: unit 1 has 501 (72.50 ㎡) and gets 101, 201; unit 2 gets 101 and 201."""
    u1, u2 = world.building_a.units.get(number="1"), world.building_a.units.get(number="2")
    made = [world.household_a]
    for unit, floor, room, area in ((u1, 1, "101", "60.00"), (u1, 2, "201", "90.00"), (u2, 1, "101", "60.00"),
                                    (u2, 2, "201", "90.00")):
        made.append(roster_services.household_create(unit=unit, floor=floor, room=room, exclusive_area=area, actor=SYSTEM))
    return made


@pytest.fixture
def account(world, homes):
    return services.fund_open(compound=world.compound_a, opened_on=D(2021, 3, 1), bank="建设银行十堰分行", actor=SYSTEM)


@pytest.fixture
def ledger(account):
    return account.ledgers.get()


def credit(ledger, kind="opening", amount="100000.00", ref="YH-2021-001", **kw):
    return services.entry_book(ledger=ledger, kind=kind, amount_yuan=amount, booked_on=kw.pop("on", D(2021, 3, 2)),
                               document_kind=kw.pop("doc", "bank_slip"), document_ref=ref, actor=SYSTEM, **kw)


def test_an_account_has_one_ledger_per_building_and_opens_once(world, account):
    assert [ledger.label for ledger in account.ledgers.all()] == ["3栋"]
    with pytest.raises(Conflict):
        services.fund_open(compound=world.compound_a, opened_on=D(2021, 3, 1), actor=SYSTEM)
    assert AuditEvent.objects.filter(action="fund_open").count() == 1


def test_every_entry_needs_its_document_and_nothing_is_saved_without(ledger):
    with pytest.raises(ValidationFailed) as error:
        credit(ledger, ref="  ")
    assert error.value.field == "document_ref" and "凭证" in error.value.zh
    with pytest.raises(ValidationFailed) as error:
        credit(ledger, doc="napkin")
    assert error.value.field == "document_kind"
    with pytest.raises(ValidationFailed) as error:
        credit(ledger, amount="12.345")
    assert error.value.field == "amount"
    with pytest.raises(ValidationFailed) as error:
        credit(ledger, kind="draw")
    assert error.value.field == "kind"
    assert not FundEntry.objects.exists()


def test_entries_are_never_edited_only_reversed(ledger):
    entry = credit(ledger, amount="1000.00")
    entry.amount_fen = 1
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    reversal = services.entry_reverse(entry=FundEntry.objects.get(pk=entry.pk), booked_on=D(2021, 3, 3),
                                      document_kind="bank_slip", document_ref="YH-2021-002", reason="重复入账",
                                      actor=SYSTEM)
    assert reversal.reverses_id == entry.pk and queries_fund.fund_line(ledger).balance == 0
    with pytest.raises(ValidationFailed) as error:
        services.entry_reverse(entry=FundEntry.objects.get(pk=entry.pk), booked_on=D(2021, 3, 3),
                               document_kind="bank_slip", document_ref="YH-2021-003", reason="再冲", actor=SYSTEM)
    assert "已被冲正" in error.value.zh
    assert FundEntry.objects.get(pk=entry.pk).amount_fen == 100_000  # the entry itself is as it was


def test_contributions_split_by_area_to_the_fen(ledger, homes):
    # 10,000.01 元 over 72.50 + 60 + 90 + 60 + 90 = 372.50 ㎡; the shares add up to the fen.
    entries = services.contributions_book(ledger=ledger, kind="opening", total_yuan="10000.01", booked_on=D(2021, 3, 2),
                                          document_kind="bank_slip", document_ref="YH-2021-010", actor=SYSTEM)
    assert len(entries) == 5 and sum(e.amount_fen for e in entries) == 1_000_001
    by_home = {h.pk: fen for h, fen in queries_fund.contributions(ledger.account)}
    # 60 ㎡ of 372.50 ㎡ × 1,000,001 fen = 161,074.1…: 161,074 fen.
    assert by_home[homes[1].pk] == 161_074
    assert queries_fund.fund_line(ledger).first == 1_000_001


def ordinary_case(world, **kw):
    values = {"compound": world.compound_a, "title": "3栋屋面防水", "location": "3栋屋面", "estimate_yuan": "30000.00",
              "proposed_on": D(2026, 3, 2), "building": world.building_a, "actor": SYSTEM} | kw
    return services.case_open(**values)


def test_a_case_shares_its_estimate_by_area_summing_to_the_total(world, ledger, homes):
    credit(ledger)
    case = ordinary_case(world, estimate_yuan="1000.00")
    shares = {s.household_id: s.amount_fen for s in case.shares.all()}
    assert sum(shares.values()) == 100_000 and len(shares) == 5
    # 72.50 / 372.50 × 1,000.00 = 194.63 (rounded by the largest remainder, to the fen).
    assert abs(shares[homes[0].pk] - 19_463) <= 1
    unit_case = ordinary_case(world, unit=world.building_a.units.get(number="2"), estimate_yuan="150.00")
    assert {s.household_id: s.amount_fen for s in unit_case.shares.all()} == {homes[3].pk: 6_000, homes[4].pk: 9_000}


def test_a_case_needs_an_account_and_nothing_is_saved(world, homes):
    with pytest.raises(ValidationFailed) as error:
        ordinary_case(world)
    assert "尚未建立" in error.value.zh
    assert not FundCase.objects.exists() and not FundShare.objects.exists()


def vote(case, yes_homes, no_homes=()):
    case = services.case_vote_open(case=case, closes_at=None, actor=SYSTEM)
    c = case.consultation
    q = str(c.questions.get().pk)
    for home in yes_homes:
        consultation_services.paper_ballot_cast(consultation=c, household=home, answers={q: "yes"}, channel="paper",
                                                actor=SYSTEM)
    for home in no_homes:
        consultation_services.paper_ballot_cast(consultation=c, household=home, answers={q: "no"}, channel="paper",
                                                actor=SYSTEM)
    consultation_services.consultation_close(consultation=c, actor=SYSTEM)
    return FundCase.objects.get(pk=case.pk)


def test_ordinary_use_from_proposal_to_publication(world, ledger, homes):
    credit(ledger, amount="100000.00")
    case = ordinary_case(world)
    # The vote is of exactly the households that pay: building 3's five flats.
    case = vote(case, homes[:4], homes[4:])
    assert set(case.consultation.electors.values_list("household_id", flat=True)) == {h.pk for h in homes}
    assert case.consultation.questions.get().rule == {"rule": "civil-code-278-ordinary"}
    with pytest.raises(Conflict):  # pay before the approvals
        services.case_pay(case=case, amount_yuan="100.00", paid_on=D(2026, 3, 20), document_kind="invoice",
                          document_ref="FP-1", actor=SYSTEM)
    services.case_approve(case=case, by="committee", on=D(2026, 3, 10), actor=SYSTEM)
    services.case_approve(case=case, by="subdistrict", on=D(2026, 3, 12), actor=SYSTEM)
    # Two instalments, each a draw; a third above the estimate is refused.
    services.case_pay(case=case, amount_yuan="20000.00", paid_on=D(2026, 3, 20), document_kind="invoice",
                      document_ref="FP-001", actor=SYSTEM)
    services.case_pay(case=case, amount_yuan="9000.00", paid_on=D(2026, 4, 20), document_kind="invoice",
                      document_ref="FP-002", actor=SYSTEM)
    with pytest.raises(ValidationFailed) as error:
        services.case_pay(case=case, amount_yuan="1000.01", paid_on=D(2026, 4, 21), document_kind="invoice",
                          document_ref="FP-003", actor=SYSTEM)
    assert "超过批准的预算" in error.value.zh and error.value.field == "amount"
    assert queries_fund.case_paid(case) == 2_900_000 and queries_fund.case_instalments(case) == 2
    assert queries_fund.fund_line(ledger).balance == 7_100_000
    with pytest.raises(Conflict):
        services.case_publish(case=case, on=D(2026, 5, 1), actor=SYSTEM)
    services.case_accept(case=case, on=D(2026, 4, 25), note="业主代表、物业、施工方共同验收合格，照片 6 张", actor=SYSTEM)
    case = services.case_publish(case=case, on=D(2026, 5, 1), actor=SYSTEM)
    assert case.published_on == D(2026, 5, 1)
    view = queries_fund.case_view(case, queries.rules_for(world.subdistrict.pk), D(2026, 5, 2))
    assert view.vote is not None and view.vote.passed and all(s.done_on for s in view.steps)


def test_a_failed_vote_blocks_approval(world, ledger, homes):
    credit(ledger)
    case = vote(ordinary_case(world), homes[:2], homes[2:])  # 2 of 5 agree: not more than half
    with pytest.raises(Conflict) as error:
        services.case_approve(case=case, by="committee", on=D(2026, 3, 10), actor=SYSTEM)
    assert "未通过" in error.value.zh


def test_a_vote_of_other_households_than_those_who_pay_is_refused(world, ledger, homes):
    credit(ledger)
    case = vote(ordinary_case(world), homes)
    FundShare.objects.filter(case=case, household=homes[4]).delete()  # the shares no longer match the electorate
    with pytest.raises(ValidationFailed) as error:
        services.case_approve(case=case, by="committee", on=D(2026, 3, 10), actor=SYSTEM)
    assert error.value.field == "consultation" and "多出 1 户" in error.value.zh


def test_a_draw_above_the_balance_is_refused_and_the_30_percent_line_is_watched(world, ledger, homes):
    credit(ledger, amount="10000.00")
    case = vote(ordinary_case(world, estimate_yuan="20000.00"), homes)
    services.case_approve(case=case, by="committee", on=D(2026, 3, 10), actor=SYSTEM)
    services.case_approve(case=case, by="subdistrict", on=D(2026, 3, 11), actor=SYSTEM)
    with pytest.raises(ValidationFailed) as error:
        services.case_pay(case=case, amount_yuan="10000.01", paid_on=D(2026, 3, 20), document_kind="invoice",
                          document_ref="FP-9", actor=SYSTEM)
    assert "不足" in error.value.zh and not FundEntry.objects.filter(kind="draw").exists()
    services.case_pay(case=case, amount_yuan="7000.01", paid_on=D(2026, 3, 20), document_kind="invoice",
                      document_ref="FP-10", actor=SYSTEM)
    line = queries_fund.fund_line(ledger)
    assert line.balance == 299_999 and line.below  # 2,999.99 < 30% of 10,000.00
    assert AuditEvent.objects.filter(action="fund_case_pay").last().after["below_line"] == ["3栋"]


def test_a_unit_with_its_own_ledger_pays_from_it(world, account, homes):
    unit = world.building_a.units.get(number="2")
    own = services.unit_ledger_open(account=account, unit=unit, actor=SYSTEM)
    building = account.ledgers.get(unit__isnull=True)
    assert {h.pk for h in queries_fund.ledger_households(own)} == {homes[3].pk, homes[4].pk}
    assert homes[3].pk not in {h.pk for h in queries_fund.ledger_households(building)}
    credit(own, amount="5000.00")
    credit(building, amount="5000.00", ref="YH-2")
    case = services.emergency_report(compound=world.compound_a, category="elevator_stop", evidence_ref="特检院停字 2026-17",
                                     title="2单元电梯曳引机更换", location="3栋2单元电梯", estimate_yuan="3000.00",
                                     reported_on=D(2026, 3, 2), unit=unit, actor=SYSTEM)
    services.case_approve(case=case, by="committee", on=D(2026, 3, 3), actor=SYSTEM)
    services.case_pay(case=case, amount_yuan="3000.00", paid_on=D(2026, 3, 5), document_kind="invoice",
                      document_ref="FP-E1", actor=SYSTEM)
    assert queries_fund.fund_line(own).balance == 200_000 and queries_fund.fund_line(building).balance == 500_000


def test_emergency_needs_its_evidence_no_vote_and_escalates_after_7_days_in_shanghai(world, ledger, homes):
    RuleSetVersion.objects.create(subdistrict=world.subdistrict, base="shanghai", version=1)
    credit(ledger)
    with pytest.raises(ValidationFailed) as error:
        services.emergency_report(compound=world.compound_a, category="burst_main", evidence_ref="", title="主管爆裂",
                                  location="3栋地下室", estimate_yuan="8000.00", reported_on=D(2026, 3, 2),
                                  building=world.building_a, actor=SYSTEM)
    assert "现场查勘记录" in error.value.zh and not FundCase.objects.exists()
    case = services.emergency_report(compound=world.compound_a, category="burst_main", evidence_ref="物业查勘 2026-031",
                                     title="供水主管爆裂抢修", location="3栋地下室", estimate_yuan="8000.00",
                                     reported_on=D(2026, 3, 2), building=world.building_a, actor=SYSTEM)
    with pytest.raises(Conflict):
        services.case_vote_open(case=case, closes_at=None, actor=SYSTEM)
    with pytest.raises(ValidationFailed) as error:  # day 7 is 03-09: not yet
        services.emergency_escalate(case=case, on=D(2026, 3, 9), actor=SYSTEM)
    assert "2026年3月9日" in error.value.zh and "第七十三条" in error.value.zh
    services.emergency_escalate(case=case, on=D(2026, 3, 10), actor=SYSTEM)
    services.case_pay(case=case, amount_yuan="8000.00", paid_on=D(2026, 3, 12), document_kind="invoice",
                      document_ref="FP-E2", actor=SYSTEM)
    services.case_accept(case=case, on=D(2026, 3, 13), note="抢修完成，恢复供水", actor=SYSTEM)
    case = services.case_publish(case=case, on=D(2026, 3, 14), actor=SYSTEM)
    view = queries_fund.case_view(case, queries.rules_for(world.subdistrict.pk), D(2026, 3, 14))
    assert view.emergency.key == "burst_main" and view.paid == 800_000 and view.vote is None


def test_fund_view_totals_and_balances_are_exact(world, ledger, homes):
    credit(ledger, amount="1234.56")
    credit(ledger, kind="interest", amount="0.01", ref="LX-1")
    credit(ledger, kind="common_income", amount="500.00", ref="GS-1", doc="decision")
    view = queries_fund.fund_view(ledger.account, queries.rules_for(world.subdistrict.pk))
    assert view.balance == 173_457 and view.first == 123_456
    assert view.rows[0].households == 5 and view.rows[0].area == Decimal("372.50")


def test_a_repair_of_the_whole_compound_draws_from_each_building_by_its_share(world, homes):
    other = roster_services.building_create(compound=world.compound_a, number="4", storeys=6, units=1,
                                            gross_area=Decimal("1000"), actor=SYSTEM)
    roster_services.household_create(unit=other.units.get(), floor=1, room="101", exclusive_area="127.50", actor=SYSTEM)
    account = services.fund_open(compound=world.compound_a, opened_on=D(2021, 3, 1), actor=SYSTEM)
    three, four = account.ledgers.order_by("building__number")
    credit(three, amount="5000.00")
    credit(four, amount="5000.00", ref="YH-4")
    case = vote(ordinary_case(world, building=None, title="小区雨水管网疏通", location="全小区", estimate_yuan="1000.01"),
                [*homes, world.compound_a.households.get(unit__building=other)])
    assert case.consultation.scope_label == "甲小区" and case.consultation.electors.count() == 6
    services.case_approve(case=case, by="committee", on=D(2026, 3, 10), actor=SYSTEM)
    services.case_approve(case=case, by="subdistrict", on=D(2026, 3, 10), actor=SYSTEM)
    entries = services.case_pay(case=case, amount_yuan="1000.01", paid_on=D(2026, 3, 20), document_kind="invoice",
                                document_ref="FP-W", actor=SYSTEM)
    # Each ledger pays what its households' shares add up to. Quotas of 100,001 fen over 500 ㎡: 14,500.145 (72.50 ㎡),
    # 12,000.12 (60 ㎡) ×2, 18,000.18 (90 ㎡) ×2 in building 3 and 25,500.255 (127.50 ㎡) in building 4; the one fen
    # left after rounding down goes to the largest remainder, .255: building 3 pays 745.00, building 4 255.01.
    assert {e.ledger.label: e.amount_fen for e in entries} == {"3栋": 74_500, "4栋": 25_501}
    by_building = {s.household.unit.building.number: 0 for s in case.shares.select_related("household__unit__building")}
    for s in case.shares.select_related("household__unit__building"):
        by_building[s.household.unit.building.number] += s.amount_fen
    assert by_building == {"3": 74_500, "4": 25_501}
    assert sum(e.amount_fen for e in entries) == 100_001
