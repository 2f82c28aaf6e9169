"""A signed-in session ends after ANJU_SESSION_IDLE_MINUTES without a request; residents are not timed."""

from __future__ import annotations

import time
from urllib.parse import unquote

import pytest
from django.urls import reverse

from anju.core.middleware import LAST_ACTIVITY

pytestmark = pytest.mark.django_db

SIGNED_OUT = "长时间未操作，已自动退出，请重新登录。"


def idle_for(client, minutes: float) -> None:
    """Put the real session's last activity `minutes` in the past, as if nobody had touched it since."""
    session = client.session
    session[LAST_ACTIVITY] = time.time() - minutes * 60
    session.save()


def test_after_two_idle_hours_staff_are_signed_out_with_a_message(client, world, staff_a):
    client.force_login(staff_a)
    client.get(reverse("roster:home"))
    idle_for(client, 121)
    page = reverse("roster:compound", args=[world.compound_a.pk])
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login")) and page in unquote(response["Location"])
    assert "_auth_user_id" not in client.session
    login = client.get(response["Location"])
    assert SIGNED_OUT in login.content.decode()


def test_within_the_idle_period_the_session_lives_on(client, staff_a):
    client.force_login(staff_a)
    idle_for(client, 119)
    response = client.get(reverse("roster:home"), follow=True)
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
    assert time.time() - client.session[LAST_ACTIVITY] < 60  # the request counted as activity


def test_the_idle_period_is_a_setting(client, staff_a, settings):
    settings.ANJU_SESSION_IDLE_MINUTES = 5
    client.force_login(staff_a)
    idle_for(client, 6)
    assert client.get(reverse("roster:home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_zero_turns_the_idle_timeout_off(client, staff_a, settings):
    settings.ANJU_SESSION_IDLE_MINUTES = 0
    client.force_login(staff_a)
    idle_for(client, 60 * 24 * 30)
    client.get(reverse("roster:home"))
    assert "_auth_user_id" in client.session


def test_the_api_with_a_session_answers_401_in_json(client, staff_a):
    client.force_login(staff_a)
    idle_for(client, 121)
    response = client.get("/api/consultations")
    assert response.status_code == 401
    assert response.json()["detail"] == SIGNED_OUT


def test_an_htmx_poll_takes_the_whole_page_to_the_login_form(client, staff_a):
    client.force_login(staff_a)
    idle_for(client, 121)
    response = client.get(reverse("roster:home"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_the_message_is_in_english_for_english_pages(client, staff_a):
    client.force_login(staff_a)
    client.cookies["django_language"] = "en"
    idle_for(client, 121)
    login = client.get(reverse("roster:home"), follow=True)
    assert "Signed out after a period of inactivity." in login.content.decode()


def test_a_residents_session_without_login_is_not_timed(client, world):
    """A resident's session from a letter link or the suggestion form has no login: its data stays."""
    session = client.session
    session["anju-vote-1"] = True
    session[LAST_ACTIVITY] = time.time() - 24 * 3600
    session.save()
    response = client.get(reverse("participation:suggest"))
    assert response.status_code == 200
    assert client.session.get("anju-vote-1") is True
