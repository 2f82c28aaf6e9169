"""One electorate, many questions: the households grouped into voters once (SPC interpretation
art. 9: one owner of several parts counts once, with the area of all of them), then each question's
votes evaluated on that grouping.

``evaluate_votes(grouping(households, headcount), votes, rule)`` is exactly
``evaluate([replace(h, vote=v) for h, v in zip(households, votes)], rule)``: the same `Result`, and the
same `DomainError` (same message, same field) where `evaluate` refuses. A consultation of nine
yes/no questions then checks ids and areas and finds each owner's parts once instead of nine times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from anju.domain.consent.electorate import Electorate, Voter, _group, _vote, owner_split
from anju.domain.consent.result import Result, evaluate_electorate
from anju.domain.consent.rules import Headcount, Household, Rule, Vote


@dataclass(frozen=True, slots=True)
class Grouping:
    """The households of an electorate grouped into voters, without votes."""

    headcount: Headcount
    ids: tuple[str, ...]  # household ids, in input order
    keys: tuple[str, ...]  # one per voter, in the order `build_electorate` makes them
    rows: tuple[tuple[int, ...], ...]  # each voter's households, as input rows
    households: tuple[tuple[str, ...], ...]  # each voter's household ids
    areas: tuple[int, ...]  # each voter's area in 1/scale m²
    scale: int
    voter_of: dict[str, int]


def grouping(households: Sequence[Household], headcount: Headcount) -> Grouping:
    """Group `households` (their votes are ignored) as `evaluate` does for a rule counting `headcount`.

    Raises `DomainError` as `evaluate` does for a missing or duplicate id or an area not above 0."""
    groups, scale = _group([Household(h.id, h.exclusive_area, h.owner) for h in households], headcount)
    keys: list[str] = []
    rows: list[tuple[int, ...]] = []
    ids: list[tuple[str, ...]] = []
    areas: list[int] = []
    voter_of: dict[str, int] = {}
    for key, parts in groups.items():
        for _, h, _, _, _ in parts:
            voter_of[h.id] = len(keys)
        keys.append(key)
        rows.append(tuple(i for i, *_ in parts))
        ids.append(tuple(h.id for _, h, _, _, _ in parts))
        areas.append(sum(num * (scale // den) for _, _, num, den, _ in parts))
    return Grouping(headcount, tuple(h.id for h in households), tuple(keys), tuple(rows), tuple(ids),
                    tuple(areas), scale, voter_of)


def evaluate_votes(g: Grouping, votes: Sequence[Vote | str | None], rule: Rule, *, closed: bool = False) -> Result:
    """`evaluate` of `rule` on the grouped households with `votes` (one per household, input order).

    Raises `DomainError` as `evaluate` does for an unknown vote, an owner whose parts voted
    differently, or an extra condition naming an unknown household."""
    if rule.headcount != g.headcount:
        raise ValueError(f"the grouping counts {g.headcount}, the rule {rule.headcount}")
    if len(votes) != len(g.ids):
        raise ValueError(f"{len(votes)} votes for {len(g.ids)} households")
    clean = [v if v is None or type(v) is Vote else _vote(v, i, g.ids[i]) for i, v in enumerate(votes)]
    voters = []
    for key, rows, hids, area in zip(g.keys, g.rows, g.households, g.areas, strict=True):
        if len(rows) == 1:
            voters.append(Voter(key, hids, area, clean[rows[0]]))
            continue
        cast = {clean[i] for i in rows if clean[i] is not None}
        if len(cast) > 1:
            raise owner_split(key, [(i, hid, clean[i]) for i, hid in zip(rows, hids, strict=True)])
        voters.append(Voter(key, hids, area, next(iter(cast), None)))
    return evaluate_electorate(Electorate(tuple(voters), g.scale, g.voter_of, len(g.ids)), rule, closed=closed)
