"""Yearly running costs (electricity, maintenance contract, annual inspection, insurance) shared exactly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from anju.domain.errors import DomainError

from .model import Household
from .money import format_ratio, format_yuan, format_yuan_exact
from .rounding import largest_remainder

RunningBasis = Literal["coefficients", "equal", "rides"]


@dataclass(frozen=True)
class RunningCost:
    """One yearly cost in fen, e.g. ("electricity", 360000)."""

    name: str
    amount: int


@dataclass(frozen=True)
class RunningShare:
    household_id: str
    floor: int
    amount: int  # fen per year, all items
    by_item: dict[str, int]
    steps_zh: tuple[str, ...]
    steps_en: tuple[str, ...]


@dataclass(frozen=True)
class RunningAllocation:
    total: int  # fen per year
    basis: RunningBasis
    shares: tuple[RunningShare, ...]  # in input order


def share_running_costs(
    households: Sequence[Household],
    items: Sequence[RunningCost],
    *,
    basis: RunningBasis,
    coefficients: Mapping[int, Fraction] | None = None,
    weight_by_area: bool = False,
    rides: Mapping[str, int] | None = None,
) -> RunningAllocation:
    """Each yearly item split among the users (participating, not exempt) by the basis, to the fen.

    `coefficients`: k(floor) (× area in m² with `weight_by_area`); `equal`: the same for every user;
    `rides`: in proportion to metered rides (IC-card counts) per household.
    """
    users = [h for h in households if h.pays]
    for index, item in enumerate(items):
        if isinstance(item.amount, bool) or not isinstance(item.amount, int) or item.amount < 0:
            raise DomainError(f"金额应为不小于 0 的整数分：{item.amount!r}", f"amount must be non-negative fen: {item.amount!r}",
                              field=f"items[{index}].amount")
    weights, describe = _weights(users, basis, coefficients, weight_by_area, rides)
    floors = {h.id: h.floor for h in users}
    by_item: dict[str, dict[str, int]] = {h.id: {} for h in households}
    steps: dict[str, list[tuple[str, str]]] = {h.id: [] for h in households}
    total_weight = sum(weights.values(), Fraction(0))
    for item in items:
        rounded = largest_remainder(item.amount, weights, floors, field="households")
        for h in households:
            by_item[h.id][item.name] = rounded.amounts.get(h.id, 0)
        for h in users:
            zh, en = describe(h)
            exact = rounded.quotas[h.id]
            steps[h.id].append((
                f"{item.name} {format_yuan(item.amount)} × {zh} ÷ 合计 {format_ratio(total_weight)} = "
                f"{format_yuan_exact(exact)} → {format_yuan(rounded.amounts[h.id])}",
                f"{item.name} {format_yuan(item.amount)} × {en} ÷ total {format_ratio(total_weight)} = "
                f"{format_yuan_exact(exact)} → {format_yuan(rounded.amounts[h.id])}",
            ))
    shares = []
    for h in households:
        body = steps[h.id] or [("不使用电梯或免缴，年度费用 0.00", "not a user or exempt: pays 0.00 a year")]
        amount = sum(by_item[h.id].values())
        body = [*body, (f"年度合计 {format_yuan(amount)}", f"total per year {format_yuan(amount)}")]
        shares.append(RunningShare(h.id, h.floor, amount, by_item[h.id], tuple(zh for zh, _ in body),
                                   tuple(en for _, en in body)))
    return RunningAllocation(sum(item.amount for item in items), basis, tuple(shares))


def _weights(users: list[Household], basis: RunningBasis, coefficients: Mapping[int, Fraction] | None,
             weight_by_area: bool, rides: Mapping[str, int] | None):
    if basis == "equal":
        return {h.id: Fraction(1) for h in users}, lambda h: ("1 户", "1 household")
    if basis == "rides":
        if rides is None:
            raise DomainError("按刷卡次数分摊需要各户次数", "sharing by rides needs each household's ride count",
                              field="rides")
        weights = {}
        for h in users:
            count = rides.get(h.id, 0)
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise DomainError(f"刷卡次数应为不小于 0 的整数：{h.id}", f"ride count must be a non-negative integer: {h.id}",
                                  field=f"rides.{h.id}")
            weights[h.id] = Fraction(count)
        return weights, lambda h: (f"刷卡 {weights[h.id]} 次", f"{weights[h.id]} rides")
    if basis == "coefficients":
        if coefficients is None:
            raise DomainError("按系数分摊需要系数表", "sharing by coefficients needs a table", field="coefficients")
        weights = {}
        for h in users:
            if weight_by_area and h.area is None:
                raise DomainError(f"按面积分摊需要住户 {h.id} 的面积", f"sharing by area needs the area of {h.id}",
                                  field=f"households.{h.id}.area")
            k = Fraction(coefficients.get(h.floor, 0))
            weights[h.id] = k * h.area if weight_by_area else k  # type: ignore[operator]

        def describe(h: Household) -> tuple[str, str]:
            k = format_ratio(Fraction(coefficients.get(h.floor, 0)))
            if weight_by_area:
                return f"系数 {k} × 面积 {format_ratio(h.area)}", f"coefficient {k} × area {format_ratio(h.area)} m²"  # type: ignore[arg-type]
            return f"系数 {k}", f"coefficient {k}"

        return weights, describe
    raise DomainError(f"未知分摊依据：{basis!r}", f"unknown basis: {basis!r}", field="basis")
