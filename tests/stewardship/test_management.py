"""Who manages each compound, its contracts, and the coverage the sub-district drives."""

from __future__ import annotations

import datetime

import pytest

from anju.core.errors import Conflict, ValidationFailed
from anju.core.models import AuditEvent
from anju.core.scoping import scope_of
from anju.stewardship import queries, services
from anju.stewardship.models import Management, Mode
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
D = datetime.date
CODE = "91350100M0001TGQX1"


@pytest.fixture
def company(world):
    return services.company_create(subdistrict=world.subdistrict, name="安心物业服务有限公司", credit_code=CODE,
                                   contact="李经理", phone="0571-88886666", actor=SYSTEM)


def contract(world, company, **kw):
    values = {"compound": world.compound_a, "company": company, "signed_on": D(2026, 1, 5), "starts_on": D(2026, 2, 1),
              "ends_on": D(2029, 1, 31), "fee_yuan": "0.85", "actor": SYSTEM} | kw
    return services.contract_create(**values)


def test_a_company_is_listed_once_with_a_checked_credit_code(world, company):
    assert company.credit_code == CODE
    with pytest.raises(ValidationFailed) as error:
        services.company_create(subdistrict=world.subdistrict, name="另一家", credit_code=CODE.lower(), actor=SYSTEM)
    assert error.value.field == "credit_code" and "已登记" in error.value.zh
    with pytest.raises(ValidationFailed) as error:
        services.company_create(subdistrict=world.subdistrict, name="错码物业", credit_code="91350100M0001TGQXM",
                                actor=SYSTEM)
    assert "校验位" in error.value.zh


def test_a_new_management_closes_the_one_before_the_day_before(world, company):
    first = services.management_set(compound=world.compound_a, mode=Mode.PUBLIC, company=company, since=D(2020, 6, 1),
                                    actor=SYSTEM)
    second = services.management_set(compound=world.compound_a, mode=Mode.SELF, company=None, since=D(2023, 1, 1),
                                     actor=SYSTEM)
    first.refresh_from_db()
    assert first.until == D(2022, 12, 31) and second.until is None
    assert AuditEvent.objects.filter(action="management_set").count() == 2
    with pytest.raises(ValidationFailed) as error:
        services.management_set(compound=world.compound_a, mode=Mode.NONE, company=None, since=D(2022, 1, 1),
                                actor=SYSTEM)
    assert error.value.field == "since"
    assert Management.objects.filter(compound=world.compound_a).count() == 2  # nothing saved


@pytest.mark.parametrize(("mode", "with_company", "field"), [
    (Mode.MARKET, False, "company"), (Mode.EMERGENCY, False, "company"), (Mode.SELF, True, "company"),
    ("palace", False, "mode"),
])
def test_the_mode_and_the_company_must_agree(world, company, mode, with_company, field):
    with pytest.raises(ValidationFailed) as error:
        services.management_set(compound=world.compound_a, mode=mode, company=company if with_company else None,
                                since=D(2024, 1, 1), actor=SYSTEM)
    assert error.value.field == field
    assert not Management.objects.exists()


def test_an_emergency_manager_serves_at_most_six_months_where_the_rules_say_so(world, company, subdistrict_staff):
    services.rules_choose(subdistrict=world.subdistrict, base="beijing", changes={}, reason="本街道在北京市",
                          actor=SYSTEM)
    m = services.management_set(compound=world.compound_a, mode=Mode.EMERGENCY, company=company, since=D(2026, 3, 31),
                                actor=SYSTEM)
    assert services.emergency_ends(m) == D(2026, 9, 30)  # 北京市物业管理条例 art. 77


def test_overlapping_contracts_for_one_compound_are_refused_naming_the_other(world, company):
    contract(world, company)
    with pytest.raises(ValidationFailed) as error:
        contract(world, company, starts_on=D(2028, 1, 1), ends_on=D(2030, 12, 31))
    assert error.value.field == "starts_on" and "服务期重叠" in error.value.zh and "安心物业服务有限公司" in error.value.zh
    contract(world, company, signed_on=D(2026, 1, 6), starts_on=D(2029, 2, 1), ends_on=None)  # follows on: fine
    with pytest.raises(ValidationFailed):
        contract(world, company, signed_on=D(2026, 1, 7), starts_on=D(2035, 1, 1), ends_on=D(2036, 1, 1))  # open-ended runs on
    contract(world, company, compound=world.compound_b, starts_on=D(2028, 1, 1), ends_on=D(2030, 12, 31))  # other compound


@pytest.mark.parametrize(("kw", "field"), [
    ({"fee_yuan": "0"}, "fee"), ({"fee_yuan": "1020"}, "fee"), ({"fee_yuan": "0.855"}, "fee"), ({"fee_yuan": "abc"}, "fee"),
    ({"ends_on": D(2026, 1, 31)}, "ends_on"), ({"signed_on": D(2099, 1, 1)}, "signed_on"),
    ({"notice_days": 400}, "notice_days"),
])
def test_bad_contract_input_names_its_field_and_saves_nothing(world, company, kw, field):
    with pytest.raises(ValidationFailed) as error:
        contract(world, company, **kw)
    assert error.value.field == field
    assert not world.compound_a.contracts.exists()


def test_a_filing_after_its_deadline_needs_the_reason(world, company):
    services.rules_choose(subdistrict=world.subdistrict, base="beijing", changes={}, reason="北京", actor=SYSTEM)
    c = contract(world, company, signed_on=D(2026, 3, 2))  # 北京 art. 63: 15 days → 2026-03-17
    with pytest.raises(ValidationFailed) as error:
        services.contract_file(contract=c, filed_on=D(2026, 3, 20), actor=SYSTEM)
    assert error.value.field == "late_reason" and "2026年3月17日" in error.value.zh and "第六十三条" in error.value.zh
    c.refresh_from_db()
    assert c.filed_on is None
    services.contract_file(contract=c, filed_on=D(2026, 3, 20), late_reason="企业材料不全", actor=SYSTEM)
    assert c.filed_on == D(2026, 3, 20)
    with pytest.raises(Conflict):
        services.contract_file(contract=c, filed_on=D(2026, 3, 21), actor=SYSTEM)


def test_dismissing_a_manager_needs_60_days_written_notice(world, company):
    c = contract(world, company)
    with pytest.raises(ValidationFailed) as error:
        services.contract_terminate(contract=c, on=D(2027, 3, 1), notified_on=D(2027, 1, 15), actor=SYSTEM)
    assert "60 日" in error.value.zh and "第九百四十六条" in error.value.zh and error.value.field == "notified_on"
    services.contract_terminate(contract=c, on=D(2027, 3, 1), notified_on=D(2026, 12, 31), actor=SYSTEM)
    assert c.terminated_on == D(2027, 3, 1) and c.last_day == D(2027, 3, 1)
    services.handover_tick(contract=c, item="records", done=True, actor=SYSTEM)
    assert c.handover["records"] is True and c.handover["premises"] is False


def test_a_contract_may_agree_its_own_notice(world, company):
    c = contract(world, company, notice_days=30)
    services.contract_terminate(contract=c, on=D(2027, 3, 1), notified_on=D(2027, 1, 30), actor=SYSTEM)


def test_coverage_counts_compounds_households_and_area_under_management(world, company, subdistrict_staff):
    scope = scope_of(subdistrict_staff)
    total, rows = queries.coverage(scope)
    assert (total.compounds, total.managed_compounds, total.households, total.managed_households) == (2, 0, 2, 0)
    services.management_set(compound=world.compound_a, mode=Mode.MARKET, company=company, since=D(2021, 1, 1),
                            actor=SYSTEM)
    services.management_set(compound=world.compound_b, mode=Mode.NONE, company=None, since=D(2021, 1, 1), actor=SYSTEM)
    total, rows = queries.coverage(scope)
    assert (total.managed_compounds, total.managed_households, str(total.managed_area)) == (1, 1, "72.50")
    assert [(name, r.managed_compounds) for _, name, r in rows] == [("乙社区", 0), ("甲社区", 1)]  # by name
    assert [r.compound.pk for r in queries.unmanaged(scope)] == [world.compound_b.pk]


def test_the_work_lists_show_contracts_ending_and_unfiled(world, company, subdistrict_staff):
    scope = scope_of(subdistrict_staff)
    c = contract(world, company, signed_on=D(2026, 1, 5), starts_on=D(2026, 2, 1), ends_on=D(2027, 1, 31))
    assert list(queries.contracts_ending(scope, D(2026, 11, 5))) == [c]
    assert list(queries.contracts_ending(scope, D(2026, 10, 1))) == []
    national = queries.rules_for(world.subdistrict.pk)
    assert [u.due for u in queries.unfiled_contracts(scope, national, D(2026, 3, 1))] == [None]  # no national deadline
    services.rules_choose(subdistrict=world.subdistrict, base="shanghai", changes={}, reason="上海", actor=SYSTEM)
    shanghai = queries.rules_for(world.subdistrict.pk)
    row = queries.unfiled_contracts(scope, shanghai, D(2026, 3, 1))[0]
    assert row.due.deadline == D(2026, 2, 4) and row.due.state == "overdue"  # 上海 art. 44: 30 days


def test_a_volunteer_sees_only_their_compound(world, company, volunteer_a):
    services.management_set(compound=world.compound_b, mode=Mode.NONE, company=None, since=D(2021, 1, 1), actor=SYSTEM)
    total, _ = queries.coverage(scope_of(volunteer_a))
    assert total.compounds == 1
