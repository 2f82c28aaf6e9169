"""Who may sit on the bodies owners form: committee size, preparatory and interim groups, candidates.

Each check raises `DomainError` naming the field, in Chinese and English, and cites the figure's
article, so the page shows the law the input breaks.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from anju.domain.errors import DomainError
from anju.domain.stewardship.rulesets import BARS, RuleSet


def _cite(rules: RuleSet, key: str) -> tuple[str, str]:
    source = rules.figure(key).source
    return (f"（{source.zh}）", f" ({source.en})") if source else ("", "")


def committee_size_allowed(rules: RuleSet, *, households: int, gross_area: Decimal | None = None) -> tuple[int, int | None]:
    """The fewest and most members a committee of this compound may have (most None: no upper limit)."""
    low, high = rules.value("committee_members_min"), rules.value("committee_members_max")
    small = rules.value("committee_small_members")
    if small is not None:
        by_households = rules.value("committee_small_households_max")
        by_area = rules.value("committee_small_area_max")
        if (by_households is not None and households <= by_households) or (
                by_area is not None and gross_area is not None and gross_area <= by_area):
            low = min(low, small)
    return low, high


def check_committee_size(rules: RuleSet, size: int, *, households: int, gross_area: Decimal | None = None,
                         field: str = "seats") -> None:
    low, high = committee_size_allowed(rules, households=households, gross_area=gross_area)
    zh, en = _cite(rules, "committee_members_min")
    if size < low or (high is not None and size > high):
        bound_zh = f"{low} 至 {high} 人" if high is not None else f"不少于 {low} 人"
        bound_en = f"{low} to {high}" if high is not None else f"at least {low}"
        raise DomainError(f"业主委员会人数须为{bound_zh}，现为 {size} 人{zh}。",
                          f"A committee has {bound_en} members, not {size}{en}.", field=field)
    if rules.value("committee_members_odd") and size % 2 == 0:
        raise DomainError(f"业主委员会人数须为单数，现为 {size} 人{zh}。",
                          f"A committee has an odd number of members, not {size}{en}.", field=field)


def check_term(rules: RuleSet, years: int, *, field: str = "term_years") -> None:
    longest, shortest = rules.value("committee_term_years_max"), rules.value("committee_term_years_min")
    zh, en = _cite(rules, "committee_term_years_max")
    if years > longest:
        raise DomainError(f"每届任期不超过 {longest} 年，现为 {years} 年{zh}。",
                          f"A term is at most {longest} years, not {years}{en}.", field=field)
    if shortest is not None and years < shortest:
        zh, en = _cite(rules, "committee_term_years_min")
        raise DomainError(f"每届任期不少于 {shortest} 年，现为 {years} 年{zh}。",
                          f"A term is at least {shortest} years, not {years}{en}.", field=field)
    if years < 1:
        raise DomainError("任期至少 1 年。", "A term is at least one year.", field=field)


@dataclass(frozen=True, slots=True)
class Member:
    """A member of a preparatory group or an interim committee: an owner of the compound or not."""

    key: str
    owner: bool


def _check_group(rules: RuleSet, members: Sequence[Member], *, odd_key: str | None, share_key: str,
                 least_key: str | None, what_zh: str, what_en: str, field: str) -> None:
    keys = [m.key for m in members]
    if len(set(keys)) != len(keys):
        raise DomainError(f"{what_zh}成员有重复。", f"The {what_en} lists someone twice.", field=field)
    size = len(members)
    if least_key is not None and rules.value(least_key) is not None and size < rules.value(least_key):
        zh, en = _cite(rules, least_key)
        raise DomainError(f"{what_zh}不少于 {rules.value(least_key)} 人，现为 {size} 人{zh}。",
                          f"The {what_en} has at least {rules.value(least_key)} members, not {size}{en}.", field=field)
    if size == 0:
        raise DomainError(f"{what_zh}还没有成员。", f"The {what_en} has no members.", field=field)
    if odd_key is not None and rules.value(odd_key) and size % 2 == 0:
        zh, en = _cite(rules, odd_key)
        raise DomainError(f"{what_zh}人数须为单数，现为 {size} 人{zh}。",
                          f"The {what_en} has an odd number of members, not {size}{en}.", field=field)
    least_share = rules.value(share_key)
    owners = sum(m.owner for m in members)
    if least_share is not None and Fraction(owners, size) < least_share:
        zh, en = _cite(rules, share_key)
        need = -(-least_share.numerator * size // least_share.denominator)
        raise DomainError(f"{what_zh}中业主代表不少于 {need} 人（占 {least_share} 以上），现为 {owners} 人{zh}。",
                          f"The {what_en} needs at least {need} owners ({least_share}), not {owners}{en}.", field=field)


def check_preparatory_group(rules: RuleSet, members: Sequence[Member], *, field: str = "members") -> None:
    """Odd where the rule set says so, with owners at least its share (北京 art. 31, 上海 art. 15)."""
    _check_group(rules, members, odd_key="prep_group_odd", share_key="prep_group_owner_share_min", least_key=None,
                 what_zh="筹备组", what_en="preparatory group", field=field)


def check_interim_committee(rules: RuleSet, members: Sequence[Member], *, field: str = "members") -> None:
    """An interim 物业管理委员会: at least its figure, odd, owners at least half (北京 art. 54)."""
    if rules.value("interim_committee_members_min") is None:
        raise DomainError("所选规则集没有规定物业管理委员会。", "The rule set provides no interim committee.",
                          field="ruleset")
    _check_group(rules, members, odd_key="committee_members_odd", share_key="interim_committee_owner_share_min",
                 least_key="interim_committee_members_min", what_zh="物业管理委员会", what_en="interim committee",
                 field=field)


@dataclass(frozen=True, slots=True)
class Bar:
    key: str
    zh: str
    en: str


def candidate_bars(rules: RuleSet, *, owner: bool, facts: Collection[str]) -> list[Bar]:
    """What bars a candidate under `rules`: not an owner (指导规则 art. 31, always), then each of the
    rule set's bars among `facts` (keys of BARS that staff recorded or the fee ledger shows)."""
    unknown = sorted(set(facts) - BARS.keys())
    if unknown:
        raise DomainError(f"未知的情形：{'、'.join(unknown)}", f"Unknown facts: {', '.join(unknown)}", field="facts")
    out = [] if owner else [Bar("not_owner", "不是本物业管理区域的业主", "not an owner in this compound")]
    out += [Bar(key, *BARS[key]) for key in rules.value("candidate_bars") if key in facts]
    return out
