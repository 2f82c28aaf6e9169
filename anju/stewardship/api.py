"""长效管理 API: coverage, a compound's management and contracts, the rule set; the pages' rules.

Scoped like the pages (404 outside the scope, 403 for a read-only role); fees in 元 as strings.
"""

from __future__ import annotations

import datetime
import functools
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from anju.core.audit import Actor
from anju.core.bounds import Id
from anju.core.errors import NotFound
from anju.core.formatting import yuan
from anju.core.scoping import scope_of
from anju.roster.models import Person
from anju.stewardship import queries, services
from anju.stewardship.access import (
    Action,
    access_case,
    access_committee,
    access_company,
    access_compound,
    access_contract,
    access_member,
    require_subdistrict,
)
from anju.stewardship.models import Committee, Contract, FormationCase, Management

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
# 公示 (issue 14, point 4), under the same prefix.
from anju.stewardship.api_disclosure import router as disclosure_router  # noqa: E402

router.add_router("", disclosure_router)
# The election's publicity and the committee's meetings (issue 13), under the same prefix.
from anju.stewardship.api_election import router as election_router  # noqa: E402

router.add_router("", election_router)
# 满意度测评 (issue 14, point 5), under the same prefix.
from anju.stewardship.api_survey import router as survey_router  # noqa: E402

router.add_router("", survey_router)
# --- the committee over its term (the committee page's reads and writes) ---------------------------


class CommitteeDeadlineOut(Schema):
    key: str
    zh: str
    en: str
    deadline: datetime.date
    state: str
    source_zh: str | None


class CommitteeMemberOut(Schema):
    id: int
    name: str
    role: str
    role_label: str
    affiliation: str
    owner: bool
    party_member: bool
    since: datetime.date
    left_on: datetime.date | None


class CommitteeOut(Schema):
    id: int
    compound_id: int
    kind: str
    kind_label: str
    number: int
    elected_on: datetime.date
    term_years: int
    term_ends: datetime.date
    term_state: str
    election_ref: str
    case_id: int | None
    first_meeting_on: datetime.date | None
    filed_on: datetime.date | None
    party_members: int
    members: list[CommitteeMemberOut]
    deadlines: list[CommitteeDeadlineOut]


class CommitteeElectIn(Schema):
    elected_on: datetime.date | None = None
    term_years: Annotated[int, Field(ge=1, le=20)]
    member_ids: Annotated[list[Id], Field(max_length=21)]
    election_ref: Annotated[str, Field(max_length=120)] = ""
    case_id: Id | None = None


class CommitteeFilingIn(Schema):
    filed_on: datetime.date
    late_reason: Annotated[str, Field(max_length=300)] = ""


class CommitteeLeaveIn(Schema):
    on: datetime.date
    reason: Annotated[str, Field(max_length=20)]
    replacement_id: Id | None = None


class ListRowOut(Schema):
    compound_id: int
    compound: str
    community: str
    committee_id: int | None
    term_ends: datetime.date | None
    emergency_deadline: datetime.date | None


def _committee_out(body: Committee) -> dict[str, Any]:
    rules = queries.rules_for(body.compound.subdistrict_id)
    view = queries.committee_view(body, rules, timezone.localdate())

    def source(key: str | None) -> str | None:
        found = rules.figures[key].source if key else None
        return found.zh if found else None

    return {"id": body.pk, "compound_id": body.compound_id, "kind": body.kind, "kind_label": body.get_kind_display(),
            "number": body.number, "elected_on": body.elected_on, "term_years": body.term_years,
            "term_ends": body.term_ends, "term_state": view.term_state, "election_ref": body.election_ref,
            "case_id": body.case_id, "first_meeting_on": body.first_meeting_on, "filed_on": body.filed_on,
            "party_members": view.party_members,
            "members": [{"id": m.pk, "name": m.name, "role": m.role, "role_label": m.get_role_display(),
                         "affiliation": m.affiliation, "owner": m.owner, "party_member": m.party_member,
                         "since": m.since, "left_on": m.left_on} for m in view.serving + view.former],
            "deadlines": [{"key": d.key, "zh": d.zh, "en": d.en, "deadline": d.due.deadline, "state": d.due.state,
                           "source_zh": source(d.figure)} for d in view.deadlines]}


@router.get("/compounds/{pk}/committee", response={200: CommitteeOut, 204: None})
def committee(request: HttpRequest, pk: Id):
    """The committee in office (owners' or interim), or 204 if there is none."""
    node = access_compound(request.user, pk, action=Action.VIEW)
    body = queries.committee_in_office(node)
    return _committee_out(body) if body else Status(204, None)


@router.post("/compounds/{pk}/committee", response={201: CommitteeOut})
def committee_elect(request: HttpRequest, pk: Id, body: CommitteeElectIn):
    """Register the elected committee (from its formation case when `case_id` is given)."""
    node = access_compound(request.user, pk, action=Action.EDIT)
    case = FormationCase.objects.filter(compound=node, pk=body.case_id).first() if body.case_id else None
    people = {p.pk: p for p in Person.objects.filter(subdistrict_id=node.subdistrict_id, pk__in=body.member_ids)}
    created = services.committee_elect(
        compound=node, case=case, elected_on=body.elected_on, term_years=body.term_years, election_ref=body.election_ref,
        members=[services.NewMember(people[i]) for i in body.member_ids if i in people], actor=Actor.of(request.user))
    return Status(201, _committee_out(created))


class AssemblyVoteIn(Schema):
    title: Annotated[str, Field(max_length=120, description='"": the compound\'s name + 首次业主大会会议')]
    closes_at: datetime.datetime | None = None


class AssemblyVoteOut(Schema):
    case_id: int
    consultation_id: int
    seats: int
    candidates: list[str]


class FromElectionIn(Schema):
    term_years: Annotated[int, Field(ge=1, le=20)]


@router.post("/formation/{pk}/assembly", response={201: AssemblyVoteOut})
def assembly_vote_open(request: HttpRequest, pk: Id, body: AssemblyVoteIn):
    """Open the first assembly meeting's vote: an election of the case's seats among its candidates."""
    case = access_case(request.user, pk, action=Action.EDIT)
    case = services.assembly_vote_open(case=case, title=body.title, closes_at=body.closes_at,
                                       actor=Actor.of(request.user))
    assert case.assembly is not None and case.seats is not None
    return Status(201, {"case_id": case.pk, "consultation_id": case.assembly.pk, "seats": case.seats,
                        "candidates": list(case.assembly.questions.get().choices)})


@router.post("/formation/{pk}/committee", response={201: CommitteeOut})
def committee_from_election(request: HttpRequest, pk: Id, body: FromElectionIn):
    """Seat the closed assembly vote's elected candidates as the case's first committee."""
    case = access_case(request.user, pk, action=Action.EDIT)
    created = services.committee_from_election(case=case, term_years=body.term_years, actor=Actor.of(request.user))
    return Status(201, _committee_out(created))


@router.post("/committees/{pk}/filing", response=CommitteeOut)
def committee_file(request: HttpRequest, pk: Id, body: CommitteeFilingIn):
    found = access_committee(request.user, pk, action=Action.EDIT)
    services.committee_file(committee=found, filed_on=body.filed_on, late_reason=body.late_reason,
                            actor=Actor.of(request.user))
    return _committee_out(access_committee(request.user, pk, action=Action.VIEW))


@router.post("/committee-members/{pk}/leave", response=CommitteeOut)
def committee_member_leave(request: HttpRequest, pk: Id, body: CommitteeLeaveIn):
    member = access_member(request.user, pk, action=Action.EDIT)
    replacement = (Person.objects.filter(subdistrict_id=member.committee.compound.subdistrict_id,
                                         pk=body.replacement_id).first() if body.replacement_id else None)
    services.member_leave(member=member, on=body.on, reason=body.reason,
                          replacement=services.NewMember(replacement) if replacement else None,
                          actor=Actor.of(request.user))
    return _committee_out(access_committee(request.user, member.committee_id, action=Action.VIEW))


@router.get("/lists/{kind}", response=list[ListRowOut])
def work_list(request: HttpRequest, kind: Annotated[str, Field(max_length=20)]):
    """One governance work list of the index (committee, interim, emergency, overdue, ending, expired)."""
    if kind not in queries.LISTS:
        raise NotFound("没有这一清单", "No such list")
    rows = queries.stewardship_lists(scope_of(request.user), functools.cache(queries.rules_for), timezone.localdate())
    return [{"compound_id": r.compound.pk, "compound": r.compound.name, "community": r.compound.community.name,
             "committee_id": r.committee.committee.pk if r.committee else None,
             "term_ends": r.committee.committee.term_ends if r.committee else None,
             "emergency_deadline": r.emergency_due.deadline if r.emergency_due else None} for r in rows[kind]]
