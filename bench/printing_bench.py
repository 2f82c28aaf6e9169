"""Printing benchmark: pages per second for a unit's statements, a vote's letters and the annual report.

    .venv/bin/python bench/printing_bench.py              # the demo sub-district, letters ×4 (≈ 100 households)
    .venv/bin/python bench/printing_bench.py --repeat 40  # letters for ≈ 1,000 households

Loads the demo into its own ANJU_VAR_DIR (`anju demo`, about a minute), then renders, in this process and as
the background jobs do: every statement of the demo's largest elevator plan (one document per household),
the letters of the demo's largest open consultation `--repeat` times over (one document per household, with
its QR code; new letters are issued each round, as a reprint does), and the 2021 annual report. Prints
pages, seconds and pages/s next to the goals of issue 15 (letters ≥ 40 pages/s, statements ≥ 20 pages/s on
this 2-core machine). Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REPORT_YEAR = 2021
GOALS = {"letters": 40.0, "statements": 20.0, "annual report": None}


def PdfPages(data: bytes) -> list[int]:
    """The pages of a PDF, as poppler's pdfinfo counts them."""
    import re

    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return list(range(int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))))


def _peak() -> int:
    """This process's peak resident memory so far, in bytes (tracemalloc would slow the layout twofold)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=4, help="rounds of the consultation's letters")
    parser.add_argument("--var", help="an ANJU_VAR_DIR that already holds the demo (skips loading it)")
    args = parser.parse_args()
    var = Path(args.var) if args.var else Path(tempfile.mkdtemp(prefix="anju-print-bench-"))
    env = {**os.environ, "ANJU_VAR_DIR": str(var), "ANJU_DEBUG": "0"}
    if not args.var:
        print(f"loading the demo into {var} …", flush=True)
        subprocess.run([sys.executable, "-m", "anju.cli", "demo"], env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
    os.environ.update({"ANJU_VAR_DIR": str(var), "ANJU_DEBUG": "0"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)  # ANJU_DEBUG=0 caches in the database
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from anju.consultations import letters
    from anju.consultations.models import Consultation
    from anju.core.audit import Actor
    from anju.elevators import statements
    from anju.elevators.models import CostPlan

    User = get_user_model()

    rows: list[tuple[str, int, float, int]] = []

    plan = max(CostPlan.objects.all(), key=lambda p: len(p.shares))
    started = time.perf_counter()
    _pdf, pages = statements.render_unit(plan)
    rows.append(("statements", pages, time.perf_counter() - started, _peak()))

    consultation = (Consultation.objects.filter(status="open").annotate(n=Count("electors")).order_by("-n").first())
    electors = list(consultation.electors.order_by("key"))
    started, pages = time.perf_counter(), 0
    for _ in range(args.repeat):
        letters.render_letters(consultation, "https://anju.example.cn", electors=electors,
                               actor=Actor.system("printing bench"))
        pages += len(electors)  # one A4 page per household
    rows.append(("letters", pages, time.perf_counter() - started, _peak()))

    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username="jiedao"))
    started = time.perf_counter()
    response = client.get(f"/dashboard/report/{REPORT_YEAR}.pdf")
    assert response.status_code == 200, response.status_code
    rows.append(("annual report", len(PdfPages(response.content)), time.perf_counter() - started,
                 _peak()))

    print(f"\nprinting on {os.cpu_count()} cores, demo sub-district ({len(electors)} letters × {args.repeat}, "
          f"{len(plan.shares)} statements)")
    print(f"{'document':<14} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'goal':>10} {'peak MB':>8}")
    for name, count, seconds, peak in rows:
        goal = GOALS[name]
        rate = count / seconds if seconds else 0.0
        verdict = "" if goal is None else (f"≥ {goal:.0f} " + ("ok" if rate >= goal else "MISSED"))
        print(f"{name:<14} {count:>6} {seconds:>8.2f} {rate:>8.1f} {verdict:>10} {peak / 2**20:>8.1f}")


if __name__ == "__main__":
    main()
