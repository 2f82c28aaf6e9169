"""Many residents at once: exactly one counted ballot per household, losers get a clean Conflict.

Threads need a database they can share: PostgreSQL (DATABASE_URL) or a file-backed SQLite. The
default test database is SQLite in memory (shared cache, where a busy table fails at once instead of
waiting), so under it the first test re-runs this module in a child pytest with
ANJU_TEST_SQLITE_PATH pointing at a file; the threaded tests then run there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from anju.consultations import queries, services
from anju.consultations.models import Ballot, BallotState, Channel
from anju.core.audit import Actor
from anju.core.errors import Conflict
from tests.consultations.conftest import make_unit_vote
from tests.factories import SYSTEM

IN_MEMORY = ("sqlite3" in settings.DATABASES["default"]["ENGINE"]
             and not os.environ.get("ANJU_TEST_SQLITE_PATH"))
shared_db = pytest.mark.skipif(IN_MEMORY, reason="needs PostgreSQL or a file-backed SQLite (run by the child pytest)")


@pytest.mark.skipif(not IN_MEMORY, reason="already on a shared database")
def test_threads_against_a_file_backed_sqlite(tmp_path):
    env = {**os.environ, "ANJU_TEST_SQLITE_PATH": str(tmp_path / "concurrency.sqlite3")}
    env.pop("DATABASE_URL", None)
    child = subprocess.run([sys.executable, "-m", "pytest", __file__, "-o", "addopts=", "-p", "no:xdist", "-p", "no:cacheprovider", "-x"], env=env,
                           cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=600)
    assert child.returncode == 0, child.stdout[-3000:] + child.stderr[-2000:]
    assert "2 passed" in child.stdout, child.stdout[-2000:]


def _run(jobs):
    def call(job):
        try:
            return ("ok", job())
        except Conflict:
            return ("conflict", None)
        except Exception as exc:  # the test reports anything that is not a clean Conflict
            return ("error", repr(exc))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(call, jobs))


@shared_db
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_ballots_leave_one_counted_ballot_per_household(world):
    v = make_unit_vote(world)
    c, q = v.consultation, str(v.consultation.questions.get().pk)
    electors = list(c.electors.all())
    jobs = [
        (lambda e=e, a=a: services.ballot_cast(consultation=c, household=e, answers={q: a}, channel=Channel.ONLINE,
                                               actor=Actor.system("resident"), expected=""))
        for a in ("yes", "no", "abstain", "yes", "no", "yes", "yes", "no") for e in electors
    ]
    results = _run(jobs)
    assert [r for r in results if r[0] == "error"] == []
    assert sum(r[0] == "ok" for r in results) == len(electors)
    assert sum(r[0] == "conflict" for r in results) == len(jobs) - len(electors)
    for e in electors:
        assert Ballot.objects.filter(elector=e, state=BallotState.COUNTED).count() == 1
    assert len(queries.current_answers(c)) == len(electors)


@shared_db
@pytest.mark.django_db(transaction=True)
def test_concurrent_revotes_and_paper_entries_are_never_double_counted(world):
    v = make_unit_vote(world)
    c, q = v.consultation, str(v.consultation.questions.get().pk)
    electors = list(c.electors.all())
    jobs = []
    for e in electors:
        jobs += [lambda e=e: services.ballot_cast(consultation=c, household=e, answers={q: "yes"},
                                                  channel=Channel.ONLINE, actor=Actor.system("resident"))] * 5
        jobs += [lambda e=e: services.ballot_cast(consultation=c, household=e, answers={q: "no"},
                                                  channel=Channel.PAPER, actor=SYSTEM)] * 3
    results = _run(jobs)
    assert [r for r in results if r[0] == "error"] == []
    for e in electors:
        active = list(Ballot.objects.filter(elector=e, state__in=[BallotState.COUNTED, BallotState.CONFLICT]))
        assert sorted(b.online for b in active) == [False, True]
        assert all(b.state == BallotState.CONFLICT for b in active)
    assert queries.current_answers(c) == {}  # conflicts count for nothing until staff choose
