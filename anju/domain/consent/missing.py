"""What a decision that has not passed still needs: the fewest more yes votes, computed, not guessed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from anju.domain.consent.electorate import Counts, Electorate, Voter, threshold_checks, thresholds_met
from anju.domain.consent.formatting import format_area_up
from anju.domain.consent.rules import AllApprove, Rule, Vote


@dataclass(frozen=True, slots=True)
class Plan:
    """The fewest more yes votes (owners) that would pass the decision, from one source.

    `source="not_voted"`: only owners who have not voted yet say yes. Then *any* `votes` of them
    holding together at least `area_at_least` m² (and including `must_include`) pass, and no fewer
    can. `source="any"`: owners who voted no or abstain may also change to yes (a revote before the
    close); `from_not_voted + from_changed == votes`. `example` is one such set of households, the
    largest areas first. `possible=False` says no set can pass, with the reason in `zh`/`en`."""

    source: Literal["not_voted", "any"]
    possible: bool
    votes: int
    from_not_voted: int
    from_changed: int
    area_at_least: Fraction | None
    must_include: tuple[str, ...]
    example: tuple[str, ...]
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Missing:
    """What a decision that has not passed still needs; nothing once the consultation is closed."""

    closed: bool
    plans: tuple[Plan, ...]
    zh: str
    en: str



@dataclass(frozen=True, slots=True)
class _Words:
    zh_unit: str
    zh_who: str
    en_plural: str
    en_who: str  # with its relative pronoun


_WORDS = {"owners": _Words("位", "业主", "owners", "owners who"),
          "households": _Words("户", "住户", "households", "households that")}


def _votes(k: int) -> str:
    return "vote" if k == 1 else "votes"


def _prefix(voters: list[Voter]) -> list[int]:
    sums = [0]
    for v in voters:
        sums.append(sums[-1] + v.area)
    return sums


def missing_for(rule: Rule, e: Electorate, base: Counts) -> Missing:
    # Forced voters: every extra condition is met exactly when these owners vote yes.
    forced: dict[int, Voter] = {}
    for cond in rule.extra:
        for hid in sorted(cond.households):
            voter = e.voters[e.voter_of[hid]]
            if voter.vote is not Vote.YES and (isinstance(cond, AllApprove) or voter.vote is Vote.NO):
                forced[e.voter_of[hid]] = voter
    forced_new = [v for v in forced.values() if v.vote is None]
    forced_changed = [v for v in forced.values() if v.vote is not None]
    by_area = sorted(range(len(e.voters)), key=lambda i: (-e.voters[i].area, e.voters[i].households))
    new = [e.voters[i] for i in by_area if e.voters[i].vote is None and i not in forced]
    changed = [e.voters[i] for i in by_area if e.voters[i].vote in (Vote.NO, Vote.ABSTAIN) and i not in forced]
    new_sum, changed_sum = _prefix(new), _prefix(changed)
    new0 = sum(v.area for v in forced_new)
    changed0 = sum(v.area for v in forced_changed)

    def passes(n: int, f: int) -> bool:
        """Whether the forced voters plus the n largest new and f largest changed voters pass."""
        gained_new = new0 + new_sum[n]
        heads_new = len(forced_new) + n
        return thresholds_met(rule, Counts(
            base.part_area + gained_new, base.part_count + heads_new,
            base.yes_area + gained_new + changed0 + changed_sum[f],
            base.yes_count + heads_new + len(forced_changed) + f,
            base.total_area, base.total_count,
        ))

    must = tuple(sorted(h for v in forced.values() for h in v.households))
    plans = [_plan_not_voted(rule, e, base, new, forced_new, forced_changed, passes, must)]
    w = _WORDS[rule.headcount]
    best: tuple[int, int] | None = None
    f = len(changed)
    # Feasibility only grows with n and with f, so the least f for each n never increases.
    for n in range(len(new) + 1):
        if best is not None and n >= sum(best):
            break
        while f > 0 and passes(n, f - 1):
            f -= 1
        if passes(n, f) and (best is None or n + f < sum(best)):
            best = (n, f)
    if best is None:
        plans.append(Plan("any", False, 0, 0, 0, None, must, (), f"即使所有{w.zh_who}都同意也无法通过（规则要求无法满足）",
                          f"Even if all {w.en_plural} said yes the decision could not pass (the rule cannot be met)"))
    else:
        n, f = best
        chosen = forced_new + new[:n] + forced_changed + changed[:f]
        k_new, k_changed = len(forced_new) + n, len(forced_changed) + f
        plans.append(Plan(
            "any", True, k_new + k_changed, k_new, k_changed, None, must,
            tuple(h for v in chosen for h in v.households),
            f"还需 {k_new + k_changed} {w.zh_unit}{w.zh_who}同意：" + "，".join(
                ([f"{k_new} {w.zh_unit}尚未表决的{w.zh_who}投同意票"] if k_new else [])
                + ([f"{k_changed} {w.zh_unit}已投反对或弃权的{w.zh_who}改投同意"] if k_changed else [])),
            f"{k_new + k_changed} more yes {_votes(k_new + k_changed)}: " + " and ".join(
                ([f"{k_new} from {w.en_who} have not voted"] if k_new else [])
                + ([f"{k_changed} from {w.en_who} change a no or abstain to yes"] if k_changed else [])),
        ))
    return Missing(False, tuple(plans), plans[0].zh if plans[0].possible else plans[1].zh,
                   plans[0].en if plans[0].possible else plans[1].en)


def _plan_not_voted(rule: Rule, e: Electorate, base: Counts, new: list[Voter], forced_new: list[Voter],
                    forced_changed: list[Voter], passes: Callable[[int, int], bool],
                    must: tuple[str, ...]) -> Plan:
    w = _WORDS[rule.headcount]
    if forced_changed:
        ids = "、".join(h for v in forced_changed for h in v.households)
        return Plan("not_voted", False, 0, 0, 0, None, must, (),
                    f"仅靠尚未表决的{w.zh_who}无法通过：{ids} 户已投反对或弃权，须改投同意",
                    f"{w.en_who.capitalize()} have not voted cannot pass it alone: households "
                    f"{ids.replace('、', ', ')} voted no or abstained and must change to yes")
    if not passes(len(new), 0):
        return Plan("not_voted", False, 0, 0, 0, None, must, (),
                    f"即使所有尚未表决的{w.zh_who}都同意也无法通过（已有的反对和弃权票过多）",
                    f"Even if all {w.en_who} have not voted said yes the decision would fail "
                    "(too many no and abstain votes already)")
    lo, hi = 0, len(new)
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if passes(mid, 0) else (mid + 1, hi)
    area = _least_new_area(rule, base, sum(v.area for v in new) + sum(v.area for v in forced_new))
    k = len(forced_new) + lo
    chosen = forced_new + new[:lo]
    area_m2 = Fraction(area, e.scale)
    zh_area = f"，合计专有部分面积至少 {format_area_up(area_m2)} m²" if area else ""
    en_area = f" holding at least {format_area_up(area_m2)} m² together" if area else ""
    zh_must = f"（须包括 {'、'.join(must)} 户）" if must else ""
    en_must = f" (including households {', '.join(must)})" if must else ""
    return Plan("not_voted", True, k, k, 0, area_m2, must, tuple(h for v in chosen for h in v.households),
                f"还需 {k} {w.zh_unit}尚未表决的{w.zh_who}投同意票{zh_area}{zh_must}",
                f"{k} more yes {_votes(k)} from {w.en_who} have not voted{en_area}{en_must}")


def _least_new_area(rule: Rule, base: Counts, most: int) -> int:
    """The least area (1/scale m²) that new yes voters must add for every area condition to hold."""
    def area_ok(x: int) -> bool:
        c = replace(base, part_area=base.part_area + x, yes_area=base.yes_area + x)
        return all(t.met(num, den) for name, num, den, _, t in threshold_checks(rule, c) if name.endswith("area"))

    lo, hi = 0, most
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if area_ok(mid) else (mid + 1, hi)
    return lo
