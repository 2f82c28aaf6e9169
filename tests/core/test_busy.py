"""A database held by another writer past the busy timeout (a huge import on SQLite) is said plainly."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from anju.participation import services
from anju.participation.models import Suggestion
from tests.participation.test_pages import post_suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked(monkeypatch):
    def busy(**kwargs):
        raise OperationalError("database is locked")  # SQLite's own words after the busy timeout

    monkeypatch.setattr(services, "suggestion_submit", busy)


def test_a_page_says_the_system_is_busy_and_when_to_retry(client, world, locked):
    response = post_suggestion(client, world)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "系统正忙" in page and "没有完成" in page
    assert not Suggestion.objects.exists()


def test_in_english_too(client, world, locked):
    client.cookies["django_language"] = "en"
    response = post_suggestion(client, world)
    assert response.status_code == 503 and "The system is busy" in response.content.decode()


def test_the_api_answers_503_in_json(client, world, locked):
    response = client.post("/api/participation/public/suggestions",
                           {"compound_id": world.compound_a.pk, "category": "repair", "title": "路灯不亮",
                            "body": "晚上很黑"})
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "60"
    assert "系统正忙" in response.json()["detail"]


def test_other_database_errors_are_not_disguised(client, world, monkeypatch):
    def broken(**kwargs):
        raise OperationalError("no such table: participation_suggestion")

    monkeypatch.setattr(services, "suggestion_submit", broken)
    with pytest.raises(OperationalError):
        post_suggestion(client, world)
