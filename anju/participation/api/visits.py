"""Household visits, 一户一策 (the API side of the visit pages in `views_meetings`); every role in scope records them."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from anju.core import paging
from anju.core.access import Action
from anju.core.audit import Actor
from anju.core.bounds import Cursor, Id, Offset, limit
from anju.core.scoping import scope_of
from anju.participation import access, queries, services
from anju.participation.api.schemas import operation_id
from anju.participation.models import QUESTIONS, Visit
from anju.roster.models import Household

router = Router()


class VisitIn(Schema):
    household_id: Id
    visited_on: datetime.date
    visitors: str
    renovation: str = ""
    access_control: str = ""
    property_management: str = ""
    illegal_structures: str = ""
    elevator: str = ""
    concerns: str = ""
    follow_up: str = ""


class VisitOut(Schema):
    id: int
    household_id: int
    room_code: str
    visited_on: datetime.date
    visitors: str
    round: int = Field(..., description="which visit of the household this is: 1 for its first (by visit date)")
    answers: dict[str, str]
    concerns: str
    follow_up: str

    @staticmethod
    def resolve_room_code(obj: Visit) -> str:
        return obj.household.room_code

    @staticmethod
    def resolve_round(obj: Visit) -> int:
        return queries.visit_round(obj)

    @staticmethod
    def resolve_answers(obj: Visit) -> dict[str, str]:
        return {key: getattr(obj, key) for key, _label in QUESTIONS}


class HouseholdRef(Schema):
    id: int
    room_code: str
    floor: int


@router.get("/visits", response=list[VisitOut], operation_id=operation_id("list_visits"))
def list_visits(request: HttpRequest, response: HttpResponse, compound_id: Id | None = None, building_id: Id | None = None,
                household_id: Id | None = None, visit_round: Annotated[Id | None, Query(alias="round")] = None,
                limit: limit(1000) = 200, offset: Offset = 0, cursor: Cursor | None = None) -> list[Visit]:
    """Visit records newest first, filtered like the compound's visits page (`round` 1 is each household's first
    visit); X-Total-Count on the first page says how many match, X-Next-Cursor the `cursor` of the next page."""
    rows = queries.visits_for(scope_of(request.user), compound_id=compound_id, building_id=building_id,
                              household_id=household_id, visit_round=visit_round)
    # The next page keeps the rows before the cursor in (visited_on, id): a prefix of each household's visits
    # in the order the round is numbered, so the numbering is the same on every page.
    return paging.page(rows, limit=limit, cursor=cursor, offset=offset, request=request, response=response)


@router.post("/visits", response={201: VisitOut}, operation_id=operation_id("create_visit"))
def create_visit(request: HttpRequest, data: VisitIn):
    household = access.access_household(request.user, data.household_id, action=Action.VIEW)
    v = services.visit_record(household=household, visited_on=data.visited_on, visitors=data.visitors,
                              answers={k: getattr(data, k) for k, _l in QUESTIONS}, concerns=data.concerns,
                              follow_up=data.follow_up, actor=Actor.of(request.user))
    return Status(201, v)


@router.get("/compounds/{pk}/not-visited", response=list[HouseholdRef], operation_id=operation_id("not_visited"))
def not_visited(request: HttpRequest, pk: Id) -> list[Household]:
    compound = access.access_compound(request.user, pk, action=Action.VIEW)
    return list(queries.households_not_visited(scope_of(request.user), compound))
