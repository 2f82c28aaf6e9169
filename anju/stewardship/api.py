"""长效管理 API: coverage, a compound's management and contracts, the rule set; the pages' rules.

Scoped like the pages (404 outside the scope, 403 for a read-only role); fees in 元 as strings.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from anju.core.audit import Actor
from anju.core.bounds import Id
from anju.core.formatting import yuan
from anju.core.scoping import scope_of
from anju.stewardship import queries, services
from anju.stewardship.access import (
    Action,
    access_company,
    access_compound,
    access_contract,
    require_subdistrict,
)
from anju.stewardship.models import Contract, Management

router = Router(tags=["stewardship 长效管理"])
Text = Annotated[str, Field(max_length=200)]


class CoverageOut(Schema):
    community_id: int | None
    community: str
    compounds: int
    managed_compounds: int
    households: int
    managed_households: int
    area: str
    managed_area: str


class ManagementOut(Schema):
    id: int
    mode: str
    mode_label: str
    company_id: int | None
    company: str | None
    since: datetime.date
    until: datetime.date | None


class ContractOut(Schema):
    id: int
    company_id: int
    company: str
    signed_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date | None
    terminated_on: datetime.date | None
    fee_yuan_per_m2_month: str
    filed_on: datetime.date | None
    filing_deadline: datetime.date | None
    filing_state: str | None


class StewardshipOut(Schema):
    id: int
    name: str
    current: ManagementOut | None
    managements: list[ManagementOut]
    contracts: list[ContractOut]


class ManagementIn(Schema):
    mode: Annotated[str, Field(max_length=20)]
    company_id: Id | None = None
    since: datetime.date
    note: Text = ""


class ContractIn(Schema):
    company_id: Id
    signed_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    fee_yuan_per_m2_month: Annotated[str, Field(max_length=12)]
    notice_days: Annotated[int, Field(ge=0, le=365)] | None = None
    services: Annotated[str, Field(max_length=4000)] = ""


class FilingIn(Schema):
    filed_on: datetime.date
    late_reason: Annotated[str, Field(max_length=500)] = ""


class FigureOut(Schema):
    key: str
    zh: str
    en: str
    value: Any
    source_zh: str | None
    source_en: str | None
    adjusted: bool
    fixed: bool


class RulesOut(Schema):
    key: str
    version: int
    zh: str
    en: str
    figures: list[FigureOut]


def _row(cid: int | None, name: str, c: queries.Coverage) -> dict[str, Any]:
    return {"community_id": cid, "community": name, "compounds": c.compounds, "managed_compounds": c.managed_compounds,
            "households": c.households, "managed_households": c.managed_households, "area": str(c.area),
            "managed_area": str(c.managed_area)}


@router.get("/coverage", response=list[CoverageOut])
def coverage(request: HttpRequest):
    """One row per community, then the total (community_id null)."""
    total, rows = queries.coverage(scope_of(request.user))
    return [_row(cid, name, c) for cid, name, c in rows] + [_row(None, "合计", total)]


def _management(m: Management) -> dict[str, Any]:
    return {"id": m.pk, "mode": m.mode, "mode_label": m.get_mode_display(), "company_id": m.company_id,
            "company": m.company.name if m.company else None, "since": m.since, "until": m.until}


def _contract(c: Contract, today: datetime.date) -> dict[str, Any]:
    due = queries.filing_due(queries.rules_for(c.compound.subdistrict_id), c, today) if c.filed_on is None else None
    return {"id": c.pk, "company_id": c.company_id, "company": c.company.name, "signed_on": c.signed_on,
            "starts_on": c.starts_on, "ends_on": c.ends_on, "terminated_on": c.terminated_on,
            "fee_yuan_per_m2_month": yuan(c.fee_fen), "filed_on": c.filed_on,
            "filing_deadline": due.deadline if due else None, "filing_state": due.state if due else None}


def _compound_out(request: HttpRequest, pk: int) -> dict[str, Any]:
    node = access_compound(request.user, pk, action=Action.VIEW)
    managements = list(queries.managements_of(node))
    today = timezone.localdate()
    return {"id": node.pk, "name": node.name,
            "current": next((_management(m) for m in managements if m.until is None), None),
            "managements": [_management(m) for m in managements],
            "contracts": [_contract(c, today) for c in queries.contracts_of(node).select_related("compound")]}


@router.get("/compounds/{pk}", response=StewardshipOut)
def compound(request: HttpRequest, pk: Id):
    return _compound_out(request, pk)


@router.post("/compounds/{pk}/management", response={201: StewardshipOut})
def management_set(request: HttpRequest, pk: Id, body: ManagementIn):
    node = access_compound(request.user, pk, action=Action.EDIT)
    company = access_company(request.user, body.company_id, action=Action.VIEW) if body.company_id else None
    services.management_set(compound=node, mode=body.mode, company=company, since=body.since, note=body.note,
                            actor=Actor.of(request.user))
    return Status(201, _compound_out(request, pk))


@router.post("/compounds/{pk}/contracts", response={201: StewardshipOut})
def contract_create(request: HttpRequest, pk: Id, body: ContractIn):
    node = access_compound(request.user, pk, action=Action.EDIT)
    services.contract_create(compound=node, company=access_company(request.user, body.company_id, action=Action.VIEW),
                             signed_on=body.signed_on, starts_on=body.starts_on, ends_on=body.ends_on,
                             fee_yuan=body.fee_yuan_per_m2_month, services=body.services, notice_days=body.notice_days,
                             actor=Actor.of(request.user))
    return Status(201, _compound_out(request, pk))


@router.post("/contracts/{pk}/filing", response=StewardshipOut)
def contract_file(request: HttpRequest, pk: Id, body: FilingIn):
    contract = access_contract(request.user, pk, action=Action.EDIT)
    services.contract_file(contract=contract, filed_on=body.filed_on, late_reason=body.late_reason,
                           actor=Actor.of(request.user))
    return _compound_out(request, contract.compound_id)


@router.get("/rules", response=RulesOut)
def rules(request: HttpRequest):
    """The rule set the caller's sub-district follows, every figure with its source article."""
    rules = queries.rules_for(require_subdistrict(request.user).subdistrict_id)
    return {"key": rules.base or rules.key, "version": rules.version, "zh": rules.zh, "en": rules.en, "figures": [
        {"key": f.key, "zh": f.meaning.zh, "en": f.meaning.en, "value": services.as_json(f.value),
         "source_zh": f.source.zh if f.source else None, "source_en": f.source.en if f.source else None,
         "adjusted": f.adjusted, "fixed": f.meaning.fixed} for f in rules.figures.values()]}


# The maintenance fund's operations, under the same prefix (/api/stewardship/…), in their own module.
from anju.stewardship.api_fund import router as fund_router  # noqa: E402

router.add_router("", fund_router)
