"""Meetings, 民情恳谈会 (the API side of the meeting pages in `views_meetings`): invitations, attendance, decisions, actions."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status

from anju.core import paging
from anju.core.access import Action
from anju.core.audit import Actor
from anju.core.bounds import Cursor, Id, Moment, limit
from anju.participation import access, services
from anju.participation.api.schemas import operation_id
from anju.participation.models import Decision, FollowUp, Meeting

router = Router()


class MeetingIn(Schema):
    compound_id: Id
    starts_at: Moment
    place: str
    topic: str


class FollowUpOut(Schema):
    id: int
    description: str
    owner: str
    due: datetime.date
    done_at: datetime.datetime | None
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: FollowUp) -> bool:
        return obj.done_at is None and obj.due < timezone.localdate()


class DecisionOut(Schema):
    id: int
    text: str
    reference: str
    linked_type: str | None
    linked_id: int | None

    @staticmethod
    def resolve_linked_type(obj: Decision) -> str | None:
        return obj.linked_type.model if obj.linked_type else None


class MeetingOut(Schema):
    id: int
    compound_id: int
    compound: str
    starts_at: datetime.datetime
    place: str
    topic: str
    minutes: str
    invited: list[int]
    present: list[int]
    suggestion_ids: list[int]
    decisions: list[DecisionOut]
    actions: list[FollowUpOut]

    @staticmethod
    def resolve_compound(obj: Meeting) -> str:
        return obj.compound.name

    @staticmethod
    def resolve_invited(obj: Meeting) -> list[int]:
        return sorted(obj.invited.values_list("pk", flat=True))

    @staticmethod
    def resolve_present(obj: Meeting) -> list[int]:
        return sorted(obj.present.values_list("pk", flat=True))

    @staticmethod
    def resolve_suggestion_ids(obj: Meeting) -> list[int]:
        return list(obj.suggestions.values_list("pk", flat=True))

    @staticmethod
    def resolve_decisions(obj: Meeting) -> list[Decision]:
        return list(obj.decisions.select_related("linked_type"))

    @staticmethod
    def resolve_actions(obj: Meeting) -> list[FollowUp]:
        return list(obj.actions.all())


class HouseholdsIn(Schema):
    household_ids: list[Id]


class DecisionIn(Schema):
    text: str
    reference: str = ""


class FollowUpIn(Schema):
    description: str
    owner: str
    due: datetime.date


class LinkIn(Schema):
    receipt_code: str


def _editable(request: HttpRequest, pk: int) -> Meeting:
    return access.access_meeting(request.user, pk, action=Action.EDIT)


@router.get("/meetings", response=list[MeetingOut], operation_id=operation_id("list_meetings"))
def list_meetings(request: HttpRequest, response: HttpResponse, compound_id: Id | None = None, limit: limit(500) = 200,
                  cursor: Cursor | None = None) -> list[Meeting]:
    """The latest first, `limit` a page; X-Next-Cursor (and Link rel="next") the `cursor` of the next page."""
    qs = Meeting.objects.visible_to(request.user).select_related("compound")
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    return paging.page(qs, limit=limit, cursor=cursor, offset=0, request=request, response=response)


@router.post("/meetings", response={201: MeetingOut}, operation_id=operation_id("create_meeting"))
def create_meeting(request: HttpRequest, data: MeetingIn):
    compound = access.access_compound(request.user, data.compound_id, action=Action.EDIT)
    m = services.meeting_create(compound=compound, starts_at=data.starts_at, place=data.place, topic=data.topic,
                                actor=Actor.of(request.user))
    return Status(201, m)


@router.get("/meetings/{pk}", response=MeetingOut, operation_id=operation_id("meeting_detail"))
def meeting_detail(request: HttpRequest, pk: Id) -> Meeting:
    return access.access_meeting(request.user, pk, action=Action.VIEW)


@router.post("/meetings/{pk}/invite", response=MeetingOut, operation_id=operation_id("meeting_invite"))
def meeting_invite(request: HttpRequest, pk: Id, data: HouseholdsIn) -> Meeting:
    m = _editable(request, pk)
    services.meeting_invite(meeting=m, households=data.household_ids, actor=Actor.of(request.user))
    return m


@router.post("/meetings/{pk}/attendance", response=MeetingOut, operation_id=operation_id("meeting_attendance"))
def meeting_attendance(request: HttpRequest, pk: Id, data: HouseholdsIn) -> Meeting:
    m = _editable(request, pk)
    services.meeting_attendance(meeting=m, present=data.household_ids, actor=Actor.of(request.user))
    return m


@router.post("/meetings/{pk}/decisions", response=MeetingOut, operation_id=operation_id("meeting_decision"))
def meeting_decision(request: HttpRequest, pk: Id, data: DecisionIn) -> Meeting:
    m = _editable(request, pk)
    services.decision_add(meeting=m, text=data.text, reference=data.reference, actor=Actor.of(request.user))
    return m


@router.post("/meetings/{pk}/actions", response=MeetingOut, operation_id=operation_id("meeting_action"))
def meeting_action(request: HttpRequest, pk: Id, data: FollowUpIn) -> Meeting:
    m = _editable(request, pk)
    services.followup_add(meeting=m, description=data.description, owner=data.owner, due=data.due, actor=Actor.of(request.user))
    return m


@router.post("/meetings/{pk}/actions/{action_id}/done", response=MeetingOut, operation_id=operation_id("meeting_action_done"))
def meeting_action_done(request: HttpRequest, pk: Id, action_id: Id, done: bool = True) -> Meeting:
    m = _editable(request, pk)
    item = access.access_followup(request.user, action_id, action=Action.EDIT, meeting=m)
    services.followup_done(action=item, done=done, actor=Actor.of(request.user))
    return m


@router.post("/meetings/{pk}/suggestions", response=MeetingOut, operation_id=operation_id("meeting_suggestion"))
def meeting_suggestion(request: HttpRequest, pk: Id, data: LinkIn) -> Meeting:
    """Record that a suggestion (by its receipt code) was discussed at this meeting."""
    m = _editable(request, pk)
    s = access.access_suggestion_by_code(request.user, data.receipt_code, action=Action.EDIT)
    services.meeting_link_suggestion(meeting=m, suggestion=s, actor=Actor.of(request.user))
    return m
