"""When the shared store (Redis) is down, nothing that needs it answers a 500 or lets a guess through.

The rate limits live in Redis when ANJU_CACHE_URL is set; with Redis unreachable a login cannot be
counted, so it is refused (fail closed) with a page that says the service is briefly unavailable,
and the API answers the same in JSON. Port 1 on loopback refuses connections at once.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from anju.accounts.models import ApiToken
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.ANJU_CACHE_URL = DOWN


def test_a_login_while_the_store_is_down_is_refused_with_a_503_in_chinese(client, world, staff_a, redis_down):
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "暂时无法使用" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_same_in_english(client, world, staff_a, redis_down):
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode()


def test_a_bearer_call_while_the_store_is_down_is_a_json_503(client, world, staff_a, redis_down):
    _, key = ApiToken.issue(user=staff_a, name="sync")
    response = client.get("/api/roster/subdistricts", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 503
    assert "暂时无法使用" in response.json()["detail"]
