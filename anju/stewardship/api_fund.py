"""The maintenance fund's API: the same services and queries as the pages, amounts in 元 as strings
("1234.56", exact), scoped like the pages (404 outside the scope, 403 for a read-only role)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from anju.core.audit import Actor
from anju.core.bounds import Id
from anju.core.errors import NotFound, ValidationFailed
from anju.domain.costshare.money import plain_yuan
from anju.roster.models import Building, Household, Unit
from anju.stewardship import queries, queries_fund
from anju.stewardship.access import Action, access_compound, access_fund_case, access_fund_entry
from anju.stewardship.models_fund import FundCase, FundEntry, FundLedger
from anju.stewardship.services import fund as services

router = Router(tags=["stewardship 专项维修资金"])
Money = Annotated[str, Field(max_length=20)]
Ref = Annotated[str, Field(max_length=80)]
Text = Annotated[str, Field(max_length=200)]


class FundLedgerOut(Schema):
    id: int
    label: str
    households: int
    first_contribution: str
    balance: str
    topup_line: str | None
    below_line: bool


class FundCaseRowOut(Schema):
    id: int
    kind: str
    title: str
    scope: str
    estimate: str
    published_on: datetime.date | None


class FundOut(Schema):
    compound_id: int
    opened_on: datetime.date
    balance: str
    first_contribution: str
    topup_share: str | None
    topup_source: str | None
    ledgers: list[FundLedgerOut]
    cases: list[FundCaseRowOut]


class FundEntryOut(Schema):
    id: int
    ledger_id: int
    ledger: str
    kind: str
    amount: str
    booked_on: datetime.date
    document_kind: str
    document_ref: str
    household_id: int | None
    reverses_id: int | None
    case_id: int | None
    note: str


class FundOpenIn(Schema):
    opened_on: datetime.date
    bank: Annotated[str, Field(max_length=80)] = ""


class FundEntryIn(Schema):
    ledger_id: Id
    kind: Annotated[str, Field(max_length=20)]
    amount: Money
    booked_on: datetime.date
    document_kind: Annotated[str, Field(max_length=20)]
    document_ref: Ref
    household_id: Id | None = None
    note: Text = ""


class FundReverseIn(Schema):
    booked_on: datetime.date
    document_kind: Annotated[str, Field(max_length=20)]
    document_ref: Ref
    reason: Text


class FundCaseIn(Schema):
    kind: Annotated[str, Field(max_length=10)] = "ordinary"
    title: Annotated[str, Field(max_length=120)]
    location: Text
    estimate: Money
    proposed_on: datetime.date
    building_id: Id | None = None
    unit_id: Id | None = None
    description: Annotated[str, Field(max_length=4000)] = ""
    quotes: Annotated[str, Field(max_length=4000)] = ""
    category: Annotated[str, Field(max_length=20)] = ""
    evidence_ref: Annotated[str, Field(max_length=120)] = ""


class FundShareOut(Schema):
    household_id: int
    room: str
    area: str
    amount: str


class FundCaseOut(Schema):
    id: int
    kind: str
    title: str
    location: str
    scope: str
    estimate: str
    paid: str
    consultation_id: int | None
    vote_passed: bool | None
    committee_approved_on: datetime.date | None
    subdistrict_approved_on: datetime.date | None
    escalated_on: datetime.date | None
    approval_deadline: datetime.date | None
    accepted_on: datetime.date | None
    published_on: datetime.date | None
    category: str
    evidence_ref: str
    shares: list[FundShareOut]
    payments: list[FundEntryOut]


class FundVoteIn(Schema):
    closes_at: datetime.datetime


class FundApproveIn(Schema):
    by: Annotated[str, Field(max_length=20)]
    on: datetime.date


class FundPayIn(Schema):
    amount: Money
    paid_on: datetime.date
    document_kind: Annotated[str, Field(max_length=20)]
    document_ref: Ref


class FundDayIn(Schema):
    on: datetime.date
    note: Annotated[str, Field(max_length=300)] = ""


def _entry(e: FundEntry) -> dict[str, Any]:
    return {"id": e.pk, "ledger_id": e.ledger_id, "ledger": e.ledger.label, "kind": e.kind, "amount": plain_yuan(e.amount_fen),
            "booked_on": e.booked_on, "document_kind": e.document_kind, "document_ref": e.document_ref,
            "household_id": e.household_id, "reverses_id": e.reverses_id, "case_id": e.case_id, "note": e.note}


def _fund_out(request: HttpRequest, pk: int) -> dict[str, Any]:
    node = access_compound(request.user, pk, action=Action.VIEW)
    account = queries_fund.fund_account_of(node)
    if account is None:
        raise NotFound("该小区尚未建立专项维修资金账户", "The compound has no fund account")
    rules = queries.rules_for(node.subdistrict_id)
    view = queries_fund.fund_view(account, rules)
    figure = rules.figure("fund_topup_share")
    return {"compound_id": node.pk, "opened_on": account.opened_on, "balance": plain_yuan(view.balance),
            "first_contribution": plain_yuan(view.first),
            "topup_share": f"{figure.value.numerator}/{figure.value.denominator}" if figure.value is not None else None,
            "topup_source": figure.source.zh if figure.source else None,
            "ledgers": [{"id": r.ledger.pk, "label": r.ledger.label, "households": r.households,
                         "first_contribution": plain_yuan(r.line.first), "balance": plain_yuan(r.line.balance),
                         "topup_line": plain_yuan(r.line.line_fen) if r.line.line_fen is not None else None,
                         "below_line": r.line.below} for r in view.rows],
            "cases": [{"id": c.pk, "kind": c.kind, "title": c.title, "scope": c.scope_label,
                       "estimate": plain_yuan(c.estimate_fen), "published_on": c.published_on}
                      for c in queries_fund.cases_of(node)]}


@router.get("/compounds/{pk}/fund", response=FundOut)
def fund(request: HttpRequest, pk: Id):
    """The fund: balances per ledger (building or unit) against the top-up line, and its use cases."""
    return _fund_out(request, pk)


@router.post("/compounds/{pk}/fund", response={201: FundOut})
def fund_open(request: HttpRequest, pk: Id, body: FundOpenIn):
    node = access_compound(request.user, pk, action=Action.EDIT)
    services.fund_open(compound=node, opened_on=body.opened_on, bank=body.bank, actor=Actor.of(request.user))
    return Status(201, _fund_out(request, pk))


@router.get("/compounds/{pk}/fund/entries", response=list[FundEntryOut])
def fund_entries(request: HttpRequest, pk: Id):
    """Every entry of the fund, newest first (at most 1,000)."""
    node = access_compound(request.user, pk, action=Action.VIEW)
    account = queries_fund.fund_account_of(node)
    if account is None:
        raise NotFound("该小区尚未建立专项维修资金账户", "The compound has no fund account")
    return [_entry(e) for e in queries_fund.ledger_entries(account)[:1000]]


@router.post("/compounds/{pk}/fund/entries", response={201: FundEntryOut})
def fund_entry(request: HttpRequest, pk: Id, body: FundEntryIn):
    node = access_compound(request.user, pk, action=Action.EDIT)
    ledger = FundLedger.objects.filter(pk=body.ledger_id, account__compound=node).select_related(
        "account__compound", "building", "unit").first()
    if ledger is None:
        raise ValidationFailed("该小区没有这一分账。", "No such ledger in this compound.", field="ledger_id")
    household = None
    if body.household_id:
        household = Household.objects.filter(pk=body.household_id, compound=node).select_related("unit").first()
        if household is None:
            raise ValidationFailed("该小区没有这一户。", "No such household in this compound.", field="household_id")
    entry = services.entry_book(ledger=ledger, kind=body.kind, amount_yuan=body.amount, booked_on=body.booked_on,
                                document_kind=body.document_kind, document_ref=body.document_ref, household=household,
                                note=body.note, actor=Actor.of(request.user))
    return Status(201, _entry(entry))


@router.post("/fund/entries/{pk}/reverse", response={201: FundEntryOut})
def fund_entry_reverse(request: HttpRequest, pk: Id, body: FundReverseIn):
    entry = access_fund_entry(request.user, pk, action=Action.EDIT)
    reversal = services.entry_reverse(entry=entry, booked_on=body.booked_on, document_kind=body.document_kind,
                                      document_ref=body.document_ref, reason=body.reason, actor=Actor.of(request.user))
    return Status(201, _entry(reversal))


def _case_out(case: FundCase) -> dict[str, Any]:
    rules = queries.rules_for(case.compound.subdistrict_id)
    view = queries_fund.case_view(case, rules, timezone.localdate())
    return {"id": case.pk, "kind": case.kind, "title": case.title, "location": case.location, "scope": case.scope_label,
            "estimate": plain_yuan(case.estimate_fen), "paid": plain_yuan(view.paid), "consultation_id": case.consultation_id,
            "vote_passed": view.vote.passed if view.vote is not None and case.consultation
            and case.consultation.closed_at else None,
            "committee_approved_on": case.committee_approved_on, "subdistrict_approved_on": case.subdistrict_approved_on,
            "escalated_on": case.escalated_on, "approval_deadline": view.due.deadline if view.due else None,
            "accepted_on": case.accepted_on, "published_on": case.published_on, "category": case.category,
            "evidence_ref": case.evidence_ref,
            "shares": [{"household_id": s.household_id, "room": queries_fund.room_label(s.household), "area": str(s.area),
                        "amount": plain_yuan(s.amount_fen)} for s in view.shares],
            "payments": [_entry(e) for e in view.payments]}


@router.post("/compounds/{pk}/fund/cases", response={201: FundCaseOut})
def fund_case_create(request: HttpRequest, pk: Id, body: FundCaseIn):
    """An ordinary use (then put to the vote) or an emergency (category and its evidence, no vote)."""
    node = access_compound(request.user, pk, action=Action.EDIT)
    unit = Unit.objects.filter(pk=body.unit_id, building__compound=node).select_related("building").first() \
        if body.unit_id else None
    building = Building.objects.filter(pk=body.building_id, compound=node).first() if body.building_id else None
    if (body.unit_id and unit is None) or (body.building_id and building is None):
        raise ValidationFailed("分摊范围不在本小区。", "The scope is not in this compound.", field="building_id")
    common = {"compound": node, "title": body.title, "location": body.location, "estimate_yuan": body.estimate,
              "building": building, "unit": unit, "description": body.description, "actor": Actor.of(request.user)}
    if body.kind == "emergency":
        case = services.emergency_report(category=body.category, evidence_ref=body.evidence_ref,
                                         reported_on=body.proposed_on, **common)
    else:
        case = services.case_open(proposed_on=body.proposed_on, quotes=body.quotes, **common)
    return Status(201, _case_out(case))


@router.get("/fund/cases/{pk}", response=FundCaseOut)
def fund_case(request: HttpRequest, pk: Id):
    return _case_out(access_fund_case(request.user, pk, action=Action.VIEW))


@router.post("/fund/cases/{pk}/vote", response=FundCaseOut)
def fund_case_vote(request: HttpRequest, pk: Id, body: FundVoteIn):
    """Open the owners' vote: a consultation of exactly the households that share the repair."""
    case = access_fund_case(request.user, pk, action=Action.EDIT)
    return _case_out(services.case_vote_open(case=case, closes_at=body.closes_at, actor=Actor.of(request.user)))


@router.post("/fund/cases/{pk}/approve", response=FundCaseOut)
def fund_case_approve(request: HttpRequest, pk: Id, body: FundApproveIn):
    case = access_fund_case(request.user, pk, action=Action.EDIT)
    return _case_out(services.case_approve(case=case, by=body.by, on=body.on, actor=Actor.of(request.user)))


@router.post("/fund/cases/{pk}/escalate", response=FundCaseOut)
def fund_case_escalate(request: HttpRequest, pk: Id, body: FundDayIn):
    case = access_fund_case(request.user, pk, action=Action.EDIT)
    return _case_out(services.emergency_escalate(case=case, on=body.on, actor=Actor.of(request.user)))


@router.post("/fund/cases/{pk}/pay", response=FundCaseOut)
def fund_case_pay(request: HttpRequest, pk: Id, body: FundPayIn):
    """One instalment: draws from the case's ledgers; the 30% line is checked after it (see the fund)."""
    case = access_fund_case(request.user, pk, action=Action.EDIT)
    services.case_pay(case=case, amount_yuan=body.amount, paid_on=body.paid_on, document_kind=body.document_kind,
                      document_ref=body.document_ref, actor=Actor.of(request.user))
    return _case_out(FundCase.objects.select_related("compound", "building", "unit", "consultation").get(pk=case.pk))


@router.post("/fund/cases/{pk}/accept", response=FundCaseOut)
def fund_case_accept(request: HttpRequest, pk: Id, body: FundDayIn):
    case = access_fund_case(request.user, pk, action=Action.EDIT)
    return _case_out(services.case_accept(case=case, on=body.on, note=body.note, actor=Actor.of(request.user)))


@router.post("/fund/cases/{pk}/publish", response=FundCaseOut)
def fund_case_publish(request: HttpRequest, pk: Id, body: FundDayIn):
    case = access_fund_case(request.user, pk, action=Action.EDIT)
    return _case_out(services.case_publish(case=case, on=body.on, actor=Actor.of(request.user)))
