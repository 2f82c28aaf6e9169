"""Largest-remainder rounding to the fen: the parts always add up to the total exactly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from anju.domain.errors import DomainError


@dataclass(frozen=True)
class Rounded:
    """Integer parts of a total, with the exact quotas they were rounded from."""

    amounts: dict[str, int]
    quotas: dict[str, Fraction]
    bumped: frozenset[str]  # ids that received one extra unit from the remainder


def largest_remainder(
    total: int,
    weights: Mapping[str, Fraction | int],
    floors: Mapping[str, int],
    *,
    field: str = "households",
) -> Rounded:
    """Split `total` units (fen) in proportion to `weights`.

    Each id first gets the integer part of its exact quota; the units left over go one each to the
    largest fractional parts, ties to the lower floor, then the smaller id in string order. The result
    depends only on the mapping, not on its order.
    """
    if total < 0:
        raise DomainError("待分摊金额不能为负数", "the amount to share must not be negative", field=field)
    weight_sum = sum((Fraction(w) for w in weights.values()), Fraction(0))
    if any(Fraction(w) < 0 for w in weights.values()):
        raise DomainError("分摊权重不能为负数", "sharing weights must not be negative", field=field)
    if weight_sum == 0:
        if total == 0:
            zeros = dict.fromkeys(weights, 0)
            return Rounded(zeros, {key: Fraction(0) for key in weights}, frozenset())
        raise DomainError(
            "没有需要分摊的住户：所有住户都免缴、不参与或系数为 0",
            "nobody is left to pay: every household is exempt, not participating or has coefficient 0",
            field=field,
        )
    quotas = {key: total * Fraction(w) / weight_sum for key, w in weights.items()}
    amounts = {key: q.numerator // q.denominator for key, q in quotas.items()}
    left = total - sum(amounts.values())
    order = sorted(quotas, key=lambda key: (-(quotas[key] - amounts[key]), floors[key], key))
    bumped = frozenset(order[:left])
    for key in bumped:
        amounts[key] += 1
    return Rounded(amounts, quotas, bumped)


def percents_basis_points(amounts: Mapping[str, int], floors: Mapping[str, int]) -> dict[str, int]:
    """Each amount's part of the sum in 0.01 % units, adding up to exactly 10000 (all 0 if the sum is 0)."""
    if sum(amounts.values()) == 0:
        return dict.fromkeys(amounts, 0)
    return largest_remainder(10000, amounts, floors).amounts
