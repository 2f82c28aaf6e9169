"""Roster import benchmark: rows/s and peak memory against the raw sqlite3.executemany limit.

    .venv/bin/python bench/roster_import_bench.py                      # 100,000 and 1,000,000 rows
    .venv/bin/python bench/roster_import_bench.py --sizes 20000 --formats csv   # a quick look

For each size it generates a realistic roster (6-storey walk-ups, 2 units, 2 rooms a floor; 70% of
owners with an ID number, 80% with a phone) as CSV (UTF-8 with BOM, as Excel saves it) and xlsx in
a temporary folder, builds a fresh SQLite database with the sub-district's structure (communities,
compounds, buildings, units), and imports each file in a child process with its own var dir; the
child reports wall time and its peak resident memory (ru_maxrss of the importing process plus that
of the reader process a big file is read in, see anju/roster/import_reader.py). The limit is the
same rows the import writes (households, people, ownerships, residences, audit records, with sealed
values as long as the real ones) inserted with plain `sqlite3.executemany` in one transaction into a
copy of the same database. Sealing one ID number or phone (AES-GCM) and its keyed hash are timed
separately. Each file is then imported a second time, which must change nothing (the no-op
re-import rate). Peak memory is the first import's. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import itertools
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLOORS, UNITS, ROOMS = 6, 2, 2
PER_BUILDING = FLOORS * UNITS * ROOMS  # 24 households
BUILDINGS_PER_COMPOUND = 40
COMPOUNDS_PER_COMMUNITY = 20
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ["秀兰", "建国", "桂英", "志强", "玉兰", "国庆", "淑珍", "德明", "海燕", "建华", "丽娟", "红梅", "卫东", "春生"]
HEADERS = ["社区", "小区", "楼栋", "单元", "楼层", "房号", "专有部分面积", "户主", "身份证号", "联系电话",
           "出生年份", "性别", "是否党员", "居住状态", "行动不便", "备注"]


def layout(size: int):
    """(community, compound, building number, unit, floor, room) for `size` households."""
    for i in range(size):
        b, k = divmod(i, PER_BUILDING)
        unit, rest = divmod(k, FLOORS * ROOMS)
        floor, room = divmod(rest, ROOMS)
        compound = b // BUILDINGS_PER_COMPOUND
        community = compound // COMPOUNDS_PER_COMMUNITY
        yield (f"第{community + 1}社区", f"小区{compound + 1}", str(b % BUILDINGS_PER_COMPOUND + 1), str(unit + 1),
               floor + 1, f"{floor + 1}{room + 1:02d}")


def roster_rows(size: int):
    from anju.domain.ids import id_check_char

    start = datetime.date(1935, 1, 1)
    for i, (community, compound, building, unit, floor, room) in enumerate(layout(size)):
        birth = start + datetime.timedelta(days=i // 500)
        id_number = ""
        if i % 10 < 7:
            body = f"430102{birth:%Y%m%d}{i % 500 + 100:03d}"
            id_number = body + id_check_char(body)
        phone = f"13{i % 10}{i:08d}"[:11] if i % 10 < 8 else ""
        yield [community, compound, building, unit, str(floor), room, f"{60 + i % 5000 / 100:.2f}",
               SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)], id_number, phone,
               "" if id_number else str(1940 + i % 60), "" if id_number else "男女"[i % 2],
               "是" if i % 13 == 0 else "否", ("自住", "出租", "空置")[i % 7 % 3], "是" if i % 17 == 0 else "",
               ""]


def write_csv(path: Path, size: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(roster_rows(size))


def write_xlsx(path: Path, size: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("住户台账")
    sheet.append(HEADERS)
    for row in roster_rows(size):
        sheet.append(row)
    workbook.save(path)


def child_setup(var: Path, size: int) -> None:
    """Migrate a fresh database and create the structure the roster refers to."""
    os.environ["ANJU_VAR_DIR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command

    from anju.roster.models import Building, Community, Compound, Subdistrict, Unit

    call_command("migrate", verbosity=0)
    subdistrict = Subdistrict.objects.create(name="基准街道")
    buildings = (size + PER_BUILDING - 1) // PER_BUILDING
    compounds = (buildings + BUILDINGS_PER_COMPOUND - 1) // BUILDINGS_PER_COMPOUND
    communities = (compounds + COMPOUNDS_PER_COMMUNITY - 1) // COMPOUNDS_PER_COMMUNITY
    community_objs = Community.objects.bulk_create(
        Community(subdistrict=subdistrict, name=f"第{c + 1}社区") for c in range(communities))
    compound_objs = Compound.objects.bulk_create(
        Compound(community=community_objs[p // COMPOUNDS_PER_COMMUNITY], subdistrict=subdistrict, name=f"小区{p + 1}")
        for p in range(compounds))
    building_objs = Building.objects.bulk_create(
        (Building(compound=compound_objs[b // BUILDINGS_PER_COMPOUND], number=str(b % BUILDINGS_PER_COMPOUND + 1),
                  storeys=FLOORS, gross_area=Decimal("2000")) for b in range(buildings)), batch_size=2000)
    Unit.objects.bulk_create((Unit(building=b, number=str(u + 1)) for b in building_objs for u in range(UNITS)),
                             batch_size=2000)


def child_import(var: Path, path: Path) -> None:
    os.environ["ANJU_VAR_DIR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()
    from anju.core.audit import Actor
    from anju.core.scoping import Scope
    from anju.roster.importer import import_roster

    started = time.perf_counter()
    result = import_roster(path, actor=Actor.system("bench"),
                           scope=Scope(everything=True, sees_personal_data=True, can_edit=True))
    seconds = time.perf_counter() - started
    assert not result.problems, result.problems[:3]
    # The reader process's peak counts too (RUSAGE_CHILDREN: the largest child that has ended).
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    started = time.perf_counter()
    again = import_roster(path, actor=Actor.system("bench"),
                          scope=Scope(everything=True, sees_personal_data=True, can_edit=True))
    assert (again.added, again.changed, again.unchanged) == (0, 0, result.rows)
    print(json.dumps({"seconds": seconds, "rows": result.rows, "added": result.added, "peak_mb": peak,
                      "reimport_seconds": time.perf_counter() - started}))


def limit(db: Path, size: int) -> float:
    """Seconds to write the import's rows with raw executemany in one transaction.

    The same rows as the import writes: names, sexes, birth years, floors, rooms, areas and notes
    from the generated roster; search hashes as random as the real keyed hashes (the person table
    indexes them, and random keys cost a B-tree more than sorted ones); sealed values of the real
    length; the audit record the import writes; the connection settings the import runs with (WAL,
    synchronous=NORMAL, its 64 MB page cache). Values are shaped before the clock runs, a slice at
    a time, and only the executemany calls are timed.
    """
    import hashlib

    from anju.roster.importer import IMPORT_CACHE_KIB

    id_token = "a1." + "x" * 64  # a sealed ID number (anju.core.crypto) is 67 characters, a phone 55
    phone_token = "a1." + "x" * 52
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(f"PRAGMA cache_size={IMPORT_CACHE_KIB}")  # as the import sets it
    unit_of = {tuple(key): (u, c) for u, c, *key in connection.execute(
        "select u.id, b.compound_id, b.compound_id, b.number, u.number from roster_unit u "
        "join roster_building b on b.id = u.building_id")}
    compound_ids = dict(connection.execute("select name, id from roster_compound"))
    house_id = (connection.execute("select coalesce(max(id), 0) from roster_household").fetchone()[0]) + 1
    person_id = (connection.execute("select coalesce(max(id), 0) from roster_person").fetchone()[0]) + 1
    now = datetime.datetime.now(datetime.UTC).isoformat()

    def digest(kind: str, value: str) -> str:
        return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest() if value else ""

    seconds = 0.0
    connection.execute("BEGIN IMMEDIATE")
    rows = roster_rows(size)
    for _ in range(0, size, 50_000):
        households, people, links, audit = [], [], [], []
        for (_community, compound, building, unit, floor, room, area, name, id_number, phone, birth, sex, party,
             occupancy, mobility, note) in itertools.islice(rows, 50_000):
            unit_id, compound_id = unit_of[(compound_ids[compound], building, unit)]
            occupancy = {"自住": "owner", "出租": "rented", "空置": "vacant"}[occupancy]
            sex = ("FM"[int(id_number[16]) % 2] if id_number else {"男": "M", "女": "F"}[sex])
            households.append((house_id, unit_id, compound_id, int(floor), room, area, occupancy, note))
            people.append((person_id, name, sex, int(birth or id_number[6:10]), id_token if id_number else "",
                           digest("id", id_number), phone_token if phone else "", digest("phone", phone),
                           mobility == "是", party == "是"))
            links.append((person_id, house_id))
            audit.append((now, str(house_id), f"{compound}{building}栋{unit}单元{room}", json.dumps(
                {"floor": int(floor), "room": room, "exclusive_area": area, "occupancy": occupancy, "note": note,
                 "owner": {"name": name, "sex": sex, "birth_year": birth, "id_number": id_number[:4] + "*" * 10,
                           "phone": phone[:3] + "****", "party_member": party == "是",
                           "limited_mobility": mobility == "是"}})))
            house_id += 1
            person_id += 1
        started = time.perf_counter()
        connection.executemany(
            "insert into roster_household (id, unit_id, compound_id, floor, room, exclusive_area, occupancy, note) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)", households)
        connection.executemany(
            "insert into roster_person (id, subdistrict_id, name, sex, birth_year, id_number_encrypted, "
            "id_number_hash, phone_encrypted, phone_hash, limited_mobility, party_member) "
            "values (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)", people)
        connection.executemany("insert into roster_ownership (person_id, household_id) values (?, ?)", links)
        connection.executemany("insert into roster_residence (person_id, household_id) values (?, ?)", links)
        connection.executemany(
            "insert into core_auditevent (at, actor_label, action, object_type, object_id, object_label, "
            "subdistrict_id, after) values (?, 'bench', 'import_create', 'roster.household', ?, ?, 1, ?)", audit)
        seconds += time.perf_counter() - started
    started = time.perf_counter()
    connection.execute("COMMIT")
    seconds += time.perf_counter() - started
    connection.close()
    return seconds


def sealing_cost(n: int = 50_000) -> tuple[float, float]:
    """Microseconds per encrypted value and per search hash."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()
    from anju.core import crypto

    values = [f"4301021950{i:08d}" for i in range(n)]
    started = time.perf_counter()
    for value in values:
        crypto.encrypt(value)
    encrypt = (time.perf_counter() - started) / n * 1e6
    started = time.perf_counter()
    for value in values:
        crypto.search_hash("id", value)
    return encrypt, (time.perf_counter() - started) / n * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--child-setup", nargs=2, metavar=("VAR", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--child-import", nargs=2, metavar=("VAR", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_setup:
        child_setup(Path(args.child_setup[0]), int(args.child_setup[1]))
        return 0
    if args.child_import:
        child_import(Path(args.child_import[0]), Path(args.child_import[1]))
        return 0

    encrypt_us, hash_us = sealing_cost()
    print(f"Sealing (AES-GCM): {encrypt_us:.1f} µs per value; keyed search hash: {hash_us:.1f} µs per value "
          f"(an owner with ID and phone costs 2 of each)")
    print(f"{'rows':>10} {'format':>6} {'file MB':>8} {'import s':>9} {'rows/s':>9} {'peak MB':>8} "
          f"{'limit rows/s':>13} {'share':>6} {'no-op re-import rows/s':>22}  goal")
    with tempfile.TemporaryDirectory(prefix="anju-bench-") as tmp:
        folder = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            template = folder / f"template-{size}"
            subprocess.run([sys.executable, __file__, "--child-setup", str(template), str(size)], check=True)
            template_db = template / "anju.sqlite3"
            limit_db = folder / f"limit-{size}.sqlite3"
            shutil.copy(template_db, limit_db)
            limit_seconds = limit(limit_db, size)
            limit_rate = size / limit_seconds
            for fmt in args.formats.split(","):
                path = folder / f"roster-{size}.{fmt}"
                (write_csv if fmt == "csv" else write_xlsx)(path, size)
                var = folder / f"var-{size}-{fmt}"
                var.mkdir()
                shutil.copy(template_db, var / "anju.sqlite3")
                done = subprocess.run([sys.executable, __file__, "--child-import", str(var), str(path)],
                                      check=True, capture_output=True, text=True)
                measured = json.loads(done.stdout.strip().splitlines()[-1])
                rate = size / measured["seconds"]
                share = rate / limit_rate
                goal = "≥1/3 ok" if share >= 1 / 3 else "<1/3"
                goal += ", <500MB ok" if measured["peak_mb"] < 500 else ", ≥500MB"
                print(f"{size:>10,} {fmt:>6} {path.stat().st_size / 2**20:>8.1f} {measured['seconds']:>9.1f} "
                      f"{rate:>9,.0f} {measured['peak_mb']:>8.0f} {limit_rate:>13,.0f} {share:>6.1%} "
                      f"{size / measured['reimport_seconds']:>22,.0f}  "
                      f"{goal if fmt == 'csv' else ('<500MB ok' if measured['peak_mb'] < 500 else '≥500MB')}",
                      flush=True)
                path.unlink()
                shutil.rmtree(var)
            shutil.rmtree(template)
            limit_db.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
