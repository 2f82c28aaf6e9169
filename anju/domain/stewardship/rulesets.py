"""Rule sets: the figures of the law a sub-district works under, each with the article it comes from.

The code names which figures exist and what they mean (`CATALOGUE`); the data (`data/*.json`) gives
each jurisdiction's value and source: `national` (民法典, 物业管理条例, 指导规则), `beijing` and
`shanghai`, which inherit what their own text does not change. A sub-district picks one and may
adjust it (`adjust`), which makes a new version that says what changed and why; figures fixed by a
higher law (`fixed`, the Civil Code's art. 278 shares) cannot be adjusted by anyone.

A value of None means "this text sets no such figure" (the national rules give no deadline for the
街道's review of an application; Beijing's art. 31 gives 30 days); checks that need it are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from importlib import resources
from typing import Any, Literal

from anju.domain.errors import DomainError
from anju.domain.stewardship.laws import Citation

Unit = Literal["calendar_days", "working_days", "months", "years", "persons", "households", "area", "ratio",
               "strict_ratio", "flag", "bars"]
Value = int | Fraction | bool | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class Meaning:
    unit: Unit
    zh: str
    en: str
    fixed: bool = False  # set by a higher law: no rule set and no sub-district may change it


# What candidates for the committee may be barred for (上海 art. 20, 北京 art. 39); a rule set lists
# the bars it applies. Being an owner is always required (指导规则 art. 31), so it is not a bar.
BARS: dict[str, tuple[str, str]] = {
    "fee_arrears": ("欠交物业服务费", "in arrears on property fees"),
    "fund_arrears": ("欠交专项维修资金", "in arrears on the maintenance fund"),
    "illegal_structure": ("违法搭建且未改正", "an illegal structure not removed"),
    "illegal_letting": ("违法出租房屋", "illegal letting"),
    "structural_damage": ("损坏房屋承重结构", "damage to the load-bearing structure"),
    "changed_use": ("擅自改变物业使用性质", "changing the use of the property without approval"),
    "manager_interest": ("本人、配偶或直系亲属与物业服务人有利害关系", "an interest (own or close family) in the manager"),
    "dishonest_debtor": ("被列为失信被执行人", "listed as a dishonest judgment debtor"),
}

CATALOGUE: dict[str, Meaning] = {
    # Civil Code art. 278: the counting of every owners' decision, elections included.
    "turnout_share": Meaning("ratio", "参与表决的专有部分面积和人数占比（均不少于）",
                             "Share of exclusive area and of owners that must take part (at least)", fixed=True),
    "approval_share_ordinary": Meaning("strict_ratio", "一般事项同意占参与表决面积和人数（均超过）",
                                       "Ordinary matters: share of participating area and owners that agree (more than)",
                                       fixed=True),
    "approval_share_major": Meaning("ratio", "重大事项同意占参与表决面积和人数（均不少于）",
                                    "Major matters: share of participating area and owners that agree (at least)",
                                    fixed=True),
    # Forming the assembly.
    "application_owner_share": Meaning("ratio", "申请成立业主大会所需业主人数占比", "Share of owners that may apply"),
    "application_area_share": Meaning("ratio", "申请成立业主大会所需专有部分面积占比", "Share of area that may apply"),
    "application_review_days": Meaning("calendar_days", "街道审核成立申请的期限", "Sub-district's review of an application"),
    "prep_group_formation_days": Meaning("calendar_days", "组建筹备组的期限", "Forming the preparatory group"),
    "prep_group_odd": Meaning("flag", "筹备组人数为单数", "The preparatory group has an odd number of members"),
    "prep_group_owner_share_min": Meaning("ratio", "筹备组中业主代表占比（不低于）", "Owner members of the group (at least)"),
    "prep_group_publicity_days": Meaning("calendar_days", "筹备组成员名单公示的期限", "Publishing the group's members"),
    "first_assembly_publicity_days": Meaning("calendar_days", "首次业主大会会议召开前公示的天数",
                                             "Days of publicity before the first assembly meeting"),
    "first_assembly_within_days": Meaning("calendar_days", "筹备组成立后召开首次业主大会会议的期限",
                                          "First assembly meeting after the group is formed"),
    "assembly_notice_days": Meaning("calendar_days", "业主大会会议召开前通知全体业主的天数",
                                    "Days of notice to every owner before an assembly meeting"),
    "decision_publicity_days": Meaning("calendar_days", "业主大会决定公示的期限", "Publishing an assembly decision"),
    "silence_counts_with_majority": Meaning("flag", "未参与表决的业主计入多数（有争议）",
                                            "Owners who do not vote count with the majority (contested)"),
    # The committee.
    "committee_members_min": Meaning("persons", "业主委员会最少人数", "Fewest committee members"),
    "committee_members_max": Meaning("persons", "业主委员会最多人数", "Most committee members"),
    "committee_members_odd": Meaning("flag", "业主委员会人数为单数", "The committee has an odd number of members"),
    "committee_small_members": Meaning("persons", "小规模小区业主委员会可减至的人数", "Members a small compound may have"),
    "committee_small_households_max": Meaning("households", "可减少委员人数的小区户数上限",
                                              "Largest compound (households) that may have fewer members"),
    "committee_small_area_max": Meaning("area", "可减少委员人数的小区建筑面积上限（㎡）",
                                        "Largest compound (gross ㎡) that may have fewer members"),
    "committee_term_years_max": Meaning("years", "业主委员会每届任期最长", "Longest committee term"),
    "committee_term_years_min": Meaning("years", "业主委员会每届任期最短", "Shortest committee term"),
    "committee_first_meeting_days": Meaning("calendar_days", "选举后召开首次业主委员会会议的期限",
                                            "First committee meeting after the election"),
    "committee_filing_days": Meaning("calendar_days", "选举后办理备案的期限", "Filing the committee after the election"),
    "committee_change_filing_days": Meaning("calendar_days", "备案事项变更后报告的期限", "Filing a change"),
    "committee_meeting_interval_months": Meaning("months", "业主委员会定期会议至少每隔几个月召开一次",
                                                 "Regular committee meetings at least every … months"),
    "filing_review_days": Meaning("working_days", "街道完成备案的期限", "Sub-district completes a filing"),
    "term_end_report_months": Meaning("months", "任期届满前书面报告街道的提前月数",
                                      "Months before the term ends that the committee reports"),
    "candidate_bars": Meaning("bars", "不得担任委员的情形", "What bars a candidate"),
    # Interim bodies.
    "interim_committee_members_min": Meaning("persons", "物业管理委员会最少人数", "Fewest members of an interim committee"),
    "interim_committee_owner_share_min": Meaning("ratio", "物业管理委员会中业主代表占比（不低于）",
                                                 "Owner members of an interim committee (at least)"),
    "interim_committee_chair_residents": Meaning("flag", "物业管理委员会主任由居民委员会代表担任",
                                                 "The interim committee's chair is the residents' committee's representative"),
    "interim_committee_term_years_max": Meaning("years", "物业管理委员会任期最长", "Longest interim committee term"),
    "interim_committee_filing_days": Meaning("calendar_days", "物业管理委员会成立后申请备案的期限",
                                             "Filing an interim committee after it is formed"),
    "emergency_service_months_max": Meaning("months", "应急物业服务期限最长", "Longest emergency management"),
    # Managers and their contracts.
    "contract_filing_days": Meaning("calendar_days", "物业服务合同签订后备案的期限", "Filing a property service contract"),
    "manager_dismissal_notice_days": Meaning("calendar_days", "解聘物业服务人提前书面通知的天数",
                                             "Written notice to dismiss a manager"),
    "manager_nonrenewal_notice_days": Meaning("calendar_days", "物业服务人不同意续聘提前书面通知的天数",
                                              "Written notice by a manager who will not renew"),
    "open_contract_notice_days": Meaning("calendar_days", "解除不定期物业服务合同提前通知的天数",
                                         "Notice to end an open-ended contract"),
    "renewal_decision_months": Meaning("months", "合同期满前组织业主决定续聘或另聘的提前月数",
                                       "Months before a contract ends that owners decide on renewal"),
    # Property fees (anju.domain.stewardship.fees).
    "vacant_fee_share": Meaning("ratio", "空置房屋交纳物业费的比例（合同另有约定的从其约定）",
                                "Share of the fee a vacant home pays (unless the contract agrees otherwise)"),
    "fee_demand_days": Meaning("calendar_days", "书面催告后支付物业费的合理期限",
                               "Days a written demand gives to pay the fee"),
    "utility_cutoff_forbidden": Meaning("flag", "禁止以停止供电、供水、供热、供燃气等方式催交物业费",
                                        "Cutting power, water, heating or gas to collect fees is forbidden",
                                        fixed=True),
    "committee_fee_publication_months": Meaning("months", "公示业主委员会委员交纳物业费情况的周期",
                                                "Months between publications of committee members' own fee payments"),
    # The maintenance fund (专项维修资金).
    "fund_topup_share": Meaning("ratio", "维修资金余额低于首期交存额的比例时应续交（不足）",
                                "Top up when the balance falls below this share of the first contribution"),
    "fund_emergency_approval_days": Meaning("calendar_days", "紧急使用维修资金由业主委员会审核同意的期限",
                                            "Committee's approval of an emergency draw"),
    "fund_publication_months": Meaning("months", "维修资金收支情况至少每隔几个月公布一次",
                                       "Fund accounts published at least every … months"),
    # Accounts in public (公示, anju.domain.stewardship.disclosure).
    "common_income_publication_months": Meaning("months", "公共收益收支情况至少每隔几个月公布一次",
                                                "Common income and its spending published at least every … months"),
    "manager_accounts_publication_months": Meaning("months", "物业服务项目收支情况和预算公示的周期",
                                                   "Months between the manager's published income, spending and budget"),
    "committee_decision_publicity_days": Meaning("calendar_days", "业主委员会会议决定事项公示的期限",
                                                 "Days to publish the committee's decisions after its meeting"),
    "disclosure_grace_days": Meaning("calendar_days", "周期结束后完成公示的期限（法规未规定的按 30 日计）",
                                     "Days after a period ends to publish its accounts (30 where no text says)"),
}


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    value: Value
    source: Citation | None
    adjusted: bool = False  # changed by the sub-district from its base rule set

    @property
    def meaning(self) -> Meaning:
        return CATALOGUE[self.key]


@dataclass(frozen=True, slots=True)
class Change:
    key: str
    before: Value
    after: Value


@dataclass(frozen=True, slots=True)
class RuleSet:
    key: str
    zh: str
    en: str
    figures: Mapping[str, Figure]
    version: int = 1
    base: str | None = None  # the shipped rule set an adjusted one started from
    changes: tuple[Change, ...] = field(default=())
    reason: str = ""

    def figure(self, key: str) -> Figure:
        if key not in CATALOGUE:
            raise KeyError(key)
        return self.figures[key]

    def value(self, key: str) -> Any:
        return self.figure(key).value


# --- values ---------------------------------------------------------------------------------------


def _bad(key: str, zh: str, en: str) -> DomainError:
    meaning = CATALOGUE.get(key)
    label = f"「{meaning.zh}」" if meaning else key
    return DomainError(f"{label}{zh}", f"{meaning.en if meaning else key}: {en}", field=key)


def parse_value(key: str, raw: object) -> Value:
    """A figure's value from JSON or a form: whole numbers ≥ 0, ratios as "a/b" in [0, 1], flags, bar lists."""
    if key not in CATALOGUE:
        raise DomainError(f"未知的规则项：{key}", f"Unknown rule figure: {key}", field=key)
    unit = CATALOGUE[key].unit
    if raw is None:
        return None
    if unit == "flag":
        if not isinstance(raw, bool):
            raise _bad(key, "只能是“是”或“否”。", "must be yes or no.")
        return raw
    if unit == "bars":
        if not isinstance(raw, (list, tuple)) or not all(isinstance(b, str) for b in raw):
            raise _bad(key, "须为情形列表。", "must be a list of bars.")
        unknown = sorted(set(raw) - BARS.keys())
        if unknown:
            raise _bad(key, f"含有未知情形：{'、'.join(unknown)}。", f"unknown bars: {', '.join(unknown)}.")
        return tuple(sorted(set(raw)))
    if unit in ("ratio", "strict_ratio"):
        try:
            value = Fraction(str(raw)) if not isinstance(raw, bool) else None
        except (ValueError, ZeroDivisionError):
            value = None
        if value is None or not 0 <= value <= 1:
            raise _bad(key, "须为 0 到 1 之间的比例，如 2/3。", "must be a ratio between 0 and 1, e.g. 2/3.")
        return value
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise _bad(key, "须为不小于 0 的整数。", "must be a whole number of at least 0.")
    return raw


def _check_consistent(figures: Mapping[str, Figure]) -> None:
    def v(key: str) -> Any:
        return figures[key].value

    low, high = v("committee_members_min"), v("committee_members_max")
    if low is not None and high is not None and low > high:
        raise _bad("committee_members_min", f"（{low}）不能大于最多人数（{high}）。",
                   f"({low}) cannot exceed the most members ({high}).")
    if v("committee_members_odd") and low is not None and low % 2 == 0:
        raise _bad("committee_members_min", f"须为单数（现为 {low}）。", f"must be odd (is {low}).")
    short, long = v("committee_term_years_min"), v("committee_term_years_max")
    if short is not None and long is not None and short > long:
        raise _bad("committee_term_years_min", f"（{short} 年）不能长于最长任期（{long} 年）。",
                   f"({short} years) cannot exceed the longest term ({long} years).")
    if v("committee_term_years_max") in (None, 0):
        raise _bad("committee_term_years_max", "必须设定且大于 0。", "must be set and above 0.")


# --- loading and adjusting ------------------------------------------------------------------------


def _figures_from(document: Mapping[str, Any], inherited: Mapping[str, Figure]) -> dict[str, Figure]:
    figures = dict(inherited)
    for key, entry in document.get("figures", {}).items():
        if key not in CATALOGUE:
            raise DomainError(f"未知的规则项：{key}", f"Unknown rule figure: {key}", field=key)
        source = entry.get("source")
        citation = (Citation(source["law"], source["article"], source.get("item"), bool(source.get("pending")))
                    if source else None)
        figures[key] = Figure(key, parse_value(key, entry.get("value")), citation)
    missing = sorted(CATALOGUE.keys() - figures.keys())
    if missing:
        raise DomainError(f"规则集缺少：{'、'.join(missing)}", f"The rule set lacks: {', '.join(missing)}",
                          field=missing[0])
    return figures


def _load(key: str) -> RuleSet:
    text = resources.files("anju.domain.stewardship").joinpath("data", f"{key}.json").read_text(encoding="utf-8")
    document = json.loads(text)
    parent = _load(document["inherits"]).figures if document.get("inherits") else {}
    for fixed in (k for k, m in CATALOGUE.items() if m.fixed and k in parent):
        if fixed in document.get("figures", {}):
            raise DomainError(f"地方规则集不能改变上位法规定的「{CATALOGUE[fixed].zh}」",
                              f"A local rule set cannot change {CATALOGUE[fixed].en}", field=fixed)
    figures = _figures_from(document, parent)
    _check_consistent(figures)
    return RuleSet(document["key"], document["zh"], document["en"], figures)


SHIPPED = ("national", "beijing", "shanghai")


def shipped(key: str) -> RuleSet:
    """One of the rule sets Anju ships (national default, Beijing, Shanghai)."""
    if key not in SHIPPED:
        raise DomainError(f"未知的规则集：{key}", f"Unknown rule set: {key}", field="ruleset")
    return _load(key)


def adjust(rules: RuleSet, changes: Mapping[str, object], *, reason: str) -> RuleSet:
    """A new version of `rules` with `changes` (key → raw value); refuses fixed figures and no reason.

    The source of an adjusted figure stays the article it departs from, marked `adjusted`, so a page
    can say "本街道调整（原《…》第…条为 30 日）".
    """
    if not reason.strip():
        raise DomainError("调整规则须写明理由。", "Say why the rules are adjusted.", field="reason")
    figures, made = dict(rules.figures), []
    for key, raw in changes.items():
        value = parse_value(key, raw)
        if CATALOGUE[key].fixed:
            source = rules.figures[key].source
            where = source.zh if source else "上位法"
            raise _bad(key, f"由{where}规定，不能调整。", "is set by a higher law and cannot be adjusted.")
        before = figures[key].value
        if value != before:
            figures[key] = replace(figures[key], value=value, adjusted=True)
            made.append(Change(key, before, value))
    if not made:
        raise DomainError("没有要调整的数值。", "Nothing to change.", field="changes")
    _check_consistent(figures)
    return RuleSet(rules.key, rules.zh, rules.en, figures, rules.version + 1, rules.base or rules.key,
                   rules.changes + tuple(made), reason.strip())
