"""The airport game of an elevator: Shapley value and nucleolus, exact in Fractions of a fen.

Players are the paying households. `level_costs[g]` is the cost, in fen, of serving every floor up
to g (non-decreasing in g), given for each floor where a player lives; a coalition costs the level
of its highest member.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Segment:
    """The stretch of shaft from `low` (exclusive; 0 = ground) to `high`, costing `cost` fen."""

    low: int
    high: int
    cost: Fraction
    users: tuple[str, ...]  # players living at or above `high`
    user_weight: Fraction  # number of users, or their total area


@dataclass(frozen=True)
class ShapleyPart:
    segment: Segment
    weight: Fraction  # 1 or the player's area
    amount: Fraction


def segments(players: Mapping[str, int], level_costs: Mapping[int, Fraction],
             areas: Mapping[str, Fraction] | None = None) -> list[Segment]:
    """Split the levels into segments, each with the players who need it."""
    result: list[Segment] = []
    previous_floor, previous_cost = 0, Fraction(0)
    for floor in sorted(set(players.values())):
        users = tuple(sorted(p for p, f in players.items() if f >= floor))
        weight = sum((areas[p] for p in users), Fraction(0)) if areas is not None else Fraction(len(users))
        cost = Fraction(level_costs[floor]) - previous_cost
        result.append(Segment(previous_floor, floor, cost, users, weight))
        previous_floor, previous_cost = floor, Fraction(level_costs[floor])
    return result


def shapley(players: Mapping[str, int], level_costs: Mapping[int, Fraction],
            areas: Mapping[str, Fraction] | None = None) -> dict[str, list[ShapleyPart]]:
    """Each segment's cost split equally (or by area) among the players who need it.

    With equal splits this is the Shapley value of the airport game (Littlechild & Owen 1973);
    by area it is the weighted Shapley value with areas as weights.
    """
    parts: dict[str, list[ShapleyPart]] = {p: [] for p in players}
    for segment in segments(players, level_costs, areas):
        for p in segment.users:
            weight = areas[p] if areas is not None else Fraction(1)
            amount = segment.cost * weight / segment.user_weight if segment.user_weight else Fraction(0)
            parts[p].append(ShapleyPart(segment, weight, amount))
    return parts


@dataclass(frozen=True)
class NucleolusRound:
    """One step of Littlechild's algorithm: floors up to `binding_floor` each get `each` fen."""

    floors: tuple[int, ...]
    binding_floor: int
    binding_cost: Fraction
    fixed_before: Fraction
    divisor: int  # players newly fixed, plus one for the coalition that stays outside
    each: Fraction


def nucleolus(players: Mapping[str, int], level_costs: Mapping[int, Fraction]) -> tuple[
        dict[str, Fraction], list[NucleolusRound]]:
    """Nucleolus of the airport cost game, by Littlechild's (1974) closed form.

    Players on the same floor are symmetric and get the same amount. At each round the players not
    yet fixed get the largest t such that every coalition "everyone up to floor g" still saves t:
    t = min over g of (c(g) − already fixed) / (players up to g not yet fixed + 1), and the top
    floor (if shared by several players) may take an equal split of what is left.
    """
    floors = sorted(set(players.values()))
    counts = {f: sum(1 for p in players.values() if p == f) for f in floors}
    top = floors[-1]
    value: dict[int, Fraction] = {}
    rounds: list[NucleolusRound] = []
    fixed = Fraction(0)
    remaining = list(floors)
    while remaining:
        best: tuple[Fraction, int, int] | None = None  # (t, index of the binding floor, divisor)
        newly = 0
        for index, floor in enumerate(remaining):
            newly += counts[floor]
            if floor == top:
                if counts[top] == 1 and index > 0:
                    continue  # a lone top player is never constrained by "all but me"
                divisor = newly
            else:
                divisor = newly + 1
            t = (Fraction(level_costs[floor]) - fixed) / divisor
            if best is None or t <= best[0]:
                best = (t, index, divisor)
        assert best is not None
        t, index, divisor = best
        taken = remaining[: index + 1]
        for floor in taken:
            value[floor] = t
        rounds.append(NucleolusRound(tuple(taken), taken[-1], Fraction(level_costs[taken[-1]]), fixed, divisor, t))
        fixed += t * sum(counts[f] for f in taken)
        remaining = remaining[index + 1:]
    return {p: value[f] for p, f in players.items()}, rounds
