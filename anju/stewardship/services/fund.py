"""Writes of the maintenance fund (专项维修资金): the account, its ledgers and entries, and use cases.

Every write locks the account (or the case), checks with the domain's rules
(`anju.domain.stewardship.fund`), writes, and audits in the same transaction; nothing is saved
when a check fails. Entries are never edited: `entry_reverse` books the opposite.

Ordinary use (住宅专项维修资金管理办法 arts. 22–23, Civil Code arts. 278 and 281): a case with its
scope and estimate, shares by exclusive area (art. 283), the owners' vote as a consultation of
exactly the households that pay, approval by the committee and the 街道, instalments (each a
draw), acceptance, publication. Emergency use (办法 art. 24, 上海 art. 73): a category with its
evidence, no vote, the committee's approval within the rule set's days or the district steps in,
published afterwards.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction
from typing import cast

from django.db import transaction
from django.utils import timezone

from anju.consultations import services as consultation_services
from anju.consultations.queries import question_result
from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import AnjuError, Conflict, ValidationFailed
from anju.domain.costshare import largest_remainder, to_fen
from anju.domain.costshare.money import format_yuan
from anju.domain.errors import DomainError
from anju.domain.stewardship import fund
from anju.roster.models import Building, Compound, Household, Unit
from anju.stewardship import queries, queries_fund
from anju.stewardship.models_fund import (
    CaseKind,
    DocumentKind,
    EntryKind,
    FundAccount,
    FundCase,
    FundEntry,
    FundLedger,
    FundShare,
)

# Values of the consultations app's QuestionKind and Status (its models are its own; we go through its services).
YES_NO, CLOSED = "yes_no", "closed"
BOOKABLE = (EntryKind.OPENING, EntryKind.TOPUP, EntryKind.INTEREST, EntryKind.COMMON_INCOME)


def _invalid(error: DomainError) -> AnjuError:
    return ValidationFailed.from_domain(error)


def _today() -> datetime.date:
    return timezone.localdate()


def _fen(yuan: str, field: str) -> int:
    try:
        amount = to_fen(yuan, field=field)
    except DomainError as error:
        raise _invalid(error) from None
    if not 0 < amount <= fund.MAX_ENTRY_FEN:
        raise ValidationFailed("金额须大于 0。", "The amount is above 0.", field=field)
    return amount


def _check_day(day: datetime.date, field: str, what: str = "日期") -> None:
    if day > _today():
        raise ValidationFailed(f"{what}不能晚于今天。", "The date cannot be in the future.", field=field)


def _check_document(kind: str, ref: str) -> str:
    if kind not in DocumentKind.values:
        raise ValidationFailed("请选择凭证类型（银行回单、发票、决定或批复等）。", "Choose the kind of document.",
                               field="document_kind")
    ref = ref.strip()
    if not ref:
        raise ValidationFailed("每笔记账须有凭证：请填写银行回单、发票或决定的编号。",
                               "Every entry needs its document: enter the bank slip's, invoice's or decision's number.",
                               field="document_ref")
    return ref[:80]


def _audit(obj: FundAccount | FundLedger | FundEntry | FundCase, actor: Actor, *, action: str,
           after: dict[str, object], compound: Compound, before: dict[str, object] | None = None) -> None:
    audit.record(actor=actor, action=action, obj=obj, before=before, after=after, subdistrict_id=compound.subdistrict_id)


# --- the account and its ledgers ------------------------------------------------------------------


@transaction.atomic
def fund_open(*, compound: Compound, opened_on: datetime.date, bank: str = "", actor: Actor) -> FundAccount:
    """Open the compound's fund account with one ledger per building (上海 art. 66: 按幢立账)."""
    _check_day(opened_on, "opened_on", "建账日期")
    Compound.objects.select_for_update().get(pk=compound.pk)
    if FundAccount.objects.filter(compound=compound).exists():
        raise Conflict("该小区已建立专项维修资金账户。", "This compound already has a fund account.")
    buildings = list(Building.objects.filter(compound=compound).order_by("number"))
    if not buildings:
        raise ValidationFailed("该小区还没有楼栋，无法按幢建账。", "The compound has no buildings to keep ledgers for.",
                               field="compound")
    account = FundAccount.objects.create(compound=compound, opened_on=opened_on, bank=bank.strip()[:80])
    FundLedger.objects.bulk_create([FundLedger(account=account, building=b) for b in buildings])
    _audit(account, actor, action="fund_open", after={"opened_on": str(opened_on), "bank": account.bank,
                                         "ledgers": [b.number for b in buildings]}, compound=compound)
    return account


@transaction.atomic
def unit_ledger_open(*, account: FundAccount, unit: Unit, actor: Actor) -> FundLedger:
    """A ledger of its own for a unit whose elevator's costs stay with its households."""
    FundAccount.objects.select_for_update().get(pk=account.pk)
    if unit.building.compound_id != account.compound_id:
        raise ValidationFailed("该单元不在本小区。", "The unit is not in this compound.", field="unit")
    if FundLedger.objects.filter(account=account, unit=unit).exists():
        raise Conflict("该单元已有单独分账。", "This unit already has its own ledger.")
    ledger = FundLedger.objects.create(account=account, building=unit.building, unit=unit)
    _audit(ledger, actor, action="fund_ledger_open", after={"ledger": ledger.label}, compound=account.compound)
    return ledger


def _lock_account(ledger: FundLedger) -> None:
    FundAccount.objects.select_for_update().get(pk=ledger.account_id)


def _domain_entries(ledger: FundLedger) -> list[fund.Entry]:
    return [fund.Entry(str(pk), cast(fund.Kind, kind), amount, str(rev) if rev else None)
            for pk, kind, amount, rev in FundEntry.objects.filter(ledger=ledger).order_by("pk")
            .values_list("pk", "kind", "amount_fen", "reverses_id")]


def _book(ledger: FundLedger, *, kind: str, amount: int, booked_on: datetime.date, document_kind: str,
          document_ref: str, actor: Actor, household: Household | None = None, reverses: FundEntry | None = None,
          case: FundCase | None = None, note: str = "") -> FundEntry:
    existing = _domain_entries(ledger)
    try:
        fund.check_entry(existing, fund.Entry("new", cast(fund.Kind, kind), amount, str(reverses.pk) if reverses else None))
    except DomainError as error:
        raise _invalid(error) from None
    return FundEntry.objects.create(ledger=ledger, kind=kind, amount_fen=amount, booked_on=booked_on,
                                    document_kind=document_kind, document_ref=document_ref, household=household,
                                    reverses=reverses, case=case, note=note.strip()[:200], created_by=actor.user)


def _entry_after(entry: FundEntry, line: fund.Line) -> dict[str, object]:
    return {"ledger": entry.ledger.label, "kind": entry.kind, "amount_fen": entry.amount_fen,
            "booked_on": str(entry.booked_on), "document": f"{entry.document_kind}:{entry.document_ref}",
            "household": entry.household_id, "reverses": entry.reverses_id, "case": entry.case_id,
            "balance_fen": line.balance, "below_line": line.below}


@transaction.atomic
def entry_book(*, ledger: FundLedger, kind: str, amount_yuan: str, booked_on: datetime.date, document_kind: str,
               document_ref: str, household: Household | None = None, note: str = "", actor: Actor) -> FundEntry:
    """Book a credit: an opening deposit, a top-up, interest, or common income (Civil Code art. 282).
    Draws are booked by a use case's instalments (`case_pay`), never on their own."""
    if kind not in BOOKABLE:
        raise ValidationFailed("只能登记交存、续交、利息或共有收入；使用支出须通过维修资金使用事项支付。",
                               "Book deposits, top-ups, interest or common income; draws go through a use case.",
                               field="kind")
    amount = _fen(amount_yuan, "amount")
    _check_day(booked_on, "booked_on", "记账日期")
    ref = _check_document(document_kind, document_ref)
    if household is not None and household.unit.building_id != ledger.building_id:
        raise ValidationFailed("该户不在这一分账的楼栋。", "The household is not in this ledger's building.", field="household")
    if household is not None and ledger.unit_id and household.unit_id != ledger.unit_id:
        raise ValidationFailed("该户不在这一分账的单元。", "The household is not in this ledger's unit.", field="household")
    _lock_account(ledger)
    entry = _book(ledger, kind=kind, amount=amount, booked_on=booked_on, document_kind=document_kind,
                  document_ref=ref, household=household, note=note, actor=actor)
    line = queries_fund.fund_line(ledger)
    _audit(entry, actor, action="fund_entry", after=_entry_after(entry, line), compound=ledger.account.compound)
    return entry


@transaction.atomic
def contributions_book(*, ledger: FundLedger, kind: str, total_yuan: str, booked_on: datetime.date,
                       document_kind: str, document_ref: str, actor: Actor) -> list[FundEntry]:
    """A deposit or top-up of the whole ledger, split per household by exclusive area (Civil Code
    art. 283) to the fen: one entry per household, all on the same document."""
    if kind not in (EntryKind.OPENING, EntryKind.TOPUP):
        raise ValidationFailed("按户分摊只用于首期交存或续交。", "Split per household only for deposits and top-ups.",
                               field="kind")
    total = _fen(total_yuan, "total")
    _check_day(booked_on, "booked_on", "记账日期")
    ref = _check_document(document_kind, document_ref)
    households = list(queries_fund.ledger_households(ledger))
    try:
        shares = fund.shares_by_area(total, [fund.Payer(str(h.pk), h.floor, Fraction(str(h.exclusive_area)))
                                             for h in households])
    except DomainError as error:
        raise _invalid(error) from None
    _lock_account(ledger)
    entries = [_book(ledger, kind=kind, amount=shares[str(h.pk)], booked_on=booked_on, document_kind=document_kind,
                     document_ref=ref, household=h, actor=actor, note="按专有部分面积分户")
               for h in households if shares[str(h.pk)] > 0]
    line = queries_fund.fund_line(ledger)
    _audit(ledger, actor, action="fund_contributions", after={"kind": kind, "total_fen": total, "households": len(entries),
                                                 "document": f"{document_kind}:{ref}", "balance_fen": line.balance}, compound=ledger.account.compound)
    return entries


@transaction.atomic
def entry_reverse(*, entry: FundEntry, booked_on: datetime.date, document_kind: str, document_ref: str,
                  reason: str, actor: Actor) -> FundEntry:
    """Undo an entry by booking its opposite, naming it; the entry itself stays as it was."""
    if not reason.strip():
        raise ValidationFailed("请写明冲正原因。", "Say why the entry is reversed.", field="reason")
    _check_day(booked_on, "booked_on", "记账日期")
    if booked_on < entry.booked_on:
        raise ValidationFailed("冲正日期不能早于原记账日期。", "A reversal cannot predate its entry.", field="booked_on")
    ref = _check_document(document_kind, document_ref)
    _lock_account(entry.ledger)
    reversal = _book(entry.ledger, kind=EntryKind.REVERSAL, amount=entry.amount_fen, booked_on=booked_on,
                     document_kind=document_kind, document_ref=ref, household=entry.household, reverses=entry,
                     case=entry.case, note=f"冲正：{reason.strip()}"[:200], actor=actor)
    line = queries_fund.fund_line(entry.ledger)
    _audit(reversal, actor, action="fund_entry_reverse", after={**_entry_after(reversal, line), "reason": reason.strip()[:200]}, compound=entry.ledger.account.compound)
    return reversal


# --- use cases ------------------------------------------------------------------------------------


def _scope(compound: Compound, building: Building | None, unit: Unit | None) -> tuple[Building | None, Unit | None]:
    if unit is not None:
        building = unit.building
    if building is not None and building.compound_id != compound.pk:
        raise ValidationFailed("该楼栋不在本小区。", "The building is not in this compound.", field="building")
    return building, unit


def _case_households(case: FundCase) -> list[Household]:
    qs = Household.objects.filter(compound_id=case.compound_id)
    if case.unit_id:
        qs = qs.filter(unit_id=case.unit_id)
    elif case.building_id:
        qs = qs.filter(unit__building_id=case.building_id)
    return list(qs.select_related("unit__building").order_by("unit__building__number", "unit__number", "floor", "room"))


def _shares_make(case: FundCase) -> list[FundShare]:
    households = _case_households(case)
    try:
        shares = fund.shares_by_area(case.estimate_fen, [fund.Payer(str(h.pk), h.floor, Fraction(str(h.exclusive_area)))
                                                         for h in households])
    except DomainError as error:
        raise _invalid(error) from None
    return FundShare.objects.bulk_create([FundShare(case=case, household=h, area=h.exclusive_area,
                                                    amount_fen=shares[str(h.pk)]) for h in households])


def _ledgers_for(case: FundCase) -> list[FundLedger]:
    """The ledgers a case draws from: its unit's own ledger if it has one, else its building's, else
    every building ledger of the compound (a repair of the whole compound)."""
    account = queries_fund.fund_account_of(case.compound)
    if account is None:
        raise ValidationFailed("该小区尚未建立专项维修资金账户。", "The compound has no fund account yet.", field="compound")
    ledgers = FundLedger.objects.filter(account=account).select_related("building", "unit")
    if case.unit_id:
        own = ledgers.filter(unit_id=case.unit_id).first()
        if own is not None:
            return [own]
    if case.building_id:
        return list(ledgers.filter(building_id=case.building_id, unit__isnull=True))
    return list(ledgers.filter(unit__isnull=True))


@transaction.atomic
def case_open(*, compound: Compound, title: str, location: str, estimate_yuan: str, proposed_on: datetime.date,
              building: Building | None = None, unit: Unit | None = None, description: str = "", quotes: str = "",
              actor: Actor) -> FundCase:
    """Propose an ordinary use: what, where, who shares it, the estimate; the shares are computed now."""
    return _case_create(compound=compound, kind=CaseKind.ORDINARY, title=title, location=location,
                        estimate_yuan=estimate_yuan, proposed_on=proposed_on, building=building, unit=unit,
                        description=description, quotes=quotes, actor=actor)


@transaction.atomic
def emergency_report(*, compound: Compound, category: str, evidence_ref: str, title: str, location: str,
                     estimate_yuan: str, reported_on: datetime.date, building: Building | None = None,
                     unit: Unit | None = None, description: str = "", actor: Actor) -> FundCase:
    """An emergency (上海 art. 73, 办法 art. 24): its category and the evidence that category needs; no vote."""
    try:
        fund.check_emergency(category, evidence_ref)
    except DomainError as error:
        raise _invalid(error) from None
    return _case_create(compound=compound, kind=CaseKind.EMERGENCY, title=title, location=location,
                        estimate_yuan=estimate_yuan, proposed_on=reported_on, building=building, unit=unit,
                        description=description, quotes="", actor=actor, category=category,
                        evidence_ref=evidence_ref.strip()[:120])


def _case_create(*, compound: Compound, kind: str, title: str, location: str, estimate_yuan: str,
                 proposed_on: datetime.date, building: Building | None, unit: Unit | None, description: str,
                 quotes: str, actor: Actor, category: str = "", evidence_ref: str = "") -> FundCase:
    if not title.strip():
        raise ValidationFailed("请填写维修事项。", "Say what is repaired.", field="title")
    if not location.strip():
        raise ValidationFailed("请填写维修部位。", "Say where the repair is.", field="location")
    estimate = _fen(estimate_yuan, "estimate")
    _check_day(proposed_on, "proposed_on")
    building, unit = _scope(compound, building, unit)
    case = FundCase.objects.create(compound=compound, kind=kind, title=title.strip()[:120],
                                   location=location.strip()[:200], description=description.strip()[:4000],
                                   quotes=quotes.strip()[:4000], building=building, unit=unit, estimate_fen=estimate,
                                   proposed_on=proposed_on, category=category, evidence_ref=evidence_ref)
    _ledgers_for(case)  # refuses a compound without an account before anything is kept
    shares = _shares_make(case)
    _audit(case, actor, action="fund_case_open", after={"kind": kind, "title": case.title, "scope": case.scope_label,
                                           "estimate_fen": estimate, "households": len(shares),
                                           "category": category or None}, compound=compound)
    return case


def _lock_case(case: FundCase) -> FundCase:
    return FundCase.objects.select_for_update(of=("self",)).select_related("compound", "building", "unit", "consultation").get(
        pk=case.pk)


@transaction.atomic
def case_vote_open(*, case: FundCase, closes_at: datetime.datetime | None, actor: Actor) -> FundCase:
    """Put the repair to the households that pay for it: a consultation of exactly the case's scope,
    decided by Civil Code art. 278 for ordinary matters (2/3 take part; more than half agree)."""
    case = _lock_case(case)
    if case.kind != CaseKind.ORDINARY:
        raise Conflict("紧急使用不需要业主表决。", "Emergency use needs no vote.")
    if case.consultation_id:
        raise Conflict("该事项已发起业主表决。", "This case has a vote already.")
    total = format_yuan(case.estimate_fen)
    consultation = consultation_services.consultation_create(
        compound=case.compound, building=case.building, unit=case.unit if case.unit_id else None,
        title=f"使用专项维修资金：{case.title}"[:120], actor=actor, closes_at=closes_at,
        description=(f"维修部位：{case.location}。预算 {total} 元，由{case.scope_label}业主按专有部分面积分摊"
                     "（《中华人民共和国民法典》第二百八十三条）。"))
    consultation_services.question_add(
        consultation=consultation, kind=YES_NO, actor=actor, rule="civil-code-278-ordinary",
        text=f"是否同意使用专项维修资金 {total} 元用于{case.title}（{case.location}）？")
    consultation_services.consultation_open(consultation=consultation, actor=actor)
    case.consultation = consultation
    case.save(update_fields=["consultation"])
    _audit(case, actor, action="fund_case_vote", after={"consultation": consultation.pk, "scope": consultation.scope_label}, compound=case.compound)
    return case


def vote_passed(case: FundCase) -> bool:
    """The case's vote is closed, its electorate is exactly the paying households, and it passed."""
    consultation = case.consultation
    if consultation is None or consultation.status != CLOSED:
        return False
    question = consultation.questions.order_by("order").first()
    return question is not None and question_result(consultation, question).passed


def check_vote_scope(case: FundCase) -> None:
    """Refuse a vote whose electorate is not exactly the households that share the repair."""
    assert case.consultation is not None
    electors = set(case.consultation.electors.values_list("household_id", flat=True))
    payers = set(case.shares.values_list("household_id", flat=True))
    if electors != payers:
        extra, missing = len(electors - payers), len(payers - electors)
        raise ValidationFailed(
            f"表决范围与分摊住户不一致：多出 {extra} 户、缺少 {missing} 户；须由分摊费用的业主表决。",
            f"The vote's households differ from those who pay ({extra} extra, {missing} missing).", field="consultation")


@transaction.atomic
def case_approve(*, case: FundCase, by: str, on: datetime.date, actor: Actor) -> FundCase:
    """The committee's (业主委员会) or the 街道's approval. Ordinary use only after the owners' vote
    passed; an emergency needs the committee only (or the district's escalation)."""
    case = _lock_case(case)
    _check_day(on, "on")
    if on < case.proposed_on:
        raise ValidationFailed("审核日期不能早于提出日期。", "The approval cannot predate the proposal.", field="on")
    if by not in ("committee", "subdistrict"):
        raise ValidationFailed("请选择审核方。", "Choose who approves.", field="by")
    if case.kind == CaseKind.ORDINARY:
        if case.consultation is None:
            raise Conflict("请先发起业主表决。", "Put the repair to the owners' vote first.")
        check_vote_scope(case)
        if not vote_passed(case):
            raise Conflict("业主表决尚未结束或未通过（民法典第二百七十八条），不能审核。",
                           "The owners' vote has not closed or did not pass (Civil Code art. 278).")
    field = "committee_approved_on" if by == "committee" else "subdistrict_approved_on"
    if getattr(case, field) is not None:
        raise Conflict("已经审核过。", "Already approved.")
    setattr(case, field, on)
    case.save(update_fields=[field])
    _audit(case, actor, action="fund_case_approve", after={"by": by, "on": str(on)}, compound=case.compound)
    return case


@transaction.atomic
def emergency_escalate(*, case: FundCase, on: datetime.date, actor: Actor) -> FundCase:
    """The committee did not approve within the rule set's days (上海 art. 73): the district organises
    the repair; payments may then be drawn on its notice."""
    case = _lock_case(case)
    if case.kind != CaseKind.EMERGENCY:
        raise Conflict("只有紧急使用可以报请代修。", "Only an emergency is escalated.")
    if case.escalated_on is not None:
        raise Conflict("已报请区房屋管理部门组织代修。", "Already escalated.")
    rules = queries.rules_for(case.compound.subdistrict_id)
    due = fund.emergency_due(rules, case.proposed_on, on, case.committee_approved_on)
    if not due.may_escalate:
        source = rules.figure("fund_emergency_approval_days").source
        if due.deadline is None:
            zh = "所选规则集未规定业主委员会审核期限，不能按期限报请代修。"
        elif due.state == "approved":
            zh = "业主委员会已同意，无需报请代修。"
        else:
            zh = f"业主委员会审核期限至 {due.deadline:%Y年%-m月%-d日}（{source.zh if source else ''}），期满未同意方可报请代修。"
        raise ValidationFailed(zh, "The committee's approval period has not run out.", field="on")
    case.escalated_on = on
    case.save(update_fields=["escalated_on"])
    _audit(case, actor, action="fund_case_escalate", after={"on": str(on), "deadline": str(due.deadline)}, compound=case.compound)
    return case


def may_pay(case: FundCase) -> bool:
    if case.kind == CaseKind.EMERGENCY:
        return case.committee_approved_on is not None or case.escalated_on is not None
    return case.committee_approved_on is not None and case.subdistrict_approved_on is not None


@transaction.atomic
def case_pay(*, case: FundCase, amount_yuan: str, paid_on: datetime.date, document_kind: str, document_ref: str,
             actor: Actor) -> list[FundEntry]:
    """One instalment: a draw from the case's ledgers (split by their households' shares when the
    repair spans buildings), never above the estimate nor a ledger's balance. The 30% line of each
    ledger is checked after the draw and recorded."""
    case = _lock_case(case)
    if not may_pay(case):
        raise Conflict("审核完成后才能支付（业主委员会和街道；紧急使用为业主委员会或代修）。",
                       "Pay after the approvals (committee and 街道; in an emergency the committee or the district).")
    amount = _fen(amount_yuan, "amount")
    _check_day(paid_on, "paid_on", "支付日期")
    ref = _check_document(document_kind, document_ref)
    paid = queries_fund.case_paid(case)
    if paid + amount > case.estimate_fen:
        raise ValidationFailed(
            f"累计支付 {format_yuan(paid + amount)} 元将超过批准的预算 {format_yuan(case.estimate_fen)} 元"
            f"（已付 {format_yuan(paid)} 元）。",
            f"Total paid {format_yuan(paid + amount)} would exceed the approved {format_yuan(case.estimate_fen)}.",
            field="amount")
    ledgers = _ledgers_for(case)
    for ledger in ledgers:
        _lock_account(ledger)
    parts = _split(case, ledgers, amount)
    entries = []
    for ledger in ledgers:
        if parts[ledger.pk]:
            entries.append(_book(ledger, kind=EntryKind.DRAW, amount=parts[ledger.pk], booked_on=paid_on,
                                 document_kind=document_kind, document_ref=ref, case=case, actor=actor,
                                 note=f"{case.title}（第 {queries_fund.case_instalments(case) + 1} 期）"))
    lines = {ledger.label: queries_fund.fund_line(ledger) for ledger in ledgers}
    _audit(case, actor, action="fund_case_pay", after={
        "amount_fen": amount, "paid_on": str(paid_on), "document": f"{document_kind}:{ref}",
        "entries": [e.pk for e in entries], "below_line": sorted(k for k, v in lines.items() if v.below)}, compound=case.compound)
    return entries


def _split(case: FundCase, ledgers: Sequence[FundLedger], amount: int) -> dict[int, int]:
    if len(ledgers) == 1:
        return {ledgers[0].pk: amount}
    by_building: dict[int, int] = defaultdict(int)
    for building_id, share in case.shares.values_list("household__unit__building_id", "amount_fen"):
        by_building[building_id] += share
    weights = {str(ledger.pk): by_building.get(ledger.building_id, 0) for ledger in ledgers}
    floors = dict.fromkeys(weights, 0)
    try:
        rounded = largest_remainder(amount, weights, floors)
    except DomainError as error:
        raise _invalid(error) from None
    return {ledger.pk: rounded.amounts[str(ledger.pk)] for ledger in ledgers}


@transaction.atomic
def case_accept(*, case: FundCase, on: datetime.date, note: str, actor: Actor) -> FundCase:
    """竣工验收: recorded once the repair is approved and something was paid."""
    case = _lock_case(case)
    _check_day(on, "on", "验收日期")
    if case.accepted_on is not None:
        raise Conflict("已经验收。", "Already accepted.")
    if not may_pay(case):
        raise Conflict("审核完成后才能验收。", "Accept after the approvals.")
    if not note.strip():
        raise ValidationFailed("请填写验收情况（参加人、结论、照片编号等）。", "Describe the acceptance.", field="note")
    case.accepted_on, case.acceptance_note = on, note.strip()[:300]
    case.save(update_fields=["accepted_on", "acceptance_note"])
    _audit(case, actor, action="fund_case_accept", after={"on": str(on), "note": case.acceptance_note}, compound=case.compound)
    return case


@transaction.atomic
def case_publish(*, case: FundCase, on: datetime.date, actor: Actor) -> FundCase:
    """Publish the use and its accounts to the owners (Civil Code art. 281; for an emergency,
    afterwards: 办法 art. 24). After acceptance, when every instalment is booked."""
    case = _lock_case(case)
    _check_day(on, "on", "公示日期")
    if case.published_on is not None:
        raise Conflict("已经公示。", "Already published.")
    if case.accepted_on is None:
        raise Conflict("验收后才能公示使用情况。", "Publish after the acceptance.")
    case.published_on = on
    case.save(update_fields=["published_on"])
    _audit(case, actor, action="fund_case_publish", after={"on": str(on), "paid_fen": queries_fund.case_paid(case)}, compound=case.compound)
    return case
