"""An import killed half-way (SIGKILL, no cleanup at all) leaves the database as it was, kept totals included."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from anju.roster import import_reader
from tests.roster.test_import import write_roster

ROOT = Path(__file__).resolve().parents[2]
ANJU = [sys.executable, "-m", "anju.cli"]

SETUP = """
from decimal import Decimal
from tests.factories import SYSTEM, make_world
from anju.roster import services
world = make_world()
services.building_create(compound=world.compound_a, number="9", storeys=60, units=20,
                         gross_area=Decimal("90000"), actor=SYSTEM)
"""


def counts(db: Path) -> tuple:
    """Row counts of what an import writes, and the kept building totals (which it rewrites batch by batch)."""
    with sqlite3.connect(db) as connection:
        return (*(
            connection.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("roster_household", "roster_person", "core_auditevent")
        ), connection.execute("select * from roster_buildingsummary order by building_id").fetchall())


def processes_reading(path: Path) -> list[int]:
    """Processes whose command line names `path` (the import and, for a big file, its reader)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(path).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="uses its own SQLite file")
@pytest.mark.parametrize("note", ["", "二层东户，产权人长期在外地，联系其子女"], ids=["in-process", "reader-process"])
def test_a_killed_import_leaves_the_database_unchanged(tmp_path, note):
    env = {**os.environ, "ANJU_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "anju.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run([*ANJU, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run([*ANJU, "shell", "-c", SETUP], env=env, cwd=ROOT, check=True)
    db = tmp_path / "var" / "anju.sqlite3"
    before = counts(db)
    rows = [
        ["甲社区", "甲小区", "9", str(unit), "", f"{floor}{room:02d}", "70.5", f"住户{unit}-{floor}-{room}",
         "", f"139{unit:02d}{floor:02d}{room:04d}", "1960", "男", "", "", "", note]
        for unit in range(1, 21) for floor in range(1, 61) for room in range(1, 41)
    ]  # 48,000 households
    path = write_roster(tmp_path / "big.csv", rows)
    # With the notes the file is over PROCESS_BYTES: a second process reads it while the first writes.
    assert (path.stat().st_size >= import_reader.PROCESS_BYTES) == bool(note)
    process = subprocess.Popen(
        [*ANJU, "import-roster", str(path)], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    # Wait until thousands of rows have been written inside the transaction, then kill it outright.
    progress = b""
    reached = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        chunk = os.read(process.stderr.fileno(), 4096)
        if not chunk:
            break
        progress += chunk
        last = progress.rsplit(b"\r", 1)[-1]
        if b"] " in last and int(last.split(b"] ")[1].split(b"/")[0].replace(b",", b"")) >= 10_000:
            reached = True
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, progress[-300:]
    assert reached, progress[-300:]
    assert counts(db) == before
    # The kept totals went back with the rows: a recount finds nothing to report.
    recount = subprocess.run([*ANJU, "recount"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert recount.returncode == 0, recount.stdout + recount.stderr
    assert "no differences" in recount.stdout
    # Nothing is left behind: a reader process finds the pipe broken at its next batch and ends.
    deadline = time.monotonic() + 20
    while processes_reading(path) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_reading(path) == []
