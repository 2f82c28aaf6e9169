"""With DEBUG off (the default), a page reached by mistake is the app's own, in the user's language.

Before: `make demo` ran with DEBUG on (Django's yellow debug pages, settings and all), and with
DEBUG off Django's bare English "Not Found" / "Server Error (500)" answered.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.servers import CHILD_TIMEOUT

NOT_FOUND_ZH = "该页面不存在或不在您的管辖范围内"
NOT_FOUND_EN = "This page does not exist or is outside your area"


@pytest.fixture
def production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.core.error_urls"
    return settings


def _debug_default(env: dict[str, str]) -> str:
    full = {k: v for k, v in os.environ.items() if k not in ("ANJU_DEBUG", "ANJU_ENV")} | env
    script = "from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=CHILD_TIMEOUT,
                            env=full | {"DJANGO_SETTINGS_MODULE": "anju.settings"})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_is_off_by_default_and_on_only_with_anju_debug():
    assert _debug_default({}) == "False"  # as `make demo` and `anju serve` run
    assert _debug_default({"ANJU_DEBUG": "1"}) == "True"


@pytest.mark.django_db
def test_an_unknown_page_is_the_apps_404_in_chinese_with_a_way_back(production_like, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert NOT_FOUND_ZH in text
    assert 'href="/"' in text and "data-back" in text and "回到首页" in text
    assert "anju-nav" in text  # the normal page frame


@pytest.mark.django_db
def test_the_404_page_follows_the_active_language(production_like, client):
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert NOT_FOUND_EN in response.content.decode()
    assert "Back to the home page" in response.content.decode()


@pytest.mark.django_db
def test_a_signed_in_user_sees_the_404_in_the_page_frame(production_like, client, staff_a):
    client.force_login(staff_a)
    response = client.get("/roster/no-such-thing/")
    assert response.status_code == 404
    text = response.content.decode()
    assert NOT_FOUND_ZH in text and "退出" in text


@pytest.mark.django_db
def test_a_server_error_is_the_apps_500_page_without_traceback(production_like):
    client = Client(raise_request_exception=False)
    response = client.get("/test-broken/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "系统出错" in text and "没有完成" in text and 'href="/"' in text
    assert "RuntimeError" not in text and "Traceback" not in text


@pytest.mark.django_db
def test_the_500_page_follows_the_active_language(production_like):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    response = client.get("/test-broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_500_page_renders_without_a_database_or_user(production_like, rf):
    """No `db` fixture: a query would fail the test, as it would when the database is down."""
    from anju.core.errors_views import server_error

    response = server_error(rf.get("/anything/"))
    assert response.status_code == 500 and "系统出错" in response.content.decode()


@pytest.mark.django_db
def test_a_refused_request_is_the_apps_400_page(production_like, client):
    response = client.get("/", HTTP_HOST="evil.example.com")  # not an allowed host: SuspiciousOperation
    assert response.status_code == 400
    assert "请求无法处理" in response.content.decode()


@pytest.mark.django_db
def test_a_permission_denied_is_the_apps_403_page(production_like, rf):
    from django.core.exceptions import PermissionDenied

    from anju.core.errors_views import permission_denied

    request = rf.get("/roster/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    text = response.content.decode()
    assert "没有权限" in text and "回到首页" in text


@pytest.mark.django_db
def test_unknown_api_paths_answer_json(production_like, client, staff_a):
    client.force_login(staff_a)
    response = client.get("/api/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert NOT_FOUND_ZH in response.json()["detail"]


@pytest.mark.django_db
def test_an_api_server_error_answers_json(production_like):
    client = Client(raise_request_exception=False)
    response = client.get("/api/test-broken/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "系统出错" in response.json()["detail"]
