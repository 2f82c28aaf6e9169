"""The party network and volunteers (the API side of the party pages in `views_meetings`).

Who may join, volunteer or have hours logged is the services' rule, the same for the pages.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from anju.core.access import Action
from anju.core.audit import Actor
from anju.core.bounds import Count, Id
from anju.participation import access, queries, services
from anju.participation.api.schemas import operation_id
from anju.participation.models import Membership, PartyOrganisation, Pledge, Volunteer

router = Router()


def _totals(org: PartyOrganisation) -> dict[str, Decimal | int]:
    # Two fields read the same sums: one query per organisation and answer.
    cached: dict[str, Decimal | int] | None = getattr(org, "_api_totals", None)
    if cached is None:
        cached = queries.branch_totals(org)
        org._api_totals = cached  # type: ignore[attr-defined]
    return cached


class OrganisationOut(Schema):
    id: int
    level: str
    name: str
    parent_id: int | None
    community_id: int | None
    compound_id: int | None
    hours: Decimal
    visits: int  # households of its area with a visit record, as the visits page counts them
    households: int

    @staticmethod
    def resolve_hours(obj: PartyOrganisation) -> Decimal:
        return Decimal(_totals(obj)["hours"])

    @staticmethod
    def resolve_visits(obj: PartyOrganisation) -> int:
        return int(_totals(obj)["visits"])

    @staticmethod
    def resolve_households(obj: PartyOrganisation) -> int:
        return int(_totals(obj)["households"])


class PledgeOut(Schema):
    kind: str
    kind_label: str
    status: str
    status_label: str

    @staticmethod
    def resolve_kind_label(obj: Pledge) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Pledge) -> str:
        return str(obj.get_status_display())


class MemberOut(Schema):
    membership_id: int
    person_id: int
    name: str
    duty: str
    pledges: list[PledgeOut]

    @staticmethod
    def resolve_membership_id(obj: Membership) -> int:
        return obj.pk

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.person.name

    @staticmethod
    def resolve_pledges(obj: Membership) -> list[Pledge]:
        return list(obj.pledges.all())


class VolunteerOut(Schema):
    person_id: int
    name: str
    role: str
    role_label: str
    compound_id: int
    project: str

    @staticmethod
    def resolve_name(obj: Volunteer) -> str:
        return obj.person.name

    @staticmethod
    def resolve_role_label(obj: Volunteer) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_project(obj: Volunteer) -> str:
        return str(obj.project or obj.project_reference)


class HoursOut(Schema):
    person_id: int
    name: str
    hours: Decimal
    visits: int
    entries: int


class OrganisationDetailOut(OrganisationOut):
    members: list[MemberOut]
    volunteers: list[VolunteerOut]
    hours_by_person: list[HoursOut]

    @staticmethod
    def resolve_members(obj: PartyOrganisation) -> list[Membership]:
        return queries.branch_members(obj)

    @staticmethod
    def resolve_volunteers(obj: PartyOrganisation) -> list[Volunteer]:
        return list(queries.branch_volunteers(obj))

    @staticmethod
    def resolve_hours_by_person(obj: PartyOrganisation) -> list[queries.PersonHours]:
        return queries.hours_by_person(queries.branch_activities(obj))


class ActivityIn(Schema):
    person_id: Id
    compound_id: Id
    on: datetime.date
    kind: str
    hours: Decimal
    visits: Count = 0
    note: str = ""


class MemberIn(Schema):
    person_id: Id
    duty: str = ""


class VolunteerIn(Schema):
    person_id: Id
    compound_id: Id
    role: str
    project_reference: str = ""


class PledgeIn(Schema):
    membership_id: Id
    kind: str
    status: str


@router.get("/party/organisations", response=list[OrganisationOut], operation_id=operation_id("list_organisations"))
def list_organisations(request: HttpRequest) -> list[PartyOrganisation]:
    return queries.party_tree(list(PartyOrganisation.objects.visible_to(request.user)))  # the page's order


@router.get("/party/organisations/{pk}", response=OrganisationDetailOut, operation_id=operation_id("organisation_detail"))
def organisation_detail(request: HttpRequest, pk: Id) -> PartyOrganisation:
    return access.access_organisation(request.user, pk, action=Action.VIEW)


@router.post("/party/activities", response={201: dict}, operation_id=operation_id("log_activity"))
def log_activity(request: HttpRequest, data: ActivityIn):
    """Log hours and visits of a volunteer or party member in a compound of the caller's scope."""
    # Only for the compound branch's members and its volunteers on duty: services.activity_log refuses anyone else.
    compound = access.access_compound(request.user, data.compound_id, action=Action.VIEW)  # volunteers log hours too
    person = access.access_person(request.user, data.person_id, action=Action.VIEW, subdistrict_id=compound.subdistrict_id)
    a = services.activity_log(person=person, compound=compound, on=data.on, kind=data.kind, hours=data.hours, visits=data.visits,
                              note=data.note, actor=Actor.of(request.user))
    return Status(201, {"id": a.pk, "hours": str(a.hours), "visits": a.visits})


@router.post("/party/pledges", response=PledgeOut, operation_id=operation_id("set_pledge"))
def set_pledge(request: HttpRequest, data: PledgeIn) -> Pledge:
    ms = access.access_membership(request.user, data.membership_id, action=Action.EDIT)
    return services.pledge_set(membership=ms, kind=data.kind, status=data.status, actor=Actor.of(request.user))


@router.post("/party/organisations/{pk}/members", response={201: MemberOut}, operation_id=operation_id("add_member"))
def add_member(request: HttpRequest, pk: Id, data: MemberIn):
    o = access.access_organisation(request.user, pk, action=Action.EDIT)
    person = access.access_person(request.user, data.person_id, action=Action.EDIT, subdistrict_id=o.subdistrict_id)
    ms = services.member_add(organisation=o, person=person, duty=data.duty, actor=Actor.of(request.user))
    return Status(201, ms)


@router.post("/party/volunteers", response={201: VolunteerOut}, operation_id=operation_id("assign_volunteer"))
def assign_volunteer(request: HttpRequest, data: VolunteerIn):
    compound = access.access_compound(request.user, data.compound_id, action=Action.EDIT)
    person = access.access_person(request.user, data.person_id, action=Action.EDIT, subdistrict_id=compound.subdistrict_id)
    v = services.volunteer_assign(person=person, compound=compound, role=data.role, project_reference=data.project_reference,
                                  actor=Actor.of(request.user))
    return Status(201, v)
