"""Many units at once: largest-remainder allocation over integer NumPy arrays, still exact to the fen.

For city-wide recalculations (a task, never a request). Rows are units, columns are households; the
result equals `rounding.largest_remainder` row by row (see the tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from math import lcm

import numpy as np

from anju.domain.errors import DomainError

_SAFE = 2**62  # products net × weight-sum must stay below int64's limit


def integer_weights(weights: Sequence[Fraction]) -> list[int]:
    """Exact ratios as integers with the same proportions (scaled by the lcm of the denominators)."""
    scale = lcm(*(Fraction(w).denominator for w in weights)) if weights else 1
    return [int(Fraction(w) * scale) for w in weights]


def tie_rank(floors: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    """Tie order per row: lower floor first, then smaller id in string order; `ids` names the columns."""
    floors = np.asarray(floors)
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(len(ids))
    order = np.lexsort((np.broadcast_to(id_rank, floors.shape), floors), axis=-1)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(floors.shape[-1]), floors.shape), axis=-1)
    return rank


def allocate_batch(net_fen: np.ndarray, weights: np.ndarray, rank: np.ndarray | None = None) -> np.ndarray:
    """Split `net_fen[u]` fen among row u of the integer `weights` by largest remainder.

    `weights` (units × households) are non-negative integers, 0 for households that pay nothing or
    for padding; `rank` gives the tie order (lower wins), by default the column order, so put the
    columns in floor-then-id order or pass `tie_rank(...)`. Returns int64 fen; every row adds up
    to its net exactly.
    """
    net = np.asarray(net_fen, dtype=np.int64)
    w = np.asarray(weights, dtype=np.int64)
    if w.ndim != 2 or net.shape != (w.shape[0],):
        raise DomainError("批量数据的形状不一致", "batch shapes do not match: net (U,) and weights (U, H)", field="weights")
    if (net < 0).any() or (w < 0).any():
        raise DomainError("金额和权重不能为负数", "amounts and weights must not be negative", field="weights")
    total = w.sum(axis=1)
    empty = (total == 0) & (net > 0)
    if empty.any():
        row = int(np.flatnonzero(empty)[0])
        raise DomainError(f"第 {row} 个单元没有需要分摊的住户", f"unit {row} has nobody left to pay", field=f"weights[{row}]")
    if len(net) and int(net.max()) * int(total.max()) >= _SAFE:
        # Python integers never overflow; slower, but still exact.
        return _allocate_objects(net, w, rank).astype(np.int64)
    divisor = np.where(total == 0, 1, total)[:, None]
    product = net[:, None] * w
    quota, remainder = np.divmod(product, divisor)
    left = net - quota.sum(axis=1)
    if rank is None:
        rank = np.broadcast_to(np.arange(w.shape[1]), w.shape)
    order = np.lexsort((rank, -remainder), axis=-1)
    position = np.empty_like(order)
    np.put_along_axis(position, order, np.broadcast_to(np.arange(w.shape[1]), w.shape), axis=-1)
    return quota + (position < left[:, None])


def _allocate_objects(net: np.ndarray, w: np.ndarray, rank: np.ndarray | None) -> np.ndarray:
    result = np.zeros(w.shape, dtype=object)
    columns = range(w.shape[1])
    for row in range(w.shape[0]):
        weights = [int(x) for x in w[row]]
        total, amount = sum(weights), int(net[row])
        if total == 0:
            continue
        products = [amount * x for x in weights]
        quotas = [p // total for p in products]
        ties = list(rank[row]) if rank is not None else list(columns)
        order = sorted(columns, key=lambda c: (-(products[c] % total), ties[c]))
        for c in order[: amount - sum(quotas)]:
            quotas[c] += 1
        result[row] = quotas
    return result
