"""Scope benchmark: name search and the dashboard cache in a city of several sub-districts (issue 15, points 2-3).

    .venv/bin/python bench/scope_bench.py                    # 60,000 households in scope + 3 × 20,000 (~1 minute)
    .venv/bin/python bench/scope_bench.py --city             # the issue's scale: 1,000,000 in scope + 20 × 50,000
    .venv/bin/python bench/scope_bench.py --database-url postgresql://postgres@127.0.0.1:5432   # on PostgreSQL
    .venv/bin/python bench/scope_bench.py --cache-url redis://127.0.0.1:6379/0                  # cache in Redis

Builds a fresh database (SQLite in its own ANJU_VAR_DIR, or a new PostgreSQL database dropped afterwards),
migrated by Django (so the name indexes and the trigram index exist, and on SQLite the FTS5 triggers
fill the trigram table during the load), then fills it with plain `executemany` in one transaction:
sub-district 1 holds `--households` households, each other sub-district `--other-households`; compounds
of 5 six-storey walk-ups, two people per household (the first owns it, both live there), deterministic
Chinese names (a common family name, a one- or two-character given name). Timings are in-process
through Django's test client and the roster's own search path (the page's query and one page of 50
results with each person's households), with the production settings (`ANJU_DEBUG=0`): the cache is the
database cache on SQLite, or Redis with `--cache-url`.

After the load the kept building totals are written from the rows (`anju.roster.summary.rebuild`, what
`anju recount --fix` does; its time is printed). It prints p50/p95 of each name search; of the sub-district
dashboard cold (after a roster write in its own sub-district, which also recounts that building), warm,
warm with a write in another sub-district before every request, and warm while a second process keeps
writing households in the other sub-districts (its writes per second printed beside); and of the
sub-district roster page (never cached: it sums the kept totals) alone and under those writes; each beside
the goal p95 <= 150 ms. Not part of `make test`.

    .venv/bin/python bench/scope_bench.py --writer   # (internal) the concurrent writer, started by the bench
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLOORS, UNITS, ROOMS = 6, 2, 2
PER_BUILDING = FLOORS * UNITS * ROOMS  # 24 households
BUILDINGS_PER_COMPOUND = 5
PER_COMPOUND = PER_BUILDING * BUILDINGS_PER_COMPOUND  # 120
COMPOUNDS_PER_COMMUNITY = 20
GOAL_MS = 150.0
FAMILY = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "秀兰英华建国明军伟芳丽强磊敏静洋勇艳杰娟涛超平刚桂凤玉珍志红霞波辉斌宇浩凯云飞"
COMPOUND_FAMILY = ("欧阳", "司马", "诸葛", "上官")  # a few two-character family names: 4-character names


def name_of(rng: random.Random) -> str:
    family = rng.choice(COMPOUND_FAMILY) if rng.random() < 0.01 else rng.choice(FAMILY)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.8 else "")
    return family + given


def setup_django(var: Path, database_url: str | None, cache_url: str | None) -> None:
    os.environ["ANJU_VAR_DIR"] = str(var)
    os.environ["ANJU_DEBUG"] = "0"
    os.environ["ANJU_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ.setdefault("ANJU_CACHE_KEY_PREFIX", f"anju-bench-{uuid.uuid4().hex[:8]}")  # the writer process shares it
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    if cache_url:
        os.environ["ANJU_CACHE_URL"] = cache_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()


def insert(cursor, model, columns: list[str], rows: list[tuple]) -> None:
    table = model._meta.db_table
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("%s" for _ in columns)})'
    for start in range(0, len(rows), 20_000):
        cursor.executemany(sql, rows[start : start + 20_000])


def generate(sizes: list[int]) -> dict:
    """Sub-district i + 1 gets sizes[i] households; returns the names of sub-district 1's people."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from anju.roster.models import (
        Building,
        Community,
        Compound,
        Household,
        Ownership,
        Person,
        Residence,
        Subdistrict,
        Unit,
    )

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    rng = random.Random(15)
    started = time.perf_counter()
    ids = {"community": 0, "compound": 0, "building": 0, "unit": 0, "household": 0, "person": 0}
    names_in_scope: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for s, size in enumerate(sizes, start=1):
            insert(
                cursor,
                Subdistrict,
                ["id", "name", "district", "city", "issuing_name", "phone"],
                [(s, f"第{s}街道", "测试区", "测试市", "", "")],
            )
            communities, compounds, buildings, units, households, people, owns, lives = (
                [],
                [],
                [],
                [],
                [],
                [],
                [],
                [],
            )
            for i in range(size):
                if i % PER_COMPOUND == 0:
                    if (i // PER_COMPOUND) % COMPOUNDS_PER_COMMUNITY == 0:
                        ids["community"] += 1
                        communities.append((ids["community"], s, f"第{ids['community']}社区", "", ""))
                    ids["compound"] += 1
                    compounds.append(
                        (ids["compound"], ids["community"], s, f"小区{ids['compound']}", "", 1995, None)
                    )
                if i % PER_BUILDING == 0:
                    ids["building"] += 1
                    buildings.append(
                        (
                            ids["building"],
                            ids["compound"],
                            str(ids["building"]),
                            FLOORS,
                            "masonry",
                            1995,
                            "3000.00",
                        )
                    )
                    for u in range(UNITS):
                        ids["unit"] += 1
                        units.append((ids["unit"], ids["building"], str(u + 1), False))
                k = i % PER_BUILDING
                unit, rest = divmod(k, FLOORS * ROOMS)
                floor, room = divmod(rest, ROOMS)
                ids["household"] += 1
                households.append(
                    (
                        ids["household"],
                        ids["unit"] - UNITS + 1 + unit,
                        ids["compound"],
                        floor + 1,
                        f"{floor + 1}{room + 1:02d}",
                        "72.50",
                        "owner",
                        "",
                    )
                )
                for j in range(2):
                    ids["person"] += 1
                    name = name_of(rng)
                    if s == 1:
                        names_in_scope.append(name)
                    people.append(
                        (
                            ids["person"],
                            s,
                            name,
                            "MF"[j],
                            1940 + (i * 7 + j * 13) % 65,
                            "",
                            "",
                            "",
                            "",
                            False,
                            False,
                        )
                    )
                    lives.append((ids["person"], ids["person"], ids["household"]))
                    if j == 0:
                        owns.append((ids["household"], ids["person"], ids["household"]))
            insert(cursor, Community, ["id", "subdistrict_id", "name", "issuing_name", "phone"], communities)
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
                households,
            )
            insert(
                cursor,
                Person,
                [
                    "id",
                    "subdistrict_id",
                    "name",
                    "sex",
                    "birth_year",
                    "id_number_encrypted",
                    "id_number_hash",
                    "phone_encrypted",
                    "phone_hash",
                    "limited_mobility",
                    "party_member",
                ],
                people,
            )
            insert(cursor, Ownership, ["id", "person_id", "household_id"], owns)
            insert(cursor, Residence, ["id", "person_id", "household_id"], lives)
        if connection.vendor == "postgresql":
            for model in (
                Subdistrict,
                Community,
                Compound,
                Building,
                Unit,
                Household,
                Person,
                Ownership,
                Residence,
            ):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "names": names_in_scope,
        "people": ids["person"],
        "households": ids["household"],
        "seconds": time.perf_counter() - started,
    }


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)]


def row(label: str, times: list[float], note: str = "") -> None:
    p50, p95 = percentiles(times)
    verdict = "ok" if p95 <= GOAL_MS else "MISSED"
    print(f"{label:<44}{p50:>9.1f}{p95:>9.1f}{GOAL_MS:>8.0f}  {verdict} {note}", flush=True)


def searches(names: list[str]) -> list[tuple[str, str]]:
    """(label, text) of the kinds of name an office types, taken from sub-district 1's own people."""
    rng = random.Random(7)
    three = [n for n in names if len(n) == 3]
    four = [n for n in names if len(n) == 4]
    full = rng.choice(three)
    return [
        ("full name (exact + inside, trigram)", full),
        ("family name, 1 char (prefix)", full[0]),
        ("given name, 2 chars (inside, bigram)", full[1:]),
        ("family + given, 2 chars (prefix + bigram)", full[:2]),
        ("inside a 4-char name, 3 chars (trigram)", rng.choice(four)[1:] if four else full),
        ("no such name, 3 chars (trigram)", "魑魅魍"),
    ]


def time_search(scope, text: str, n: int) -> tuple[list[float], int]:
    from django.core.paginator import Paginator

    from anju.roster import queries

    times, total = [], 0
    for _ in range(n):
        started = time.perf_counter()
        found = queries.search(scope, text)
        page = Paginator(found, 50).get_page(1)
        hits = list(page.object_list)
        total = page.paginator.count
        times.append((time.perf_counter() - started) * 1000)
        assert len(hits) == min(50, total)
    return times, total


def time_dashboard(client, n: int, before=None, *, path: str = "/dashboard/") -> list[float]:
    times = []
    for _ in range(n):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    return times


def writer() -> None:
    """Keep changing households of sub-districts 2.. through the roster service until SIGTERM; print the count."""
    from anju.core.audit import Actor
    from anju.roster import services
    from anju.roster.models import Household

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    ids = list(Household.objects.exclude(compound__subdistrict_id=1).values_list("pk", flat=True)[:5000])
    rng, actor, writes, started = random.Random(3), Actor.system("bench-writer"), 0, time.perf_counter()
    print("ready", flush=True)
    while not stop:
        household = Household.objects.select_related("unit__building__compound").get(pk=rng.choice(ids))
        area = household.exclusive_area + (1 if writes % 2 == 0 else -1)
        services.household_update(household=household, exclusive_area=area, actor=actor)
        writes += 1
    print(f"{writes} {time.perf_counter() - started:.3f}", flush=True)


class Writer:
    """The concurrent writer as its own process (its own connection and interpreter, like another server)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, __file__, "--writer"], env=os.environ.copy(),
                                        stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "ready"

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=60)
        writes, seconds = out.split()
        return f"(other process: {int(writes) / float(seconds):.0f} household writes/s in sub-districts 2..)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--households", type=int, default=60_000, help="households in the measured sub-district"
    )
    parser.add_argument("--others", type=int, default=3, help="other sub-districts")
    parser.add_argument("--other-households", type=int, default=20_000)
    parser.add_argument(
        "--city", action="store_true", help="the issue's scale: 1,000,000 in scope + 20 × 50,000"
    )
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--database-url", help="postgresql://user@host:port (a fresh database is created and dropped)"
    )
    parser.add_argument("--cache-url", help="redis://host:port/db (otherwise the database cache)")
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:  # the environment (database, cache, key prefix) comes from the bench that started it
        import django

        django.setup()
        writer()
        return
    if args.city:
        args.households, args.others, args.other_households = 1_000_000, 20, 50_000
    var = Path(tempfile.mkdtemp(prefix="anju-scope-bench-"))
    database_url, admin_url = None, None
    if args.database_url:
        import psycopg

        admin_url = args.database_url.rstrip("/")
        base = admin_url.rsplit("/", 1)[0] if admin_url.count("/") > 2 else admin_url
        name = f"anju_scope_bench_{os.getpid()}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        database_url, admin_url = f"{base}/{name}", f"{base}/postgres"
    setup_django(var, database_url, args.cache_url)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if admin_url and not args.keep:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database_url.rsplit("/", 1)[1]}"')
        if args.cache_url:  # only this run's keys: clearing the cache would empty the whole Redis database
            import redis

            client = redis.Redis.from_url(args.cache_url)
            for key in client.scan_iter(os.environ["ANJU_CACHE_KEY_PREFIX"] + ":*"):
                client.delete(key)
        if not args.keep:
            import shutil

            shutil.rmtree(var, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from anju.accounts.models import Profile, Role
    from anju.core.audit import Actor
    from anju.core.scoping import Scope
    from anju.roster import queries, services
    from anju.roster.models import Subdistrict

    sizes = [args.households] + [args.other_households] * args.others
    print(
        f"生成 / generating {sum(sizes):,} households in {len(sizes)} sub-districts "
        f"({args.households:,} in scope) on {connection.vendor}, cache {settings.CACHES['default']['BACKEND']} …",
        flush=True,
    )
    info = generate(sizes)
    print(
        f"  {info['households']:,} households, {info['people']:,} people in {info['seconds']:.1f} s",
        flush=True,
    )
    try:
        from anju.roster import summary
    except ImportError:  # a checkout from before the kept totals: its pages recount
        summary = None
    if summary is not None:
        started = time.perf_counter()
        buildings = summary.rebuild()
        print(f"  kept totals of {buildings:,} buildings written from the rows in {time.perf_counter() - started:.1f} s",
              flush=True)
    scope = Scope(everything=False, subdistrict_id=1, sees_personal_data=True)
    n = args.requests
    print(f"\n{'search in sub-district 1 (page of 50)':<44}{'p50 ms':>9}{'p95 ms':>9}{'goal':>8}  (found)")
    for label, text in searches(info["names"]):
        time_search(scope, text, 2)  # the first query of a kind loads the pages of its index
        times, total = time_search(scope, text, n)
        row(f"{label}", times, f"{text} → {total:,}")
    text = searches(info["names"])[2][1]
    times = []
    for _ in range(n):
        started = time.perf_counter()
        households, _kind = queries.search_households(scope, text)
        found = len(list(households))
        times.append((time.perf_counter() - started) * 1000)
    row("household list API, 2-char given name", times, f"{text} → {found} households")

    user = get_user_model().objects.create_user(
        username="jiedao", password="bench-only-password", is_staff=True
    )
    Profile.objects.create(user=user, role=Role.SUBDISTRICT_STAFF, subdistrict_id=1)
    client = Client()
    client.force_login(user)
    actor = Actor.system("bench")
    ours, other = Subdistrict.objects.get(pk=1), Subdistrict.objects.get(pk=2) if args.others else None
    counter = iter(range(10**9))

    def write_in(sd):
        from anju.roster.models import Household

        household = Household.objects.filter(compound__subdistrict=sd).select_related("unit__building__compound").first()

        def write():  # a household's area, so the write changes the kept totals of its building
            area = household.exclusive_area + (1 if next(counter) % 2 == 0 else -1)
            services.household_update(household=household, exclusive_area=area, actor=actor)
        return write

    print(f"\n{'dashboard of sub-district 1':<44}{'p50 ms':>9}{'p95 ms':>9}{'goal':>8}")
    client.get("/dashboard/")
    row(
        "cold: a write in its own sub-district first",
        time_dashboard(client, max(5, n // 3), write_in(ours)),
    )
    row("warm: nothing written", time_dashboard(client, n))
    if other is not None:
        row("warm: a write in sub-district 2 first", time_dashboard(client, n, write_in(other)))
        concurrent = Writer()
        try:
            times = time_dashboard(client, n)
        finally:
            note = concurrent.stop()
        row("warm: another process writing in 2..", times, note)
    roster_page = "/roster/subdistrict/1/"
    print(f"\n{'roster page of sub-district 1 (not cached)':<44}{'p50 ms':>9}{'p95 ms':>9}{'goal':>8}")
    time_dashboard(client, 2, path=roster_page)
    row("nothing written", time_dashboard(client, n, path=roster_page))
    row("a write in its own sub-district first", time_dashboard(client, max(5, n // 3), write_in(ours), path=roster_page))
    if other is not None:
        concurrent = Writer()
        try:
            times = time_dashboard(client, n, path=roster_page)
        finally:
            note = concurrent.stop()
        row("another process writing in 2..", times, note)


if __name__ == "__main__":
    main()
