"""Consultation page benchmark (issue 15 points 5 and 8): the staff page and the live tally of a
2,400-household compound vote, next to a trivial page (the login page) of the same server, cold and
warm, on SQLite and on PostgreSQL.

    .venv/bin/python bench/consultation_page_bench.py                  # SQLite, 2,400 households
    .venv/bin/python bench/consultation_page_bench.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

With `--database-url` the bench creates its own database (anju_bench_consultation_<random>) on that
server and drops it afterwards. The consultation is a compound renovation vote (nine yes/no items, one
text question) plus a single-choice question and a committee election (7 candidates, 5 seats); one
owner in ten holds two or three flats; 85% of households voted (online, paper or door), some online
ballots were replaced by a revote, a few flats carry an online and a paper ballot in conflict, and one
owner's flats disagree on one item. `anju serve --no-worker` (gunicorn) serves it on a free port.

"cold" is the first request after a new ballot (the page cannot use anything computed before the
vote changed); "warm" repeats the request with nothing changed in between. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL_MS = 150.0


def setup_django(var: Path, database_url: str | None) -> None:
    os.environ["ANJU_VAR_DIR"] = str(var)
    os.environ["ANJU_DEBUG"] = "0"
    os.environ["ANJU_CACHE_KEY_PREFIX"] = f"anju-bench-{uuid.uuid4().hex[:8]}"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()


def create_database(server_url: str) -> str:
    """A fresh database on the PostgreSQL server of `server_url`; its URL."""
    import psycopg

    name = f"anju_bench_consultation_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name


def drop_database(server_url: str, url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def generate(households: int, seed: int = 15) -> dict:
    """One compound of `households` flats, the consultation opened (electorate frozen) and voted."""
    from decimal import Decimal

    from django.core.management import call_command

    from anju.consultations import services
    from anju.consultations.models import Ballot, Elector, QuestionKind
    from anju.core.audit import Actor
    from anju.roster.models import Building, Community, Compound, Household, Subdistrict, Unit

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    rng = random.Random(seed)
    sd = Subdistrict.objects.create(name="压测街道")
    community = Community.objects.create(subdistrict=sd, name="压测社区")
    compound = Compound.objects.create(subdistrict=sd, community=community, name="压测小区", year_built=2000)
    per_building = 6 * 2 * 10
    buildings = Building.objects.bulk_create([
        Building(compound=compound, number=str(b + 1), storeys=6, gross_area=Decimal(10000))
        for b in range(-(-households // per_building))])
    units = Unit.objects.bulk_create([Unit(building=b, number=str(u)) for b in buildings for u in (1, 2)])
    rows, n = [], 0
    for unit in units:
        for floor in range(1, 7):
            for room in range(1, 11):
                if n < households:
                    rows.append(Household(unit=unit, compound=compound, floor=floor, room=f"{floor}{room:02d}",
                                          exclusive_area=Decimal(5000 + (n * 37) % 7000) / 100))
                    n += 1
    Household.objects.bulk_create(rows, batch_size=2000)
    actor = Actor.system("bench")
    c = services.consultation_create(compound=compound, title="压测小区改造意见征求", actor=actor)
    services.questions_from_template(consultation=c, template="renovation_items", actor=actor)
    services.question_add(consultation=c, kind=QuestionKind.SINGLE, text="施工时段", actor=actor,
                          choices=["上午", "下午", "全天"])
    candidates = ["王建国", "李秀兰", "张伟", "刘芳", "陈明", "杨丽", "黄强"]
    services.question_add(consultation=c, kind=QuestionKind.ELECTION, text="业主委员会委员", actor=actor,
                          choices=candidates, seats=5)
    services.consultation_open(consultation=c, actor=actor)
    questions = list(c.questions.order_by("order"))
    electors = list(Elector.objects.filter(consultation=c).order_by("key"))
    # One owner in ten holds two or three flats (the freeze found no shared owners in a bare roster).
    i = 0
    while i < len(electors):
        size = rng.choice((2, 3)) if rng.random() < 0.1 else 1
        for e in electors[i:i + size]:
            e.owner_key = f"bench-owner-{i}"
        i += size
    Elector.objects.bulk_update(electors, ["owner_key"], batch_size=2000)
    by_owner: dict[str, list] = {}
    for e in electors:
        by_owner.setdefault(e.owner_key, []).append(e)
    ballots, serial = [], 0

    def ballot(e, answers, channel, state) -> None:
        nonlocal serial
        serial += 1
        ballots.append(Ballot(consultation=c, elector=e, channel=channel, online=channel == "online", state=state,
                              answers=answers, receipt=f"B{serial:010d}", entered_by_label="bench"))

    for flats in by_owner.values():
        if rng.random() < 0.15:
            continue  # not heard yet
        answers: dict[str, object] = {}
        for q in questions:
            if q.kind == QuestionKind.YES_NO:
                answers[str(q.pk)] = rng.choices(("yes", "no", "abstain"), (8, 1, 1))[0]
            elif q.kind == QuestionKind.SINGLE:
                answers[str(q.pk)] = rng.choice(q.choices)
            elif q.kind == QuestionKind.ELECTION:
                answers[str(q.pk)] = [x for x in q.choices if rng.random() < 0.6][:5]
            elif rng.random() < 0.2:
                answers[str(q.pk)] = "楼道灯希望尽快修好"
        for e in flats:
            channel = rng.choice(("online", "paper", "door"))
            if channel == "online" and rng.random() < 0.1:
                ballot(e, {**answers, str(questions[0].pk): "no"}, "online", "replaced")
            if rng.random() < 0.005:
                ballot(e, answers, "online", "conflict")
                ballot(e, answers, "paper", "conflict")
                continue
            ballot(e, answers, channel, "counted")
    Ballot.objects.bulk_create(ballots, batch_size=2000)
    split = next(flats for flats in by_owner.values() if len(flats) > 1)
    Ballot.objects.filter(elector=split[0], state="counted").update(
        answers={**ballots[0].answers, str(questions[1].pk): "no"})
    return {"consultation": c.pk, "unheard": [e.pk for e in electors
                                              if not any(b.elector_id == e.pk for b in ballots[-50:])]}


def session() -> str:
    """The session cookie of a sub-district staff member (written directly: no login throttle)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from anju.accounts.models import Profile, Role
    from anju.roster.models import Subdistrict

    user = get_user_model().objects.create_user(username="jiedao", password="bench-only-password", is_staff=True)
    Profile.objects.create(user=user, role=Role.SUBDISTRICT_STAFF, subdistrict=Subdistrict.objects.get())
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def new_ballot(consultation_id: int, rng: random.Random) -> None:
    """A door ballot for a household not heard yet, through the one ballot write path."""
    from anju.consultations import services
    from anju.consultations.models import Consultation, Elector
    from anju.core.audit import Actor

    c = Consultation.objects.get(pk=consultation_id)
    e = Elector.objects.filter(consultation=c).exclude(ballots__state__in=["counted", "conflict"]).order_by("?").first()
    if e is None:
        return
    qs = list(c.questions.filter(kind="yes_no"))
    services.ballot_cast(consultation=c, household=e, answers={str(q.pk): rng.choice(("yes", "no")) for q in qs},
                         channel="door", actor=Actor.system("bench"), signer="压测")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, cookie: str | None) -> tuple[int, float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": cookie} if cookie else {}
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}")
    return response.status, elapsed, len(body)


def pct(times: list[float], p: float) -> float:
    times = sorted(times)
    return times[max(0, int(round(p * len(times))) - 1)]


def run(database: str, database_url: str | None, households: int, requests: int) -> list[tuple]:
    var = Path(tempfile.mkdtemp(prefix="anju-consultation-bench-"))
    setup_django(var, database_url)
    started = time.perf_counter()
    info = generate(households)
    cookie = session()
    print(f"  {database}: generated {households:,} households and their ballots in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    port = free_port()
    env = {**os.environ, "ANJU_VAR_DIR": str(var), "ANJU_DEBUG": "0", "ANJU_WORKERS": "1"}
    server = subprocess.Popen([sys.executable, "-m", "anju.cli", "serve", "--no-worker", "--bind", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    rng = random.Random(1)
    c = info["consultation"]
    rows = []
    try:
        for _ in range(150):
            try:
                get(port, "/accounts/login/", None)
                break
            except OSError:
                time.sleep(0.2)
        cases = [("trivial: login page", "/accounts/login/", None),
                 ("consultation staff page", f"/consultations/{c}/", cookie),
                 ("live tally (htmx fragment)", f"/consultations/{c}/tally/", cookie)]
        for label, path, who in cases:
            for _ in range(3):
                get(port, path, who)  # the worker's imports and templates
            warm, cold, size = [], [], 0
            for _ in range(requests):
                warm.append(get(port, path, who)[1])
            for _ in range(max(5, requests // 3)):
                new_ballot(c, rng)
                _status, ms, size = get(port, path, who)
                cold.append(ms)
            rows.append((database, label, statistics.median(cold), pct(cold, 0.95), statistics.median(warm),
                         pct(warm, 0.95), size, who is not None))
    finally:
        server.terminate()
        server.wait(timeout=20)
        from django.db import connections

        connections.close_all()
        import shutil

        shutil.rmtree(var, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2_400)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server (postgresql://…/postgres)")
    args = parser.parse_args()
    if args.database_url:
        url = create_database(args.database_url)
        try:
            rows = run("PostgreSQL", url, args.households, args.requests)
        finally:
            drop_database(args.database_url, url)
    else:
        rows = run("SQLite", None, args.households, args.requests)
    print(f"\n{args.households:,}-household consultation (12 questions), one gunicorn worker; "
          f"goal p95 ≤ {GOAL_MS:.0f} ms cold and warm")
    print(f"{'database':<11}{'page':<29}{'cold p50':>9}{'cold p95':>9}{'warm p50':>9}{'warm p95':>9}"
          f"{'bytes':>9}{'goal':>7}  verdict")
    for database, label, cp50, cp95, wp50, wp95, size, staff in rows:
        verdict = ("ok" if max(cp95, wp95) <= GOAL_MS else "MISSED") if staff else "(reference)"
        print(f"{database:<11}{label:<29}{cp50:>9.1f}{cp95:>9.1f}{wp50:>9.1f}{wp95:>9.1f}{size:>9,}"
              f"{GOAL_MS:>7.0f}  {verdict}", flush=True)


if __name__ == "__main__":
    main()
