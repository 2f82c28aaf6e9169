"""Households grouped into voters (SPC interpretation art. 9), the live tally, and the counts the rules read."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from anju.domain.consent.rules import Headcount, Household, Rule, Threshold, Vote
from anju.domain.errors import DomainError

# --- the electorate: households grouped into voters -------------------------------------------


@dataclass(frozen=True, slots=True)
class Voter:
    key: str
    households: tuple[str, ...]
    area: int  # in 1/scale m²
    vote: Vote | None


@dataclass(frozen=True, slots=True)
class Electorate:
    voters: tuple[Voter, ...]
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


def owner_split(key: str, parts: Sequence[tuple[int, str, Vote | None]]) -> DomainError:
    """The refusal of an owner (group `key`) whose parts (row, household id, vote) voted differently."""
    first = next(v for *_, v in parts if v is not None)
    i = next(i for i, _, v in parts if v is not None and v != first)
    detail = "、".join(f"{hid}={v}" for _, hid, v in parts if v is not None)
    detail_en = ", ".join(f"{hid}={v}" for _, hid, v in parts if v is not None)
    return DomainError(
        f"业主 {key[2:]} 的各户意见不一致（{detail}）；同一业主按一人计算（建筑物区分所有权解释第九条），"
        "请核实后只保留一种意见",
        f"Owner {key[2:]} voted differently for their parts ({detail_en}); one person counts once "
        "(SPC interpretation art. 9), so settle which vote stands",
        field=f"households[{i}].vote",
    )


def build_electorate(households: Sequence[Household], headcount: Headcount) -> Electorate:
    groups, scale = _group(households, headcount)
    voters: list[Voter] = []
    voter_of: dict[str, int] = {}
    for key, parts in groups.items():
        if len(parts) == 1:  # the usual case: one owner, one flat
            _, h, num, den, vote = parts[0]
            voter_of[h.id] = len(voters)
            voters.append(Voter(key, (h.id,), num * (scale // den), vote))
            continue
        votes = {v for *_, v in parts if v is not None}
        if len(votes) > 1:
            raise owner_split(key, [(i, h.id, v) for i, h, _, _, v in parts])
        area = sum(num * (scale // den) for _, _, num, den, _ in parts)
        for _, h, _, _, _ in parts:
            voter_of[h.id] = len(voters)
        voters.append(Voter(key, tuple(h.id for _, h, _, _, _ in parts), area, next(iter(votes), None)))
    return Electorate(tuple(voters), scale, voter_of, len(households))


# --- tally ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Share:
    """How many owners and households, holding how much exclusive area (m²)."""

    owners: int
    households: int
    area: Fraction

    def __add__(self, other: Share) -> Share:
        return Share(self.owners + other.owners, self.households + other.households, self.area + other.area)


def ratio_of(part: Fraction | int, whole: Fraction | int) -> Fraction:
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
        return ratio_of(self.participants.area, self.total.area)

    @property
    def participation_count(self) -> Fraction:
        return ratio_of(self.participants.owners, self.total.owners)

    @property
    def approval_area(self) -> Fraction:
        """Yes area over participating area (0 when nobody took part)."""
        return ratio_of(self.yes.area, self.participants.area)

    @property
    def approval_count(self) -> Fraction:
        return ratio_of(self.yes.owners, self.participants.owners)


def tally_of(e: Electorate) -> Tally:
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
    return tally_of(build_electorate(households, headcount))


@dataclass(frozen=True, slots=True)
class Counts:
    """Participating and approving area (1/scale m²) and heads, and the totals."""

    part_area: int
    part_count: int
    yes_area: int
    yes_count: int
    total_area: int
    total_count: int


def threshold_checks(rule: Rule, c: Counts) -> list[tuple[str, int, int, str, Threshold]]:
    of_all = rule.approval_of == "all"
    unit = "owners" if rule.headcount == "owners" else "households"
    candidates = [
        ("participation_area", c.part_area, c.total_area, "m2", rule.participation_area),
        ("participation_count", c.part_count, c.total_count, unit, rule.participation_count),
        ("approval_area", c.yes_area, c.total_area if of_all else c.part_area, "m2", rule.approval_area),
        ("approval_count", c.yes_count, c.total_count if of_all else c.part_count, unit, rule.approval_count),
    ]
    return [(n, num, den, u, t) for n, num, den, u, t in candidates if t is not None]


def thresholds_met(rule: Rule, c: Counts) -> bool:
    return all(t.met(num, den) for _, num, den, _, t in threshold_checks(rule, c))



def counts(e: Electorate) -> Counts:
    part_area = part_count = yes_area = yes_count = total_area = 0
    for v in e.voters:
        total_area += v.area
        if v.vote is not None:
            part_area += v.area
            part_count += 1
            if v.vote is Vote.YES:
                yes_area += v.area
                yes_count += 1
    return Counts(part_area, part_count, yes_area, yes_count, total_area, len(e.voters))
