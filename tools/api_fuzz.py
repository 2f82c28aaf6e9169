"""Fuzz the API with schemathesis as a token user of each role, on a fresh demo; fail on a 5xx or a schema mismatch.

    .venv/bin/python tools/api_fuzz.py [--examples 5] [--roles jiedao,nanzhuangping,zhiyuanzhe,admin]
                                       [--coverage-roles jiedao] [--report-dir DIR]

Loads the demo into a temporary ANJU_VAR_DIR (SQLite; set DATABASE_URL to an empty PostgreSQL
database to fuzz that instead), serves it with gunicorn on a free loopback port, runs
`st run --generation-deterministic` once per role and stops the server. The checks are those that
must never fail: no server error, every response matching its declared schema and content type.
Exit code 0 when every role passed, 1 otherwise; the full schemathesis output of a failing role is
printed, and its reports are kept in the directory given by --report-dir.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ROLES = ["jiedao", "nanzhuangping", "zhiyuanzhe", "admin"]  # sub-district staff, community staff, volunteer, superuser
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"
# The coverage phase sends the boundary values that found the 500s (limit -1, ids past 64 bits, NUL);
# probing every path with every other HTTP method as well would triple the run for nothing new (405).
CONFIG = """
[phases.coverage]
unexpected-methods = []
generate-duplicate-query-parameters = false
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def anju(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "anju.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=900)
    if done.returncode != 0:
        sys.exit(f"anju {' '.join(args)} 失败 / failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def wait_for(url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("服务没有启动 / the server did not start")
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    sys.exit(f"{url} 在 {timeout:.0f} 秒内没有应答 / did not answer within {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5, help="schemathesis -n: cases per operation and phase")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--phases", default="examples,fuzzing", help="phases for every role")
    parser.add_argument("--coverage-roles", default="jiedao",
                        help="roles that also run the coverage phase: every boundary value of every parameter "
                             "(about 2,000 cases; the sub-district role reaches every operation)")
    parser.add_argument("--report-dir", default=None, help="keep schemathesis reports here (default: a temporary folder)")
    args = parser.parse_args(argv)

    var = Path(tempfile.mkdtemp(prefix="anju-fuzz-"))
    reports = Path(args.report_dir) if args.report_dir else var / "reports"
    env = {**os.environ, "ANJU_VAR_DIR": str(var), "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "anju.settings"}
    started = time.monotonic()
    server = None
    try:
        anju(env, "demo")
        tokens = {role: anju(env, "issue-token", role, "--name", "api-fuzz").splitlines()[-1] for role in args.roles.split(",")}
        (var / "schemathesis.toml").write_text(CONFIG, encoding="utf-8")
        port = free_port()
        log = open(var / "server.log", "w", encoding="utf-8")  # the server writes here until it stops
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "anju.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--worker-class", "gthread", "--threads", "4", "--timeout", "120", "--log-level", "warning"],
            env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(f"{base}/api/openapi.json", server)
        failed = []
        for role, token in tokens.items():
            t0 = time.monotonic()
            phases = args.phases + (",coverage" if role in args.coverage_roles.split(",") else "")
            run = subprocess.run(
                [str(BIN / "st"), "--config-file", str(var / "schemathesis.toml"), "run", f"{base}/api/openapi.json",
                 "--checks", CHECKS, "--phases", phases,
                 "-H", f"Authorization: Bearer {token}", "--generation-deterministic", "-n", str(args.examples),
                 "--workers", "1", "--wait-for-schema", "60", "--request-timeout", "60", "--no-color",
                 "--report", "junit", "--report-dir", str(reports / role)],
                cwd=var, capture_output=True, text=True, timeout=1800)
            tail = [line for line in run.stdout.splitlines() if "generated" in line or "passed" in line or "failures" in line]
            print(f"{role}: exit {run.returncode} in {time.monotonic() - t0:.0f} s; {' / '.join(tail[-2:])}", flush=True)
            if run.returncode != 0:
                failed.append(role)
                server_log = (var / "server.log").read_text(encoding="utf-8", errors="replace")
                print(run.stdout[-20000:], run.stderr[-4000:], "server log:", server_log[-8000:], sep="\n", flush=True)
        print(f"API fuzzing: {len(tokens) - len(failed)}/{len(tokens)} roles passed in {time.monotonic() - started:.0f} s")
        return 1 if failed else 0
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # the gunicorn master and its workers: our own process group
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
