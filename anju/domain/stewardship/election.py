"""Electing a committee: "elect up to N of these candidates", counted as every owners' decision is.

Civil Code art. 278 item (3) puts electing the committee among the decisions reserved to owners and
counts it as an ordinary matter: owners holding 2/3 of the exclusive area and 2/3 of the owners take
part, and a candidate is elected only if more than half of the participating area *and* more than
half of the participating owners vote for them. Each candidate is therefore one art. 278 decision,
evaluated by `anju.domain.consent` (so an owner of several parts is one voter, and an owner whose
parts chose differently is a conflict staff settle before the count, not a guess).

A ballot chooses at most `seats` candidates; choosing nobody is taking part without agreeing to
anyone. Seats go to the candidates who passed, most votes (owners) first, then most area (our rule:
both are art. 278's measures, headcount first as ballots are counted by hand). Candidates level on
both at the last seats that cannot all be seated are flagged as a tie and none of them is seated: the
rules of procedure decide (a run-off), not the order the names were typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from anju.domain.consent import ORDINARY_278, Household, Result, Rule, Tally, Vote, evaluate, tally
from anju.domain.errors import DomainError

Status = Literal["elected", "tie", "no_seat", "below_threshold", "turnout_not_met"]


@dataclass(frozen=True, slots=True)
class Part:
    """One exclusive part with its owner and its ballot: the candidates chosen, or None if no ballot."""

    id: str
    exclusive_area: Decimal | Fraction | int
    owner: str | None = None
    chosen: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class CandidateResult:
    candidate: str
    votes: int  # owners who chose the candidate
    area: Fraction  # their exclusive area, m²
    decision: Result  # the art. 278 decision "elect this candidate"
    status: Status
    rank: int  # 1 = most votes; level candidates share a rank

    @property
    def passed(self) -> bool:
        return self.decision.passed


@dataclass(frozen=True, slots=True)
class ElectionResult:
    seats: int
    turnout_met: bool
    tally: Tally  # yes = took part (a ballot, even an empty one), not_voted = did not
    candidates: tuple[CandidateResult, ...]  # by rank, then by name

    @property
    def elected(self) -> tuple[str, ...]:
        return tuple(c.candidate for c in self.candidates if c.status == "elected")

    @property
    def tied(self) -> tuple[str, ...]:
        return tuple(c.candidate for c in self.candidates if c.status == "tie")

    @property
    def vacant(self) -> int:
        return self.seats - len(self.elected)


def _check(candidates: Sequence[str], seats: int, parts: Sequence[Part]) -> None:
    if len(set(candidates)) != len(candidates):
        raise DomainError("候选人名单有重复。", "A candidate is listed twice.", field="candidates")
    if not candidates:
        raise DomainError("还没有候选人。", "There are no candidates.", field="candidates")
    if seats < 1:
        raise DomainError("应选名额至少为 1。", "At least one seat is to be filled.", field="seats")
    if seats > len(candidates):
        raise DomainError(f"应选名额（{seats} 名）多于候选人数（{len(candidates)} 人），请增加候选人或减少名额。",
                          f"More seats ({seats}) than candidates ({len(candidates)}): add candidates or fewer seats.",
                          field="seats")
    known = set(candidates)
    for part in parts:
        if part.chosen is None:
            continue
        if len(part.chosen) > seats:
            raise DomainError(f"{part.id} 的选票选了 {len(part.chosen)} 人，超过应选名额 {seats} 名，该票应作废或更正。",
                              f"The ballot of {part.id} chooses {len(part.chosen)}, more than the {seats} seats.",
                              field=f"ballots[{part.id}]")
        unknown = sorted(part.chosen - known)
        if unknown:
            raise DomainError(f"{part.id} 的选票选了不在名单上的人：{'、'.join(unknown)}",
                              f"The ballot of {part.id} names someone not on the list: {', '.join(unknown)}",
                              field=f"ballots[{part.id}]")


def _as_households(parts: Sequence[Part], candidate: str | None) -> list[Household]:
    def vote(part: Part) -> Vote | None:
        if part.chosen is None:
            return None
        return Vote.YES if candidate is None or candidate in part.chosen else Vote.ABSTAIN

    return [Household(p.id, p.exclusive_area, p.owner, vote(p)) for p in parts]


def count(candidates: Sequence[str], seats: int, parts: Sequence[Part], *, rule: Rule = ORDINARY_278) -> ElectionResult:
    """Count an election of `seats` among `candidates` from the ballots on `parts`."""
    _check(candidates, seats, parts)
    decisions = {c: evaluate(_as_households(parts, c), rule, closed=True) for c in candidates}
    turnout = all(cond.met for cond in next(iter(decisions.values())).conditions[:2])

    def key(c: str) -> tuple[int, Fraction]:
        yes = decisions[c].tally.yes
        return yes.owners, yes.area

    order = sorted(candidates, key=lambda c: (tuple(-x for x in key(c)), c))
    status: dict[str, Status] = {}
    left = seats
    passing = [c for c in order if decisions[c].passed]
    i = 0
    while i < len(passing):
        level = [c for c in passing[i:] if key(c) == key(passing[i])]
        if left <= 0:
            status.update(dict.fromkeys(level, "no_seat"))
        elif len(level) <= left:
            status.update(dict.fromkeys(level, "elected"))
            left -= len(level)
        else:
            status.update(dict.fromkeys(level, "tie"))
            left = 0
        i += len(level)
    for c in candidates:
        status.setdefault(c, "below_threshold" if turnout else "turnout_not_met")
    ranks = {k: 1 + sum(1 for other in candidates if key(other) > k) for k in map(key, candidates)}
    results = tuple(CandidateResult(c, key(c)[0], key(c)[1], decisions[c], status[c], ranks[key(c)]) for c in order)
    return ElectionResult(seats, turnout, tally(_as_households(parts, None)), results)


