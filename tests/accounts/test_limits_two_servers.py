"""Two separate server processes against one store: login, admin login and bearer-token limits count in total.

Before the shared limiter each gunicorn process kept its own counts (local memory in development),
so with two servers a username was throttled only after 2N failures; now after exactly N, in the
database store (one SQLite file) and in Redis alike.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import Browser, Server, child_env, copy_sqlite, migrated_sqlite, servers

THROTTLE_N = 5  # failures per username before a pause
LOCK_N = 3  # failures of a real account before it locks
TOKEN_N = 4  # wrong bearer tokens per address
PASSWORD = "correct horse battery staple"
THROTTLED = "登录失败次数过多"
LOCKED = "已被锁定"
WRONG = "用户名或密码不正确"
USERS = ["kaiyuan", "admin_lock"]
SCRIPT = ("from django.contrib.auth import get_user_model\n"
          f"for name in {USERS!r}:\n"
          f"    get_user_model().objects.create_user(name, password={PASSWORD!r}, is_staff=True)\n")


def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=2).ping())
    except Exception:  # no client, no server: the Redis variant is skipped, the database one still runs
        return False


@dataclass
class Pair:
    a: Server
    b: Server
    database: Path

    def locked_usernames(self) -> set[str]:
        with contextlib.closing(sqlite3.connect(self.database)) as db:
            rows = db.execute("select u.username from accounts_accountlock l join auth_user u on u.id = l.user_id")
            return {r[0] for r in rows}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return migrated_sqlite(tmp_path_factory.mktemp("template"), SCRIPT)


@pytest.fixture(scope="module", params=["database", "redis"])
def pair(request, template, tmp_path_factory) -> Iterator[Pair]:
    var_dir = tmp_path_factory.mktemp(request.param)
    database = copy_sqlite(template, var_dir)
    figures = {"ANJU_LOGIN_MAX_FAILURES": str(THROTTLE_N), "ANJU_ACCOUNT_LOCK_FAILURES": str(LOCK_N),
               "ANJU_LOGIN_ADDRESS_MAX_FAILURES": "1000", "ANJU_API_TOKEN_MAX_FAILURES": str(TOKEN_N)}
    prefix = f"anju-test-{uuid.uuid4().hex[:12]}"
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip("Redis at 127.0.0.1:6379 is not reachable")
        figures |= {"ANJU_CACHE_URL": "redis://127.0.0.1:6379/0", "ANJU_CACHE_KEY_PREFIX": prefix}
    try:
        with servers(child_env(var_dir, **figures), 2, var_dir) as (a, b):
            yield Pair(a, b, database)
    finally:
        if request.param == "redis":
            import redis

            client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
            for key in client.scan_iter(prefix + "*"):
                client.delete(key)


def _first_refused(pair: Pair, attempts: int, send) -> int | None:
    """Send `attempts` wrong logins alternating between the servers; the 1-based number of the first refused."""
    for n in range(1, attempts + 1):
        server = pair.a if n % 2 else pair.b
        status, html = send(server)
        if THROTTLED in html or LOCKED in html:
            return n
        assert WRONG in html, (status, html[-800:])
    return None


def test_two_servers_throttle_a_username_after_exactly_n_failures_in_total(pair):
    browser = Browser()
    first = _first_refused(pair, 3 * THROTTLE_N, lambda s: browser.login(s, "nobody-guessed", "wrong"))
    assert first == THROTTLE_N + 1  # before the shared store: 2N + 1 (each process counted its own)


def test_two_servers_lock_an_account_after_exactly_n_failures_and_the_right_password_is_refused(pair):
    browser = Browser()
    for n in range(1, LOCK_N):
        status, html = browser.login(pair.a if n % 2 else pair.b, "kaiyuan", "wrong")
        assert WRONG in html and LOCKED not in html, html[-800:]
    assert "kaiyuan" not in pair.locked_usernames()
    status, html = browser.login(pair.b if LOCK_N % 2 == 0 else pair.a, "kaiyuan", "wrong")
    assert LOCKED in html
    assert "kaiyuan" in pair.locked_usernames()
    for server in (pair.a, pair.b):
        status, html = browser.login(server, "kaiyuan", PASSWORD)
        assert status == 403 and LOCKED in html and "请联系" in html


def test_admin_login_and_the_login_page_share_one_count_across_servers(pair):
    browser = Browser()

    def send(server: Server):
        path = "/admin/login/" if server is pair.b else "/accounts/login/"
        return browser.login(server, "admin_lock", "wrong", path=path)

    assert _first_refused(pair, 3 * LOCK_N, send) == LOCK_N
    assert "admin_lock" in pair.locked_usernames()
    status, html = browser.login(pair.b, "admin_lock", PASSWORD, path="/admin/login/")
    assert LOCKED in html and status != 302


def test_two_servers_answer_429_after_exactly_n_wrong_bearer_tokens_from_one_address(pair):
    browser = Browser()
    statuses = [browser.request((pair.a if n % 2 else pair.b).url + "/api/roster/subdistricts",
                                headers={"Authorization": f"Bearer anju_guess{n:04d}"})[0]
                for n in range(1, TOKEN_N + 3)]
    assert statuses == [401] * TOKEN_N + [429, 429]
