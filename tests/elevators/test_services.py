"""Projects and versioned cost plans: shares add up to the net, exempt households pay 0, versions stay."""

from __future__ import annotations

import pytest

from anju.core.errors import ValidationFailed
from anju.core.models import AuditEvent
from anju.core.scoping import scope_of
from anju.domain.costshare import allocate_quote, quote_from_json
from anju.elevators import queries, services
from anju.elevators.models import CostPlan, ElevatorProject
from tests.elevators.conftest import FEN, make_project
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def test_a_project_has_a_row_per_household_of_the_unit_and_1f_starts_exempt(project_a):
    rows = queries.project_rows(project_a)
    assert len(rows) == 12
    assert {r.household.room for r in rows if r.exempt} == {"101", "102"}
    assert queries.gross_of(project_a) == 645_000 * FEN


def test_one_active_project_per_unit(project_a, unit_a):
    with pytest.raises(ValidationFailed) as caught:
        make_project(unit_a)
    assert caught.value.field == "unit"


def test_every_method_adds_up_to_the_net_and_exempt_households_pay_nothing(project_a):
    comparison = queries.compare(project_a, queries.Scenario())
    assert comparison.net == (645_000 - 200_000) * FEN
    assert not comparison.errors
    for result, total in zip(comparison.results, comparison.totals(), strict=True):
        assert result.allocation is not None, result.error
        assert total == comparison.net, result.column.key
        assert all(s.amount == 0 for s in result.allocation.shares if s.floor == 1), result.column.key
    keys = [r.column.key for r in comparison.results]
    assert {"table:guangzhou-2025", "table:hangzhou-6", "area", "shapley", "nucleolus"} <= set(keys)


def test_a_scenario_changes_subsidy_and_exemptions_without_touching_the_project(project_a, unit_a):
    room_201 = unit_a.households.get(room="201")
    scenario = queries.Scenario(subsidy=300_000 * FEN, exempt=frozenset({room_201.pk}), weight_by_area=True)
    comparison = queries.compare(project_a, scenario)
    assert comparison.net == 345_000 * FEN
    area = next(r for r in comparison.results if r.column.key == "area")
    assert area.allocation.share("201").amount == 0
    assert area.allocation.share("101").amount > 0  # no longer exempt in this scenario
    assert queries.compare(project_a, queries.Scenario()).net == 445_000 * FEN


def test_an_engine_error_names_the_calculator_field(project_a):
    comparison = queries.compare(project_a, queries.Scenario(subsidy=700_000 * FEN))
    assert "subsidy" in comparison.errors and "补贴" in comparison.errors["subsidy"]
    bad_reach = queries.compare(project_a, queries.Scenario(reach_costs={2: 400_000 * FEN, 6: 300_000 * FEN}))
    assert "reach_costs" in bad_reach.errors


def test_saving_a_plan_twice_keeps_both_versions_and_records_who_and_why(project_a, subdistrict_staff):
    from anju.core.audit import Actor

    actor = Actor.of(subdistrict_staff)
    first = services.plan_save(project=project_a, method="table:guangzhou-2025", scenario=queries.Scenario(),
                               reason="第一轮征求意见", actor=actor)
    second = services.plan_save(project=project_a, method="shapley",
                                scenario=queries.Scenario(subsidy=250_000 * FEN), reason="区里追加补贴", actor=actor)
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.method_label == "广州 2025 参考系数" and first.net == 445_000 * FEN
    assert sum(s["amount"] for s in first.shares) == first.net
    assert sum(s["amount"] for s in second.shares) == second.net == 395_000 * FEN
    assert all(s["amount"] == 0 for s in second.shares if s["exempt"])
    assert second.created_by == subdistrict_staff and second.reason == "区里追加补贴"
    events = AuditEvent.objects.filter(action="elevator.plan").order_by("id")
    assert [e.after["version"] for e in events] == [1, 2]
    changes, shares = queries.plan_diff(first, second)
    assert any("补贴" in c.what for c in changes) and any("方法" in c.what for c in changes)
    assert shares and all(before != after for _room, before, after in shares)


def test_a_plans_inputs_reproduce_its_shares_through_the_engine(project_a):
    plan = services.plan_save(project=project_a, method="nucleolus", scenario=queries.Scenario(), reason="核对",
                              actor=SYSTEM)
    allocation = allocate_quote(quote_from_json(plan.inputs))
    assert allocation.amounts() == {s["room"]: s["amount"] for s in plan.shares}


def test_a_plan_needs_a_reason_and_valid_inputs(project_a):
    with pytest.raises(ValidationFailed) as caught:
        services.plan_save(project=project_a, method="area", scenario=queries.Scenario(), reason=" ", actor=SYSTEM)
    assert caught.value.field == "reason"
    with pytest.raises(ValidationFailed) as caught:
        services.plan_save(project=project_a, method="area", scenario=queries.Scenario(subsidy=10**12),
                           reason="试算", actor=SYSTEM)
    assert caught.value.field == "subsidies"
    assert not CostPlan.objects.exists()


def test_methods_are_checked_by_the_engine(project_a):
    with pytest.raises(ValidationFailed) as caught:
        services.project_update(project=project_a, method={"kind": "table", "table": "atlantis"}, actor=SYSTEM)
    assert caught.value.field == "method.table"
    with pytest.raises(ValidationFailed):  # only a floor this unit does not have: nobody would pay
        services.project_update(project=project_a, method={"kind": "coefficients", "by_floor": {"9": "1"}}, actor=SYSTEM)
    with pytest.raises(ValidationFailed) as caught:  # the unit's upper floors would pay nothing
        services.project_update(project=project_a, method={"kind": "coefficients", "by_floor": {"2": "0.5", "3": "1"}},
                                actor=SYSTEM)
    assert "第 4、5、6 层" in str(caught.value)
    services.project_update(project=project_a, method={"kind": "coefficients", "by_floor": {
        "2": "0.5", "3": "1", "6": "1.5", "9": "2"}}, actor=SYSTEM)  # a table for taller buildings: 9F unused
    project_a.refresh_from_db()
    assert queries.method_key(project_a) == "coefficients"
    assert queries.method_columns(project_a)[0].key == "coefficients"


def test_saved_tables_become_columns_of_the_calculator(project_a, world):
    table = services.table_save(subdistrict=world.subdistrict, name="本街道试行", by_floor={"2": "0.4", "3": "1", "6": "1.6"},
                                source="街道会议纪要", actor=SYSTEM)
    with pytest.raises(ValidationFailed):
        services.table_save(subdistrict=world.subdistrict, name="坏表", by_floor={"2": "-1"}, source="", actor=SYSTEM)
    result = next(r for r in queries.compare(project_a, queries.Scenario()).results if r.column.key == f"saved:{table.pk}")
    assert result.allocation.share("401").amount == 0  # floors missing from the table have coefficient 0
    assert result.allocation.share("601").amount > result.allocation.share("301").amount


def test_projects_are_scoped_like_the_roster(project_a, project_b, staff_a, staff_b, subdistrict_staff, outsider):
    assert list(ElevatorProject.objects.visible_to(staff_a)) == [project_a]
    assert list(ElevatorProject.objects.visible_to(staff_b)) == [project_b]
    assert ElevatorProject.objects.visible_to(subdistrict_staff).count() == 2
    assert not ElevatorProject.objects.visible_to(outsider).exists()
    assert queries.projects_for(scope_of(staff_a)).count() == 1


def test_running_costs_are_estimated_per_household(project_a):
    plan = services.plan_save(project=project_a, method="table:guangzhou-2025", scenario=queries.Scenario(),
                              reason="测算", actor=SYSTEM)
    basis, yearly = queries.running_estimate(project_a, plan)
    assert basis == "coefficients"
    assert sum(yearly.values()) == 11_000 * FEN
    assert yearly["101"] == 0 and yearly["601"] > yearly["201"]
    shapley = services.plan_save(project=project_a, method="shapley", scenario=queries.Scenario(), reason="测算",
                                 actor=SYSTEM)
    basis, yearly = queries.running_estimate(project_a, shapley)
    assert basis == "equal" and yearly["201"] == yearly["601"] == 1_100 * FEN


def test_the_project_adopts_the_choices_of_the_plan_last_saved(project_a, unit_a):
    room_201 = unit_a.households.get(room="201")
    exempt = frozenset(unit_a.households.filter(floor=1).values_list("pk", flat=True)) | {room_201.pk}
    services.plan_save(project=project_a, method="shapley", actor=SYSTEM, reason="二层也免缴",
                       scenario=queries.Scenario(exempt=exempt, subsidy_mode="common_first",
                                                 reach_costs={f: 300_000 * FEN + (f - 2) * 86_250 * FEN for f in range(2, 7)}))
    project_a.refresh_from_db()
    assert queries.method_key(project_a) == "shapley" and project_a.subsidy_mode == "common_first"
    assert project_a.reach_costs["6"] == 645_000 * FEN
    assert {r.household.room for r in queries.project_rows(project_a) if r.exempt} == {"101", "102", "201"}
    again = queries.compare(project_a, queries.Scenario())
    shapley = next(r for r in again.results if r.column.key == "shapley")
    assert shapley.allocation.share("201").amount == 0
    assert AuditEvent.objects.filter(action="elevator.adopt_plan").count() == 1
