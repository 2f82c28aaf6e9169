"""专项维修资金: the ledger of a compound's maintenance fund, its 30% line, shares and deadlines.

* Civil Code art. 281: the fund belongs to the owners; used for common parts after the owners
  decide (art. 278: more than half of the participants by area and headcount, after 2/3 turnout);
  in an emergency it may be applied for without a vote; raising and use are published.
* Civil Code art. 282: income from common parts belongs to the owners (credited to the fund here).
* Civil Code art. 283: costs by share of exclusive area absent an agreement (the cost-share
  engine's area method, largest remainder to the fen).
* 住宅专项维修资金管理办法 (2007) art. 17, 北京市物业管理条例 art. 83, 上海市住宅物业管理规定
  art. 65: when the balance falls below 30% of the first contribution the owners top it up (the
  figure `fund_topup_share` of the rule set).
* 上海市住宅物业管理规定 art. 73: emergencies and their evidence; the committee approves within 7
  days or the district may organise the repair (`fund_emergency_approval_days`).

A ledger is append-only: an entry is never edited; a mistake is undone by a reversal that names
the entry it reverses, so the history of the account stays what the bank slips say. Money is int
fen everywhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from anju.domain.costshare import ByArea, Household, LineItem, Quote, allocate_quote
from anju.domain.costshare.money import format_yuan
from anju.domain.errors import DomainError
from anju.domain.stewardship import deadlines
from anju.domain.stewardship.rulesets import RuleSet

Kind = Literal["opening", "topup", "interest", "common_income", "draw", "reversal"]
CREDITS: tuple[Kind, ...] = ("opening", "topup", "interest", "common_income")
KINDS: dict[str, tuple[str, str]] = {
    "opening": ("首期交存", "opening deposit"),
    "topup": ("业主续交", "owner top-up"),
    "interest": ("利息", "interest"),
    "common_income": ("共有部分收入转入（民法典第二百八十二条）", "common income credited (Civil Code art. 282)"),
    "draw": ("使用支出", "draw"),
    "reversal": ("冲正", "reversal"),
}
# The document each entry stands on: nothing is booked without one.
DOCUMENTS: dict[str, tuple[str, str]] = {
    "bank_slip": ("银行回单", "bank slip"),
    "invoice": ("发票", "invoice"),
    "decision": ("决定或批复", "decision"),
    "contract": ("合同", "contract"),
    "statement": ("银行对账单", "bank statement"),
}
MAX_ENTRY_FEN = 10**12  # 100 亿元: above that a figure was typed in the wrong unit


@dataclass(frozen=True, slots=True)
class Entry:
    """One booked entry: `amount` in fen, positive; a reversal names the entry it undoes."""

    id: str
    kind: Kind
    amount: int
    reverses: str | None = None


def signed(entry: Entry, by_id: Mapping[str, Entry]) -> int:
    """The entry's effect on the balance: credits +, draws −, a reversal the opposite of its entry."""
    if entry.kind in CREDITS:
        return entry.amount
    if entry.kind == "draw":
        return -entry.amount
    assert entry.reverses is not None
    return -signed(by_id[entry.reverses], by_id)


def check_entry(existing: Sequence[Entry], new: Entry) -> None:
    """Refuse an entry that would break the ledger: a bad amount, a reversal of nothing, of a
    reversal or twice, a draw above the balance (a fund cannot go below zero)."""
    if new.kind not in KINDS:
        raise DomainError(f"未知的记账类型：{new.kind}", f"Unknown entry kind: {new.kind}", field="kind")
    if isinstance(new.amount, bool) or not isinstance(new.amount, int) or not 0 < new.amount <= MAX_ENTRY_FEN:
        raise DomainError("金额须大于 0（以分计，且不超过 100 亿元）。", "The amount is above 0 (and at most 10 billion yuan).",
                          field="amount")
    by_id = {e.id: e for e in existing}
    if new.kind == "reversal":
        target = by_id.get(new.reverses or "")
        if target is None:
            raise DomainError("冲正须指明被冲正的记账。", "A reversal names the entry it reverses.", field="reverses")
        if target.kind == "reversal":
            raise DomainError("冲正记录不能再冲正；如有错误请重新记账。", "A reversal cannot be reversed; book the entry again.",
                              field="reverses")
        if any(e.kind == "reversal" and e.reverses == target.id for e in existing):
            raise DomainError("该记账已被冲正。", "This entry has already been reversed.", field="reverses")
        if new.amount != target.amount:
            raise DomainError("冲正金额须与原记账相同。", "A reversal is for the entry's whole amount.", field="amount")
    elif new.reverses is not None:
        raise DomainError("只有冲正记录可以指向另一笔记账。", "Only a reversal refers to another entry.", field="reverses")
    after = balance([*existing, new])
    if after < 0:
        have = balance(existing)
        raise DomainError(f"余额 {format_yuan(have)} 元不足，不能支出 {format_yuan(new.amount)} 元。",
                          f"The balance of {format_yuan(have)} yuan cannot cover {format_yuan(new.amount)} yuan.",
                          field="amount")


def balance(entries: Iterable[Entry]) -> int:
    """The balance in fen: credits − draws, each reversal undoing its entry."""
    items = list(entries)
    by_id = {e.id: e for e in items}
    return sum(signed(e, by_id) for e in items)


def first_contribution(entries: Iterable[Entry]) -> int:
    """The first contribution (首期交存额): opening deposits that were not reversed."""
    items = list(entries)
    reversed_ids = {e.reverses for e in items if e.kind == "reversal"}
    return sum(e.amount for e in items if e.kind == "opening" and e.id not in reversed_ids)


@dataclass(frozen=True, slots=True)
class Line:
    """Where a ledger stands against the top-up line: `line` fen = share × first contribution."""

    balance: int
    first: int
    share: Fraction | None
    line: Fraction | None  # None: no first contribution or the rule set sets no line

    @property
    def below(self) -> bool:
        return self.line is not None and self.balance < self.line

    @property
    def ratio(self) -> Fraction | None:
        """Balance ÷ first contribution, exact (None without a first contribution)."""
        return Fraction(self.balance, self.first) if self.first else None

    @property
    def line_fen(self) -> int | None:
        """The line rounded up to the fen, as a page prints it (the comparison itself is exact)."""
        if self.line is None:
            return None
        return -(-self.line.numerator // self.line.denominator)


def topup_line(rules: RuleSet, entries: Iterable[Entry]) -> Line:
    """The 30% line of a ledger: below it when balance < share × first contribution (strictly:
    "余额不足首期…百分之三十", 办法 art. 17, 北京 art. 83, 上海 art. 65)."""
    items = list(entries)
    share = rules.value("fund_topup_share")
    first = first_contribution(items)
    return Line(balance(items), first, share, share * first if share is not None and first else None)


# --- shares of a repair ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Payer:
    """A household that shares a repair: id, floor and exclusive area (m²)."""

    id: str
    floor: int
    area: Fraction


def shares_by_area(total: int, payers: Sequence[Payer]) -> dict[str, int]:
    """Each payer's share of `total` fen by exclusive area (Civil Code art. 283), through the
    cost-share engine's area method: largest remainder, so the shares sum to the total exactly."""
    if not payers:
        raise DomainError("没有分摊的住户。", "No households share this repair.", field="households")
    if isinstance(total, bool) or not isinstance(total, int) or not 0 < total <= MAX_ENTRY_FEN:
        raise DomainError("金额须大于 0。", "The amount is above 0.", field="estimate")
    missing = [p.id for p in payers if not p.area or p.area <= 0]
    if missing:
        raise DomainError(f"以下住户没有专有部分面积，无法按面积分摊：{'、'.join(missing[:5])}",
                          f"These households have no exclusive area: {', '.join(missing[:5])}", field="households")
    storeys = max(1, max(p.floor for p in payers))
    quote = Quote(storeys=min(storeys, 200),
                  households=tuple(Household(p.id, min(max(p.floor, 1), 200), p.area) for p in payers),
                  costs=(LineItem("维修费用", total),), method=ByArea())
    allocation = allocate_quote(quote)
    return allocation.amounts()


def check_shares(total: int, shares: Mapping[str, int]) -> None:
    """Shares are whole fen, not negative, and add up to the total exactly."""
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in shares.values()):
        raise DomainError("分摊金额须为不小于 0 的整数分。", "Shares are whole fen, not negative.", field="shares")
    if sum(shares.values()) != total:
        raise DomainError(f"分摊合计 {format_yuan(sum(shares.values()))} 元与总额 {format_yuan(total)} 元不符。",
                          f"The shares add up to {format_yuan(sum(shares.values()))}, not {format_yuan(total)}.",
                          field="shares")


def instalments_left(total: int, paid: Iterable[int]) -> int:
    """What remains to pay of an approved amount after the instalments paid (never below 0)."""
    left = total - sum(paid)
    if left < 0:
        raise DomainError("已支付金额超过批准金额。", "More was paid than approved.", field="amount")
    return left


# --- emergencies --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Emergency:
    key: str
    zh: str
    en: str
    evidence_zh: str
    evidence_en: str
    item: int  # 上海市住宅物业管理规定 art. 73 para. 2 item


# 上海 art. 73 para. 2 names these cases and the evidence each stands on; 办法 art. 24 the principle.
EMERGENCIES: dict[str, Emergency] = {e.key: e for e in (
    Emergency("elevator_stop", "电梯故障停运", "elevator stopped",
              "电梯检验检测机构出具的停运整改通知书", "the elevator inspector's stop order", 2),
    Emergency("fire_safety", "消防设施损坏", "fire-safety installations broken",
              "消防救援机构出具的整改通知书", "the fire authority's rectification notice", 3),
    Emergency("structural", "外墙、构件脱落危险或屋顶外墙严重渗漏", "falling façade parts or severe leaks",
              "有资质的鉴定机构出具的鉴定证明", "a survey by a qualified surveyor", 4),
    Emergency("burst_main", "供水管道爆裂、水泵水箱故障", "burst main or failed pump or tank",
              "物业服务企业的现场查勘记录及照片", "the manager's site record with photos", 1),
)}


def check_emergency(category: str, evidence_ref: str) -> Emergency:
    """The category exists and its evidence is named (by its reference number)."""
    emergency = EMERGENCIES.get(category)
    if emergency is None:
        raise DomainError("请选择紧急情况的类别。", "Choose the kind of emergency.", field="category")
    if not evidence_ref.strip():
        raise DomainError(f"「{emergency.zh}」须附{emergency.evidence_zh}（填写文号或编号）。",
                          f"{emergency.en} needs {emergency.evidence_en} (its reference).", field="evidence_ref")
    return emergency


State = Literal["waiting", "approved", "overdue", "none"]


@dataclass(frozen=True, slots=True)
class EmergencyDue:
    """The committee's approval deadline of an emergency and whether the district may step in."""

    deadline: datetime.date | None  # None: the rule set sets no deadline
    state: State
    may_escalate: bool


def emergency_due(rules: RuleSet, reported_on: datetime.date, today: datetime.date,
                  approved_on: datetime.date | None) -> EmergencyDue:
    """上海 art. 73: the committee approves within the figure's days of the report; after that the
    district may organise the repair (escalation). Days count as `deadlines` counts them."""
    if approved_on is not None:
        deadline = (deadlines.deadline_after(rules, "fund_emergency_approval_days", reported_on)
                    if rules.value("fund_emergency_approval_days") is not None else None)
        return EmergencyDue(deadline, "approved", False)
    if rules.value("fund_emergency_approval_days") is None:
        return EmergencyDue(None, "none", False)
    deadline = deadlines.deadline_after(rules, "fund_emergency_approval_days", reported_on)
    overdue = today > deadline
    return EmergencyDue(deadline, "overdue" if overdue else "waiting", overdue)
