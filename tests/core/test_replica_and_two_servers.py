"""A city layout for real: two `gunicorn` servers sharing one PostgreSQL primary and Redis, and a streaming replica
the dashboards read from.

The test starts its own primary cluster (initdb on a free port), takes a replica of it with `pg_basebackup -R`
and starts that too, migrates the primary, and serves Anju twice with `DATABASE_REPLICA_URL` set. Then:
- a staff member logs in on server A and keeps working on server B with the same session cookie;
- with the replica's replay paused, a death registered on the primary (the only stranded elder of the
  sub-district) is not yet on the replica: a colleague's dashboard, read from the replica, still counts 1,
  while the writer's own dashboard, pinned to the primary by their write, counts 0 (and, being the
  primary's, is what every later reader of the scope gets from the cache);
- once replay resumes, the colleague's dashboard counts 0 too (the replica's figures are cached for at most
  ANJU_REPLICA_CACHE_SECONDS, here 1).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import Browser, child_env, free_port, run_anju, servers

PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
PASSWORD = "correct horse battery staple"
SCRIPT = ("from anju.accounts.models import Role\n"
          "from tests import factories\n"
          f"factories.PASSWORD = {PASSWORD!r}\n"
          "w = factories.make_world()\n"
          "factories.make_user('jiedao', Role.SUBDISTRICT_STAFF, w)\n"
          "factories.make_user('jiedao2', Role.SUBDISTRICT_STAFF, w)\n"
          "print('OWNER', w.owner_a.pk)\n")


def _redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=2).ping())
    except Exception:
        return False


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: CI runs tests as root, so the clusters run as `postgres`."""
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + command


def _run(command: list[str]) -> str:
    done = subprocess.run(_as_postgres(command), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
    return done.stdout


class Clusters:
    def __init__(self, base: Path, bin_dir: Path) -> None:
        self.base, self.bin = base, bin_dir
        self.primary_port, self.replica_port = free_port(), free_port()

    def url(self, port: int) -> str:
        return f"postgresql://postgres@127.0.0.1:{port}/anju"

    def sql(self, port: int, statement: str) -> str:
        return _run([str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "anju",
                     "-tAc", statement]).strip()

    def start(self) -> None:
        primary, replica = self.base / "primary", self.base / "replica"
        _run([str(self.bin / "initdb"), "-D", str(primary), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"])
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {self.primary_port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.base}'\nwal_level = replica\nmax_wal_senders = 4\n"
                       "fsync = off\nhot_standby = on\n")
        _run([str(self.bin / "pg_ctl"), "-D", str(primary), "-l", str(self.base / "primary.log"), "-w", "start"])
        _run([str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
              "-c", "CREATE DATABASE anju"])
        _run([str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
              "-D", str(replica), "-R", "-X", "stream", "--no-sync"])
        with (replica / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {self.replica_port}\n")
        _run([str(self.bin / "pg_ctl"), "-D", str(replica), "-l", str(self.base / "replica.log"), "-w", "start"])

    def stop(self) -> None:
        for name in ("replica", "primary"):
            if (self.base / name / "postmaster.pid").exists():
                subprocess.run(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.base / name), "-m", "immediate",
                                             "-w", "stop"]), capture_output=True, timeout=60)

    def caught_up(self) -> bool:
        return self.sql(self.replica_port, "SELECT pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn()") == "t"


@pytest.fixture(scope="module")
def clusters() -> Iterator[Clusters]:
    if not PG_BINS:
        pytest.skip("PostgreSQL's server binaries (initdb, pg_basebackup) are not installed")
    if not _redis_reachable():
        pytest.skip("Redis at 127.0.0.1:6379 is not reachable")
    base = Path(tempfile.mkdtemp(prefix="anju-replica-", dir="/tmp"))
    os.chmod(base, 0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    found = Clusters(base, PG_BINS[-1].parent)
    try:
        found.start()
        yield found
    finally:
        found.stop()
        shutil.rmtree(base, ignore_errors=True)


def _stranded(html: str) -> int:
    found = re.search(r'data-figure="stranded"[^>]*>([\d,]+)<', html)
    assert found, html[-1500:]
    return int(found.group(1).replace(",", ""))


def test_two_servers_share_the_session_and_dashboards_read_the_replica_but_writers_read_their_writes(
        clusters, tmp_path):
    prefix = f"anju-test-{uuid.uuid4().hex[:12]}"
    env = child_env(tmp_path, DATABASE_URL=clusters.url(clusters.primary_port),
                    DATABASE_REPLICA_URL=clusters.url(clusters.replica_port),
                    ANJU_CACHE_URL="redis://127.0.0.1:6379/0", ANJU_CACHE_KEY_PREFIX=prefix,
                    ANJU_REPLICA_CACHE_SECONDS="1", ANJU_REPLICA_PIN_SECONDS="30")
    done = run_anju(["migrate", "-v0"], env)
    assert done.returncode == 0, done.stderr[-3000:]
    done = run_anju(["shell", "-c", SCRIPT], env)
    assert done.returncode == 0, done.stderr[-3000:]
    owner = int(re.search(r"OWNER (\d+)", done.stdout).group(1))
    try:
        with servers(env, 2, tmp_path) as (a, b):
            writer, colleague = Browser(), Browser()
            assert writer.login(a, "jiedao", PASSWORD)[0] == 302
            assert colleague.login(b, "jiedao2", PASSWORD)[0] == 302
            # Logging in is a write: it pins that browser to the primary for ANJU_REPLICA_PIN_SECONDS. The
            # colleague comes back later than that: without the cookie.
            for cookie in [c for c in colleague.jar if c.name == "anju-wrote"]:
                colleague.jar.clear(cookie.domain, cookie.path, cookie.name)
            # One session, two servers: logged in on A, working on B.
            status, html = writer.request(b.url + "/dashboard/")
            assert status == 200 and _stranded(html) == 1
            for _ in range(100):  # the replica has the world and the users before the reads below
                if clusters.caught_up():
                    break
                time.sleep(0.1)
            assert _stranded(colleague.request(a.url + "/dashboard/")[1]) == 1

            clusters.sql(clusters.replica_port, "SELECT pg_wal_replay_pause()")
            for _ in range(100):  # a pause is a request: replay stops at its next record
                if clusters.sql(clusters.replica_port, "SELECT pg_get_wal_replay_pause_state()") == "paused":
                    break
                time.sleep(0.1)
            token = writer.csrf_form(b.url + f"/roster/person/{owner}/")
            status, _ = writer.request(b.url + f"/roster/person/{owner}/death/",
                                       {"csrfmiddlewaretoken": token, "died_on": "2026-11-30"})
            assert status == 302
            assert _stranded(colleague.request(a.url + "/dashboard/")[1]) == 1  # the paused replica's figure
            time.sleep(1.5)  # past that figure's cache time (a replica's figures are kept ANJU_REPLICA_CACHE_SECONDS)
            assert _stranded(writer.request(a.url + "/dashboard/")[1]) == 0  # their own write, from the primary

            clusters.sql(clusters.replica_port, "SELECT pg_wal_replay_resume()")
            deadline = time.monotonic() + 30
            while _stranded(colleague.request(b.url + "/dashboard/")[1]) != 0:
                assert time.monotonic() < deadline, "the replica never caught up"
                time.sleep(0.5)
    finally:
        import redis

        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
