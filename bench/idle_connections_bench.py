"""Idle connections benchmark: does the site still answer while phones hold connections that say nothing?

    .venv/bin/python bench/idle_connections_bench.py              # 50 idle connections, 40 requests
    .venv/bin/python bench/idle_connections_bench.py --idle 300   # more

For each web server set-up, on a free loopback port and a fresh migrated SQLite file: start it,
warm it up, time 20 requests to the login page with no idle connection, then open `--idle`
connections that connect and send nothing (a phone on a slow link, a browser's speculative
preconnect) and time `--requests` normal requests one after the other while they are held, each
given up after `--limit` seconds. Prints p50/p95/max and how many requests missed the limit.

Set-ups: gunicorn's sync worker as `anju serve` ran it before (2 workers), stock gthread (2 × 4 and
2 × 16 threads), and `anju serve` as it is now (anju.core.webserver.ThreadWorker under the
supervisor). Not part of `make test`.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANJU = [sys.executable, "-m", "anju.cli"]
GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
PATH = "/accounts/login/"


def setups(port: int) -> list[tuple[str, list[str]]]:
    bind = f"127.0.0.1:{port}"
    plain = [GUNICORN, "anju.wsgi:application", "--bind", bind, "--workers", "2", "--timeout", "60", "--no-control-socket"]
    return [
        ("sync, 2 workers (before)", plain),
        ("gthread 2 × 4 (stock)", [*plain, "--worker-class", "gthread", "--threads", "4"]),
        ("gthread 2 × 16 (stock)", [*plain, "--worker-class", "gthread", "--threads", "16"]),
        ("anju serve (after)", [*ANJU, "serve", "--no-worker", "--bind", bind]),
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, timeout: float) -> float | None:
    """Seconds for one GET of the login page, or None if it took longer than `timeout` or failed."""
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request("GET", PATH, headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        connection.close()
    except OSError:
        return None
    elapsed = time.perf_counter() - started
    return elapsed if response.status == 200 and elapsed <= timeout else None


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        if request(port, 2) is not None:
            return
        time.sleep(0.3)
    raise SystemExit("the server did not answer within 240 s")


def measure(name: str, argv: list[str], port: int, env: dict[str, str], args: argparse.Namespace) -> dict:
    process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    idle: list[socket.socket] = []
    try:
        wait_ready(port, process)
        for _ in range(5):
            request(port, args.limit)
        quiet = [t for t in (request(port, args.limit) for _ in range(20)) if t is not None]
        for _ in range(args.idle):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        time.sleep(0.5)  # let the server accept them all
        timings = [request(port, args.limit) for _ in range(args.requests)]
    finally:
        for sock in idle:
            sock.close()
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    answered = sorted(t for t in timings if t is not None)
    missed = len(timings) - len(answered)
    # A request that missed the limit counts as the limit in the percentiles (it is at least that slow).
    counted = sorted([*answered, *[args.limit] * missed])
    return {
        "name": name, "quiet_p50": statistics.median(quiet) if quiet else None,
        "p50": statistics.median(counted), "p95": counted[max(0, round(0.95 * len(counted)) - 1)],
        "max": counted[-1], "missed": missed, "total": len(timings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=int, default=50, help="idle connections held open (default 50)")
    parser.add_argument("--requests", type=int, default=40, help="normal requests timed while they are held")
    parser.add_argument("--limit", type=float, default=10.0, help="seconds after which a request counts as failed")
    parser.add_argument("--only", default="", help="run only the set-ups whose name contains this")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="anju-idle-bench-") as var:
        env = {**os.environ, "ANJU_VAR_DIR": var, "PYTHONPATH": str(ROOT)}
        env.pop("DATABASE_URL", None)
        print("migrating a fresh SQLite database …", flush=True)
        subprocess.run([*ANJU, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        rows = []
        for name, argv in setups(0):
            if args.only and args.only not in name:
                continue
            port = free_port()
            argv = [a.replace("127.0.0.1:0", f"127.0.0.1:{port}") for a in argv]
            print(f"measuring {name} …", flush=True)
            rows.append(measure(name, argv, port, env, args))
    print()
    print(f"{args.idle} idle connections, {args.requests} requests to {PATH} one after another, limit {args.limit:g} s")
    print(f"{'set-up':<28} {'alone p50':>10} {'p50':>8} {'p95':>8} {'max':>8} {'over limit':>11}")

    def ms(value: float | None) -> str:
        return "—" if value is None else f"{value * 1000:.0f} ms"

    for row in rows:
        print(f"{row['name']:<28} {ms(row['quiet_p50']):>10} {ms(row['p50']):>8} {ms(row['p95']):>8} {ms(row['max']):>8} "
              f"{row['missed']:>5} / {row['total']:<4}")


if __name__ == "__main__":
    main()
