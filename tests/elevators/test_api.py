"""Elevator API: projects, calculation and plans, scoped by the caller."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anju.accounts.models import ApiToken
from anju.elevators import queries, services
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def test_projects_are_listed_for_the_callers_scope_only(client, project_a, project_b, staff_a):
    client.force_login(staff_a)
    body = client.get("/api/elevators/projects").json()
    assert [p["id"] for p in body] == [project_a.pk]
    assert client.get(f"/api/elevators/projects/{project_b.pk}").status_code == 404
    detail = client.get(f"/api/elevators/projects/{project_a.pk}").json()
    assert detail["gross"] == "645000.00" and len(detail["households"]) == 12
    assert {h["room"] for h in detail["households"] if h["exempt"]} == {"101", "102"}


def test_calculate_returns_every_method_adding_up_to_the_net(client, project_a, staff_a):
    _, key = ApiToken.issue(user=staff_a, name="tests")
    response = client.post(f"/api/elevators/projects/{project_a.pk}/calculate",
                           {"subsidy": "300000", "exempt": ["101", "102", "201"], "weight_by_area": True},
                           content_type="application/json", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["net"] == "345000.00"
    assert len(body["methods"]) == 8
    for method in body["methods"]:
        assert method["total"] == "345000.00", method["key"]
        assert sum(Decimal(s["amount"]) for s in method["shares"]) == Decimal("345000.00")
        assert all(s["amount"] == "0.00" for s in method["shares"] if s["room"] in ("101", "102", "201"))
    only = client.post(f"/api/elevators/projects/{project_a.pk}/calculate", {"methods": ["shapley"]},
                       content_type="application/json", headers={"Authorization": f"Bearer {key}"}).json()
    assert [m["key"] for m in only["methods"]] == ["shapley"] and only["methods"][0]["shares"][0]["steps"]


def test_calculate_names_the_bad_field(client, project_a, staff_a):
    client.force_login(staff_a)
    url = f"/api/elevators/projects/{project_a.pk}/calculate"
    too_much = client.post(url, {"subsidy": "900000"}, content_type="application/json")
    assert too_much.status_code == 400 and too_much.json()["field"] == "subsidy"
    unknown = client.post(url, {"exempt": ["999"]}, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["field"] == "exempt"
    assert client.post(f"/api/elevators/projects/{project_a.pk + 999}/calculate", {},
                       content_type="application/json").status_code == 404


def test_plans_are_saved_listed_and_read(client, project_a, staff_a, staff_b, volunteer_a):
    client.force_login(volunteer_a)
    url = f"/api/elevators/projects/{project_a.pk}/plans"
    assert client.post(url, {"method": "area", "reason": "试算"}, content_type="application/json").status_code == 403
    client.force_login(staff_a)
    created = client.post(url, {"method": "area", "reason": "按面积试算", "subsidy": "250000"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["version"] == 1 and created.json()["net"] == "395000.00"
    services.plan_save(project=project_a, method="shapley", scenario=queries.Scenario(), reason="v2", actor=SYSTEM)
    plans = client.get(url).json()
    assert [p["version"] for p in plans] == [2, 1]
    detail = client.get(f"/api/elevators/plans/{plans[1]['id']}").json()
    assert detail["inputs"]["method"] == {"kind": "area"}
    assert sum(Decimal(s["amount"]) for s in detail["shares"]) == Decimal("395000.00")
    client.force_login(staff_b)
    assert client.get(f"/api/elevators/plans/{plans[1]['id']}").status_code == 404
    assert client.get(url).status_code == 404


def test_the_api_refuses_anonymous_callers(client, project_a):
    assert client.get("/api/elevators/projects").status_code == 401


def test_the_project_list_walks_by_cursor_by_compound_building_and_unit(client, project_a, project_b, subdistrict_staff):
    client.force_login(subdistrict_staff)
    first = client.get("/api/elevators/projects", {"limit": 1})
    second = client.get("/api/elevators/projects", {"limit": 1, "cursor": first["X-Next-Cursor"]})
    whole = [p["id"] for p in client.get("/api/elevators/projects").json()]
    assert [p["id"] for p in first.json() + second.json()] == whole and len(whole) == 2
    assert first["X-Total-Count"] == "2" and "X-Next-Cursor" not in second
