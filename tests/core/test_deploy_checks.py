"""Production refuses the public development keys; `anju check --deploy` names what is unsafe, one line each."""

from __future__ import annotations

import re

import pytest

from anju import settings as defaults
from tests.core.test_settings import run_anju
from tests.servers import CHILD_TIMEOUT

GOOD = {"ANJU_ENV": "production", "ANJU_SECRET_KEY": "k" * 20 + "Q9x!" * 10, "ANJU_DATA_KEY": "d" * 40,
        "ANJU_ALLOWED_HOSTS": "anju.example.org"}


@pytest.mark.parametrize(("variable", "development_key"), [("ANJU_SECRET_KEY", defaults.DEV_SECRET_KEY),
                                                         ("ANJU_DATA_KEY", defaults.DEV_DATA_KEY)])
@pytest.mark.parametrize("command", [["check"], ["serve"], ["migrate"]])
def test_production_refuses_a_development_key_set_explicitly(tmp_path, variable, development_key, command):
    result = run_anju(command, GOOD | {"ANJU_VAR_DIR": str(tmp_path), variable: development_key})
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in result.stderr
    assert variable in line and "开发密钥" in line and "development key" in line
    assert not (tmp_path / "anju.sqlite3").exists()  # it stopped before touching anything


def test_the_wsgi_application_refuses_a_development_key_too(tmp_path):
    """gunicorn imports anju.wsgi without the `anju` command: the same refusal, with the same words."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | GOOD | {
        "ANJU_VAR_DIR": str(tmp_path), "ANJU_SECRET_KEY": defaults.DEV_SECRET_KEY, "DJANGO_SETTINGS_MODULE": "anju.settings"}
    result = subprocess.run([sys.executable, "-c", "import anju.wsgi"], env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    assert result.returncode != 0
    assert "ImproperlyConfigured: ANJU_SECRET_KEY 是公开的开发密钥" in result.stderr


def deploy_check(tmp_path, env: dict[str, str], *, migrate: bool = True) -> tuple[int, dict[str, str]]:
    env = {"ANJU_VAR_DIR": str(tmp_path)} | env
    if migrate:
        assert run_anju(["migrate", "--verbosity", "0"], env).returncode == 0
    result = run_anju(["check", "--deploy"], env)
    found = dict(re.findall(r"\((anju\.[EW]\d{3})\) (.*)", result.stdout + result.stderr))
    return result.returncode, found


def test_development_settings_are_called_unsafe_for_deployment(tmp_path):
    # DEBUG is off by default even in development (the demo shows the app's own error pages); ANJU_DEBUG=1 is named.
    code, found = deploy_check(tmp_path, {"ANJU_ENV": "development", "ANJU_DEBUG": "1"})
    assert code != 0
    assert {"anju.E001", "anju.E002", "anju.W001", "anju.W002", "anju.W005"} <= set(found)
    for message in found.values():  # one line, Chinese then English
        assert re.search(r"[\u4e00-\u9fff]", message.split(" / ")[0]) and re.search(r"[a-z]{3}", message.split(" / ")[1])


def test_a_wildcard_host_an_open_policy_and_no_idle_timeout_are_named(tmp_path):
    code, found = deploy_check(tmp_path, GOOD | {"ANJU_ALLOWED_HOSTS": "*", "ANJU_SESSION_IDLE_MINUTES": "0"})
    assert {"anju.W003", "anju.W010"} <= set(found)
    assert "anju.E001" not in found and "anju.W002" not in found


def test_sqlite_without_the_cache_table_is_named(tmp_path):
    _, found = deploy_check(tmp_path, GOOD, migrate=False)
    assert "anju.W008" in found and "anju migrate" in found["anju.W008"]
    _, found = deploy_check(tmp_path, GOOD)
    assert "anju.W008" not in found


def test_the_same_key_for_sessions_and_data_is_named(tmp_path):
    _, found = deploy_check(tmp_path, GOOD | {"ANJU_DATA_KEY": GOOD["ANJU_SECRET_KEY"]})
    assert "anju.W006" in found


def test_only_local_host_names_in_production_are_named(tmp_path):
    _, found = deploy_check(tmp_path, GOOD | {"ANJU_ALLOWED_HOSTS": "127.0.0.1,localhost"})
    assert "anju.W004" in found


def test_a_good_production_install_has_nothing_to_say(tmp_path):
    code, found = deploy_check(tmp_path, GOOD)
    assert code == 0 and found == {}


def ids(found) -> set[str]:
    return {m.id for m in found}


def test_a_missing_or_opened_content_security_policy_is_named(settings):
    from anju.core.checks import check_deploy

    assert "anju.W009" not in ids(check_deploy())
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
                                                       "script-src": ["'self'", "'unsafe-inline'"]}}
    opened = [m for m in check_deploy() if m.id == "anju.W009"]
    assert opened and "script-src 'unsafe-inline'" in opened[0].msg
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "csp.middleware.CSPMiddleware"]
    assert "anju.W009" in ids(check_deploy())


def test_a_per_process_cache_behind_several_workers_is_named(settings):
    from anju.core.checks import check_deploy

    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "anju.W007" in ids(check_deploy())
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379"}}
    assert "anju.W007" not in ids(check_deploy())
