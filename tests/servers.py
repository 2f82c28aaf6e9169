"""Real server processes for tests: a migrated SQLite file, gunicorn on a free port, a cookie-keeping client.

Used where a claim is about several servers sharing one store (rate limits, locks); each server is a
separate gunicorn master on its own port, so nothing in one process's memory can help the other.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# How long a child `anju` process may take before the test calls it hung: a fresh migrate takes
# seconds on a quiet machine and minutes when CI shares its two cores with other work.
CHILD_TIMEOUT = 600

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT = 120  # s; generous: the CI box is shared
# Settings the caller's environment must not leak into a child (each child gets its own store).
_DROP = ("DATABASE_URL", "ANJU_CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "ANJU_TEST_SQLITE_PATH")


def child_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    env.update(PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="anju.settings", ANJU_VAR_DIR=str(var_dir),
               ANJU_SQLITE_PATH=str(var_dir / "anju.sqlite3"))
    env.update(extra)
    return env


def run_anju(args: list[str], env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "anju.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def migrated_sqlite(var_dir: Path, script: str = "", app: str = "") -> Path:
    """Migrate a fresh SQLite file under var_dir (all apps, or `app` and what it needs), then run `script`
    in `anju shell` (e.g. to add users)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = child_env(var_dir)
    done = run_anju(["migrate", *([app] if app else []), "-v0"], env)
    assert done.returncode == 0, done.stderr[-3000:]
    if script:
        done = run_anju(["shell", "-c", script], env)
        assert done.returncode == 0, done.stderr[-3000:]
    return var_dir / "anju.sqlite3"


def copy_sqlite(source: Path, var_dir: Path) -> Path:
    """A consistent copy through SQLite's backup API (a WAL file may still hold pages)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    target = var_dir / "anju.sqlite3"
    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"server on {server.port} exited: {server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"server on {server.port} not ready after {READY_TIMEOUT} s: {server.log_tail()}")


def _stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=15)


@contextlib.contextmanager
def servers(env: dict[str, str], count: int, log_dir: Path) -> Iterator[list[Server]]:
    """Start `count` separate gunicorn masters (one worker each) with `env`; stop them all afterwards."""
    started: list[Server] = []
    try:
        for n in range(count):
            port = free_port()
            log = log_dir / f"server-{n}-{port}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "anju.wsgi:application", "--bind", f"127.0.0.1:{port}",
                     "--workers", "1", "--timeout", "60"],
                    env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
            started.append(Server(port, process, log))
        for server in started:
            _wait_ready(server)
        yield started
    finally:
        for server in started:
            _stop(server)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A client that keeps cookies across servers on 127.0.0.1 (cookies ignore the port) and never follows redirects."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, url: str, data: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers={"Accept-Language": "zh-hans", **(headers or {})})
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def csrf_form(self, url: str) -> str:
        status, html = self.request(url)
        assert status == 200, (status, html[-500:])
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert found, html[-1000:]
        return found.group(1)

    def login(self, server: Server, username: str, password: str, path: str = "/accounts/login/") -> tuple[int, str]:
        token = self.csrf_form(server.url + path)
        return self.request(server.url + path, {"csrfmiddlewaretoken": token, "username": username, "password": password,
                                                "next": "/"})
