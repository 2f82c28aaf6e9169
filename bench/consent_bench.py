"""Time the consent engine on a 10,000-household consultation and print a table.

Run: ``.venv/bin/python bench/consent_bench.py [--households 10000] [--repeats 30]``.
Deterministic data (seeded): flats of 40-120 m², one owner in 50 holds a second flat.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal

from anju.domain.consent import MAJOR_278, Household, Vote, evaluate, tally
from anju.domain.consent.jsonio import evaluate_json


def consultation(n: int, *, yes: float, no: float, voted: float, seed: int = 278) -> list[Household]:
    """n households; shares of owners voting yes/no among those who voted (the rest abstain)."""
    rnd = random.Random(seed)
    households = []
    for i in range(n):
        owner = f"p{i - 1}" if i % 50 == 1 else f"p{i}"  # a person owning two flats takes one vote
        if owner != f"p{i}":
            vote = households[-1].vote
        elif rnd.random() < voted:
            r = rnd.random()
            vote = Vote.YES if r < yes else Vote.NO if r < yes + no else Vote.ABSTAIN
        else:
            vote = None
        households.append(Household(str(i), Decimal(rnd.randint(4000, 12000)) / 100, owner, vote))
    return households


def measure(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def peak_mib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    n = args.households

    passing = consultation(n, yes=0.85, no=0.1, voted=0.8)
    # Open and short: participation about 60% and 70% yes, so both sources of "missing" are searched.
    short = consultation(n, yes=0.7, no=0.2, voted=0.6)
    assert evaluate(passing, MAJOR_278).passed and not evaluate(short, MAJOR_278).passed
    document = {"rule": "civil-code-278-major", "households": [
        {"id": h.id, "area": str(h.exclusive_area), "owner": h.owner, "vote": h.vote} for h in short]}
    text = json.dumps(document)

    rows = [
        ("tally", lambda: tally(passing), 50),
        ("tally + result (passed)", lambda: evaluate(passing, MAJOR_278), 50),
        ("tally + result + missing (short)", lambda: evaluate(short, MAJOR_278), 200),
        ("CLI path: JSON parse + evaluate (short)", lambda: evaluate_json(json.loads(text, parse_float=Decimal)), 400),
    ]
    plan = evaluate(short, MAJOR_278).missing.plans
    print(f"consent engine, {n:,} households, {args.repeats} repeats (ms)")
    print(f"missing for the short case: {plan[0].en} | {plan[1].en}\n")
    print(f"| {'measure':<40} | {'p50 ms':>8} | {'p95 ms':>8} | {'goal ms':>8} | {'peak MiB':>8} | ok  |")
    print(f"| {'-' * 40} | {'-' * 8}:| {'-' * 8}:| {'-' * 8}:| {'-' * 8}:| --- |")
    for name, fn, goal in rows:
        p50, p95 = measure(fn, args.repeats)
        peak = peak_mib(fn)
        print(f"| {name:<40} | {p50:8.1f} | {p95:8.1f} | {'< ' + str(goal):>8} | {peak:8.1f} | {'yes' if p95 < goal else 'NO '} |")


if __name__ == "__main__":
    main()
