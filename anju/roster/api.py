"""Roster API: the hierarchy and households, scoped by the caller, personal data masked."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from anju.core import paging
from anju.core.audit import Actor
from anju.core.bounds import MAX_INT32, Cursor, Id, Offset, limit
from anju.core.errors import AnjuError, NotFound, ValidationFailed
from anju.core.scoping import scope_of
from anju.roster import queries, services_records
from anju.roster.access import (
    Action,
    access_compound,
    access_household,
    access_person,
    access_person_reveal,
    access_subdistrict,
    require_reveal_auditor,
)
from anju.roster.models import Building, Community, Compound, Household, Person, Residence, Subdistrict, Unit

router = Router(tags=["roster 摸底台账"])


class TotalsOut(Schema):
    compounds: int
    buildings: int
    households: int
    people: int
    elderly: int
    stranded_elderly: int
    gross_area: Decimal
    exclusive_area: Decimal


class NodeOut(Schema):
    id: int
    name: str


class CompoundOut(Schema):
    id: int
    name: str
    community_id: int
    address: str
    year_built: int | None


class BuildingOut(Schema):
    id: int
    compound_id: int
    number: str
    storeys: int
    structure: str
    year_built: int | None
    gross_area: Decimal


class UnitOut(Schema):
    id: int
    building_id: int
    number: str
    has_elevator: bool


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_year: int | None
    phone: str
    id_number: str
    party_member: bool
    limited_mobility: bool


class HouseholdOut(Schema):
    id: int
    unit_id: int
    compound_id: int
    room_code: str
    floor: int
    room: str
    exclusive_area: Decimal
    occupancy: str


class HouseholdDetailOut(HouseholdOut):
    owners: list[PersonOut]
    residents: list[PersonOut]


def _person(p: Person) -> PersonOut:
    # The API never returns personal data in clear: exports for roles that need it go through the roster export.
    return PersonOut(id=p.pk, name=p.name, sex=p.sex, birth_year=p.birth_year, phone=p.phone_masked,
                     id_number=p.id_number_masked, party_member=p.party_member, limited_mobility=p.limited_mobility)


def _household(h: Household) -> HouseholdOut:
    return HouseholdOut(id=h.pk, unit_id=h.unit_id, compound_id=h.compound_id, room_code=h.room_code, floor=h.floor,
                        room=h.room, exclusive_area=h.exclusive_area, occupancy=h.occupancy)


@router.get("/subdistricts", response=list[NodeOut])
def list_subdistricts(request: HttpRequest, response: HttpResponse, limit: limit(1000) = 1000,
                      cursor: Cursor | None = None):
    return paging.page(Subdistrict.objects.visible_to(request.user).values("id", "name"), limit=limit, cursor=cursor,
                       offset=0, request=request, response=response)


@router.get("/subdistricts/{pk}/totals", response=TotalsOut)
def subdistrict_totals(request: HttpRequest, pk: Id):
    node = access_subdistrict(request.user, pk, action=Action.VIEW)
    return queries.grand_total(queries.kept_totals_by(scope_of(request.user), "community", Q(subdistrict_id=node.pk)))


@router.get("/communities", response=list[NodeOut])
def list_communities(request: HttpRequest, response: HttpResponse, limit: limit(1000) = 1000,
                     cursor: Cursor | None = None):
    return paging.page(Community.objects.visible_to(request.user).values("id", "name"), limit=limit, cursor=cursor,
                       offset=0, request=request, response=response)


@router.get("/compounds", response=list[CompoundOut])
def list_compounds(request: HttpRequest, response: HttpResponse, community_id: Id | None = None,
                   limit: limit(1000) = 1000, cursor: Cursor | None = None):
    qs = Compound.objects.visible_to(request.user)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return paging.page(qs, limit=limit, cursor=cursor, offset=0, request=request, response=response)


@router.get("/compounds/{pk}", response=CompoundOut)
def get_compound(request: HttpRequest, pk: Id):
    return access_compound(request.user, pk, action=Action.VIEW)


@router.get("/buildings", response=list[BuildingOut])
def list_buildings(request: HttpRequest, response: HttpResponse, compound_id: Id | None = None,
                   limit: limit(1000) = 1000, cursor: Cursor | None = None):
    qs = Building.objects.visible_to(request.user)
    if compound_id is not None:
        qs = qs.filter(compound_id=compound_id)
    return paging.page(qs, limit=limit, cursor=cursor, offset=0, request=request, response=response)


@router.get("/units", response=list[UnitOut])
def list_units(request: HttpRequest, building_id: Id):
    return list(Unit.objects.visible_to(request.user).filter(building_id=building_id))


class SearchIn(Schema):
    q: str = Field(max_length=queries.MAX_QUERY_LENGTH)
    limit: int = Field(50, ge=1, le=200)
    offset: Offset = 0


class FindIn(Schema):
    q: str = Field(max_length=queries.MAX_QUERY_LENGTH, description="房号（世纪花园3栋2单元501、3栋2单元、3-2-501、501）、小区名称、姓名、电话或身份证号")
    compound_id: Id | None = None
    page: int = Field(1, ge=1, le=MAX_INT32)
    page_size: int = Field(20, ge=1, le=100)


class HitHouseholdOut(Schema):
    id: int
    compound_id: int
    compound_name: str
    room_code: str
    room_label: str


class HitPersonOut(Schema):
    id: int
    name: str
    phone: str
    owner: bool
    resident: bool
    elderly: bool
    party_member: bool
    limited_mobility: bool
    households: list[HitHouseholdOut]


class HitOut(Schema):
    kind: str
    compound: NodeOut | None = None
    household: HitHouseholdOut | None = None
    person: HitPersonOut | None = None


class FoundOut(Schema):
    kind: str
    total: int
    page: int
    pages: int
    results: list[HitOut]


class RefusedOut(Schema):
    detail: str
    field: str | None = None


PERSONAL_NUMBER_IN_URL = AnjuError(
    "身份证号和电话号码不能写在网址里：请用 POST /api/roster/households/search 查找。",
    "ID numbers and phones are not searched from a URL: use POST /api/roster/households/search.",
    field="q",
)


@router.get("/households", response={200: list[HouseholdOut], 400: RefusedOut})
def list_households(request: HttpRequest, response: HttpResponse, compound_id: Id | None = None,
                    unit_id: Id | None = None, q: str | None = None, limit: limit(1000) = 200, offset: Offset = 0,
                    cursor: Cursor | None = None):
    """Households in scope; `q` searches a room code or a name like the search page (a phone or an ID
    number: POST /households/search, so that it stays out of URLs and access logs)."""
    scope = scope_of(request.user)
    if q:
        if queries.is_personal_number(q):
            raise PERSONAL_NUMBER_IN_URL
        found = queries.search(scope, q).households().select_related("unit__building", "compound")
        rows = paging.page(found, limit=min(limit, 200), cursor=cursor, offset=offset, request=request, response=response)
        return [_household(h) for h in rows]
    qs = Household.objects.within(scope).select_related("unit__building").order_by("id")
    if compound_id is not None:
        qs = qs.filter(compound_id=compound_id)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return [_household(h) for h in paging.page(qs, limit=limit, cursor=cursor, offset=offset, request=request,
                                               response=response)]


@router.post("/households/search", response=list[HouseholdOut])
def search_households(request: HttpRequest, body: SearchIn):
    """Households in scope whose room code, owner's or resident's name, phone or ID number is `q`."""
    found, _kind = queries.search_households(scope_of(request.user), body.q, limit=body.limit, offset=body.offset)
    return [_household(h) for h in found]


@router.post("/search", response=FoundOut)
def search(request: HttpRequest, body: FindIn):
    """What the search page finds, one page at a time with the total: compounds, households and people
    (phones masked) in scope; `q` in the body, so a phone or an ID number stays out of URLs."""
    found = queries.search(scope_of(request.user), body.q, compound_id=body.compound_id)
    total = found.count()
    start = (body.page - 1) * body.page_size
    hits = found[start:start + body.page_size] if start < total else []
    return FoundOut(kind=found.kind, total=total, page=body.page, pages=-(-total // body.page_size),
                    results=[_hit(hit) for hit in hits])


def _hit_household(h: Household) -> HitHouseholdOut:
    return HitHouseholdOut(id=h.pk, compound_id=h.compound_id, compound_name=h.compound.name,
                           room_code=h.room_code, room_label=h.room_label)


def _hit(hit: queries.Hit) -> HitOut:
    if hit.compound is not None:
        return HitOut(kind=hit.kind, compound=NodeOut(id=hit.compound.pk, name=hit.compound.name))
    if hit.household is not None:
        return HitOut(kind=hit.kind, household=_hit_household(hit.household))
    p = hit.person
    assert p is not None
    return HitOut(kind=hit.kind, person=HitPersonOut(
        id=p.pk, name=p.name, phone=p.phone_masked, owner=hit.is_owner, resident=hit.is_resident,
        elderly=p.is_elderly, party_member=p.party_member, limited_mobility=p.limited_mobility,
        households=[_hit_household(h) for h in hit.households]))


@router.get("/households/{pk}", response=HouseholdDetailOut)
def get_household(request: HttpRequest, pk: Id):
    return _detail(access_household(request.user, pk, action=Action.VIEW))


# ---------------------------------------------------------------- corrections (same services as the pages)


class HouseholdPatch(Schema):
    exclusive_area: Decimal | None = None
    occupancy: str | None = Field(None, max_length=10)
    note: str | None = Field(None, max_length=200)


class PersonPatch(Schema):
    name: str | None = Field(None, max_length=40)
    sex: str | None = Field(None, max_length=1)
    birth_year: int | None = Field(None, ge=1900, le=2100)
    id_number: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=40)
    limited_mobility: bool | None = None
    party_member: bool | None = None


class MoveOutIn(Schema):
    person_id: Id
    ended_on: datetime.date


class DeathIn(Schema):
    died_on: datetime.date


class NewOwnerIn(Schema):
    person_id: Id | None = None
    name: str = Field("", max_length=40)
    id_number: str = Field("", max_length=40)
    phone: str = Field("", max_length=40)


class TransferIn(Schema):
    on: datetime.date
    new_owners: list[NewOwnerIn] = Field(min_length=1, max_length=10)


class RevealIn(Schema):
    field: str = Field(max_length=20)


class RevealOut(Schema):
    person_id: int
    field: str
    value: str


class RevealLogOut(Schema):
    id: int
    at: datetime.datetime
    viewer: str
    person_id: int | None
    person_name: str
    # What else was looked at when it was not a person (a resident's contact on a suggestion); never the number.
    subject: str
    field: str


def _detail(h: Household) -> HouseholdDetailOut:
    return HouseholdDetailOut(
        **_household(h).dict(),
        owners=[_person(p) for p in Person.objects.filter(ownerships__household=h)],
        residents=[_person(p) for p in Person.objects.filter(residences__household=h)],
    )


@router.patch("/households/{pk}", response=HouseholdOut)
def edit_household(request: HttpRequest, pk: Id, body: HouseholdPatch):
    """修改户信息: exclusive area, occupancy, note (a field left out is kept)."""
    h = access_household(request.user, pk, action=Action.EDIT)
    return _household(services_records.household_edit(household=h, actor=Actor.of(request.user), **body.dict()))


@router.post("/households/{pk}/move-out", response=HouseholdDetailOut)
def move_out(request: HttpRequest, pk: Id, body: MoveOutIn):
    """登记迁出: one resident of the household no longer lives there from `ended_on`."""
    h = access_household(request.user, pk, action=Action.EDIT)
    residence = Residence.objects.select_related("person", "household").filter(household=h, person_id=body.person_id).first()
    if residence is None:
        raise ValidationFailed("该居民不住在本户", "This person does not live in this household", field="person_id")
    services_records.residence_end(residence=residence, ended_on=body.ended_on, actor=Actor.of(request.user))
    return _detail(h)


@router.post("/households/{pk}/transfer", response=HouseholdDetailOut)
def transfer(request: HttpRequest, pk: Id, body: TransferIn):
    """登记产权转移: the current owners' ownership ends on `on`; each new owner is a roster person or a new one."""
    h = access_household(request.user, pk, action=Action.EDIT)
    owners = []
    for new in body.new_owners:
        person = None
        if new.person_id is not None:
            try:
                person = access_person(request.user, new.person_id, action=Action.VIEW)
            except NotFound:
                raise ValidationFailed("找不到该新业主", "No such new owner", field="new_owners") from None
        owners.append(services_records.NewOwner(person=person, name=new.name, id_number=new.id_number, phone=new.phone))
    services_records.ownership_transfer(household=h, on=body.on, new_owners=owners, actor=Actor.of(request.user))
    return _detail(h)


@router.get("/people/{pk}", response=PersonOut)
def get_person(request: HttpRequest, pk: Id):
    return _person(access_person(request.user, pk, action=Action.VIEW))


@router.patch("/people/{pk}", response=PersonOut)
def edit_person(request: HttpRequest, pk: Id, body: PersonPatch):
    """修改人员信息: a field left out is kept; ID number and phone come back masked."""
    p = access_person(request.user, pk, action=Action.EDIT)
    changes = {key: value for key, value in body.dict().items() if value is not None}
    return _person(services_records.person_edit(person=p, actor=Actor.of(request.user), **changes))


@router.post("/people/{pk}/death", response=PersonOut)
def death(request: HttpRequest, pk: Id, body: DeathIn):
    """登记死亡: ends the person's residences and ownerships on `died_on`."""
    p = access_person(request.user, pk, action=Action.EDIT)
    services_records.person_death(person=p, died_on=body.died_on, actor=Actor.of(request.user))
    return _person(Person.objects.get(pk=p.pk))


@router.post("/people/{pk}/reveal", response=RevealOut)
def reveal(request: HttpRequest, pk: Id, body: RevealIn):
    """显示: one person's full ID number (`field` "id_number") or phone ("phone"); the look is logged."""
    p = access_person_reveal(request.user, pk)
    value = services_records.personal_data_reveal(person=p, field=body.field, actor=Actor.of(request.user))
    return RevealOut(person_id=p.pk, field=body.field, value=value)


@router.get("/personal-data-views", response=list[RevealLogOut])
def reveal_log(request: HttpRequest, response: HttpResponse, limit: limit(500) = 100, offset: Offset = 0,
               cursor: Cursor | None = None):
    """个人信息查看记录: who looked at whose number and when, newest first (never the number); paged like every list."""
    scope = require_reveal_auditor(request.user)
    return [RevealLogOut(id=r.pk, at=r.at, viewer=r.viewer_label, person_id=r.person_id,
                         person_name=r.person.name if r.person else "", subject=r.subject, field=r.field)
            for r in paging.page(queries.reveal_log(scope), limit=limit, cursor=cursor, offset=offset, request=request,
                                 response=response)]
