"""Account lockout: after N failed logins an account stays locked until staff unlock it (page or command)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from anju.accounts import lockout
from anju.accounts.models import AccountLock, Profile, Role
from anju.core.models import AuditEvent, RateCounter
from anju.roster import services as roster_services
from tests.factories import PASSWORD, SYSTEM

pytestmark = pytest.mark.django_db
LOGIN = "accounts:login"


@pytest.fixture(autouse=True)
def _figures(settings):
    settings.ANJU_ACCOUNT_LOCK_FAILURES = 3
    settings.ANJU_LOGIN_MAX_FAILURES = 50


def fail(client: Client, username: str, times: int, url: str | None = None) -> list:
    return [client.post(url or reverse(LOGIN), {"username": username, "password": "wrong"}) for _ in range(times)]


def test_an_account_locks_at_the_nth_failure_and_then_refuses_the_right_password(client, world, staff_a):
    first = fail(client, "staff_a", 2)
    assert all("用户名或密码不正确" in r.content.decode() for r in first)
    assert not AccountLock.objects.exists()
    third = fail(client, "staff_a", 1)[0]
    assert third.status_code == 403 and "已被锁定" in third.content.decode()
    right = client.post(reverse(LOGIN), {"username": "staff_a", "password": PASSWORD})
    assert right.status_code == 403
    assert "该账号因多次登录失败已被锁定，请联系街道工作人员解锁" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_message_is_in_english_for_english_users(client, world, staff_a):
    fail(client, "staff_a", 3)
    response = client.post(reverse(LOGIN), {"username": "staff_a", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert "locked" in response.content.decode() and "staff" in response.content.decode()


def test_the_lock_is_a_flag_on_the_account_not_a_cache_entry(client, world, staff_a):
    fail(client, "staff_a", 3)
    RateCounter.objects.all().delete()  # every count forgotten (a restart, a flushed Redis)
    assert client.post(reverse(LOGIN), {"username": "staff_a", "password": PASSWORD}).status_code == 403
    assert authenticate(username="staff_a", password=PASSWORD) is None  # the backend refuses it too, on any path
    event = AuditEvent.objects.get(action="account_lock")
    assert event.object_label == "staff_a" and event.after == {"locked": True, "failures": 3}
    assert event.subdistrict_id == world.subdistrict.pk


def test_a_right_password_before_the_lock_starts_the_count_again(client, world, staff_a):
    fail(client, "staff_a", 2)
    assert client.post(reverse(LOGIN), {"username": "staff_a", "password": PASSWORD}).status_code == 302
    client.logout()
    fail(client, "staff_a", 2)
    assert not AccountLock.objects.exists()


def test_unknown_usernames_are_paused_but_nothing_is_locked(client, world, settings):
    settings.ANJU_LOGIN_MAX_FAILURES = 3
    responses = fail(client, "nobody", 4)
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert not AccountLock.objects.exists()


def test_the_right_password_of_a_user_the_admin_refuses_is_no_guess(client, world, outsider):
    for _ in range(4):  # not staff: /admin/login/ refuses, but the password was right
        response = client.post("/admin/login/", {"username": "outsider", "password": PASSWORD, "next": "/admin/"})
        assert response.status_code == 200
    assert not AccountLock.objects.exists()


def test_an_inactive_account_is_not_locked(client, world, staff_a):
    get_user_model().objects.filter(pk=staff_a.pk).update(is_active=False)
    fail(client, "staff_a", 4)
    assert not AccountLock.objects.exists()


def test_admin_login_counts_and_locks_like_the_login_page(client, world, staff_a):
    fail(client, "staff_a", 1)
    fail(client, "staff_a", 1, url="/admin/login/")
    third = fail(client, "staff_a", 1, url="/admin/login/")[0]
    assert "已被锁定" in third.content.decode()
    assert AccountLock.objects.filter(user=staff_a).exists()
    right = client.post("/admin/login/", {"username": "staff_a", "password": PASSWORD, "next": "/admin/"})
    assert right.status_code == 200 and "已被锁定" in right.content.decode()
    assert "_auth_user_id" not in client.session


# ---------------------------------------------------------------- the staff page


@pytest.fixture
def other_subdistrict_user(world):
    sd = roster_services.subdistrict_create(name="别的街道", actor=SYSTEM)
    user = get_user_model().objects.create_user("faraway", password=PASSWORD)
    Profile.objects.create(user=user, role=Role.SUBDISTRICT_STAFF, subdistrict=sd)
    return user


def test_subdistrict_staff_see_and_unlock_locked_accounts_of_their_subdistrict_only(
        client, world, subdistrict_staff, staff_a, other_subdistrict_user):
    admin = get_user_model().objects.create_superuser("root", password=PASSWORD)
    for user in (staff_a, other_subdistrict_user, admin):
        lockout.lock(user=user, failures=3)
    client.force_login(subdistrict_staff)
    page = client.get(reverse("accounts:locked"))
    html = page.content.decode()
    assert page.status_code == 200 and "staff_a" in html and "甲社区" in html
    assert "faraway" not in html and "root" not in html
    elsewhere = AccountLock.objects.get(user=other_subdistrict_user)
    assert client.post(reverse("accounts:unlock", args=[elsewhere.pk])).status_code == 404
    mine = AccountLock.objects.get(user=staff_a)
    response = client.post(reverse("accounts:unlock", args=[mine.pk]), follow=True)
    assert "已解锁账号 staff_a" in response.content.decode()
    assert not AccountLock.objects.filter(user=staff_a).exists()
    event = AuditEvent.objects.get(action="account_unlock")
    assert event.actor == subdistrict_staff and event.object_label == "staff_a"
    client.logout()
    assert client.post(reverse(LOGIN), {"username": "staff_a", "password": PASSWORD}).status_code == 302


def test_a_superuser_sees_every_locked_account(client, world, staff_a, other_subdistrict_user):
    admin = get_user_model().objects.create_superuser("root", password=PASSWORD)
    lockout.lock(user=staff_a, failures=3)
    lockout.lock(user=other_subdistrict_user, failures=3)
    client.force_login(admin)
    html = client.get(reverse("accounts:locked")).content.decode()
    assert "staff_a" in html and "faraway" in html


def test_the_locked_page_refuses_community_staff_volunteers_and_anonymous_users(client, world, staff_a, volunteer_a):
    lock = lockout.lock(user=volunteer_a, failures=3)
    assert client.get(reverse("accounts:locked")).status_code == 302  # to the login page
    assert client.post(reverse("accounts:unlock", args=[lock.pk])).status_code == 302
    for user in (staff_a, volunteer_a):
        client.force_login(user)
        assert client.get(reverse("accounts:locked")).status_code == 403
        assert client.post(reverse("accounts:unlock", args=[lock.pk])).status_code == 403
    assert AccountLock.objects.filter(pk=lock.pk).exists()


def test_unlock_needs_post_with_a_csrf_token_and_a_real_lock(world, subdistrict_staff, staff_a):
    lock = lockout.lock(user=staff_a, failures=3)
    client = Client(enforce_csrf_checks=True)
    client.force_login(subdistrict_staff)
    assert client.get(reverse("accounts:unlock", args=[lock.pk])).status_code == 405
    assert client.post(reverse("accounts:unlock", args=[lock.pk])).status_code == 403  # no CSRF token
    assert client.post(reverse("accounts:unlock", args=[999999])).status_code == 403
    assert client.post(reverse("accounts:locked")).status_code in (403, 405)
    page = client.get(reverse("accounts:locked"))
    token = page.context["csrf_token"]
    assert client.post(reverse("accounts:unlock", args=[999999]), {"csrfmiddlewaretoken": str(token)}).status_code == 404
    assert client.post(reverse("accounts:unlock", args=[lock.pk]), {"csrfmiddlewaretoken": str(token)}).status_code == 302
    assert not AccountLock.objects.exists()


def test_the_locked_page_says_when_nothing_is_locked(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    assert "没有锁定的账号" in client.get(reverse("accounts:locked")).content.decode()


# ---------------------------------------------------------------- anju unlock-user


def anju(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)  # in-process: `anju` itself would close the test's database connection
    return out.getvalue()


def test_anju_unlock_user_unlocks_and_audits(world, staff_a):
    lockout.lock(user=staff_a, failures=3)
    assert "已解锁 staff_a" in anju("unlock_user", "staff_a")
    assert not AccountLock.objects.exists()
    assert AuditEvent.objects.get(action="account_unlock").actor_label == "anju unlock-user"


def test_anju_unlock_user_of_an_unknown_user_is_one_line_and_exit_2(world):
    with pytest.raises(CommandError) as refused:
        anju("unlock_user", "nobody")
    message = str(refused.value)
    assert refused.value.returncode == 2 and "\n" not in message and "没有用户 nobody" in message and "no such user" in message
