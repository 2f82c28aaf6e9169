"""Passwords: 12 characters at least and not a common one, wherever a password is set."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TEN_CHARACTERS = "kq7#Vm2!xZ"   # random, but two short
COMMON = "111222tianya"         # 12 characters, on Django's list of common passwords
GOOD = "lantern-orchard-gravel-41"


def test_the_demo_password_still_passes():
    validate_password("anju-demo-2021", get_user_model()(username="jiedao"))


@pytest.mark.parametrize("password", [TEN_CHARACTERS, COMMON])
def test_a_short_or_common_password_is_refused_by_the_rules(password):
    with pytest.raises(ValidationError):
        validate_password(password, get_user_model()(username="staff_a"))


def change(client, new: str):
    return client.post(reverse("accounts:password_change"),
                       {"old_password": PASSWORD, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize(("password", "says"), [(TEN_CHARACTERS, "至少 12 个字符"), (COMMON, "太常见")])
def test_the_password_page_refuses_a_short_or_common_password(client, staff_a, password, says):
    client.force_login(staff_a)
    response = change(client, password)
    assert response.status_code == 200
    assert says in response.content.decode()
    staff_a.refresh_from_db()
    assert staff_a.check_password(PASSWORD)


def test_the_password_page_takes_a_good_password(client, staff_a):
    client.force_login(staff_a)
    response = change(client, GOOD)
    assert response.status_code == 302
    staff_a.refresh_from_db()
    assert staff_a.check_password(GOOD)
    assert "_auth_user_id" in client.session  # still logged in on this device


def test_the_navigation_links_to_the_password_page(client, staff_a):
    client.force_login(staff_a)
    assert reverse("accounts:password_change") in client.get(reverse("roster:home"), follow=True).content.decode()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", GOOD)


@pytest.mark.parametrize("password", [TEN_CHARACTERS, COMMON])
def test_the_admin_refuses_a_short_or_common_password_for_a_new_user(client, superuser, password):
    client.force_login(superuser)
    response = client.post(reverse("admin:auth_user_add"),
                           {"username": "newcomer", "password1": password, "password2": password, "usable_password": "true"})
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="newcomer").exists()


@pytest.mark.parametrize("password", [TEN_CHARACTERS, COMMON])
def test_the_admin_refuses_a_short_or_common_password_when_changing_one(client, superuser, staff_a, password):
    client.force_login(superuser)
    response = client.post(reverse("admin:auth_user_password_change", args=[staff_a.pk]),
                           {"password1": password, "password2": password})
    assert response.status_code == 200
    staff_a.refresh_from_db()
    assert staff_a.check_password(PASSWORD)


def createsuperuser(tmp_path, password: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env |= {"ANJU_VAR_DIR": str(tmp_path), "DJANGO_SUPERUSER_PASSWORD": password}
    run = [sys.executable, "-m", "anju.cli"]
    migrated = subprocess.run([*run, "migrate", "--verbosity", "0"], env=env, capture_output=True, text=True, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    return subprocess.run([*run, "createsuperuser", "--noinput", "--username", "root", "--email", "root@example.org"],
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("password", "says"), [(TEN_CHARACTERS, "at least 12 characters"), (COMMON, "too common")])
def test_createsuperuser_without_a_terminal_refuses_a_short_or_common_password(tmp_path, password, says):
    result = createsuperuser(tmp_path, password)
    assert result.returncode == 2
    line = result.stderr.strip()
    assert says in line and "DJANGO_SUPERUSER_PASSWORD" in line and "\n" not in line
    assert "Traceback" not in result.stderr


def test_createsuperuser_without_a_terminal_takes_a_good_password(tmp_path):
    result = createsuperuser(tmp_path, GOOD)
    assert result.returncode == 0, result.stderr
