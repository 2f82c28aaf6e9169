"""Helpers for tests that run Anju as real processes: a migrated SQLite file, the process tree, polling."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANJU = [sys.executable, "-m", "anju.cli"]
T = TypeVar("T")

only_sqlite = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                 reason="runs its own processes on their own SQLite file")


def site_env(var: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "ANJU_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "tests.core.worker_settings",
           "PYTHONPATH": str(ROOT), **extra}
    env.pop("DATABASE_URL", None)
    return env


_template: list[Path] = []


def fresh_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var folder with a migrated SQLite database (migrated once per test process: it takes 10-30 s here)."""
    if not _template:
        template = tmp_path_factory.mktemp("template") / "var"
        subprocess.run([*ANJU, "migrate", "-v0"], env=site_env(template), cwd=ROOT, check=True, timeout=600)
        _template.append(template)
    var = tmp_path_factory.mktemp("site") / "var"
    var.mkdir(parents=True)
    for path in _template[0].glob("anju.sqlite3*"):
        shutil.copy(path, var / path.name)
    return var


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check: Callable[[], T], *, timeout: float, every: float = 0.2, what: str = "") -> T:
    """Poll `check()` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(every)


def answers(url: str, timeout: float = 3.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, command name, start time) of a live process, or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    if fields[0] == "Z":
        return None
    return int(fields[1]), name, int(fields[19])


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat and stat[0] == pid:
                found.append(int(entry.name))
    return found


def descendants(pid: int) -> set[tuple[int, int]]:
    """(pid, start time) of every live process below `pid`."""
    seen: set[tuple[int, int]] = set()
    todo = [pid]
    while todo:
        for child in children(todo.pop()):
            stat = _stat(child)
            if stat:
                seen.add((child, stat[2]))
                todo.append(child)
    return seen


def alive(processes: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Those of `processes` that still run (the same process: same pid and start time)."""
    return {(pid, start) for pid, start in processes if (stat := _stat(pid)) and stat[2] == start}


def jobctl(env: dict[str, str], *args: str) -> dict:
    import json

    done = subprocess.run([sys.executable, "-m", "tests.core.jobctl", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
