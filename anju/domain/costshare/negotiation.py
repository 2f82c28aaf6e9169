"""Negotiation aid: shares within the office's rules that the most owners would accept.

Given each household's stated maximum willingness to pay, find integer-fen shares that cover the net,
never decrease with floor, keep exempt floors at 0 and stay within per-floor bounds, and maximise the
number of owners whose share is within their willingness (then their area), subject to a headcount and
area target from the consent rule. If no such shares exist, say how much more subsidy, or how many
more yes votes, would close the gap. Solved with SciPy's HiGHS `milp`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import cast

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from anju.domain.errors import DomainError

from .model import Household
from .money import format_ratio, format_yuan


@dataclass(frozen=True)
class ConsentTarget:
    """Yes votes the consent rule needs: a headcount and an area in m² (0 = no requirement)."""

    min_yes: int = 0
    min_yes_area: Fraction = Fraction(0)


@dataclass(frozen=True)
class Negotiation:
    """Shares in fen that meet the rules, who would say yes, and what is missing if nothing does."""

    feasible: bool
    shares: dict[str, int]  # fen per household (all households); empty when infeasible
    yes: frozenset[str]
    yes_count: int
    yes_area: Fraction
    target: ConsentTarget
    best_yes_count: int | None  # most yes votes possible for the full net, ignoring the target
    best_yes_area: Fraction | None
    missing_yes: int  # yes votes short of the target at best
    missing_yes_area: Fraction
    extra_subsidy: int | None  # fen more subsidy that would make the target reachable; None if none would
    message_zh: str = ""
    message_en: str = ""
    solve_statuses: tuple[int, ...] = field(default=())


@dataclass
class _Problem:
    payers: list[Household]
    voters: list[Household]
    floors: list[int]  # paying floors, ascending
    low: dict[str, int]
    high: dict[str, int]
    willing: dict[str, int | None]
    area: dict[str, Fraction]
    net: int


def negotiate(
    households: Sequence[Household],
    net: int,
    willingness: Mapping[str, int | None],
    *,
    target: ConsentTarget = ConsentTarget(),
    exempt_floors: Collection[int] = (),
    bounds: Mapping[int, tuple[int, int | None]] | None = None,
    reference: Mapping[str, int] | None = None,
    time_limit: float = 10.0,
) -> Negotiation:
    """Best shares (fen) for `net` fen given each household's maximum willingness to pay (fen, None = no).

    Every household votes; exempt, non-participating and exempt-floor households pay 0 and say yes when
    their willingness is not None. Within one floor shares differ by at most one fen (so any net can be
    covered exactly). Among the shares with the most yes votes, the ones closest (sum of |difference|)
    to `reference` are returned, by default an equal split among the payers.
    """
    problem = _problem(households, net, willingness, exempt_floors, bounds or {}, target)
    statuses: list[int] = []
    chosen = _max_yes(problem, target, subsidy=False, statuses=statuses)
    if chosen is not None:
        shares = _closest(problem, chosen, reference, statuses)
        if shares is not None:
            return _result(problem, target, shares, statuses)
    best = _max_yes(problem, ConsentTarget(), subsidy=False, statuses=statuses)
    best_count = best_area = None
    if best is not None:
        best_count = len(best) + _free_yes(problem)[0]
        best_area = sum((problem.area[h] for h in best), Fraction(0)) + _free_yes(problem)[1]
    extra = _min_subsidy(problem, target, statuses)
    missing = max(0, target.min_yes - best_count) if best_count is not None else target.min_yes
    missing_area = max(Fraction(0), target.min_yes_area - best_area) if best_area is not None else target.min_yes_area
    zh = ["在现有规则下，没有能覆盖净额并达到同意目标的分摊方案。"]
    en = ["No shares within the rules cover the net and reach the consent target."]
    if extra is not None:
        zh.append(f"再增加补贴 {format_yuan(extra)} 即可达到目标。")
        en.append(f"{format_yuan(extra)} more subsidy would reach the target.")
    else:
        zh.append("仅靠增加补贴无法达到目标（同意的住户不够）。")
        en.append("No amount of extra subsidy reaches the target (not enough owners would accept at any share).")
    if best_count is not None:
        zh.append(f"按现有意愿最多 {best_count} 户同意，还差 {missing} 户、面积 {format_ratio(missing_area)} m²。")
        en.append(f"At most {best_count} owners would say yes; {missing} more yes votes and "
                  f"{format_ratio(missing_area)} m² more are needed.")
    else:
        zh.append("各层上限之和不足以覆盖净额。")
        en.append("The per-floor upper bounds cannot cover the net.")
    return Negotiation(
        feasible=False, shares={}, yes=frozenset(), yes_count=0, yes_area=Fraction(0), target=target,
        best_yes_count=best_count, best_yes_area=best_area, missing_yes=missing, missing_yes_area=missing_area,
        extra_subsidy=extra, message_zh=" ".join(zh), message_en=" ".join(en), solve_statuses=tuple(statuses),
    )


def _problem(households: Sequence[Household], net: int, willingness: Mapping[str, int | None],
             exempt_floors: Collection[int], bounds: Mapping[int, tuple[int, int | None]],
             target: ConsentTarget) -> _Problem:
    if net < 0:
        raise DomainError("净额不能为负数", "the net must not be negative", field="net")
    ids = [h.id for h in households]
    if len(set(ids)) != len(ids):
        raise DomainError("住户编号重复", "duplicate household ids", field="households")
    for key, value in willingness.items():
        if key not in ids:
            raise DomainError(f"意愿中的住户不存在：{key}", f"willingness for an unknown household: {key}",
                              field=f"willingness.{key}")
        if value is not None and value < 0:
            raise DomainError(f"意愿金额不能为负数：{key}", f"willingness must not be negative: {key}",
                              field=f"willingness.{key}")
    if target.min_yes_area and any(h.area is None for h in households):
        raise DomainError("按面积计算同意需要每户面积", "an area target needs every household's area",
                          field="households")
    payers = [h for h in households if h.pays and h.floor not in exempt_floors]
    low: dict[str, int] = {}
    high: dict[str, int] = {}
    for h in payers:
        lo, hi = bounds.get(h.floor, (0, None))
        hi = net if hi is None else min(hi, net)
        if lo < 0 or lo > hi:
            raise DomainError(f"{h.floor} 层的上下限无效", f"invalid bounds for floor {h.floor}",
                              field=f"bounds.{h.floor}")
        low[h.id], high[h.id] = lo, hi
    if net > 0 and not payers:
        raise DomainError("没有需要分摊的住户", "nobody is left to pay", field="households")
    return _Problem(
        payers=sorted(payers, key=lambda h: (h.floor, h.id)), voters=list(households),
        floors=sorted({h.floor for h in payers}), low=low, high=high,
        willing={h.id: willingness.get(h.id) for h in households},
        area={h.id: h.area or Fraction(0) for h in households}, net=net,
    )


def _free_yes(problem: _Problem) -> tuple[int, Fraction]:
    """Yes votes that cost nothing: households that pay 0 and accept."""
    paying = {h.id for h in problem.payers}
    free = [h.id for h in problem.voters if h.id not in paying and problem.willing[h.id] is not None]
    return len(free), sum((problem.area[h] for h in free), Fraction(0))


def _candidates(problem: _Problem) -> list[Household]:
    """Payers who could say yes at some admissible share."""
    return [h for h in problem.payers if (willing := problem.willing[h.id]) is not None and willing >= problem.low[h.id]]


class _Model:
    """Variables: x (share per payer, fen), y (yes per candidate), m/M (floor min/max), d (extra subsidy)."""

    def __init__(self, problem: _Problem, candidates: list[Household], subsidy: bool) -> None:
        self.p = problem
        self.c = candidates
        n, k, f = len(problem.payers), len(candidates), len(problem.floors)
        self.ix = {h.id: i for i, h in enumerate(problem.payers)}
        self.iy = {h.id: n + i for i, h in enumerate(candidates)}
        self.im = {floor: n + k + i for i, floor in enumerate(problem.floors)}
        self.iM = {floor: n + k + f + i for i, floor in enumerate(problem.floors)}
        self.id = n + k + 2 * f
        self.size = self.id + 1
        self.rows: list[np.ndarray] = []
        self.lo: list[float] = []
        self.hi: list[float] = []
        lower = np.zeros(self.size)
        upper = np.zeros(self.size)
        for h in problem.payers:
            lower[self.ix[h.id]], upper[self.ix[h.id]] = problem.low[h.id], problem.high[h.id]
        for h in candidates:
            upper[self.iy[h.id]] = 1
        for floor in problem.floors:
            upper[self.im[floor]] = upper[self.iM[floor]] = problem.net
        upper[self.id] = problem.net if subsidy else 0
        self.bounds = Bounds(lower, upper)
        self.integrality = np.ones(self.size)
        for floor in problem.floors:
            self.integrality[self.im[floor]] = self.integrality[self.iM[floor]] = 0
        self._structure()

    def add(self, coefficients: Mapping[int, float], lo: float, hi: float) -> None:
        row = np.zeros(self.size)
        for index, value in coefficients.items():
            row[index] += value
        self.rows.append(row)
        self.lo.append(lo)
        self.hi.append(hi)

    def _structure(self) -> None:
        p = self.p
        cover = {self.ix[h.id]: 1.0 for h in p.payers}
        cover[self.id] = 1.0
        self.add(cover, p.net, p.net)
        for h in p.payers:
            self.add({self.ix[h.id]: 1, self.iM[h.floor]: -1}, -np.inf, 0)
            self.add({self.ix[h.id]: -1, self.im[h.floor]: 1}, -np.inf, 0)
        for floor in p.floors:
            self.add({self.iM[floor]: 1, self.im[floor]: -1}, -np.inf, 1)
        for lower, upper in zip(p.floors, p.floors[1:], strict=False):
            self.add({self.iM[lower]: 1, self.im[upper]: -1}, -np.inf, 0)
        for h in self.c:
            willing = p.willing[h.id]
            assert willing is not None
            slack = p.high[h.id] - willing
            if slack > 0:
                # yes (y = 1) forces the share down to the willingness; no leaves it free up to the bound
                self.add({self.ix[h.id]: 1, self.iy[h.id]: slack}, -np.inf, p.high[h.id])

    def require(self, target: ConsentTarget) -> None:
        free_count, free_area = _free_yes(self.p)
        if target.min_yes > free_count:
            self.add({self.iy[h.id]: 1 for h in self.c}, target.min_yes - free_count, np.inf)
        if target.min_yes_area > free_area:
            self.add({self.iy[h.id]: float(self.p.area[h.id]) for h in self.c},
                     float(target.min_yes_area - free_area) - 1e-9, np.inf)

    def solve(self, objective: np.ndarray, statuses: list[int]) -> np.ndarray | None:
        constraints = LinearConstraint(np.array(self.rows), np.array(self.lo), np.array(self.hi))
        result = milp(objective, integrality=self.integrality, bounds=self.bounds, constraints=constraints,
                      options={"mip_rel_gap": 1e-9, "time_limit": 10.0})
        statuses.append(result.status)
        if result.status != 0 or result.x is None:
            return None
        return result.x


def _max_yes(problem: _Problem, target: ConsentTarget, *, subsidy: bool, statuses: list[int]) -> list[str] | None:
    """Ids of paying households saying yes in a solution with the most yes votes (then area), or None."""
    candidates = _candidates(problem)
    model = _Model(problem, candidates, subsidy)
    model.require(target)
    total_area = float(sum(problem.area.values(), Fraction(0))) + 1.0
    objective = np.zeros(model.size)
    for h in candidates:
        # area only breaks ties between equal headcounts: all of it together is worth less than one vote
        objective[model.iy[h.id]] = -(1.0 + float(problem.area[h.id]) / total_area)
    x = model.solve(objective, statuses)
    if x is None:
        return None
    return [h.id for h in candidates if x[model.iy[h.id]] > 0.5]


def _min_subsidy(problem: _Problem, target: ConsentTarget, statuses: list[int]) -> int | None:
    model = _Model(problem, _candidates(problem), subsidy=True)
    model.require(target)
    objective = np.zeros(model.size)
    objective[model.id] = 1.0
    x = model.solve(objective, statuses)
    return None if x is None else int(round(x[model.id]))


def _closest(problem: _Problem, yes: list[str], reference: Mapping[str, int] | None,
             statuses: list[int]) -> dict[str, int] | None:
    """Shares with the chosen households within their willingness, as close to `reference` as possible."""
    payers = problem.payers
    if reference is None:
        each = Fraction(problem.net, len(payers)) if payers else Fraction(0)
        reference = {h.id: int(each) for h in payers}
    high = dict(problem.high)
    for key in yes:
        high[key] = min(high[key], cast(int, problem.willing[key]))  # chosen households all said how much they would pay
    fixed = _Problem(payers, problem.voters, problem.floors, problem.low, high, problem.willing, problem.area,
                     problem.net)
    model = _Model(fixed, [], subsidy=False)
    base = model.size
    # deviation variables u ≥ |x − reference|, appended after the model's own
    model.size += len(payers)
    model.rows = [np.r_[row, np.zeros(len(payers))] for row in model.rows]
    model.integrality = np.r_[model.integrality, np.zeros(len(payers))]
    model.bounds = Bounds(np.r_[model.bounds.lb, np.zeros(len(payers))],
                          np.r_[model.bounds.ub, np.full(len(payers), np.inf)])
    for i, h in enumerate(payers):
        target_share = float(reference.get(h.id, 0))
        model.add({model.ix[h.id]: 1, base + i: -1}, -np.inf, target_share)
        model.add({model.ix[h.id]: -1, base + i: -1}, -np.inf, -target_share)
    objective = np.r_[np.zeros(base), np.ones(len(payers))]
    x = model.solve(objective, statuses)
    if x is None:
        return None
    shares = {h.id: int(round(x[model.ix[h.id]])) for h in payers}
    _check(fixed, shares)
    return shares


def _check(problem: _Problem, shares: Mapping[str, int]) -> None:
    """The solver works in floating point; make sure the integer shares keep every rule exactly."""
    if sum(shares.values()) != problem.net:
        raise ArithmeticError("negotiation shares do not add up to the net")
    by_floor: dict[int, list[int]] = {}
    for h in problem.payers:
        if not problem.low[h.id] <= shares[h.id] <= problem.high[h.id]:
            raise ArithmeticError(f"share of {h.id} outside its bounds")
        by_floor.setdefault(h.floor, []).append(shares[h.id])
    previous_max = 0
    for floor in problem.floors:
        values = by_floor[floor]
        if max(values) - min(values) > 1 or min(values) < previous_max:
            raise ArithmeticError(f"shares on floor {floor} break the floor order")
        previous_max = max(values)


def _result(problem: _Problem, target: ConsentTarget, payer_shares: Mapping[str, int],
            statuses: list[int]) -> Negotiation:
    shares = {h.id: payer_shares.get(h.id, 0) for h in problem.voters}
    yes = frozenset(
        h.id for h in problem.voters
        if problem.willing[h.id] is not None and shares[h.id] <= problem.willing[h.id]  # type: ignore[operator]
    )
    yes_area = sum((problem.area[h] for h in yes), Fraction(0))
    best = len(yes)
    return Negotiation(
        feasible=True, shares=shares, yes=yes, yes_count=len(yes), yes_area=yes_area, target=target,
        best_yes_count=best, best_yes_area=yes_area, missing_yes=0, missing_yes_area=Fraction(0), extra_subsidy=0,
        message_zh=f"找到方案：{len(yes)} 户同意，面积 {format_ratio(yes_area)} m²。",
        message_en=f"Shares found: {len(yes)} owners would say yes, {format_ratio(yes_area)} m².",
        solve_statuses=tuple(statuses),
    )
