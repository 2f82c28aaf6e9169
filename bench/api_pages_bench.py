"""API list pages at depth: the first page, a page 90% deep by offset and by cursor (issue 15, point 4).

    .venv/bin/python bench/api_pages_bench.py                     # 200,000 households in scope (~30 s)
    .venv/bin/python bench/api_pages_bench.py --households 1000000   # the issue's scale
    .venv/bin/python bench/api_pages_bench.py --database-url postgresql://postgres@127.0.0.1:5432   # on PostgreSQL

Builds a fresh database the way `scope_bench.py` does (SQLite in its own ANJU_VAR_DIR, or a new
PostgreSQL database dropped afterwards; migrated by Django, then filled with plain `executemany`):
one sub-district of `--households` households in compounds of 5 six-storey walk-ups, no people (the
household list does not read them). Timings are in-process through Django's test client with the
production settings (`ANJU_DEBUG=0`), as sub-district staff, `GET /api/roster/households?limit=200`:

- the first page, which also counts the whole list for X-Total-Count;
- `offset=` 90% deep, the old way, which sorts and skips everything before it (and counts);
- `cursor=` 10%, 50% and 90% deep, a cursor as the server hands it out at that row: no count, no skipping;
- the COUNT(*) behind X-Total-Count alone.

Each beside the goal "any API list page <= 50 ms at any depth" (p95). Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scope_bench import (  # the same database set-up, fill and table as the scope bench
    BUILDINGS_PER_COMPOUND,
    FLOORS,
    PER_BUILDING,
    PER_COMPOUND,
    ROOMS,
    UNITS,
    insert,
    percentiles,
    setup_django,
)

GOAL_MS = 50.0
LIMIT = 200


def generate(households: int) -> float:
    """One sub-district of `households` households; returns the seconds it took."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from anju.roster.models import Building, Community, Compound, Household, Subdistrict, Unit

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    compounds, buildings, units, rows = [], [], [], []
    compound = building = unit = 0
    for i in range(households):
        if i % PER_COMPOUND == 0:
            compound += 1
            compounds.append((compound, 1, 1, f"小区{compound}", "", 1995, None))
        if i % PER_BUILDING == 0:
            building += 1
            buildings.append(
                (
                    building,
                    compound,
                    str((building - 1) % BUILDINGS_PER_COMPOUND + 1),
                    FLOORS,
                    "masonry",
                    1995,
                    "3000.00",
                )
            )
            for u in range(UNITS):
                unit += 1
                units.append((unit, building, str(u + 1), False))
        which, rest = divmod(i % PER_BUILDING, FLOORS * ROOMS)
        floor, room = divmod(rest, ROOMS)
        rows.append(
            (
                i + 1,
                unit - UNITS + 1 + which,
                compound,
                floor + 1,
                f"{floor + 1}{room + 1:02d}",
                "72.50",
                "owner",
                "",
            )
        )
    with transaction.atomic(), connection.cursor() as cursor:
        insert(
            cursor,
            Subdistrict,
            ["id", "name", "district", "city", "issuing_name", "phone"],
            [(1, "第1街道", "测试区", "测试市", "", "")],
        )
        insert(
            cursor,
            Community,
            ["id", "subdistrict_id", "name", "issuing_name", "phone"],
            [(1, 1, "第1社区", "", "")],
        )
        insert(
            cursor,
            Compound,
            ["id", "community_id", "subdistrict_id", "name", "address", "year_built", "land_area"],
            compounds,
        )
        insert(
            cursor,
            Building,
            ["id", "compound_id", "number", "storeys", "structure", "year_built", "gross_area"],
            buildings,
        )
        insert(cursor, Unit, ["id", "building_id", "number", "has_elevator"], units)
        insert(
            cursor,
            Household,
            ["id", "unit_id", "compound_id", "floor", "room", "exclusive_area", "occupancy", "note"],
            rows,
        )
        if connection.vendor == "postgresql":
            for model in (Subdistrict, Community, Compound, Building, Unit, Household):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def timed(client, params: dict, n: int) -> list[float]:
    times = []
    client.get("/api/roster/households", params)  # the first request of a kind reads its index pages
    for _ in range(n):
        started = time.perf_counter()
        response = client.get("/api/roster/households", params)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or len(response.json()) != LIMIT:
            raise SystemExit(f"households {params}: HTTP {response.status_code}")
    return times


def row(label: str, times: list[float], note: str = "") -> None:
    p50, p95 = percentiles(times)
    verdict = "ok" if p95 <= GOAL_MS else "MISSED"
    print(f"{label:<40}{p50:>9.1f}{p95:>9.1f}{GOAL_MS:>8.0f}  {verdict} {note}", flush=True)


def run(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from anju.accounts.models import Profile, Role
    from anju.core import paging
    from anju.core.scoping import Scope
    from anju.roster.models import Household

    print(
        f"生成 / generating {args.households:,} households in one sub-district on {connection.vendor} …",
        flush=True,
    )
    print(f"  in {generate(args.households):.1f} s", flush=True)
    user = get_user_model().objects.create_user(
        username="jiedao", password="bench-only-password", is_staff=True
    )
    Profile.objects.create(user=user, role=Role.SUBDISTRICT_STAFF, subdistrict_id=1)
    client = Client()
    client.force_login(user)
    deep = int(args.households * 0.9)
    n = args.requests
    print(f"\n{f'GET /api/roster/households, limit {LIMIT}':<40}{'p50 ms':>9}{'p95 ms':>9}{'goal':>8}")
    row("first page (with X-Total-Count)", timed(client, {"limit": LIMIT}, n))
    row(
        "offset 90% deep (with X-Total-Count)",
        timed(client, {"limit": LIMIT, "offset": deep}, n),
        f"offset={deep:,}",
    )
    for share in (10, 50, 90):
        after = args.households * share // 100
        # The cursor the server hands out after row `after` of the list (ordered by id, ids 1..N).
        cursor = paging.encode_cursor([after], name="/api/roster/households", key=[("id", False)])
        row(
            f"cursor {share}% deep",
            timed(client, {"limit": LIMIT, "cursor": cursor}, n),
            f"after id {after:,}",
        )
    counts = []
    for _ in range(n):
        started = time.perf_counter()
        Household.objects.within(Scope(everything=False, subdistrict_id=1)).count()
        counts.append((time.perf_counter() - started) * 1000)
    row("  of the first page: COUNT(*) alone", counts, "X-Total-Count; point 1's kept counts would serve it")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--database-url", help="postgresql://user@host:port (a fresh database is created and dropped)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="anju-api-pages-bench-"))
    database_url, admin_url = None, None
    if args.database_url:
        import psycopg

        admin_url = args.database_url.rstrip("/")
        base = admin_url.rsplit("/", 1)[0] if admin_url.count("/") > 2 else admin_url
        name = f"anju_api_pages_bench_{os.getpid()}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        database_url, admin_url = f"{base}/{name}", f"{base}/postgres"
    setup_django(var, database_url, None)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if admin_url and not args.keep:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database_url.rsplit("/", 1)[1]}"')
        if not args.keep:
            import shutil

            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
