"""Dashboard figures through the API, scoped like the pages."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_figures_for_the_subdistrict(client, subdistrict_staff, project_a, project_b):
    client.force_login(subdistrict_staff)
    body = client.get("/api/dashboard/figures").json()
    assert body["level"] == "subdistrict"
    assert body["years"][0]["compounds"] == 2 and body["years"][0]["investment"] == "400000.00"
    assert body["stranded_elderly"] == 1 and {b["key"]: b["count"] for b in body["stages"]}["survey"] == 2


def test_figures_are_scoped(client, staff_a, world, project_a, project_b):
    client.force_login(staff_a)
    body = client.get("/api/dashboard/figures").json()
    assert body["level"] == "community" and body["years"][0]["compounds"] == 1
    assert client.get(f"/api/dashboard/figures?community={world.community_b.pk}").status_code == 404


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/dashboard/figures").status_code == 401
