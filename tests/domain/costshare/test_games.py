"""The closed forms against the definitions: Shapley over all orderings, nucleolus by sequential LPs."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from anju.domain.costshare.engine import allocate_quote
from anju.domain.costshare.games import nucleolus, shapley
from anju.domain.costshare.model import Household, LineItem, Nucleolus, Quote, Shapley


def brute_force_shapley(players: dict[str, int], level: dict[int, Fraction]) -> dict[str, Fraction]:
    """Average marginal cost over every order in which the players could join."""
    def cost(coalition: tuple[str, ...]) -> Fraction:
        return level[max(players[p] for p in coalition)] if coalition else Fraction(0)

    totals = dict.fromkeys(players, Fraction(0))
    orders = list(itertools.permutations(players))
    for order in orders:
        for index, player in enumerate(order):
            totals[player] += cost(order[: index + 1]) - cost(order[:index])
    return {p: total / math.factorial(len(players)) for p, total in totals.items()}


def lp_nucleolus(costs: list[float]) -> np.ndarray:
    """Nucleolus of the cost game v(S) = max cost in S by the textbook sequence of LPs (small n only)."""
    n = len(costs)
    coalitions = [s for size in range(1, n) for s in itertools.combinations(range(n), size)]
    value = {s: max(costs[i] for i in s) for s in coalitions}
    fixed: dict[tuple[int, ...], float] = {}
    solution = np.zeros(n)
    while len(fixed) < len(coalitions):
        free = [s for s in coalitions if s not in fixed]
        a_eq = [np.r_[np.ones(n), 0.0]] + [np.r_[np.isin(range(n), s).astype(float), 0.0] for s in fixed]
        b_eq = [max(costs)] + [value[s] - saving for s, saving in fixed.items()]
        a_ub = [np.r_[np.isin(range(n), s).astype(float), 1.0] for s in free]
        b_ub = [value[s] for s in free]
        best = linprog(np.r_[np.zeros(n), -1.0], A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                       bounds=[(None, None)] * (n + 1), method="highs")
        t, solution = best.x[-1], best.x[:n]
        for s in free:
            # a coalition is settled once no solution at this level lets it save more than t
            a_ub2 = [np.r_[np.isin(range(n), s2).astype(float), 0.0] for s2 in free]
            b_ub2 = [value[s2] - t for s2 in free]
            most = linprog(np.r_[np.isin(range(n), s).astype(float), 0.0], A_ub=a_ub2, b_ub=b_ub2, A_eq=a_eq,
                           b_eq=b_eq, bounds=[(None, None)] * n + [(0, 0)], method="highs")
            if value[s] - most.fun <= t + 1e-7:
                fixed[s] = t
    return solution


@st.composite
def airport_games(draw, max_players: int = 6):
    n = draw(st.integers(1, max_players))
    floors = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
    steps = draw(st.lists(st.integers(0, 40), min_size=5, max_size=5))
    level = {floor: Fraction(sum(steps[:floor])) for floor in range(1, 6)}
    return {f"p{i}": floor for i, floor in enumerate(floors)}, level


@given(airport_games())
def test_segment_formula_equals_shapley_over_all_orderings(game):
    players, level = game
    parts = shapley(players, level)
    assert {p: sum(part.amount for part in ps) for p, ps in parts.items()} == brute_force_shapley(players, level)


@settings(max_examples=40, deadline=None)
@given(airport_games(max_players=5))
def test_closed_form_nucleolus_equals_the_lp_nucleolus(game):
    players, level = game
    if len(players) < 2:
        return
    exact, _ = nucleolus(players, level)
    names = sorted(players)
    lp = lp_nucleolus([float(level[players[p]]) for p in names])
    assert np.allclose([float(exact[p]) for p in names], lp, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(airport_games(max_players=6))
def test_engine_shapley_equals_brute_force_through_the_whole_quote(game):
    players, level = game
    top = max(players.values())
    gross = int(level[top]) * 100 or 100
    # the engine charges the whole cost to reach the top floor, so the brute force uses the same top level
    level = {floor: cost * 100 for floor, cost in level.items()}
    level[top] = Fraction(gross)
    reach = {floor: int(cost) for floor, cost in level.items() if floor <= top}
    households = tuple(Household(p, floor) for p, floor in players.items())
    quote = Quote(storeys=5, households=households, costs=(LineItem("c", gross),), method=Shapley(reach))
    expected = brute_force_shapley(players, level)
    for share in allocate_quote(quote).shares:
        assert share.exact == expected[share.household_id]
        assert abs(share.amount - expected[share.household_id]) < 1


def test_nucleolus_is_in_the_core_of_the_issue_example_with_a_lone_top():
    households = tuple(Household(f"{f}01", f) for f in range(2, 7))
    reach = {f: 30000000 + 5000000 * (f - 2) for f in range(2, 7)}
    quote = Quote(storeys=6, households=households, costs=(LineItem("c", 50000000),), method=Nucleolus(reach))
    amounts = allocate_quote(quote).amounts()
    for size in range(1, 5):
        for group in itertools.combinations(households, size):
            assert sum(amounts[h.id] for h in group) <= reach[max(h.floor for h in group)] + 1
