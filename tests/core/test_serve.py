"""`anju serve` comes back by itself: kill -9 any of its processes and the site answers again within 10 s.

Real processes on a free loopback port and their own SQLite file: the supervisor, two gunicorn
masters with their workers, two task workers. Each is killed in turn; after each kill the site
answers, a queued job still runs, the dead process is replaced and nothing it had started lives
on. SIGTERM to the supervisor then ends every process of the tree.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time

from tests.core import processes
from tests.core.processes import (
    ANJU,
    ROOT,
    alive,
    answers,
    children,
    cmdline,
    descendants,
    free_port,
    jobctl,
    site_env,
    wait_until,
)

pytestmark = processes.only_sqlite

BACK_WITHIN = 10  # seconds, from the kill to the site's next answer


def status(db, pk: int) -> str:
    with sqlite3.connect(db, timeout=20) as connection:
        return connection.execute("select status from core_job where id = ?", (pk,)).fetchone()[0]


def test_serve_comes_back_after_each_of_its_processes_is_killed(tmp_path_factory):
    var = processes.fresh_var(tmp_path_factory)
    db = var / "anju.sqlite3"
    env = site_env(var, ANJU_TASK_WORKERS="2", ANJU_WORKERS="2")
    port = free_port()
    url = f"http://127.0.0.1:{port}/accounts/login/"
    log = (var / "serve.log").open("wb")
    supervisor = subprocess.Popen([*ANJU, "serve", "--bind", f"127.0.0.1:{port}", "--no-periodic"], env=env,
                                  cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

    def masters() -> list[int]:
        return sorted(pid for pid in children(supervisor.pid) if "gunicorn" in cmdline(pid))

    def task_workers() -> list[int]:
        return sorted(pid for pid in children(supervisor.pid) if "db_worker" in cmdline(pid))

    def complete() -> bool:
        found = masters()
        return len(found) == 2 and all(children(m) for m in found) and len(task_workers()) == 2

    def a_job_runs() -> None:
        job = jobctl(env, "start", "tests.sleep", json.dumps({"seconds": 0}))
        wait_until(lambda: status(db, job["id"]) == "done", timeout=120, what="a queued job runs")

    seen: set[tuple[int, int]] = set()
    try:
        wait_until(lambda: answers(url), timeout=240, what="the site answers after starting")
        wait_until(complete, timeout=240, what="every process is up")
        seen |= descendants(supervisor.pid)
        # The task worker killed is the one running a long job: its job's process must go with it.
        slow = jobctl(env, "start", "tests.sleep", json.dumps({"seconds": 600}))
        wait_until(lambda: status(db, slow["id"]) == "running", timeout=120, what="the slow job starts")
        victims = {
            "a gunicorn master": lambda: masters()[0],
            "a gunicorn worker": lambda: children(masters()[1])[0],
            "the task worker running a job": lambda: next(w for w in task_workers() if children(w)),
        }
        for name, pick in victims.items():
            victim = wait_until(lambda pick=pick: _try(pick), timeout=60, what=f"find {name}")
            left_behind = descendants(victim)
            seen |= descendants(supervisor.pid)
            os.kill(victim, signal.SIGKILL)
            killed = time.monotonic()
            wait_until(lambda: answers(url, timeout=2), timeout=BACK_WITHIN, what=f"the site answers after killing {name}")
            back = time.monotonic() - killed
            assert back < BACK_WITHIN, (name, back)
            a_job_runs()
            wait_until(lambda left_behind=left_behind: not alive(left_behind), timeout=10,
                       what=f"nothing {name} had started lives on")
            wait_until(complete, timeout=240, what=f"{name} is replaced")
            seen |= descendants(supervisor.pid)
    finally:
        seen |= descendants(supervisor.pid)
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=60)
        log.close()
    assert supervisor.returncode == 0, (var / "serve.log").read_text()[-3000:]
    wait_until(lambda: not alive(seen), timeout=10, what=f"no process of the tree is left: {alive(seen)}")


def _try(pick):
    try:
        return pick()
    except (IndexError, StopIteration):
        return None
