"""Logging in, and throttling repeated failures."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_staff_log_in_and_land_on_their_work(client, world, staff_a):
    # 我的待办 (issue 16): what needs them today; the roster menu still opens on their community.
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:work")
    assert client.get(reverse("index"))["Location"] == reverse("dashboard:work")
    assert client.get(reverse("roster:home"))["Location"] == reverse("roster:community", args=[world.community_a.pk])


def test_a_wrong_password_says_so_in_chinese(client, world, staff_a):
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


@override_settings(ANJU_LOGIN_MAX_FAILURES=3)
def test_after_repeated_failures_even_the_right_password_waits(client, world, staff_a):
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多，请 5 分钟后再试" in response.content.decode()
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


@override_settings(ANJU_LOGIN_MAX_FAILURES=2, ANJU_LOGIN_ADDRESS_MAX_FAILURES=8)
def test_guessing_many_usernames_from_one_address_is_throttled_too(client, world, staff_a):
    for n in range(8):
        client.post(reverse("accounts:login"), {"username": f"guess{n}", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    elsewhere = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 302  # another address is not paused


@override_settings(ANJU_LOGIN_MAX_FAILURES=3, ANJU_LOGIN_LOCK_SECONDS=300)
def test_the_pause_slides_with_the_window(client, world, staff_a, monkeypatch):
    from anju.core import ratelimit

    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit, "_now", lambda: now[0])
    for step in (0, 100, 200):  # three failures spread over 200 s
        now[0] = 1_000_000.0 + step
        client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"})
    now[0] = 1_000_000.0 + 299
    assert client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD}).status_code == 429
    now[0] = 1_000_000.0 + 301  # the first failure slid out: two left, below the limit
    assert client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD}).status_code == 302


def test_the_counts_are_stored_without_the_username_or_the_address(client, world, staff_a):
    from anju.core.models import RateCounter

    client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong"}, REMOTE_ADDR="192.0.2.77")
    keys = list(RateCounter.objects.values_list("key", flat=True))
    assert len(keys) == 3  # username, address, the account's lock count
    assert not any("staff_a" in k or "192.0.2.77" in k for k in keys)
