"""core.ratelimit: sliding windows in a shared store (the database, or Redis), keys never in clear."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from anju.core import ratelimit
from anju.core.models import RateCounter
from anju.core.ratelimit import Limit
from tests.servers import CHILD_TIMEOUT, ROOT, child_env, migrated_sqlite

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_client():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
        client.ping()
        return client
    except Exception:  # no Redis here: its variant is skipped, the database one still runs
        return None


@pytest.fixture(params=["database", "redis"])
def store(request, settings, db):
    if request.param == "database":
        settings.ANJU_CACHE_URL = ""
        yield "database"
        return
    client = _redis_client()
    if client is None:
        pytest.skip("Redis at 127.0.0.1:6379 is not reachable")
    prefix = f"anju-test-{uuid.uuid4().hex[:12]}"
    settings.ANJU_CACHE_URL, settings.ANJU_CACHE_KEY_PREFIX = REDIS_URL, prefix
    yield "redis"
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)


@pytest.fixture
def clock(monkeypatch):
    now = [1_700_000_000.0]
    monkeypatch.setattr(ratelimit, "_now", lambda: now[0])
    return now


def test_the_limit_is_reached_after_exactly_count_failures(store):
    limit = Limit("test-exact", 3, 60)
    assert [ratelimit.record_failure(limit, "k") for _ in range(3)] == [1, 2, 3]
    assert ratelimit.failures(limit, "k") == 3 and ratelimit.exceeded(limit, "k")
    assert not ratelimit.exceeded(limit, "another key")
    assert not ratelimit.exceeded(Limit("another-limit", 3, 60), "k")  # the same key under another name


def test_the_window_slides_failure_by_failure(store, clock):
    limit = Limit("test-slide", 3, 100)
    start = clock[0]
    for offset in (0, 40, 80):
        clock[0] = start + offset
        ratelimit.record_failure(limit, "k")
    clock[0] = start + 99.9
    assert ratelimit.failures(limit, "k") == 3
    clock[0] = start + 100.1  # the first failure is out, the others still in: no fixed bucket resets them all
    assert ratelimit.failures(limit, "k") == 2 and not ratelimit.exceeded(limit, "k")
    clock[0] = start + 180.1
    assert ratelimit.failures(limit, "k") == 0
    assert ratelimit.record_failure(limit, "k") == 1


def test_a_flood_saturates_one_above_the_limit(store):
    limit = Limit("test-flood", 2, 60)
    counts = [ratelimit.record_failure(limit, "k") for _ in range(10)]
    assert counts[:3] == [1, 2, 3] and set(counts[3:]) == {3}
    assert ratelimit.exceeded(limit, "k")


def test_clear_forgets_one_key(store):
    limit = Limit("test-clear", 2, 60)
    for key in ("a", "b"):
        ratelimit.record_failure(limit, key)
        ratelimit.record_failure(limit, key)
    ratelimit.clear(limit, "a")
    assert ratelimit.failures(limit, "a") == 0 and ratelimit.failures(limit, "b") == 2


def test_keys_are_stored_as_keyed_hashes_only(store):
    limit = Limit("test-hash", 5, 60)
    ratelimit.record_failure(limit, "wang.xiulan@192.0.2.7")
    if store == "database":
        stored = list(RateCounter.objects.values_list("key", flat=True))
    else:
        from django.conf import settings

        stored = [k.decode() for k in _redis_client().scan_iter(settings.ANJU_CACHE_KEY_PREFIX + "*")]
    assert len(stored) == 1
    assert "wang" not in stored[0] and "192.0.2.7" not in stored[0] and stored[0].split(":")[-2] == "test-hash"


def test_the_database_store_purges_expired_rows_of_other_keys(settings, db, clock):
    settings.ANJU_CACHE_URL = ""
    limit = Limit("test-purge", 5, 10)
    for n in range(5):
        ratelimit.record_failure(limit, f"old{n}")
    clock[0] += 60
    ratelimit.record_failure(limit, "new")
    assert RateCounter.objects.count() == 1


def test_uses_past_the_limit_are_429(store):
    limit = Limit("test-use", 2, 60)
    ratelimit.check_use(limit, "k")
    ratelimit.check_use(limit, "k")
    with pytest.raises(ratelimit.TooMany) as refused:
        ratelimit.check_use(limit, "k")
    assert refused.value.status == 429 and "过于频繁" in refused.value.zh


def test_the_store_is_the_database_even_in_development_without_a_cache_url(settings):
    # Before: local memory in DEBUG (and tests), one count per process.
    settings.ANJU_CACHE_URL, settings.DEBUG = "", True
    assert ratelimit.store_name() == "database"


# ---------------------------------------------------------------- several processes, one store

CHILD = """
import os, sys, time
from pathlib import Path
import django
django.setup()
from anju.core import ratelimit
limit = ratelimit.Limit("test-processes", 100000, 3600)
print("ready", flush=True)
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.01)
for _ in range(int(sys.argv[2])):
    ratelimit.record_failure(limit, "one key")
print("done", flush=True)
"""
PROCESSES, EACH = 4, 40


def _hammer(env: dict[str, str], tmp: Path) -> None:
    """Start PROCESSES children that each record EACH failures of one key at the same moment."""
    go = tmp / "go"
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(go), str(EACH)], env=env, cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(PROCESSES)]
    try:
        for child in children:
            assert child.stdout.readline().strip() == "ready", child.stderr.read()[-2000:]
        go.touch()
        for child in children:
            out, err = child.communicate(timeout=300)
            assert child.returncode == 0 and "done" in out, err[-2000:]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()


def _count_in(env: dict[str, str]) -> int:
    code = ("import django; django.setup(); from anju.core import ratelimit; "
            "print(ratelimit.failures(ratelimit.Limit('test-processes', 100000, 3600), 'one key'))")
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.strip())


def test_no_failure_is_lost_when_processes_count_at_once_on_one_sqlite_file(tmp_path):
    migrated_sqlite(tmp_path, app="core")  # the counters' table is all the children need
    env = child_env(tmp_path)
    _hammer(env, tmp_path)
    assert _count_in(env) == PROCESSES * EACH


def test_no_failure_is_lost_when_processes_count_at_once_in_redis(tmp_path):
    client = _redis_client()
    if client is None:
        pytest.skip("Redis at 127.0.0.1:6379 is not reachable")
    prefix = f"anju-test-{uuid.uuid4().hex[:12]}"
    # Redis holds the counts; the children still need a database for Django to start, an empty file is enough.
    env = child_env(tmp_path, ANJU_CACHE_URL=REDIS_URL, ANJU_CACHE_KEY_PREFIX=prefix)
    try:
        _hammer(env, tmp_path)
        assert _count_in(env) == PROCESSES * EACH
    finally:
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)


@pytest.mark.django_db(transaction=True)
def test_no_failure_is_lost_when_processes_count_at_once_on_postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (DATABASE_URL)")
    s = connection.settings_dict
    url = f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = child_env(tmp_path, DATABASE_URL=url)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    _hammer(env, tmp_path)
    assert _count_in(env) == PROCESSES * EACH
