"""Cost-share benchmark: one quote end to end, 100,000 units in one batch, the negotiation aid.

Run: .venv/bin/python bench/costshare_bench.py   (prints a table; not part of `make test`)
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anju.domain.costshare import Household, allocate_quote, allocation_to_json, quote_from_json
from anju.domain.costshare.batch import allocate_batch
from anju.domain.costshare.negotiation import ConsentTarget, negotiate
from anju.domain.costshare.rounding import largest_remainder

UNITS = 100_000
QUOTE = {
    "storeys": 6,
    "households": [{"id": f"{f}0{d}", "floor": f, "area": "72.5", "exempt": f == 1} for f in range(1, 7) for d in (1, 2)],
    "costs": [{"name": "construction", "amount": "450000"}, {"name": "design", "amount": "50000"}],
    "subsidies": [{"name": "municipal", "amount": "200000"}],
    "compensations": [{"to": "101", "amount": "5000"}, {"to": "102", "amount": "5000"}],
    "method": {"kind": "shapley", "reach_costs": {str(f): str(300000 + 50000 * (f - 2)) for f in range(2, 7)}},
}


def one_quote() -> None:
    document = allocation_to_json(allocate_quote(quote_from_json(json.loads(json.dumps(QUOTE)))))
    json.dumps(document, ensure_ascii=False)


def batch_inputs(seed: int = 7) -> tuple[np.ndarray, np.ndarray, int]:
    """100,000 units of 6 or 7 storeys, 2 households a floor, Guangzhou 2025 coefficients × area (0.01 m²)."""
    rng = np.random.default_rng(seed)
    storeys = rng.integers(6, 8, size=UNITS)
    floors = np.repeat(np.arange(1, 8), 2)[None, :].repeat(UNITS, axis=0)
    k10 = np.array([0, 0, 5, 10, 11, 12, 13, 14])  # coefficient × 10 by floor (index 0 unused)
    area = rng.integers(5000, 12000, size=floors.shape)
    weights = k10[floors] * area
    weights[floors > storeys[:, None]] = 0  # padding for 6-storey units
    net = rng.integers(20_000_000, 80_000_000, size=UNITS)  # 200,000-800,000 元 in fen
    households = int((floors <= storeys[:, None]).sum())
    return net, weights, households


def negotiation_case(seed: int) -> tuple[list[Household], dict[str, int | None]]:
    rnd = random.Random(seed)
    households = [Household(f"{f}0{d}", f, Fraction(rnd.randint(55, 95)), exempt=f == 1) for f in range(1, 8)
                  for d in (1, 2)]
    willingness = {h.id: None if rnd.random() < 0.1 else 1_000_000 * h.floor + rnd.randint(0, 4_000_000)
                   for h in households}
    return households, willingness


def negotiate_once(seed: int) -> None:
    households, willingness = negotiation_case(seed)
    negotiate(households, 40_000_000, willingness, target=ConsentTarget(min_yes=10, min_yes_area=Fraction(700)),
              bounds={7: (3_000_000, 9_000_000)})


def peak_memory(work: Callable[[], object]) -> int:
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def timings(work: Callable[[], object], repeat: int) -> list[float]:
    result = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        result.append(time.perf_counter() - started)
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    rows = []
    quote_times = timings(one_quote, 300)
    rows.append(("one quote end to end (JSON in → shares + steps → JSON out, 12 households)",
                 f"p50 {statistics.median(quote_times) * 1000:.2f} ms, p95 {percentile(quote_times, .95) * 1000:.2f} ms",
                 "—", "—", peak_memory(one_quote)))

    net, weights, households = batch_inputs()
    allocate_batch(net[:100], weights[:100])  # warm-up
    batch_times = timings(lambda: allocate_batch(net, weights), 5)
    best = min(batch_times)
    rate = households / best
    shares = allocate_batch(net, weights)
    assert (shares.sum(axis=1) == net).all()
    for u in range(0, UNITS, 9973):  # spot-check rows against the exact scalar rounding
        ids = [f"{c:02d}" for c in range(weights.shape[1])]
        floors = {i: int(i) for i in ids}
        expected = largest_remainder(int(net[u]), dict(zip(ids, map(int, weights[u]), strict=True)), floors).amounts
        assert [int(v) for v in shares[u]] == [expected[i] for i in ids]
    rows.append((f"batch: {UNITS:,} units, {households:,} household shares (NumPy int64, exact)",
                 f"{rate:,.0f} shares/s ({best * 1000:.0f} ms)", "> 1,000,000 shares/s",
                 "yes" if rate > 1_000_000 else "NO", peak_memory(lambda: allocate_batch(net, weights))))

    negotiate_once(0)  # warm-up: SciPy imports and HiGHS start-up
    neg_times = [timings(lambda s=seed: negotiate_once(s), 1)[0] for seed in range(60)]
    p50, p95 = statistics.median(neg_times) * 1000, percentile(neg_times, .95) * 1000
    rows.append(("negotiation aid: 7 storeys, 14 households, target 10 yes + 700 m² (HiGHS milp)",
                 f"p50 {p50:.1f} ms, p95 {p95:.1f} ms", "< 100 ms", "yes" if p95 < 100 else "NO",
                 peak_memory(lambda: negotiate_once(1))))

    head = ("workload", "measured", "goal", "met", "peak memory (tracemalloc)")
    table = [head, *[(a, b, c, d, f"{e / 2**20:.1f} MiB") for a, b, c, d, e in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    line = "+".join("-" * (w + 2) for w in widths)
    print(line)
    for index, row in enumerate(table):
        print("|".join(f" {cell:<{widths[i]}} " for i, cell in enumerate(row)))
        if index == 0:
            print(line)
    print(line)
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS {max_rss:.0f} MiB; Python {sys.version.split()[0]}, NumPy {np.__version__}")


if __name__ == "__main__":
    main()
