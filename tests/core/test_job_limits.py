"""One long job cannot starve the others: jobs run in a pool, each within a time and a memory limit.

Real task workers (`anju serve --no-web`, the task side of the service) on their own SQLite file,
real jobs that sleep or take memory; a job stopped by a limit reads as failed, with the reason.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess

import pytest

from tests.core import processes
from tests.core.processes import ANJU, ROOT, alive, descendants, jobctl, site_env, wait_until

pytestmark = processes.only_sqlite

TIME_LIMIT = 20  # seconds: long enough for a quick job on a busy machine, short enough for a test
MEMORY_MB = 200


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """Two task workers under the supervisor, with small limits; yields the environment to start jobs in."""
    var = processes.fresh_var(tmp_path_factory)
    env = site_env(var, ANJU_TASK_WORKERS="2", ANJU_JOB_TIME_LIMIT=str(TIME_LIMIT), ANJU_JOB_MEMORY_MB=str(MEMORY_MB))
    log = (var / "pool.log").open("wb")
    supervisor = subprocess.Popen([*ANJU, "serve", "--no-web", "--no-periodic"], env=env, cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT)
    env["_DB"] = str(var / "anju.sqlite3")
    try:
        yield env
    finally:
        tree = descendants(supervisor.pid)
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=60)
        wait_until(lambda: not alive(tree), timeout=15, what="the pool's processes end")
        log.close()


def job(env: dict[str, str], pk: int) -> dict:
    with sqlite3.connect(env["_DB"], timeout=20) as db:
        status, error, result = db.execute("select status, error, result from core_job where id = ?", (pk,)).fetchone()
    return {"status": status, "error": error, "result": json.loads(result) if result else None}


def test_a_slow_job_is_stopped_at_the_time_limit_while_the_other_worker_runs_the_rest(pool):
    slow = jobctl(pool, "start", "tests.sleep", json.dumps({"seconds": 600}))
    wait_until(lambda: job(pool, slow["id"])["status"] == "running", timeout=120, what="the slow job starts")
    quick = jobctl(pool, "start", "tests.sleep", json.dumps({"seconds": 1}))
    wait_until(lambda: job(pool, quick["id"])["status"] == "done", timeout=120, what="the quick job runs beside it")
    assert job(pool, slow["id"])["status"] == "running"  # it did not wait for the slow one
    failed = wait_until(lambda: (j := job(pool, slow["id"]))["status"] == "failed" and j, timeout=TIME_LIMIT + 60,
                        what="the slow job is stopped")
    assert f"超过时间限制（{TIME_LIMIT} 秒）" in failed["error"] and f"time limit ({TIME_LIMIT} s)" in failed["error"]


def test_a_job_that_takes_too_much_memory_fails_with_the_reason_and_the_worker_goes_on(pool):
    hog = jobctl(pool, "start", "tests.hog", json.dumps({"mb": 4000}))
    failed = wait_until(lambda: (j := job(pool, hog["id"]))["status"] == "failed" and j, timeout=120,
                        what="the memory-hungry job fails")
    assert f"超过内存限制（{MEMORY_MB} MB）" in failed["error"] and f"memory limit ({MEMORY_MB} MB)" in failed["error"]
    modest = jobctl(pool, "start", "tests.hog", json.dumps({"mb": 32}))
    done = wait_until(lambda: (j := job(pool, modest["id"]))["status"] == "done" and j, timeout=120,
                      what="a modest job runs afterwards")
    assert done["result"]["summary"] == "拿到 32 MB"
