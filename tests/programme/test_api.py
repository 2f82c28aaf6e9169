"""Programme API: scoped lists and details, progress and sign-off, inspections."""

from __future__ import annotations

import pytest

from anju.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_projects_are_listed_for_the_callers_scope_only(client, staff_a, project_a, project_b):
    client.force_login(staff_a)
    assert [p["id"] for p in client.get("/api/programme/projects").json()] == [project_a.pk]
    assert client.get(f"/api/programme/projects/{project_b.pk}").status_code == 404
    detail = client.get(f"/api/programme/projects/{project_a.pk}").json()
    assert detail["budget"] == "400000.00" and detail["households"] == 1
    assert [s["kind"] for s in detail["stages"]][:2] == ["survey", "consultation"]
    assert {i["name"]: i["funding"] for i in detail["items"]}["楼顶防水"] == [
        {"source": "central", "amount": "200000.00"}, {"source": "district", "amount": "100000.00"}]
    plans = client.get("/api/programme/plans").json()
    assert plans == [{"id": project_a.plan_id, "year": 2021, "title": project_a.plan.title, "projects": 1}]


def test_progress_and_sign_off_through_the_api(client, staff_a, project_a):
    _, key = ApiToken.issue(user=staff_a, name="tests")
    auth = {"Authorization": f"Bearer {key}"}
    stage = project_a.stages.get(kind="survey")
    body = client.post(f"/api/programme/stages/{stage.pk}/sign-off", {"actual_end": "2021-02-01"},
                       content_type="application/json", headers=auth).json()
    assert body["progress"] == "5.0" and body["current_stage"] == "consultation"
    item = project_a.items.get(name="燃气")
    response = client.post(f"/api/programme/items/{item.pk}/progress", {"progress": 150}, content_type="application/json",
                           headers=auth)
    assert response.status_code == 400 and "0 到 100" in response.json()["detail"]
    bad_order = client.post(f"/api/programme/stages/{project_a.stages.get(kind='design').pk}/sign-off",
                            {"actual_end": "2021-02-01"}, content_type="application/json", headers=auth)
    assert bad_order.status_code == 400


def test_a_volunteer_may_inspect_but_not_change_progress(client, volunteer_a, project_a, project_b):
    client.force_login(volunteer_a)
    item = project_a.items.first()
    assert client.post(f"/api/programme/items/{item.pk}/progress", {"progress": 10},
                       content_type="application/json").status_code == 403
    created = client.post(f"/api/programme/projects/{project_a.pk}/inspections", {"findings": "材料堆放占用消防通道",
                          "severity": "high"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "open"
    assert client.post(f"/api/programme/projects/{project_b.pk}/inspections", {"findings": "x"},
                       content_type="application/json").status_code == 404
    pk = created.json()["id"]
    closed = client.post(f"/api/programme/inspections/{pk}/follow-up", {"action": "已清理", "status": "closed"},
                         content_type="application/json")
    assert closed.json()["status"] == "closed"


def test_overdue_stages(client, subdistrict_staff, project_a):
    client.force_login(subdistrict_staff)
    assert {s["kind"] for s in client.get("/api/programme/stages/overdue").json()} == {"survey", "construction"}


def test_the_project_list_walks_by_cursor_in_its_order_year_community_compound(client, subdistrict_staff, project_a,
                                                                               project_b):
    client.force_login(subdistrict_staff)
    first = client.get("/api/programme/projects", {"limit": 1})
    second = client.get("/api/programme/projects", {"limit": 1, "cursor": first["X-Next-Cursor"]})
    whole = [p["id"] for p in client.get("/api/programme/projects").json()]
    assert [p["id"] for p in first.json() + second.json()] == whole and len(whole) == 2
    assert "X-Next-Cursor" not in second and "X-Total-Count" not in second
