"""No ID number or phone reaches any log: every logger of a configured process, whatever its handlers."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anju.core.logging import ScrubPersonalData, scrub

ROOT = Path(__file__).resolve().parents[2]
ID_NUMBER = "420302195001010038"
PHONE = "13812345678"
# How people type them (and how a URL carries them): each must be blanked like the plain digits.
SPELLINGS = [
    ID_NUMBER, "11010519491231002X", "11010519491231002x", "4203 0219 5001 0100 38", PHONE, "138 1234 5678",
    "138-1234-5678", "+86 138-1234-5678", "+8613812345678", "8613812345678", "008613812345678",
    "%2B86+138-1234-5678", "138%201234%205678", "１３８１２３４５６７８", "0731-88881234", "010 6512 3456",
]


def test_id_numbers_and_phones_never_reach_the_log():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "looked up %s and %s", ("11010519491231002X", "13812345678"), None)
    ScrubPersonalData().filter(record)
    message = record.getMessage()
    assert "11010519491231002X" not in message and "13812345678" not in message
    assert message.count("[已隐去]") == 2


def test_ordinary_numbers_are_left_alone():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "building %s has %s households", ("12", "4150"), None)
    ScrubPersonalData().filter(record)
    assert record.getMessage() == "building 12 has 4150 households"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_a_number_is_blanked(spelling):
    assert scrub(f"GET /roster/search/?q={spelling} HTTP/1.1") == "GET /roster/search/?q=[已隐去] HTTP/1.1"


@pytest.mark.parametrize("line", [
    '127.0.0.1 - - [12/Jan/2026:10:00:00 +0800] "GET /roster/household/12/ HTTP/1.1" 200 15342 "-" "Mozilla/5.0"',
    "[2026-01-12 10:00:00 +0800] [12345] [INFO] Booting worker with pid: 12346",
    "imported 1382 households in 12.5 s; job 138 of 1234",
])
def test_log_lines_without_personal_numbers_are_unchanged(line):
    assert scrub(line) == line


@settings(deadline=None, max_examples=200)
@given(prefix=st.text(max_size=20), suffix=st.text(max_size=20),
       number=st.sampled_from([ID_NUMBER, "11010519491231002X", PHONE, "15412348862"]))
def test_a_number_anywhere_in_a_message_is_blanked(prefix, suffix, number):
    assert number not in scrub(f"{prefix} {number} {suffix}")


def test_an_exception_trace_is_scrubbed_too():
    logger = logging.getLogger("anju.test.trace")
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Keep()
    handler.addFilter(ScrubPersonalData())
    logger.addHandler(handler)
    try:
        try:
            raise ValueError(f"bad value {ID_NUMBER}")
        except ValueError:
            logger.exception("lookup of %s failed", PHONE)
    finally:
        logger.removeHandler(handler)
    assert records and "ValueError" in records[0]
    assert ID_NUMBER not in records[0] and PHONE not in records[0]


# Loggers as Django, gunicorn, the task worker and our code set them up: root, a propagating child,
# django.server (its own handler, no propagation), a library logger with a handler of its own,
# gunicorn's error and access loggers (own handlers, no propagation), the task worker's loggers.
EVERY_LOGGER = f"""
import logging, sys
import django
django.setup()
numbers = {SPELLINGS!r}
own = logging.StreamHandler(sys.stderr)
for name in ("gunicorn.error", "gunicorn.access", "some.library"):
    lg = logging.getLogger(name)
    lg.addHandler(own)
    lg.propagate = False
    lg.setLevel(logging.INFO)
for name in ("", "django", "django.request", "django.server", "django.security.csrf", "gunicorn.error",
             "gunicorn.access", "some.library", "django_tasks", "django_tasks_db", "anju.core.jobs"):
    for n in numbers:
        logging.getLogger(name).warning("%s looked up %s", name or "root", n)
    logging.getLogger(name).warning("plain " + numbers[0] + " in the message")
try:
    raise ValueError("no household for " + numbers[4])
except ValueError:
    logging.getLogger("anju.core.jobs").exception("job 1 (roster.import) failed")
print("done", file=sys.stderr)
"""


def personal_numbers_in(text: str) -> int:
    return sum(text.count(n) for n in (ID_NUMBER, "11010519491231002", PHONE, "１３８１２３４５６７８",
                                       "4203 0219 5001 0100 38", "138 1234 5678", "138-1234-5678", "138%201234"))


def test_every_logger_of_a_configured_process_is_scrubbed(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "anju.settings", "ANJU_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", EVERY_LOGGER], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "done" in output and "looked up" in output and "django.server looked up" in output
    assert "gunicorn.access looked up" in output and "Traceback" in output and "ValueError" in output
    assert personal_numbers_in(output) == 0, output


# The task worker as `anju serve` runs it: a job fails with a phone and an ID number in its trace.
WORKER = f"""
import sys
import django
django.setup()
from django.core.management import call_command
from django.db import transaction
from anju.core import jobs
from anju.core.audit import Actor
call_command("migrate", verbosity=0)

@jobs.handler("test.leak")
def leak(job, progress):
    raise LookupError("no household for {PHONE} / {ID_NUMBER}")

with transaction.atomic():
    jobs.job_start(kind="test.leak", label="leak", actor=Actor.system("test"), params={{}})
call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=3)
print("done", file=sys.stderr)
"""


def test_the_task_worker_log_is_scrubbed(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "anju.settings", "ANJU_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", WORKER], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0 and "done" in output, output
    assert "job 1 (test.leak) failed" in output and "LookupError: no household for [已隐去] / [已隐去]" in output
    assert personal_numbers_in(output) == 0, output
