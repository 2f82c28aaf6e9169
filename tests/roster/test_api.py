"""The API: OpenAPI schema, session and token authentication, scoping and masking."""

from __future__ import annotations

import pytest

from anju.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_published(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/roster/households" in paths and "/api/roster/households/{pk}" in paths


def test_the_api_refuses_anonymous_callers(client, world):
    assert client.get("/api/roster/households").status_code == 401


def test_token_authentication_scopes_to_the_tokens_owner(client, world, staff_b):
    _, key = ApiToken.issue(user=staff_b, name="tests")
    response = client.get("/api/roster/households", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert [h["id"] for h in response.json()] == [world.household_b.pk]
    other = client.get(f"/api/roster/households/{world.household_a.pk}", headers={"Authorization": f"Bearer {key}"})
    assert other.status_code == 404


def test_a_wrong_token_is_refused(client, world):
    response = client.get("/api/roster/households", headers={"Authorization": "Bearer anju_not-a-real-key"})
    assert response.status_code == 401


def test_household_detail_masks_personal_data(client, world, staff_a):
    client.force_login(staff_a)
    body = client.get(f"/api/roster/households/{world.household_a.pk}").json()
    owner = body["owners"][0]
    assert owner["phone"] == "138****5678"
    assert owner["id_number"] == world.owner_a.id_number_masked
    assert body["room_code"] == "3栋1单元501" and body["exclusive_area"] == "72.50"


def test_totals_endpoint_matches_the_page(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    body = client.get(f"/api/roster/subdistricts/{world.subdistrict.pk}/totals").json()
    assert body["households"] == 2 and body["stranded_elderly"] == 1 and body["gross_area"] == "4500.00"


def test_search_through_the_api(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    body = client.get("/api/roster/households", {"q": "3-1-501"}).json()
    assert {h["id"] for h in body} == {world.household_a.pk, world.household_b.pk}


def test_issue_token_command_prints_a_working_key(client, world, staff_a):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("issue_token", "staff_a", "--name", "excel", stdout=out)
    key = out.getvalue().strip()
    assert key.startswith("anju_") and not ApiToken.objects.filter(key_hash=key).exists()  # only the hash is kept
    assert client.get("/api/roster/households", headers={"Authorization": f"Bearer {key}"}).status_code == 200
