"""物业费 API: collection rates, a compound's arrears, billing and payments through the pages' services.

Amounts in 元 as strings ("62.90"), rates as decimal strings ("0.6250"); scoped like the pages
(household amounts for staff only). The manager's payments file is imported on its page (a
background job); a single payment is recorded here.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from anju.core.audit import Actor
from anju.core.bounds import Id
from anju.core.errors import ValidationFailed
from anju.core.formatting import plain_yuan
from anju.core.scoping import Scope, scope_of
from anju.domain.errors import DomainError
from anju.domain.stewardship.fees import FORBIDDEN_NOTICE_EN, FORBIDDEN_NOTICE_ZH, Period, Rates
from anju.roster.access import access_community, access_household
from anju.stewardship import queries_fees as queries
from anju.stewardship.access_fees import Action, access_compound, access_fee_compound
from anju.stewardship.models_fees import Channel
from anju.stewardship.services import fees as services

router = Router(tags=["stewardship 物业费"])


class FeeRatesOut(Schema):
    due_yuan: str
    paid_yuan: str
    by_amount: str | None
    households: int
    paid_households: int
    by_household: str | None


class FeeLevelOut(Schema):
    id: int
    name: str
    current: FeeRatesOut
    owed_yuan: str


class FeeTrendOut(Schema):
    period: str
    current: FeeRatesOut
    arrears_by_amount: str | None


class FeeCollectionOut(Schema):
    period: str | None
    level: str
    current: FeeRatesOut | None
    arrears: FeeRatesOut | None
    owed_yuan: str | None
    rows: list[FeeLevelOut]
    trend: list[FeeTrendOut]
    collection_note_zh: str
    collection_note_en: str


class FeeDebtorOut(Schema):
    household_id: int
    room_code: str
    owed_yuan: str
    months: int
    oldest: str
    letter_number: str | None
    letter_pay_by: datetime.date | None


class FeeCompoundOut(Schema):
    id: int
    name: str
    collection: FeeCollectionOut
    ageing_yuan: dict[str, str]
    debtors: list[FeeDebtorOut]


class FeeBillIn(Schema):
    period: Annotated[str, Field(max_length=10, description="2025-06")]


class FeeBillOut(Schema):
    period: str
    bills: int
    total_yuan: str
    vacant: int


class FeePaymentIn(Schema):
    household_id: Id
    paid_on: datetime.date
    amount_yuan: Annotated[str, Field(max_length=14)]
    receipt: Annotated[str, Field(max_length=40)]
    channel: Annotated[str, Field(max_length=10)] = Channel.OTHER


class FeePaymentOut(Schema):
    id: int
    household_id: int
    paid_on: datetime.date
    amount_yuan: str
    credit_yuan: str
    settled_bills: int


class FeeLegalOut(Schema):
    household_id: int
    room_code: str
    letter_number: str
    issued_on: datetime.date
    pay_by: datetime.date
    demanded_yuan: str
    still_owed_yuan: str
    next_step: str


class FeePledgeOut(Schema):
    name: str
    roles: list[str]
    rooms: str
    billed_yuan: str
    paid_yuan: str
    settled: bool


def _ratio(value: Any) -> str | None:
    return None if value is None else f"{float(value):.4f}"


def _rates(r: Rates) -> dict[str, Any]:
    return {"due_yuan": plain_yuan(r.due_fen), "paid_yuan": plain_yuan(r.paid_fen), "by_amount": _ratio(r.by_amount),
            "households": r.households, "paid_households": r.paid_households, "by_household": _ratio(r.by_household)}


def _period(raw: str | None) -> Period | None:
    if not raw:
        return None
    try:
        return Period.parse(raw)
    except DomainError as error:
        raise ValidationFailed.from_domain(error) from None


def _collection(bills: Any, period: Period | None, level: str) -> dict[str, Any]:
    period = period or queries.latest_period(bills)
    out: dict[str, Any] = {"period": str(period) if period else None, "level": level, "current": None, "arrears": None,
                           "owed_yuan": None, "rows": [], "trend": [], "collection_note_zh": FORBIDDEN_NOTICE_ZH,
                           "collection_note_en": FORBIDDEN_NOTICE_EN}
    if period is None:
        return out
    head = queries.summary(bills, period)
    out |= {"current": _rates(head["current"]), "arrears": _rates(head["arrears"]), "owed_yuan": plain_yuan(head["owed_fen"]),
            "rows": [{"id": r.key, "name": r.name, "current": _rates(r.current), "owed_yuan": plain_yuan(r.owed_fen)}
                     for r in queries.breakdown(bills, period, level)],
            "trend": [{"period": str(p.period), "current": _rates(p.current), "arrears_by_amount": _ratio(p.arrears.by_amount)}
                      for p in queries.trend(bills, period)]}
    return out


@router.get("/rates", response=FeeCollectionOut)
def rates(request: HttpRequest, period: Annotated[str, Field(max_length=10)] = "", community: Id | None = None):
    """收缴率 in the caller's scope (or one community of it): by level and the last 12 months."""
    scope = scope_of(request.user)
    if community is not None and scope.compound_id is None:
        node = access_community(request.user, community, action=Action.VIEW)
        scope = Scope(everything=False, subdistrict_id=node.subdistrict_id, community_id=node.pk)
    level = "building" if scope.compound_id else ("compound" if scope.community_id else "community")
    return _collection(queries.bills_in(scope), _period(period), level)


@router.get("/compounds/{pk}", response=FeeCompoundOut)
def compound(request: HttpRequest, pk: Id, period: Annotated[str, Field(max_length=10)] = ""):
    node = access_fee_compound(request.user, pk, action=Action.VIEW)
    totals, debtors = queries.arrears(node, timezone.localdate())
    return {"id": node.pk, "name": node.name,
            "collection": _collection(queries.bills_in(scope_of(request.user)).filter(compound=node), _period(period),
                                      "building"),
            "ageing_yuan": {k: plain_yuan(v) for k, v in totals.items()},
            "debtors": [{"household_id": d.household.pk, "room_code": d.household.room_code,
                         "owed_yuan": plain_yuan(d.owed_fen), "months": d.months, "oldest": str(d.oldest),
                         "letter_number": d.letter.number if d.letter else None,
                         "letter_pay_by": d.letter.pay_by if d.letter else None} for d in debtors]}


@router.post("/compounds/{pk}/bills", response={201: FeeBillOut})
def bill(request: HttpRequest, pk: Id, body: FeeBillIn):
    """Bill every household for one month (once per month)."""
    node = access_fee_compound(request.user, pk, action=Action.EDIT)
    period = _period(body.period)
    if period is None:
        raise ValidationFailed("请填写账期。", "Enter the month.", field="period")
    run = services.bill_month(compound=node, period=period, actor=Actor.of(request.user))
    return Status(201, {"period": str(run.period), "bills": run.bills, "total_yuan": plain_yuan(run.total_fen),
                        "vacant": run.vacant})


@router.post("/compounds/{pk}/payments", response={201: FeePaymentOut})
def payment(request: HttpRequest, pk: Id, body: FeePaymentIn):
    """A payment a household made; it settles the oldest bills first."""
    node = access_fee_compound(request.user, pk, action=Action.EDIT)
    household = access_household(request.user, body.household_id, action=Action.EDIT)
    if household.compound_id != node.pk:
        raise ValidationFailed("该户不在本小区。", "The household is not in this compound.", field="household_id")
    made = services.payment_record(household=household, paid_on=body.paid_on, amount_yuan=body.amount_yuan,
                                   receipt=body.receipt, channel=body.channel, actor=Actor.of(request.user))
    return Status(201, {"id": made.pk, "household_id": household.pk, "paid_on": made.paid_on,
                        "amount_yuan": plain_yuan(made.amount_fen), "credit_yuan": plain_yuan(made.credit_fen),
                        "settled_bills": made.allocations.count()})


@router.get("/compounds/{pk}/legal", response=list[FeeLegalOut])
def legal(request: HttpRequest, pk: Id):
    """Households past their demand letter's date still owing (Civil Code art. 944 ¶2): court or arbitration."""
    node = access_fee_compound(request.user, pk, action=Action.VIEW)
    return [{"household_id": c.letter.household_id, "room_code": c.letter.household.room_code,
             "letter_number": c.letter.number, "issued_on": c.letter.issued_on, "pay_by": c.letter.pay_by,
             "demanded_yuan": plain_yuan(c.letter.owed_fen), "still_owed_yuan": plain_yuan(c.still_owed_fen),
             "next_step": "诉讼或仲裁"} for c in queries.legal_list(node, timezone.localdate())]


@router.get("/compounds/{pk}/pledge", response=list[FeePledgeOut])
def pledge(request: HttpRequest, pk: Id, year: Annotated[int, Field(ge=2000, le=2100)] | None = None,
           half: Annotated[int, Field(ge=1, le=2)] | None = None):
    """Party and committee members' own payments for a half-year (default: the last one ended)."""
    node = access_compound(request.user, pk, action=Action.VIEW)
    y, h = (year, half) if year and half else queries.halves_to_publish(timezone.localdate())
    return [{"name": r.name, "roles": list(r.roles), "rooms": r.rooms, "billed_yuan": plain_yuan(r.billed_fen),
             "paid_yuan": plain_yuan(r.paid_fen), "settled": r.settled} for r in queries.pledge_rows(node, y, h)]
