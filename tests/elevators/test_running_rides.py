"""Yearly running costs shared by metered rides (IC-card counts): typed per room or uploaded as a sheet."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from anju.accounts.models import ApiToken
from anju.core.errors import ValidationFailed
from anju.core.models import AuditEvent
from anju.elevators import queries, services
from anju.elevators.models import RunningBasis
from tests.elevators.conftest import FEN
from tests.factories import SYSTEM

TOTAL = 11_000 * FEN  # the running costs of project_a: 3,600 + 6,000 + 500 + 900 a year


def _by_rides(project):
    services.project_update(project=project, running_basis=RunningBasis.RIDES, actor=SYSTEM)
    project.refresh_from_db()


def _rides(project, unit, counts):
    pks = {h.room: h.pk for h in unit.households.all()}
    services.rides_set(project=project, rides={pks[room]: n for room, n in counts.items()}, actor=SYSTEM)


def test_running_costs_follow_the_rides_to_the_fen_and_add_up(project_a, unit_a):
    _by_rides(project_a)
    # 101 rides a lot but its floor is exempt (免缴): its rides are not counted.
    _rides(project_a, unit_a, {"101": 999, "201": 100, "301": 200, "401": 300, "501": 400, "601": 1, "602": 2})
    basis, yearly = queries.running_estimate(project_a, None)
    assert basis == "rides"
    assert sum(yearly.values()) == TOTAL
    assert yearly["101"] == 0 and yearly["202"] == 0  # exempt, and no rides read
    # 11,000 元 × 100 / 1003 = 1,096.7098… 元 per item summed: each item is rounded on its own.
    assert abs(yearly["201"] - TOTAL * 100 // 1003) <= 4
    assert yearly["401"] == pytest.approx(3 * yearly["201"], abs=4)


def test_the_saved_plans_households_decide_who_pays_and_statements_say_rides(project_a, unit_a):
    _by_rides(project_a)
    _rides(project_a, unit_a, {"201": 100, "601": 100})
    plan = services.plan_save(project=project_a, method="table:guangzhou-2025", reason="测算", actor=SYSTEM,
                              scenario=queries.Scenario(absent=frozenset({unit_a.households.get(room="601").pk})))
    basis, yearly = queries.running_estimate(project_a, plan)
    assert basis == "rides" and yearly == {**dict.fromkeys(yearly, 0), "201": TOTAL}

    from anju.elevators import statements

    assert statements.RUNNING_BASIS[basis] == "按各户刷卡乘梯次数分摊"


def test_without_any_rides_read_the_costs_are_shared_equally(project_a):
    _by_rides(project_a)
    basis, yearly = queries.running_estimate(project_a, None)
    assert basis == "equal" and yearly["201"] == yearly["602"] == TOTAL // 10


def test_rides_must_be_whole_numbers_of_the_units_households(project_a, project_b, world):
    with pytest.raises(ValidationFailed):
        services.rides_set(project=project_a, rides={world.household_b.pk: 3}, actor=SYSTEM)
    with pytest.raises(ValidationFailed) as error:
        services.rides_set(project=project_a, rides={world.household_a.pk: -1}, actor=SYSTEM)
    assert error.value.field == "rides.501"


def test_staff_choose_rides_and_type_the_counts_on_the_project_page(client, project_a, unit_a, staff_a):
    client.force_login(staff_a)
    money = {"cost_construction": "520000", "cost_design": "30000", "cost_supervision": "15000",
             "cost_pipeline": "60000", "cost_other": "20000", "subsidy_municipal": "150000",
             "subsidy_district": "50000", "running_0": "3600", "running_1": "6000", "running_basis": "rides"}
    client.post(reverse("elevators:project_money", args=[project_a.pk]), money)
    project_a.refresh_from_db()
    assert project_a.running_basis == RunningBasis.RIDES
    typed = {f"rides_{h.room}": "" for h in unit_a.households.all()} | {"rides_201": "30", "rides_602": "1,170"}
    page = client.post(reverse("elevators:rides_save", args=[project_a.pk]), typed, follow=True).content.decode()
    assert "已记录 2 户的刷卡次数" in page
    assert 'name="rides_602" inputmode="numeric" aria-label="3栋1单元602室" value="1170"' in page
    # 9,600 元 a year: 201 rides 30 of 1,200 times, so it pays 240.00 and 602 the other 9,360.00
    assert '<tr data-room="201">' in page
    row = page.split('<tr data-room="201">')[1].split("</tr>")[0]
    assert "240.00" in row
    row = page.split('<tr data-room="602">')[1].split("</tr>")[0]
    assert "9,360.00" in row
    assert 'data-testid="running-total">9,600.00<' in page
    assert AuditEvent.objects.filter(action="elevator.rides").exists()
    bad = client.post(reverse("elevators:rides_save", args=[project_a.pk]), {**typed, "rides_301": "3.5"},
                      follow=True).content.decode()
    assert "301: 刷卡次数应为不小于 0 的整数" in bad
    assert project_a.households.get(household__room="301").rides is None


def _sheet(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["2024年度电梯刷卡统计"])
    sheet.append(["房号", "刷卡次数"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_uploaded_sheet_replaces_every_rooms_rides(client, project_a, unit_a, staff_a):
    _by_rides(project_a)
    _rides(project_a, unit_a, {"302": 50})
    client.force_login(staff_a)
    upload = SimpleUploadedFile("rides.xlsx", _sheet([("0201室", 100), ("301", 300.0), ("601", None)]))
    page = client.post(reverse("elevators:rides_save", args=[project_a.pk]), {"rides_file": upload},
                       follow=True).content.decode()
    # 12 households, 2 read; the two on the exempt first floor pay nothing, so 8 are missing a count
    assert "已记录 2 户的刷卡次数；8 户没有次数，按 0 次计" in page
    counts = dict(project_a.households.values_list("household__room", "rides"))
    assert counts["201"] == 100 and counts["301"] == 300 and counts["302"] is None


def test_a_csv_in_gbk_is_read_and_a_bad_sheet_changes_nothing(client, project_a, unit_a, staff_a):
    _by_rides(project_a)
    _rides(project_a, unit_a, {"302": 50})
    client.force_login(staff_a)
    csv = "房号,刷卡次数\n201,12\n".encode("gbk")
    client.post(reverse("elevators:rides_save", args=[project_a.pk]),
                {"rides_file": SimpleUploadedFile("rides.csv", csv)})
    assert project_a.households.get(household__room="201").rides == 12
    bad = _sheet([("201", 7), ("909", 5), ("201", 8), ("401", "很多")])
    page = client.post(reverse("elevators:rides_save", args=[project_a.pk]),
                       {"rides_file": SimpleUploadedFile("rides.xlsx", bad)}, follow=True).content.decode()
    assert "第 4 行：房号“909”不在本单元" in page and "第 5 行：房号 201 与第 3 行重复" in page
    assert "第 6 行：刷卡次数应为不小于 0 的整数" in page
    assert project_a.households.get(household__room="201").rides == 12
    no_header = SimpleUploadedFile("x.csv", b"a,b\n1,2\n")
    page = client.post(reverse("elevators:rides_save", args=[project_a.pk]), {"rides_file": no_header},
                       follow=True).content.decode()
    assert "找不到“房号”和“刷卡次数”两列" in page


def test_rides_are_saved_only_by_staff_in_scope(client, project_a, staff_b, volunteer_a):
    client.force_login(volunteer_a)
    assert client.post(reverse("elevators:rides_save", args=[project_a.pk]), {"rides_201": "3"}).status_code == 403
    client.force_login(staff_b)
    assert client.post(reverse("elevators:rides_save", args=[project_a.pk]), {"rides_201": "3"}).status_code == 404


def test_the_plan_page_and_the_statements_show_rides_and_the_yearly_total(client, project_a, unit_a, staff_a):
    from django.template.loader import render_to_string

    from anju.elevators import statements

    _by_rides(project_a)
    _rides(project_a, unit_a, {"101": 500, "201": 100, "601": 300})
    plan = services.plan_save(project=project_a, method="table:guangzhou-2025", scenario=queries.Scenario(),
                              reason="测算", actor=SYSTEM)
    client.force_login(staff_a)
    page = client.get(reverse("elevators:plan", args=[plan.pk])).content.decode()
    assert 'data-testid="running-total">11,000.00<' in page
    pages = {p["share"]["room"]: p for p in statements.statement_pages(plan)}
    assert (pages["201"]["rides"], pages["202"]["rides"], pages["601"]["running"]) == (100, 0, 8_250 * FEN)
    html = render_to_string(statements.TEMPLATE, statements._context(plan, [pages["201"]]))
    # 101 is exempt, so its 500 rides are not in the total the others share by
    assert "按各户刷卡乘梯次数分摊（本户刷卡 100 次，分摊各户共 400 次）" in html and "2,750.00" in html


def test_running_costs_by_rides_through_the_api(client, project_a, project_b, staff_a, volunteer_a):
    _, key = ApiToken.issue(user=staff_a, name="tests")
    auth = {"Authorization": f"Bearer {key}"}
    url = f"/api/elevators/projects/{project_a.pk}/running"
    body = client.post(url, {"basis": "rides", "rides": {"201": 30, "602": 1170}}, content_type="application/json",
                       headers=auth).json()
    assert body["basis"] == body["asked"] == "rides" and body["total"] == "11000.00"
    amounts = {s["room"]: s["amount"] for s in body["shares"]}
    assert amounts["201"] == "275.00" and amounts["602"] == "10725.00" and amounts["301"] == "0.00"
    assert sum(Decimal(a) for a in amounts.values()) == Decimal("11000.00")
    bad = client.post(url, {"rides": {"909": 3}}, content_type="application/json", headers=auth)
    assert bad.status_code == 400 and "909" in bad.json()["detail"]
    negative = client.post(url, {"rides": {"201": -3}}, content_type="application/json", headers=auth)
    assert negative.status_code in (400, 422)
    assert client.post(url, {"basis": "monthly"}, content_type="application/json", headers=auth).status_code == 400
    client.force_login(volunteer_a)
    assert client.get(url).json()["shares"][2]["rides"] == 30
    assert client.post(url, {"basis": "equal"}, content_type="application/json").status_code == 403
    assert client.get(f"/api/elevators/projects/{project_b.pk}/running").status_code == 404


def test_exempt_and_absent_households_are_not_counted_as_missing_rides(client, project_a, unit_a, staff_a):
    project_a.running_basis = RunningBasis.RIDES
    project_a.save(update_fields=["running_basis"])
    rows = list(project_a.households.select_related("household"))
    exempt, absent = rows[0], rows[1]
    exempt.exempt, absent.participates = True, False
    exempt.save(update_fields=["exempt"])
    absent.save(update_fields=["participates"])
    paying = [r for r in rows if r.pk not in (exempt.pk, absent.pk)]
    typed = {f"rides_{r.household.room}": "" for r in rows} | {f"rides_{paying[0].household.room}": "12"}
    client.force_login(staff_a)
    page = client.post(reverse("elevators:rides_save", args=[project_a.pk]), typed, follow=True).content.decode()
    missing = len(paying) - 1  # neither the exempt nor the absent household is missing anything
    assert f"已记录 1 户的刷卡次数；{missing} 户没有次数" in page
    assert f"{missing} 户没有刷卡次数" in page
