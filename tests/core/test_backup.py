"""Backup drill: `anju backup` while residents are voting, `anju restore` into a fresh install, and
every consultation's published digest and tally are those of the source when the backup took its
snapshot. On SQLite always; on PostgreSQL as well when DATABASE_URL is set (pg_dump/pg_restore)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "drill-data-key-" + "k" * 30
PG_URL = os.environ.get("DATABASE_URL", "")


def _env(var: Path, database_url: str = "") -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env = keep | {"ANJU_VAR_DIR": str(var), "ANJU_DATA_KEY": KEY, "DJANGO_SETTINGS_MODULE": "anju.settings",
                  "PYTHONPATH": str(ROOT)}
    return env | ({"DATABASE_URL": database_url} if database_url else {})


def _run(args: list[str], env: dict[str, str], *, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if ok:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def _wait_for(path: Path, count: int, caster: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while len(_lines(path)) < count:
        assert caster.poll() is None, caster.stderr.read()
        assert time.monotonic() < deadline, f"the caster wrote {len(_lines(path))} of {count} ballots in 300 s"
        time.sleep(0.1)


def _pg_database(name: str) -> str:
    """A fresh, empty database `name` on the DATABASE_URL server; returns its URL."""
    import psycopg

    parts = urlparse(PG_URL)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path=f"/{name}"))


def drill(tmp: Path, kind: str) -> dict:
    """Build a world, back it up under fire, restore it; return what the assertions need."""
    src_url = _pg_database("anju_data_drill_src") if kind == "postgresql" else ""
    dst_url = _pg_database("anju_data_drill_dst") if kind == "postgresql" else ""
    src, dst = _env(tmp / "src", src_url), _env(tmp / "dst", dst_url)
    _run(["-m", "tests.core.backup_drill", "world"], src)
    jobs = tmp / "src" / "media" / "jobs"
    jobs.mkdir(parents=True, exist_ok=True)
    (jobs / "export-42.xlsx").write_bytes(b"a generated export: never in a backup")

    log, stop, archive = tmp / "receipts.log", tmp / "stop", tmp / "anju.tar.gz"
    caster = subprocess.Popen([sys.executable, "-m", "tests.core.backup_drill", "cast", str(log), str(stop)],
                              env=src, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(log, 5, caster)
        before = len(_lines(log))
        made = _run(["-m", "anju.cli", "backup", "--out", str(archive)], src)
        after = len(_lines(log))
        _wait_for(log, after + 3, caster)  # still casting after the snapshot
    finally:
        stop.touch()
        caster.wait(timeout=120)
    assert caster.returncode == 0, caster.stderr.read()
    source_now = json.loads(_run(["-m", "tests.core.backup_drill", "state"], src).stdout)

    restored_run = _run(["-m", "anju.cli", "restore", str(archive)], dst)
    restored = json.loads(_run(["-m", "tests.core.backup_drill", "state"], dst).stdout)
    cast = _lines(log)
    in_backup = [r for c in restored.values() if c["status"] == "open" for r in c["ballots"]]
    later = tmp / "later.txt"
    later.write_text("\n".join(cast[len(in_backup):]))
    at_snapshot = json.loads(_run(["-m", "tests.core.backup_drill", "state", "--without", str(later)], src).stdout)
    return {"src": src, "dst": dst, "archive": archive, "made": made, "restored_run": restored_run, "cast": cast,
            "before": before, "after": after, "in_backup": in_backup, "source_now": source_now,
            "restored": restored, "at_snapshot": at_snapshot, "tmp": tmp}


def _check(d: dict) -> None:
    closed = [t for t, c in d["source_now"].items() if c["status"] == "closed"]
    assert len(closed) == 2 and len(d["source_now"]) == 6
    for title in closed:  # the published digests and tallies, unchanged by the restore
        assert d["restored"][title]["digest"] == d["source_now"][title]["digest"]
        assert d["restored"][title]["tally"] == d["source_now"][title]["tally"]
        assert d["restored"][title]["ballots"] == d["source_now"][title]["ballots"]
    # The open consultations hold exactly the ballots acknowledged up to one moment during the backup
    # (a prefix of the caster's log: nothing lost before it, nothing torn), and read as the source did then.
    k = len(d["in_backup"])
    assert sorted(d["in_backup"]) == sorted(d["cast"][:k])
    assert d["before"] <= k <= d["after"] + 1 < len(d["cast"])
    assert d["restored"] == d["at_snapshot"]
    manifest = json.loads(tarfile.open(d["archive"], "r:gz").extractfile("manifest.json").read())
    from anju.core import crypto

    assert manifest["data_key_fingerprint"] == crypto.fingerprint(KEY)
    assert manifest["data_key_fingerprint"] in d["made"].stdout


@pytest.fixture(scope="module")
def sqlite_drill(tmp_path_factory) -> dict:
    return drill(tmp_path_factory.mktemp("drill-sqlite"), "sqlite")


def test_backup_under_concurrent_ballots_restores_every_digest_and_tally_on_sqlite(sqlite_drill):
    _check(sqlite_drill)
    names = tarfile.open(sqlite_drill["archive"], "r:gz").getnames()
    assert names[0] == "manifest.json" and "database.sqlite3" in names
    assert not [n for n in names if n.startswith("media/jobs")]  # generated exports stay out
    assert not (sqlite_drill["tmp"] / "dst" / "media" / "jobs").exists()


@pytest.mark.skipif(not PG_URL.startswith("postgres"), reason="PostgreSQL drill: set DATABASE_URL")
def test_backup_under_concurrent_ballots_restores_every_digest_and_tally_on_postgresql(tmp_path):
    import psycopg

    try:
        d = drill(tmp_path, "postgresql")
        _check(d)
        assert "database.pgdump" in tarfile.open(d["archive"], "r:gz").getnames()
    finally:
        with psycopg.connect(urlunparse(urlparse(PG_URL)._replace(path="/postgres")), autocommit=True) as db:
            for name in ("anju_data_drill_src", "anju_data_drill_dst"):
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_and_restore_refuse_the_wrong_key_a_used_install_a_damaged_file_and_a_missing_folder_in_one_line(sqlite_drill, tmp_path):
    archive, dst = sqlite_drill["archive"], sqlite_drill["dst"]
    refusals = {}
    refusals["key"] = _run(["-m", "anju.cli", "restore", str(archive)],
                           _env(tmp_path / "other-key") | {"ANJU_DATA_KEY": "another-key-" + "a" * 30}, ok=False)
    refusals["used"] = _run(["-m", "anju.cli", "restore", str(archive)], dst, ok=False)  # restored once already
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as tar, tarfile.open(damaged, "w:gz") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read() if member.isfile() else None
            if member.name == "database.sqlite3":
                data = data[:-1] + bytes([data[-1] ^ 1])
            out.addfile(member, io.BytesIO(data) if data is not None else None)
    refusals["damaged"] = _run(["-m", "anju.cli", "restore", str(damaged)], _env(tmp_path / "fresh"), ok=False)
    refusals["no folder"] = _run(["-m", "anju.cli", "backup", "--out", str(tmp_path / "no" / "such" / "b.tar.gz")],
                                 sqlite_drill["src"], ok=False)
    refusals["wrong key"] = _run(["-m", "anju.cli", "backup", "--out", str(tmp_path / "b.tar.gz")],
                                 sqlite_drill["src"] | {"ANJU_DATA_KEY": "another-key-" + "a" * 30}, ok=False)
    from anju.core import crypto

    needles = {"key": crypto.fingerprint(KEY), "used": "ANJU_VAR_DIR", "damaged": "SHA-256", "no folder": "no such folder",
               "wrong key": "does not open"}
    for what, done in refusals.items():
        assert done.returncode == 2, (what, done.stderr)
        message = done.stderr.strip()
        assert len(message.splitlines()) == 1 and " / " in message and needles[what] in message, (what, message)
    assert not (tmp_path / "fresh" / "anju.sqlite3").exists() or (tmp_path / "fresh" / "anju.sqlite3").stat().st_size == 0
