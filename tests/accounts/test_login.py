"""Logging in, and throttling repeated failures."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_staff_log_in_and_land_on_their_community(client, world, staff_a):
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("roster:community", args=[world.community_a.pk])


def test_a_wrong_password_says_so_in_chinese(client, world, staff_a):
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


@override_settings(ANJU_LOGIN_MAX_FAILURES=3)
def test_after_repeated_failures_even_the_right_password_waits(client, world, staff_a):
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(ANJU_LOGIN_MAX_FAILURES=3)
def test_a_successful_login_resets_the_count(client, world, staff_a):
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    client.logout()
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert "_auth_user_id" in client.session


@override_settings(ANJU_LOGIN_MAX_FAILURES=2)
def test_guessing_many_usernames_from_one_address_is_throttled_too(client, world, staff_a):
    for n in range(8):
        client.post(reverse("accounts:login"), {"username": f"guess{n}", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert "登录失败次数过多" in response.content.decode()
