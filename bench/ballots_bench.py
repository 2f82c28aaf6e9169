"""Ballots benchmark: submissions per second with 50 concurrent clients against the running server,
next to a trivial endpoint of the same server (the limit), and the tally of a 10,000-household vote.

    .venv/bin/python bench/ballots_bench.py                       # 10,000 households, 3,000 submissions
    .venv/bin/python bench/ballots_bench.py --submissions 1000 --clients 20

Builds a fresh SQLite database in its own ANJU_VAR_DIR (migrated; one compound of 10,000 households
written with bulk_create), opens an elevator-style consultation (the electorate freeze is timed too),
starts `anju serve --no-worker` (gunicorn) on a free port and has `--clients` threads, each with its
own keep-alive-less HTTP connection, POST ballots for distinct households through the staff API
(`/api/consultations/consultations/<id>/ballots`, bearer token: the same `ballot_cast` as every
channel); then the same number of clients GET the consultation (`/api/consultations/consultations/<id>`),
which is authenticated and scoped but writes nothing. Afterwards the remaining households get ballots
in bulk and the full tally (engine result included) is timed in-process and through the API.
Not part of `make test`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(var: Path) -> None:
    os.environ["ANJU_VAR_DIR"] = str(var)
    os.environ["ANJU_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()


def generate(households: int) -> dict:
    """One compound of `households` flats (6 floors, 2 units, 10 rooms a floor per building)."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from anju.accounts.models import ApiToken
    from anju.consultations import services
    from anju.core.audit import Actor
    from anju.roster.models import Building, Community, Compound, Household, Subdistrict, Unit

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
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
    user = get_user_model().objects.create_superuser("bench", password="bench-only-password")
    _, key = ApiToken.issue(user=user, name="bench")
    actor = Actor.system("bench")
    c = services.consultation_create(compound=compound, title="压测表决", actor=actor)
    services.questions_from_template(consultation=c, template="elevator", actor=actor)
    started = time.perf_counter()
    services.consultation_open(consultation=c, actor=actor)
    freeze_ms = (time.perf_counter() - started) * 1000
    question = c.questions.get().pk
    keys = list(c.electors.order_by("key").values_list("key", flat=True))
    return {"consultation": c.pk, "question": question, "keys": keys, "token": key, "freeze_ms": freeze_ms}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    return response.status, elapsed


def hammer(clients: int, jobs: list, port: int, token: str) -> dict:
    """Run `jobs` ((method, path, body) tuples) from `clients` threads; throughput and latency."""
    lock = threading.Lock()
    queue = list(reversed(jobs))
    statuses: dict[int, int] = {}
    times: list[float] = []

    def client() -> None:
        while True:
            with lock:
                if not queue:
                    return
                method, path, body = queue.pop()
            status, ms = request(port, method, path, token, body)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                times.append(ms)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    times.sort()
    return {"per_s": len(jobs) / wall, "p50": statistics.median(times),
            "p95": times[max(0, round(0.95 * len(times)) - 1)], "statuses": statuses}


def bulk_fill(consultation_id: int, question: int, skip: int) -> int:
    """Ballots for the households not yet heard (7 yes, 2 no, 1 none in 10), written in bulk."""
    from anju.consultations.models import Ballot, Elector

    electors = list(Elector.objects.filter(consultation_id=consultation_id).exclude(ballots__isnull=False)
                    .order_by("key"))
    rows = []
    for i, e in enumerate(electors):
        if i % 10 == 9:
            continue
        rows.append(Ballot(consultation_id=consultation_id, elector=e, channel="paper", online=False, state="counted",
                           answers={str(question): "no" if i % 10 in (7, 8) else "yes"}, receipt=f"B{i:09d}",
                           entered_by_label="bench"))
    Ballot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def time_ms(fn, repeats: int) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--submissions", type=int, default=3_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--keep", action="store_true", help="keep the generated var dir")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="anju-ballots-bench-"))
    setup_django(var)
    print(f"生成 / generating {args.households:,} households in {var} …", flush=True)
    info = generate(args.households)
    c, q, token = info["consultation"], info["question"], info["token"]
    port = free_port()
    env = {**os.environ, "ANJU_VAR_DIR": str(var), "ANJU_DEBUG": "0", "ANJU_WORKERS": str(args.workers)}
    server = subprocess.Popen([sys.executable, "-m", "anju.cli", "serve", "--no-worker", "--bind", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    rows = []
    try:
        for _ in range(150):
            try:
                request(port, "GET", "/accounts/login/", token)
                break
            except OSError:
                time.sleep(0.2)
        detail = f"/api/consultations/consultations/{c}"
        login = hammer(args.clients, [("GET", "/accounts/login/", None)] * args.submissions, port, token)
        trivial = hammer(args.clients, [("GET", detail, None)] * args.submissions, port, token)
        n = min(args.submissions, len(info["keys"]))
        ballots = [("POST", f"{detail}/ballots",
                    {"household_key": key, "answers": {str(q): "yes" if i % 4 else "no"}, "channel": "paper"})
                   for i, key in enumerate(info["keys"][:n])]
        cast = hammer(args.clients, ballots, port, token)
        rows.append(("trivial: GET login page", login))
        rows.append(("trivial: GET consultation (API)", trivial))
        rows.append(("ballot_cast: POST ballot (API)", cast))
        filled = bulk_fill(c, q, n)
        from anju.consultations import queries
        from anju.consultations.models import Consultation

        consultation = Consultation.objects.get(pk=c)
        tally_p50, tally_max = time_ms(lambda: queries.tally(consultation), 10)
        digest_p50, _ = time_ms(lambda: queries.digest(queries.canonical_lines(consultation)), 5)
        _status, api_tally_ms = request(port, "GET", f"{detail}/tally", token)
        result = queries.tally(consultation).questions[0].result
    finally:
        server.terminate()
        server.wait(timeout=20)
        if not args.keep:
            import shutil

            shutil.rmtree(var, ignore_errors=True)

    print(f"\n{args.clients} concurrent clients, gunicorn {args.workers} workers, SQLite (WAL)")
    print(f"{'endpoint':<34}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}  statuses")
    for label, r in rows:
        print(f"{label:<34}{r['per_s']:>9.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}  {r['statuses']}")
    share = rows[2][1]["per_s"] / rows[1][1]["per_s"]
    print(f"ballots reach {share:.0%} of the trivial API endpoint's rate")
    print(f"\n{args.households:,}-household consultation ({n + filled:,} ballots, passed={result.passed})")
    print(f"{'electorate freeze (open)':<34}{info['freeze_ms']:>9.0f} ms")
    print(f"{'tally, in-process p50 / max':<34}{tally_p50:>9.0f} / {tally_max:.0f} ms")
    print(f"{'tally, API one request':<34}{api_tally_ms:>9.0f} ms")
    print(f"{'canonical list + SHA-256':<34}{digest_p50:>9.0f} ms")


if __name__ == "__main__":
    main()
