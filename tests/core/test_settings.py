"""Settings that keep data safe: SQLite pragmas, and a clean deploy check in production mode."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.servers import CHILD_TIMEOUT


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        timeout = cursor.fetchone()[0]
    # The test database may live in memory, where WAL is not possible; the file database must be WAL.
    assert mode in ("wal", "memory")
    assert timeout >= 20000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def run_anju(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")} | env
    return subprocess.run([sys.executable, "-m", "anju.cli", *args], env=full, capture_output=True, text=True, timeout=CHILD_TIMEOUT)


def test_deploy_check_is_clean_in_production_mode(tmp_path):
    env = {"ANJU_ENV": "production", "ANJU_SECRET_KEY": "k" * 20 + "Q9x!" * 10, "ANJU_DATA_KEY": "d" * 40,
           "ANJU_ALLOWED_HOSTS": "anju.example.org", "ANJU_VAR_DIR": str(tmp_path)}
    assert run_anju(["migrate", "--verbosity", "0"], env).returncode == 0  # as an install does (anju.W008 otherwise)
    result = run_anju(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secrets(tmp_path):
    result = run_anju(["check"], {"ANJU_ENV": "production", "ANJU_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "ANJU_SECRET_KEY" in result.stderr


def test_migrate_alone_makes_a_production_sqlite_install_serve_logins(tmp_path):
    """A fresh production install on SQLite keeps login throttles in the database cache: `migrate`
    must create that table, or the first login answers 500 (no such table: anju_cache)."""
    env = {"ANJU_ENV": "production", "ANJU_SECRET_KEY": "k" * 20 + "Q9x!" * 10, "ANJU_DATA_KEY": "d" * 40,
           "ANJU_ALLOWED_HOSTS": "testserver", "ANJU_VAR_DIR": str(tmp_path)}
    migrated = run_anju(["migrate", "--verbosity", "0"], env)
    assert migrated.returncode == 0, migrated.stderr
    script = ("import django; django.setup()\n"
              "from django.test import Client\n"
              "r = Client().post('/accounts/login/', {'username': 'nobody', 'password': 'wrong-password-1'},"
              " secure=True)\n"
              "print(r.status_code)\n")
    full = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env | {"DJANGO_SETTINGS_MODULE": "anju.settings"}
    result = subprocess.run([sys.executable, "-c", script], env=full, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "200"


def test_every_setting_the_code_reads_is_declared_in_settings_py():
    """A setting read with a default in the code is a setting nobody can find; settings.py declares each one."""
    root = Path(__file__).resolve().parents[2] / "anju"
    pattern = re.compile(r"getattr\(\s*(django_)?settings\s*,")
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []
