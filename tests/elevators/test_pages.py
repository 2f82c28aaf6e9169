"""The calculator, plans and their diff, and the negotiation aid, as staff use them in the browser."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from anju.core.models import AuditEvent
from anju.elevators import queries
from anju.elevators.models import CostPlan, ElevatorProject, SavedTable
from tests.elevators.conftest import FEN

pytestmark = pytest.mark.django_db


def test_the_project_list_shows_only_the_callers_projects(client, project_a, project_b, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("elevators:index")).content.decode()
    assert reverse("elevators:project", args=[project_a.pk]) in page
    assert reverse("elevators:project", args=[project_b.pk]) not in page
    detail = client.get(reverse("elevators:project", args=[project_a.pk])).content.decode()
    assert "广州 2025 参考系数" in detail and "645,000.00" in detail


@pytest.mark.parametrize("name", ["project", "calculator", "negotiate"])
def test_another_communitys_project_is_a_404(client, project_b, staff_a, name):
    client.force_login(staff_a)
    assert client.get(reverse(f"elevators:{name}", args=[project_b.pk])).status_code == 404


def test_the_calculator_shows_every_method_with_totals_equal_to_the_net(client, project_a, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("elevators:calculator", args=[project_a.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "445,000.00" in page and "echarts.min.js" in page and 'id="chart-data"' in page
    for label in ("广州 2025 参考系数", "按面积", "Shapley 值", "核仁"):
        assert label in page
    footer = page.split("<tfoot>")[1].split("</tr>")[0]
    totals = re.findall(r'<td class="num">([\d,.]+)</td>', footer)
    assert len(totals) == 8 and set(totals) == {"445,000.00"}


def test_the_calculator_names_each_household_as_it_reads_on_paper(client, project_a, staff_a, unit_a):
    client.force_login(staff_a)
    page = client.get(reverse("elevators:calculator", args=[project_a.pk])).content.decode()
    h601 = unit_a.households.get(room="601")
    row = page.split('<tr data-room="601">')[1].split("</tr>")[0]
    assert f"<td>{h601.room_label}</td>" in row and h601.room_label.endswith("单元601室")
    assert f'aria-label="{h601.room_label} 参与"' in row


def test_changing_the_subsidy_with_htmx_returns_only_the_results(client, project_a, staff_a, unit_a):
    client.force_login(staff_a)
    participants = [str(h.pk) for h in unit_a.households.all()]
    response = client.post(
        reverse("elevators:calculator", args=[project_a.pk]),
        {"submitted": "1", "subsidy": "300000", "subsidy_mode": "proportional", "participates": participants},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert 'data-testid="net">345,000.00<' in page
    assert 'id="err-subsidy" hx-swap-oob="true"' in page


def test_an_engine_error_is_shown_next_to_its_field_in_the_users_language(client, project_a, staff_a, unit_a):
    client.force_login(staff_a)
    participants = [str(h.pk) for h in unit_a.households.all()]
    data = {"submitted": "1", "subsidy": "900000", "participates": participants}
    page = client.post(reverse("elevators:calculator", args=[project_a.pk]), data, HTTP_HX_REQUEST="true").content.decode()
    error = page.split('id="err-subsidy" hx-swap-oob="true">')[1].split("</div>")[0]
    assert "补贴合计" in error and "超过费用合计" in error
    client.cookies["django_language"] = "en"
    page = client.post(reverse("elevators:calculator", args=[project_a.pk]), data, HTTP_HX_REQUEST="true",
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    error = page.split('id="err-subsidy" hx-swap-oob="true">')[1].split("</div>")[0]
    assert "exceed the costs" in error
    bad = client.post(reverse("elevators:calculator", args=[project_a.pk]), {**data, "subsidy": "12.345"},
                      HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "at most 2 decimals" in bad


def test_exempting_a_household_in_the_calculator_makes_it_pay_nothing(client, project_a, staff_a, unit_a):
    client.force_login(staff_a)
    participants = [str(h.pk) for h in unit_a.households.all()]
    room_601 = unit_a.households.get(room="601")
    page = client.post(reverse("elevators:calculator", args=[project_a.pk]),
                       {"submitted": "1", "participates": participants, "exempt": [str(room_601.pk)]},
                       HTTP_HX_REQUEST="true").content.decode()
    row = page.split('<tr data-room="601">')[1].split("</tr>")[0]
    assert set(re.findall(r'data-method="[^"]+">([^<]+)<', row)) == {"0.00"}


def test_saving_a_plan_from_the_calculator_and_seeing_the_diff(client, project_a, staff_a, unit_a):
    client.force_login(staff_a)
    participants = [str(h.pk) for h in unit_a.households.all()]
    url = reverse("elevators:plan_save", args=[project_a.pk])
    base = {"submitted": "1", "participates": participants, "subsidy_mode": "proportional"}
    missing_reason = client.post(url, {**base, "method": "area", "reason": ""})
    assert missing_reason.status_code == 400 and "请说明" in missing_reason.content.decode()
    first = client.post(url, {**base, "method": "table:guangzhou-2025", "reason": "第一轮"})
    second = client.post(url, {**base, "method": "table:guangzhou-2025", "subsidy": "250000", "reason": "追加补贴"})
    assert first.status_code == second.status_code == 302
    v1, v2 = CostPlan.objects.order_by("version")
    assert (v1.net, v2.net) == (445_000 * FEN, 395_000 * FEN)
    page = client.get(second.url).content.decode()
    assert "追加补贴" in page and "staff_a" in page and "445,000.00" in page and "395,000.00" in page
    diff = client.get(reverse("elevators:plan_diff", args=[v2.pk, v1.pk])).content.decode()
    assert "补贴" in diff and "第一轮" in diff
    assert AuditEvent.objects.filter(action="elevator.plan", actor=staff_a).count() == 2


def test_a_volunteer_sees_the_calculator_but_cannot_save(client, project_a, volunteer_a):
    client.force_login(volunteer_a)
    page = client.get(reverse("elevators:calculator", args=[project_a.pk])).content.decode()
    assert "保存为分摊方案" not in page
    response = client.post(reverse("elevators:plan_save", args=[project_a.pk]), {"method": "area", "reason": "x"})
    assert response.status_code == 403


def test_negotiation_finds_shares_the_owners_accept(client, project_a, staff_a, unit_a):
    client.force_login(staff_a)
    willing = {f"will_{h.room}": str(15_000 + 10_000 * h.floor) for h in unit_a.households.all()}
    page = client.post(reverse("elevators:negotiate", args=[project_a.pk]),
                       {**willing, "exempt_floor_1": "on", "target": "3/4"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="negotiation-shares"' in page, page
    assert "445,000.00" in page


def test_negotiation_says_how_much_more_subsidy_would_close_the_gap(client, project_a, staff_a, unit_a):
    client.force_login(staff_a)
    willing = {f"will_{h.room}": "20000" for h in unit_a.households.all()}
    caps = {f"max_{floor}": "40000" for floor in range(2, 7)}
    page = client.post(reverse("elevators:negotiate", args=[project_a.pk]),
                       {**willing, **caps, "exempt_floor_1": "on", "target": "3/4"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="negotiation-gap"' in page
    # 9 of 12 must say yes: 1F (free) + 7 payers at 20,000. Shares never fall with the floor and differ by at
    # most a fen on one floor, so 601 and 602 pay 40,000 each and 502 (saying no) one fen more than 501:
    # 240,000.01 of 445,000.
    assert "还需增加补贴" in page and "204,999.99" in page


def test_negotiation_page_explains_who_counts_as_a_participant(client, project_a, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("elevators:negotiate", args=[project_a.pk])).content.decode()
    assert "民法典第二百七十八条" in page and "全部 12 户" in page


def test_staff_start_a_project_for_a_unit_of_their_scope(client, unit_a, world, staff_a):
    client.force_login(staff_a)
    other = world.household_b.unit
    page = client.get(reverse("elevators:project_new")).content.decode()
    assert f'value="{unit_a.pk}"' in page and f'value="{other.pk}"' not in page
    response = client.post(reverse("elevators:project_new"), {
        "unit": unit_a.pk, "status": "consulting", "exempt_ground_floor": "on",
        "cost_construction": "520000", "cost_design": "30000.50", "subsidy_municipal": "150000",
    })
    assert response.status_code == 302, response.content.decode()
    project = ElevatorProject.objects.get(unit=unit_a)
    assert queries.gross_of(project) == 550_000_50 and project.households.filter(exempt=True).count() == 2
    again = client.post(reverse("elevators:project_new"), {"unit": unit_a.pk, "status": "consulting"})
    assert again.status_code == 400  # the unit is no longer offered: one active project per unit


def test_staff_update_the_status_and_save_a_table_from_the_calculator(client, project_a, staff_a):
    client.force_login(staff_a)
    client.post(reverse("elevators:project_status", args=[project_a.pk]),
                {"status": "operating", "planned_completion": "2021-12-31", "actual_completion": "2021-12-20"})
    project_a.refresh_from_db()
    assert project_a.status == "operating" and str(project_a.actual_completion) == "2021-12-20"
    response = client.post(reverse("elevators:table_save", args=[project_a.pk]),
                           {"name": "试行表", "source": "会议纪要", "coef_2": "0.5", "coef_3": "1", "coef_6": "2"})
    assert response.status_code == 302
    table = SavedTable.objects.get(name="试行表")
    assert table.by_floor == {"2": "0.5", "3": "1", "6": "2"}
    page = client.get(reverse("elevators:calculator", args=[project_a.pk])).content.decode()
    assert f'data-method="saved:{table.pk}"' in page
    bad = client.post(reverse("elevators:table_save", args=[project_a.pk]), {"name": "坏表", "coef_2": "-1"}, follow=True)
    assert "不能为负数" in bad.content.decode()


def test_the_admin_lists_plans_read_only_and_scoped(client, project_a, project_b, staff_a):
    from anju.elevators import services
    from tests.factories import SYSTEM

    for project in (project_a, project_b):
        services.plan_save(project=project, method="area", scenario=queries.Scenario(), reason="试算", actor=SYSTEM)
    client.force_login(staff_a)
    page = client.get("/admin/elevators/costplan/").content.decode()
    assert "甲小区" in page and "乙小区" not in page
    assert client.get("/admin/elevators/costplan/add/").status_code == 403


def test_the_project_list_needs_a_fixed_number_of_queries(client, project_a, world, subdistrict_staff,
                                                          django_assert_max_num_queries):
    from tests.elevators.conftest import fill_unit, make_project

    other = world.building_a.units.get(number="2")
    fill_unit(other)
    make_project(other)
    client.force_login(subdistrict_staff)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("elevators:index")).content.decode()
    assert page.count("算明账") >= 2


def test_staff_change_the_costs_and_add_a_compensation(client, project_a, staff_a, unit_a):
    client.force_login(staff_a)
    page = client.get(reverse("elevators:project", args=[project_a.pk])).content.decode()
    assert 'name="cost_construction" inputmode="decimal" value="520000.00"' in page
    data = {"cost_construction": "560000", "cost_design": "30000", "subsidy_municipal": "150000",
            "subsidy_housing_fund": "20000.50", "running_0": "3600"}
    client.post(reverse("elevators:project_money", args=[project_a.pk]), data)
    assert queries.gross_of(project_a) == 590_000 * FEN
    assert sum(s.amount for s in project_a.subsidies.all()) == 170_000_50
    project_a.refresh_from_db()
    assert project_a.running_costs == [{"name": "电费", "amount": 3_600 * FEN}]
    too_much = client.post(reverse("elevators:project_money", args=[project_a.pk]),
                           {"cost_construction": "100", "subsidy_municipal": "200"}, follow=True)
    assert "补贴合计超过费用合计" in too_much.content.decode() and queries.gross_of(project_a) == 590_000 * FEN
    room_101 = unit_a.households.get(room="101")
    client.post(reverse("elevators:compensation_add", args=[project_a.pk]),
                {"household": room_101.pk, "amount": "5000", "reason": "采光"})
    assert queries.compare(project_a, queries.Scenario()).compensation == 5_000 * FEN
    assert AuditEvent.objects.filter(action__in=["elevator.money", "elevator.compensation"]).count() == 2


def test_negotiation_stays_close_to_the_projects_method_and_names_bad_fields(client, project_a, staff_a, unit_a):
    client.force_login(staff_a)
    generous = {f"will_{h.room}": "200000" for h in unit_a.households.all()}
    page = client.post(reverse("elevators:negotiate", args=[project_a.pk]),
                       {**generous, "exempt_floor_1": "on"}, HTTP_HX_REQUEST="true").content.decode()
    # everyone accepts anything, so the shares are the project's own method's (Guangzhou 2025 table)
    own = queries.compare(project_a, queries.Scenario())
    guangzhou = next(r for r in own.results if r.column.key == "table:guangzhou-2025").allocation
    row = page.split("<td>3栋1单元601室</td>")[1].split("</tr>")[0]
    from anju.domain.costshare import format_yuan

    assert format_yuan(guangzhou.share("601").amount) in row
    bad = client.post(reverse("elevators:negotiate", args=[project_a.pk]), {"will_501": "abc", "min_3": "-5"},
                      HTTP_HX_REQUEST="true").content.decode()
    assert "501: " in bad and "3F ≥: " in bad
