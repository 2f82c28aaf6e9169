"""Dashboard benchmark: a generated city, the sub-district and community dashboards against a trivial page.

    .venv/bin/python bench/dashboard_bench.py                        # 1,000,000 households, 20,000 projects
    .venv/bin/python bench/dashboard_bench.py --households 100000 --projects 2000   # a quick look

Builds a fresh SQLite database in its own ANJU_VAR_DIR (migrated by Django, then filled with plain
`sqlite3.executemany` in one transaction: sub-districts of ~50,000 households, compounds of 5 six-storey
walk-ups (120 households), two residents per household, projects with 5 items and 7 stages each, their
snapshots consistent with the roster), starts `anju serve --no-worker` on a free port, logs a sub-district
and a community staff member in (sessions written directly), warms each page up (the first request, which
fills the cache of the roster aggregates, is printed on its own), then times 50 requests of each and prints
p50/p95 against the goal p95 < 150 ms. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLOORS, UNITS, ROOMS = 6, 2, 2
PER_BUILDING = FLOORS * UNITS * ROOMS  # 24 households
BUILDINGS_PER_COMPOUND = 5
PER_COMPOUND = PER_BUILDING * BUILDINGS_PER_COMPOUND  # 120
COMPOUNDS_PER_COMMUNITY = 20
COMMUNITIES_PER_SUBDISTRICT = 21  # ~50,000 households per sub-district
ITEMS = ("gas", "sewer", "roof", "fire", "lighting")
CATEGORY = {"gas": "basic", "sewer": "basic", "roof": "basic", "fire": "basic", "lighting": "improve"}
STAGES = ("survey", "consultation", "design", "tender", "construction", "acceptance", "stewardship")
GOAL_MS = 150.0
PASSWORD = "bench-only-password"


def setup_django(var: Path) -> None:
    os.environ["ANJU_VAR_DIR"] = str(var)
    os.environ["ANJU_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()


def insert(db: sqlite3.Connection, model, rows: list[dict] | list[tuple], columns: list[str] | None = None) -> None:
    """executemany into `model`'s table; `columns` are attnames (the tuple order of `rows`)."""
    table = model._meta.db_table
    cols = columns or list(rows[0].keys())
    sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" for _ in cols)})'
    db.executemany(sql, rows if columns else [tuple(r[c] for c in cols) for r in rows])


def generate(var: Path, households: int, projects: int) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from anju.programme.models import AnnualPlan, Item, Organisation, Project, Stage
    from anju.roster.models import (
        Building,
        Community,
        Compound,
        Household,
        Person,
        Residence,
        Subdistrict,
        Unit,
    )

    compounds = -(-households // PER_COMPOUND)
    communities = -(-compounds // COMPOUNDS_PER_COMMUNITY)
    subdistricts = -(-communities // COMMUNITIES_PER_SUBDISTRICT)
    this_year = datetime.date.today().year
    db = sqlite3.connect(var / "anju.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    started = time.perf_counter()
    insert(db, Subdistrict, [(s + 1, f"第{s + 1}街道", "测试区", "测试市") for s in range(subdistricts)],
           ["id", "name", "district", "city"])
    insert(db, Community, [(m + 1, m // COMMUNITIES_PER_SUBDISTRICT + 1, f"第{m + 1}社区") for m in range(communities)],
           ["id", "subdistrict_id", "name"])
    community_sd = [m // COMMUNITIES_PER_SUBDISTRICT + 1 for m in range(communities)]
    compound_rows = []
    for c in range(compounds):
        m = c // COMPOUNDS_PER_COMMUNITY
        compound_rows.append((c + 1, m + 1, community_sd[m], f"小区{c + 1}", "", 1990 + c % 20, None))
    insert(db, Compound, compound_rows, ["id", "community_id", "subdistrict_id", "name", "address", "year_built", "land_area"])
    buildings = compounds * BUILDINGS_PER_COMPOUND
    insert(db, Building, [(b + 1, b // BUILDINGS_PER_COMPOUND + 1, str(b % BUILDINGS_PER_COMPOUND + 1), FLOORS, "masonry",
                           1995, "3000.00") for b in range(buildings)],
           ["id", "compound_id", "number", "storeys", "structure", "year_built", "gross_area"])
    insert(db, Unit, [(u + 1, u // UNITS + 1, str(u % UNITS + 1), 1 if u % 10 == 0 else 0) for u in range(buildings * UNITS)],
           ["id", "building_id", "number", "has_elevator"])
    hh_rows, person_rows, residence_rows = [], [], []
    for i in range(households):
        b, k = divmod(i, PER_BUILDING)
        unit, rest = divmod(k, FLOORS * ROOMS)
        floor, room = divmod(rest, ROOMS)
        compound = b // BUILDINGS_PER_COMPOUND + 1
        sd = community_sd[(compound - 1) // COMPOUNDS_PER_COMMUNITY]
        hh_rows.append((i + 1, b * UNITS + unit + 1, compound, floor + 1, f"{floor + 1}{room + 1:02d}", "72.50", "owner", ""))
        for j in range(2):
            pid = 2 * i + j + 1
            person_rows.append((pid, sd, f"居民{pid}", "MF"[j], 1940 + (i * 7 + j * 13) % 65, "", "", "", "", 0, 0))
            residence_rows.append((pid, pid, i + 1))
    insert(db, Household, hh_rows, ["id", "unit_id", "compound_id", "floor", "room", "exclusive_area", "occupancy", "note"])
    del hh_rows
    insert(db, Person, person_rows, ["id", "subdistrict_id", "name", "sex", "birth_year", "id_number_encrypted",
                                     "id_number_hash", "phone_encrypted", "phone_hash", "limited_mobility", "party_member"])
    del person_rows
    insert(db, Residence, residence_rows, ["id", "person_id", "household_id"])
    del residence_rows
    roster_s = time.perf_counter() - started
    years = sorted({2019 + p // compounds for p in range(projects)})
    insert(db, Organisation, [(s + 1, s + 1, "施工单位", "contractor", "") for s in range(subdistricts)],
           ["id", "subdistrict_id", "name", "kind", "contact"])
    plan_ids = {}
    plan_rows = []
    for s in range(subdistricts):
        for y in years:
            plan_ids[(s + 1, y)] = len(plan_rows) + 1
            plan_rows.append((len(plan_rows) + 1, s + 1, y, f"{y}年计划", ""))
    insert(db, AnnualPlan, plan_rows, ["id", "subdistrict_id", "year", "title", "note"])
    project_rows, item_rows, stage_rows = [], [], []
    for p in range(projects):
        compound = p % compounds + 1
        year = 2019 + p // compounds
        m = (compound - 1) // COMPOUNDS_PER_COMMUNITY
        sd = community_sd[m]
        done_stages = 7 if year < this_year - 1 else (p * 3) % 7
        progress_tenths = 1000 if done_stages == 7 else [0, 50, 100, 200, 250, 400, 850][done_stages]
        budget = 5 * PER_COMPOUND * 150_000
        project_rows.append((
            p + 1, plan_ids[(sd, year)], compound, sd, m + 1, year, "comprehensive", f"小区{compound}{year}年改造", None,
            None, "", f"{progress_tenths / 10:.1f}", progress_tenths, STAGES[min(done_stages, 6)], 1 if done_stages >= 6 else 0,
            f"{year}-12-20" if done_stages >= 6 else None, budget, BUILDINGS_PER_COMPOUND, PER_COMPOUND, 2 * PER_COMPOUND,
            PER_COMPOUND // 2, f"{PER_COMPOUND * 72.5:.2f}", f"{BUILDINGS_PER_COMPOUND * 3000:.2f}", None,
        ))
        for n, kind in enumerate(ITEMS):
            item_rows.append((5 * p + n + 1, p + 1, kind, CATEGORY[kind], kind, f"{PER_COMPOUND}.00", "户", budget // 5,
                              100 if done_stages >= 5 else 40, None, None, None, ""))
        for n, kind in enumerate(STAGES):
            end = datetime.date(year, 1 + n, 28)
            done = n < done_stages
            stage_rows.append((7 * p + n + 1, p + 1, kind, n, None, end.isoformat(), None, end.isoformat() if done else None,
                               None, "bench" if done else "", None, ""))
    insert(db, Project, project_rows, [
        "id", "plan_id", "compound_id", "subdistrict_id", "community_id_cached", "year", "kind", "name", "contractor_id",
        "supervisor_id", "note", "progress", "progress_tenths", "current_stage", "completed", "completed_on", "budget_fen",
        "buildings_count", "households", "people", "elderly", "exclusive_area", "gross_area", "refreshed"])
    insert(db, Item, item_rows, ["id", "project_id", "kind", "category", "name", "quantity", "unit", "budget_fen", "progress",
                                 "progress_updated", "override_households", "override_people", "override_reason"])
    insert(db, Stage, stage_rows, ["id", "project_id", "kind", "position", "planned_start", "planned_end", "actual_start",
                                   "actual_end", "signed_off_by_id", "signed_off_label", "signed_off_at", "note"])
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()
    return {"compounds": compounds, "communities": communities, "subdistricts": subdistricts, "roster_s": roster_s,
            "total_s": time.perf_counter() - started}


def sessions() -> dict[str, str]:
    """Session cookies of a sub-district and a community staff member (written directly: no login throttle)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from anju.accounts.models import Profile, Role

    out = {}
    for name, role, community in (("jiedao", Role.SUBDISTRICT_STAFF, None), ("shequ", Role.COMMUNITY_STAFF, 1)):
        user = get_user_model().objects.create_user(username=name, password=PASSWORD, is_staff=True)
        Profile.objects.create(user=user, role=role, subdistrict_id=1, community_id=community)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0] if settings.AUTHENTICATION_BACKENDS else \
            "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        out[name] = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    return out


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
    return response.status, elapsed, len(body)


def measure(port: int, path: str, cookie: str | None, n: int, warm: int) -> tuple[float, float, float, int]:
    """(first request ms, p50, p95, bytes): the first request fills the roster cache, the rest are warm."""
    first = None
    for _ in range(warm):
        status, ms, _size = get(port, path, cookie)
        first = ms if first is None else first
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
    times = []
    for _ in range(n):
        _status, ms, size = get(port, path, cookie)
        times.append(ms)
    times.sort()
    return first, statistics.median(times), times[max(0, int(round(0.95 * n)) - 1)], size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the generated var dir")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="anju-dashboard-bench-"))
    setup_django(var)
    print(f"生成 / generating {args.households:,} households, {args.projects:,} projects in {var} …", flush=True)
    info = generate(var, args.households, args.projects)
    cookies = sessions()
    print(f"  {info['subdistricts']} sub-districts, {info['communities']:,} communities, {info['compounds']:,} compounds; "
          f"roster {info['roster_s']:.1f} s, all {info['total_s']:.1f} s", flush=True)
    port = free_port()
    env = {**os.environ, "ANJU_VAR_DIR": str(var), "ANJU_DEBUG": "0"}
    server = subprocess.Popen([sys.executable, "-m", "anju.cli", "serve", "--no-worker", "--bind", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                get(port, "/accounts/login/", None)
                break
            except OSError:
                time.sleep(0.2)
        cases = [
            ("trivial: login page", "/accounts/login/", None),
            ("sub-district dashboard", "/dashboard/", cookies["jiedao"]),
            ("community dashboard", "/dashboard/", cookies["shequ"]),
            ("sub-district figures API", "/api/dashboard/figures", cookies["jiedao"]),
        ]
        print(f"\n{'page':<28}{'first ms':>10}{'p50 ms':>10}{'p95 ms':>10}{'bytes':>10}  goal p95 < {GOAL_MS:.0f} ms (warm)")
        for label, path, cookie in cases:
            first, p50, p95, size = measure(port, path, cookie, args.requests, warm=6)
            verdict = "" if cookie is None else ("ok" if p95 < GOAL_MS else "MISSED")
            print(f"{label:<28}{first:>10.1f}{p50:>10.1f}{p95:>10.1f}{size:>10,}  {verdict}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)
        if not args.keep:
            import shutil

            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
