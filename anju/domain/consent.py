"""Whether an owners' decision has passed, exactly, and what is still missing (意见征求与表决).

The law this module implements:

* Civil Code (民法典) art. 278: a joint decision needs owners holding at least 2/3 of the exclusive
  area *and* at least 2/3 of the owners to take part (专有部分面积占比三分之二以上的业主且人数占比
  三分之二以上的业主参与表决). Major matters (art. 278 items 6-8, e.g. 改建、重建建筑物及其附属设施,
  which covers adding an elevator) then need at least 3/4 of the participating area *and* at least 3/4
  of the participating owners to agree; other matters need more than half of both (过半数).
* Civil Code art. 1259: "以上" includes the bound itself, "超过" does not. So "2/3 以上" is ``>= 2/3``
  (``Threshold(strict=False)``) and "过半数" is ``> 1/2`` (``Threshold(strict=True)``).
* SPC interpretation on building distinguishing ownership (最高人民法院关于审理建筑物区分所有权纠纷
  案件适用法律若干问题的解释) art. 8: the exclusive area is the area in the property register (else
  the surveyed area, else the contract area) and the total is their sum; art. 9: the number of owners
  counts one per exclusive part, except that one buyer owning several parts (and the developer's
  unsold parts) counts once; the total is the sum.

How a person owning several parts votes (our rule, from art. 9 and the wording of art. 278, where
the *owner* takes part and agrees and the owner's area is that of all their parts): the owner is
one voter. The owner's vote is the vote cast for any of their parts; parts without a ballot follow
it, because the owner has already decided. Two different votes from one owner (yes for 101, no for
102) are a conflict that staff must resolve, so they raise `DomainError` rather than being guessed;
`owner_conflicts` lists them for a page. Co-owners of one part are one owner: pass one key for them.
A household without an owner key counts as its own owner.

Every ratio is a `Fraction`; areas are summed as integers in a common unit (1/100 m² for the usual
two decimals), so nothing is ever rounded. Only display strings round, and only upwards where a
figure is a minimum still needed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from anju.domain.errors import DomainError


class Vote(StrEnum):
    """A ballot. Abstaining is taking part without agreeing; no ballot at all (None) is not taking part."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


Basis = Literal["participants", "all"]
Headcount = Literal["owners", "households"]


@dataclass(frozen=True, slots=True)
class Household:
    """One exclusive part (专有部分) with its area in m², its owner's key and its ballot, if any."""

    id: str
    exclusive_area: Decimal | Fraction | int  # 专有部分面积, m²
    owner: str | None = None
    vote: Vote | None = None


@dataclass(frozen=True, slots=True)
class Threshold:
    """A bound on a ratio: ``ratio >= bound`` (以上, art. 1259) or, if `strict`, ``ratio > bound`` (过半数)."""

    bound: Fraction
    strict: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.bound, Fraction) or not 0 <= self.bound <= 1:
            raise DomainError(
                f"比例须在 0 与 1 之间：{self.bound}", f"A bound must be between 0 and 1: {self.bound}",
                field="bound",
            )

    @property
    def required(self) -> str:
        """The bound as shown to people: ``">= 2/3"`` or ``"> 1/2"``."""
        return f"{'>' if self.strict else '>='} {self.bound}"

    def met(self, numerator: int, denominator: int) -> bool:
        """Whether numerator/denominator satisfies the bound; nothing out of nothing never does."""
        if denominator <= 0:
            return False
        left, right = numerator * self.bound.denominator, self.bound.numerator * denominator
        return left > right if self.strict else left >= right


@dataclass(frozen=True, slots=True)
class NoObjection:
    """None of these households votes no (e.g. the directly affected ground-floor households)."""

    households: frozenset[str]
    name: str = "no_objection"


@dataclass(frozen=True, slots=True)
class AllApprove:
    """Every one of these households votes yes (e.g. all owners of floors 1-2 sign)."""

    households: frozenset[str]
    name: str = "all_approve"


ExtraCondition = NoObjection | AllApprove


@dataclass(frozen=True, slots=True)
class Rule:
    """What a decision needs. Participation is always measured against all owners and all area;
    approval against the participants (art. 278) or against everyone (`approval_of="all"`, e.g.
    "more than 90% of households approve"). `headcount="households"` counts parts, not owners."""

    name: str
    participation_area: Threshold | None = None
    participation_count: Threshold | None = None
    approval_area: Threshold | None = None
    approval_count: Threshold | None = None
    approval_of: Basis = "participants"
    headcount: Headcount = "owners"
    extra: tuple[ExtraCondition, ...] = ()

    def __post_init__(self) -> None:
        if self.approval_of not in ("participants", "all"):
            raise DomainError(
                f"approval_of 只能是 participants 或 all：{self.approval_of!r}",
                f"approval_of must be 'participants' or 'all', not {self.approval_of!r}",
                field="approval.of",
            )
        if self.headcount not in ("owners", "households"):
            raise DomainError(
                f"headcount 只能是 owners 或 households：{self.headcount!r}",
                f"headcount must be 'owners' or 'households', not {self.headcount!r}",
                field="headcount",
            )

    def with_extra(self, *conditions: ExtraCondition) -> Rule:
        """The same rule with more conditions, e.g. ``MAJOR_278.with_extra(NoObjection(...))``."""
        return replace(self, extra=self.extra + tuple(conditions))


_TWO_THIRDS = Threshold(Fraction(2, 3))
MAJOR_278 = Rule(
    "civil-code-278-major", _TWO_THIRDS, _TWO_THIRDS, Threshold(Fraction(3, 4)), Threshold(Fraction(3, 4))
)
ORDINARY_278 = Rule(
    "civil-code-278-ordinary", _TWO_THIRDS, _TWO_THIRDS,
    Threshold(Fraction(1, 2), strict=True), Threshold(Fraction(1, 2), strict=True),
)
RULES = {MAJOR_278.name: MAJOR_278, ORDINARY_278.name: ORDINARY_278}


# --- the electorate: households grouped into voters -------------------------------------------


@dataclass(frozen=True, slots=True)
class _Voter:
    key: str
    households: tuple[str, ...]
    area: int  # in 1/scale m²
    vote: Vote | None


@dataclass(frozen=True, slots=True)
class _Electorate:
    voters: tuple[_Voter, ...]
    scale: int  # areas are integers in 1/scale m²
    voter_of: dict[str, int]  # household id -> index into voters
    household_count: int


@dataclass(frozen=True, slots=True)
class OwnerConflict:
    """One owner whose parts carry different votes; staff must settle which one stands."""

    owner: str
    votes: tuple[tuple[str, Vote], ...]  # (household id, vote)


def _area_ratio(value: object, i: int, hid: str) -> tuple[int, int]:
    """The area as a reduced (numerator, denominator) in m²; ints keep 10,000 rows fast."""
    field = f"households[{i}].area"
    if type(value) is bool or not isinstance(value, (Decimal, Fraction, int)):
        raise DomainError(
            f"第 {i + 1} 户（{hid}）的面积须为数字：{value!r}",
            f"Household {hid} (row {i + 1}): the area must be a number, not {value!r}", field=field,
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise DomainError(f"第 {i + 1} 户（{hid}）的面积无效：{value}",
                          f"Household {hid} (row {i + 1}): invalid area {value}", field=field)
    num, den = value.as_integer_ratio()
    if num <= 0:
        raise DomainError(
            f"第 {i + 1} 户（{hid}）的专有部分面积须大于 0 m²：{value}",
            f"Household {hid} (row {i + 1}): the exclusive area must be more than 0 m², not {value}",
            field=field,
        )
    return num, den


def _vote(value: object, i: int, hid: str) -> Vote | None:
    if value is None or isinstance(value, Vote):
        return value
    if isinstance(value, str) and value in Vote._value2member_map_:
        return Vote(value)
    raise DomainError(
        f"第 {i + 1} 户（{hid}）的表决意见无效：{value!r}（应为 yes、no、abstain 或空）",
        f"Household {hid} (row {i + 1}): unknown vote {value!r} (use yes, no, abstain or null)",
        field=f"households[{i}].vote",
    )


_Part = tuple[int, Household, int, int, Vote | None]  # row, household, area numerator, denominator, vote


def _group(households: Sequence[Household], headcount: Headcount) -> tuple[dict[str, list[_Part]], int]:
    seen: set[str] = set()
    groups: dict[str, list[_Part]] = {}
    scale = 1
    for i, h in enumerate(households):
        if not isinstance(h.id, str) or not h.id:
            raise DomainError(f"第 {i + 1} 户缺少编号", f"Row {i + 1}: the household id is missing",
                              field=f"households[{i}].id")
        if h.id in seen:
            raise DomainError(f"户号重复：{h.id}", f"Duplicate household id {h.id}", field=f"households[{i}].id")
        seen.add(h.id)
        num, den = _area_ratio(h.exclusive_area, i, h.id)
        if scale % den:
            scale = math.lcm(scale, den)
        vote = h.vote if h.vote is None or type(h.vote) is Vote else _vote(h.vote, i, h.id)
        # Prefixes keep an owner called "101" apart from the household 101 that has no owner.
        key = f"o:{h.owner}" if headcount == "owners" and h.owner is not None else f"h:{h.id}"
        part = (i, h, num, den, vote)
        group = groups.get(key)
        if group is None:
            groups[key] = [part]
        else:
            group.append(part)
    if not groups:
        raise DomainError("没有任何户", "There are no households", field="households")
    return groups, scale


def owner_conflicts(households: Sequence[Household]) -> list[OwnerConflict]:
    """Owners whose parts carry different votes, in input order; `evaluate` refuses these."""
    groups, _ = _group(households, "owners")
    conflicts = []
    for key, parts in groups.items():
        votes = tuple((h.id, v) for _, h, _, _, v in parts if v is not None)
        if len({v for _, v in votes}) > 1:
            conflicts.append(OwnerConflict(key[2:], votes))
    return conflicts


def _electorate(households: Sequence[Household], headcount: Headcount) -> _Electorate:
    groups, scale = _group(households, headcount)
    voters, voter_of = [], {}
    for key, parts in groups.items():
        if len(parts) == 1:  # the usual case: one owner, one flat
            _, h, num, den, vote = parts[0]
            voter_of[h.id] = len(voters)
            voters.append(_Voter(key, (h.id,), num * (scale // den), vote))
            continue
        votes = {v for *_, v in parts if v is not None}
        if len(votes) > 1:
            first = next(v for *_, v in parts if v is not None)
            i = next(i for i, *_, v in parts if v is not None and v != first)
            detail = "、".join(f"{h.id}={v}" for _, h, _, _, v in parts if v is not None)
            detail_en = ", ".join(f"{h.id}={v}" for _, h, _, _, v in parts if v is not None)
            raise DomainError(
                f"业主 {key[2:]} 的各户意见不一致（{detail}）；同一业主按一人计算（建筑物区分所有权解释第九条），"
                "请核实后只保留一种意见",
                f"Owner {key[2:]} voted differently for their parts ({detail_en}); one person counts once "
                "(SPC interpretation art. 9), so settle which vote stands",
                field=f"households[{i}].vote",
            )
        area = sum(num * (scale // den) for _, _, num, den, _ in parts)
        for _, h, _, _, _ in parts:
            voter_of[h.id] = len(voters)
        voters.append(_Voter(key, tuple(h.id for _, h, _, _, _ in parts), area, next(iter(votes), None)))
    return _Electorate(tuple(voters), scale, voter_of, len(households))


# --- tally ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Share:
    """How many owners and households, holding how much exclusive area (m²)."""

    owners: int
    households: int
    area: Fraction

    def __add__(self, other: Share) -> Share:
        return Share(self.owners + other.owners, self.households + other.households, self.area + other.area)


def _ratio(part: Fraction | int, whole: Fraction | int) -> Fraction:
    return Fraction(part) / whole if whole else Fraction(0)


@dataclass(frozen=True, slots=True)
class Tally:
    """The live count a page shows: everyone, and each vote value (None = has not voted)."""

    total: Share
    yes: Share
    no: Share
    abstain: Share
    not_voted: Share

    @property
    def participants(self) -> Share:
        return self.yes + self.no + self.abstain

    @property
    def participation_area(self) -> Fraction:
        return _ratio(self.participants.area, self.total.area)

    @property
    def participation_count(self) -> Fraction:
        return _ratio(self.participants.owners, self.total.owners)

    @property
    def approval_area(self) -> Fraction:
        """Yes area over participating area (0 when nobody took part)."""
        return _ratio(self.yes.area, self.participants.area)

    @property
    def approval_count(self) -> Fraction:
        return _ratio(self.yes.owners, self.participants.owners)


def _tally(e: _Electorate) -> Tally:
    owners = {v: 0 for v in (Vote.YES, Vote.NO, Vote.ABSTAIN, None)}
    homes, areas = dict(owners), dict(owners)
    for voter in e.voters:
        owners[voter.vote] += 1
        homes[voter.vote] += len(voter.households)
        areas[voter.vote] += voter.area
    shares = {v: Share(owners[v], homes[v], Fraction(areas[v], e.scale)) for v in owners}
    total = Share(len(e.voters), e.household_count, Fraction(sum(areas.values()), e.scale))
    return Tally(total, shares[Vote.YES], shares[Vote.NO], shares[Vote.ABSTAIN], shares[None])


def tally(households: Sequence[Household], *, headcount: Headcount = "owners") -> Tally:
    """Counts and areas by vote value, with participation and approval ratios."""
    return _tally(_electorate(households, headcount))


# --- conditions -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """One condition: numerator/denominator (m², owners or households) against its bound."""

    name: str
    numerator: Fraction
    denominator: Fraction
    unit: Literal["m2", "owners", "households"]
    bound: Fraction
    required: str  # ">= 2/3", "> 1/2", "= 0"
    met: bool

    @property
    def value(self) -> str:
        """The unreduced quotient as people check it by hand, e.g. ``"690/900"`` or ``"690.5/900"``."""
        return f"{format_decimal(self.numerator)}/{format_decimal(self.denominator)}"

    @property
    def ratio(self) -> Fraction:
        return _ratio(self.numerator, self.denominator)

    @property
    def margin(self) -> Fraction:
        """Ratio minus bound: negative when short, zero exactly on the bound."""
        return self.ratio - self.bound

    @property
    def slack(self) -> Fraction:
        """Numerator minus what the bound asks for, in the condition's unit (m², owners, households)."""
        return self.numerator - self.bound * self.denominator


@dataclass(frozen=True, slots=True)
class _Counts:
    """Participating and approving area (1/scale m²) and heads, and the totals."""

    part_area: int
    part_count: int
    yes_area: int
    yes_count: int
    total_area: int
    total_count: int


def _threshold_checks(rule: Rule, c: _Counts) -> list[tuple[str, int, int, str, Threshold]]:
    of_all = rule.approval_of == "all"
    unit = "owners" if rule.headcount == "owners" else "households"
    candidates = [
        ("participation_area", c.part_area, c.total_area, "m2", rule.participation_area),
        ("participation_count", c.part_count, c.total_count, unit, rule.participation_count),
        ("approval_area", c.yes_area, c.total_area if of_all else c.part_area, "m2", rule.approval_area),
        ("approval_count", c.yes_count, c.total_count if of_all else c.part_count, unit, rule.approval_count),
    ]
    return [(n, num, den, u, t) for n, num, den, u, t in candidates if t is not None]


def _thresholds_met(rule: Rule, c: _Counts) -> bool:
    return all(t.met(num, den) for _, num, den, _, t in _threshold_checks(rule, c))


def _extra_ids(rule: Rule, e: _Electorate) -> None:
    for j, cond in enumerate(rule.extra):
        unknown = sorted(set(cond.households) - e.voter_of.keys())
        if unknown:
            raise DomainError(
                f"条件 {cond.name} 引用了不存在的户：{'、'.join(unknown)}",
                f"Condition {cond.name} names unknown households: {', '.join(unknown)}",
                field=f"extra[{j}].households",
            )


def _extra_result(cond: ExtraCondition, e: _Electorate) -> ConditionResult:
    votes = [e.voters[e.voter_of[h]].vote for h in cond.households]
    size = Fraction(len(votes))
    if isinstance(cond, NoObjection):
        objections = sum(v == Vote.NO for v in votes)
        return ConditionResult(cond.name, Fraction(objections), size, "households", Fraction(0), "= 0",
                               objections == 0)
    yes = sum(v == Vote.YES for v in votes)
    return ConditionResult(cond.name, Fraction(yes), size, "households", Fraction(1), "= 1", yes == len(votes))


def _counts(e: _Electorate) -> _Counts:
    part_area = part_count = yes_area = yes_count = total_area = 0
    for v in e.voters:
        total_area += v.area
        if v.vote is not None:
            part_area += v.area
            part_count += 1
            if v.vote is Vote.YES:
                yes_area += v.area
                yes_count += 1
    return _Counts(part_area, part_count, yes_area, yes_count, total_area, len(e.voters))


# --- what is missing --------------------------------------------------------------------------


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


def format_decimal(value: Fraction) -> str:
    """A Fraction as an exact decimal string when it has one ("85.3"), else as "a/b"."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return str(value)
    places = max(twos, fives)
    text = f"{Decimal(value.numerator * 10**places // value.denominator).scaleb(-places):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_area_up(value: Fraction) -> str:
    """An area for people: exact if it has at most two decimals, else rounded *up* to 0.01 m²."""
    text = format_decimal(value)
    if "/" not in text and len(text.partition(".")[2]) <= 2:
        return text
    up = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_CEILING)
    return format_decimal(Fraction(up))


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


def _prefix(voters: list[_Voter]) -> list[int]:
    sums = [0]
    for v in voters:
        sums.append(sums[-1] + v.area)
    return sums


def _missing(rule: Rule, e: _Electorate, base: _Counts) -> Missing:
    # Forced voters: every extra condition is met exactly when these owners vote yes.
    forced: dict[int, _Voter] = {}
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
        return _thresholds_met(rule, _Counts(
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


def _plan_not_voted(rule: Rule, e: _Electorate, base: _Counts, new: list[_Voter], forced_new: list[_Voter],
                    forced_changed: list[_Voter], passes: Callable[[int, int], bool],
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


def _least_new_area(rule: Rule, base: _Counts, most: int) -> int:
    """The least area (1/scale m²) that new yes voters must add for every area condition to hold."""
    def area_ok(x: int) -> bool:
        c = replace(base, part_area=base.part_area + x, yes_area=base.yes_area + x)
        return all(t.met(num, den) for name, num, den, _, t in _threshold_checks(rule, c) if name.endswith("area"))

    lo, hi = 0, most
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if area_ok(mid) else (mid + 1, hi)
    return lo


# --- result -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Result:
    """Whether the decision passed, each condition, the tally, and what is missing if it did not."""

    rule: Rule
    passed: bool
    conditions: tuple[ConditionResult, ...]
    tally: Tally
    missing: Missing | None


def evaluate(households: Iterable[Household], rule: Rule, *,
             closed: bool = False) -> Result:
    """Evaluate `rule` on the ballots of `households`; `closed` means no ballot can change any more.

    Raises `DomainError` for a duplicate id, an area not above 0, an unknown vote, an owner whose
    parts voted differently, or an extra condition naming an unknown household."""
    e = _electorate(list(households), rule.headcount)
    _extra_ids(rule, e)
    base = _counts(e)
    conditions = [
        ConditionResult(name, Fraction(num, e.scale) if unit == "m2" else Fraction(num),
                        Fraction(den, e.scale) if unit == "m2" else Fraction(den), unit,  # type: ignore[arg-type]
                        t.bound, t.required, t.met(num, den))
        for name, num, den, unit, t in _threshold_checks(rule, base)
    ]
    conditions += [_extra_result(cond, e) for cond in rule.extra]
    passed = all(c.met for c in conditions)
    missing = None
    if not passed:
        missing = (Missing(True, (), "表决已截止，未获通过，结果不再改变",
                           "The consultation is closed and the decision did not pass; nothing can change it")
                   if closed else _missing(rule, e, base))
    return Result(rule, passed, tuple(conditions), _tally(e), missing)
