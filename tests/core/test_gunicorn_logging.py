"""A real gunicorn with Anju's logger class writes no ID number or phone to its access or error log."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
ID_NUMBER = "420302195001010038"
PHONE = "13812345678"
FULL_WIDTH_PHONE = "%EF%BC%91%EF%BC%93%EF%BC%98%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96%EF%BC%97%EF%BC%98"
QUERIES = [ID_NUMBER, PHONE, "%2B86+138-1234-5678", "138%201234%205678", FULL_WIDTH_PHONE, "4203+0219+5001+0100+38"]
# Every field gunicorn can log that carries what the client sent.
FORMAT = '%(h)s "%(r)s" %(s)s U=%(U)s q=%(q)s "%(f)s" "%(a)s" note=%({x-note}i)s uri=%({raw_uri}e)s'
# A letter's voting code (the QR link's first request carries it): as good as the paper letter.
LETTER_CODE = "K7QMX2PAH9RTWC3NVB4D"
LEAKS = (LETTER_CODE, LETTER_CODE.lower(), ID_NUMBER, PHONE, "138-1234-5678", "138%201234", "4203+0219", "%EF%BC%91%EF%BC%93%EF%BC%98")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not start within 90 s")


def get(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def count_leaks(text: str) -> int:
    return sum(text.count(leak) for leak in LEAKS)


@pytest.mark.skipif(not Path(GUNICORN).exists(), reason="gunicorn is not installed")
def test_the_access_and_error_logs_hold_paths_but_no_personal_numbers(tmp_path):
    env = {**os.environ, "ANJU_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "anju.settings",
           "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, "anju.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--logger-class", "anju.core.gunicorn_logging.ScrubbingLogger", "--access-logfile", str(access),
         "--access-logformat", FORMAT, "--error-logfile", str(errors), "--log-level", "debug",
         "--no-control-socket"],
        env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(port, process, errors)
        for q in QUERIES:
            status = get(f"http://127.0.0.1:{port}/roster/search/?q={q}",
                         {"Referer": f"http://127.0.0.1:{port}/roster/search/?q={ID_NUMBER}",
                          "User-Agent": f"Phone {PHONE}", "X-Note": f"call {PHONE}"})
            assert status in (200, 302, 400)
        for code in (LETTER_CODE, LETTER_CODE.lower()):
            # This server has no tables (the answer is a 500); what it logs is what is tested.
            get(f"http://127.0.0.1:{port}/consultations/v/{code}/",
                {"Referer": f"http://127.0.0.1:{port}/consultations/v/{code}/"})
        # A header line gunicorn refuses: its error log quotes the line it read.
        with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
            raw.sendall(f"GET /roster/search/ HTTP/1.1\r\nHost: x\r\nX-Note {PHONE}\r\n\r\n".encode())
            raw.recv(4096)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and access.read_text().count("/roster/search/") < len(QUERIES):
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=30)
    logged = access.read_text(encoding="utf-8")
    assert logged.count("/roster/search/") >= len(QUERIES), logged
    assert "/consultations/v/[已隐去]/" in logged, logged
    assert "Phone [已隐去]" in logged and "note=call [已隐去]" in logged
    assert count_leaks(logged) == 0, logged
    error_log = errors.read_text(encoding="utf-8")
    assert "Booting worker" in error_log and "Invalid HTTP" in error_log
    assert count_leaks(error_log) == 0, error_log
