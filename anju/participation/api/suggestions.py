"""Suggestions for staff (the API side of the suggestion pages in `views`): list, read, assign, reply, close."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from anju.core import paging
from anju.core.access import Action
from anju.core.audit import Actor
from anju.core.bounds import Cursor, Id, Offset, limit
from anju.core.scoping import scope_of
from anju.participation import access, queries, services
from anju.participation.api.schemas import operation_id
from anju.participation.models import Category, Suggestion, SuggestionStatus

router = Router()


def _timing(obj: Suggestion) -> queries.Timing:
    # Five fields read the same timing: work it out once per suggestion and answer.
    cached: queries.Timing | None = getattr(obj, "_api_timing", None)
    if cached is None:
        cached = queries.timing(obj)
        obj._api_timing = cached  # type: ignore[attr-defined]
    return cached


class SuggestionOut(Schema):
    id: int
    receipt_code: str
    status: str
    category: str
    compound_id: int
    building_id: int | None
    title: str
    body: str
    contact_name: str
    contact_phone: str
    assigned_community_id: int | None
    assigned_compound_id: int | None
    assigned_org: str
    reply: str
    created: datetime.datetime
    first_reply_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    response_hours: Decimal | None
    closing_days: Decimal | None
    overdue: bool
    # Last day for the first reply / the closing (working days on the official calendar); null once done.
    reply_due: datetime.date | None
    close_due: datetime.date | None
    photos: int
    meeting_ids: list[int]

    @staticmethod
    def resolve_contact_phone(obj: Suggestion) -> str:
        # Masked for every role: the full number is a logged POST …/reveal, as on the page.
        return obj.contact_phone_masked

    @staticmethod
    def resolve_response_hours(obj: Suggestion) -> Decimal | None:
        response = _timing(obj).response
        return Decimal(response.total_seconds() / 3600).quantize(Decimal("0.1")) if response else None

    @staticmethod
    def resolve_closing_days(obj: Suggestion) -> Decimal | None:
        closing = _timing(obj).closing
        return Decimal(closing.total_seconds() / 86400).quantize(Decimal("0.1")) if closing else None

    @staticmethod
    def resolve_overdue(obj: Suggestion) -> bool:
        return _timing(obj).overdue

    @staticmethod
    def resolve_reply_due(obj: Suggestion) -> datetime.date | None:
        return None if obj.first_reply_at else _timing(obj).reply_due

    @staticmethod
    def resolve_close_due(obj: Suggestion) -> datetime.date | None:
        return None if obj.closed_at else _timing(obj).close_due

    @staticmethod
    def resolve_photos(obj: Suggestion) -> int:
        return obj.photos.count()

    @staticmethod
    def resolve_meeting_ids(obj: Suggestion) -> list[int]:
        return list(obj.meetings.values_list("pk", flat=True))


class AssignIn(Schema):
    community_id: Id | None = None
    compound_id: Id | None = None
    org: str = ""
    category: str | None = None


class ReplyIn(Schema):
    reply: str
    show_on_board: bool = True


@router.get("/suggestions", response=list[SuggestionOut], operation_id=operation_id("list_suggestions"))
def list_suggestions(request: HttpRequest, response: HttpResponse, status: str = "", overdue: bool = False,
                     category: str = "", compound_id: Id | None = None, limit: limit(500) = 100, offset: Offset = 0,
                     cursor: Cursor | None = None):
    """Newest first, filtered like the page; X-Total-Count on the first page says how many match, X-Next-Cursor
    the `cursor` of the next page."""
    status = status if status in SuggestionStatus.values else ""
    category = category if category in Category.values else ""
    rows = queries.suggestions_for(scope_of(request.user), status=status, overdue=overdue, category=category,
                                   compound_id=compound_id)
    return paging.page(rows, limit=limit, cursor=cursor, offset=offset, request=request, response=response)


@router.get("/suggestions/{pk}", response=SuggestionOut, operation_id=operation_id("suggestion_detail"))
def suggestion_detail(request: HttpRequest, pk: Id) -> Suggestion:
    return access.access_suggestion(request.user, pk, action=Action.VIEW)


@router.post("/suggestions/{pk}/assign", response=SuggestionOut, operation_id=operation_id("suggestion_assign"))
def suggestion_assign(request: HttpRequest, pk: Id, data: AssignIn) -> Suggestion:
    s = access.access_suggestion(request.user, pk, action=Action.EDIT)
    community = access.assignee_community(data.community_id, suggestion=s) if data.community_id else None
    compound = access.assignee_compound(data.compound_id, suggestion=s) if data.compound_id else None
    return services.suggestion_assign(suggestion=s, community=community, compound=compound, org=data.org,
                                      category=data.category, actor=Actor.of(request.user))


@router.post("/suggestions/{pk}/reply", response=SuggestionOut, operation_id=operation_id("suggestion_reply"))
def suggestion_reply(request: HttpRequest, pk: Id, data: ReplyIn) -> Suggestion:
    s = access.access_suggestion(request.user, pk, action=Action.EDIT)
    return services.suggestion_reply(suggestion=s, reply=data.reply, show_on_board=data.show_on_board, actor=Actor.of(request.user))


@router.post("/suggestions/{pk}/close", response=SuggestionOut, operation_id=operation_id("suggestion_close"))
def suggestion_close(request: HttpRequest, pk: Id) -> Suggestion:
    s = access.access_suggestion(request.user, pk, action=Action.EDIT)
    return services.suggestion_close(suggestion=s, actor=Actor.of(request.user))


class ContactOut(Schema):
    id: int
    contact_phone: str


@router.post("/suggestions/{pk}/reveal", response=ContactOut, operation_id=operation_id("suggestion_reveal"))
def suggestion_reveal(request: HttpRequest, pk: Id) -> ContactOut:
    """显示: the full phone the resident left, for staff whose role needs it; logged like the page's 显示."""
    s = access.access_suggestion_contact(request.user, pk)
    return ContactOut(id=s.pk, contact_phone=services.suggestion_contact_reveal(suggestion=s, actor=Actor.of(request.user)))
