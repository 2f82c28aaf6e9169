"""The election's publicity and the committee's meetings (issue 13, points 2 and 3), under
/api/stewardship/…: the same services and access checks as the pages."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from anju.core.audit import Actor
from anju.core.bounds import Id
from anju.stewardship import queries, services
from anju.stewardship.access import Action, access_case, access_committee, access_committee_meeting
from anju.stewardship.models import FormationCase
from anju.stewardship.services.publicity import decisions_due

router = Router(tags=["stewardship"])


class NoticeOnIn(Schema):
    on: datetime.date


class PublicityOut(Schema):
    case_id: int
    notice_id: int
    title: str
    published_on: datetime.date


class CommitteeMeetingIn(Schema):
    starts_at: datetime.datetime
    place: Annotated[str, Field(max_length=120)]
    topic: Annotated[str, Field(max_length=160)]
    minutes: Annotated[str, Field(max_length=20000)]
    decisions: Annotated[list[Annotated[str, Field(max_length=2000)]], Field(max_length=50)] = []


class DecisionsIn(Schema):
    on: datetime.date
    late_reason: Annotated[str, Field(max_length=300)] = ""


class CommitteeMeetingOut(Schema):
    id: int
    committee_id: int
    meeting_id: int
    held_on: datetime.date
    decisions: list[str]
    decisions_due: datetime.date | None
    notice_id: int | None
    published_on: datetime.date | None


def _publicity(case: FormationCase, which: str) -> dict[str, object]:
    notice = case.candidates_notice if which == "candidates" else case.result_notice
    assert notice is not None and notice.published_at is not None
    return {"case_id": case.pk, "notice_id": notice.pk, "title": notice.title,
            "published_on": notice.published_at.date()}


@router.post("/formation/{pk}/candidates-notice", response={201: PublicityOut})
def candidates_publish(request: HttpRequest, pk: Id, body: NoticeOnIn):
    """Post the numbered candidate list as a notice (with its QR) and record the publicity step."""
    case = access_case(request.user, pk, action=Action.EDIT)
    case = services.candidates_publish(case=case, on=body.on, actor=Actor.of(request.user))
    return Status(201, _publicity(case, "candidates"))


@router.post("/formation/{pk}/result-notice", response={201: PublicityOut})
def result_publish(request: HttpRequest, pk: Id, body: NoticeOnIn):
    """Post the closed assembly vote's election result as a notice."""
    case = access_case(request.user, pk, action=Action.EDIT)
    case = services.result_publish(case=case, on=body.on, actor=Actor.of(request.user))
    return Status(201, _publicity(case, "result"))


def _meeting_out(row) -> dict[str, object]:
    rules = queries.rules_for(row.committee.compound.subdistrict_id)
    return {"id": row.pk, "committee_id": row.committee_id, "meeting_id": row.meeting_id, "held_on": row.held_on,
            "decisions": list(row.decisions), "decisions_due": decisions_due(rules, row), "notice_id": row.notice_id,
            "published_on": row.published_on}


@router.post("/committees/{pk}/meetings", response={201: CommitteeMeetingOut})
def committee_meeting_record(request: HttpRequest, pk: Id, body: CommitteeMeetingIn):
    """Record a meeting the committee held: its minutes and decisions (a participation meeting)."""
    committee = access_committee(request.user, pk, action=Action.EDIT)
    row = services.committee_meeting_record(committee=committee, starts_at=body.starts_at, place=body.place,
                                            topic=body.topic, minutes=body.minutes, decisions=body.decisions,
                                            actor=Actor.of(request.user))
    return Status(201, _meeting_out(row))


@router.post("/committee-meetings/{pk}/publish", response=CommitteeMeetingOut)
def decisions_publish(request: HttpRequest, pk: Id, body: DecisionsIn):
    """Post a meeting's decisions as a notice, within the rule set's days (late only with a reason)."""
    row = access_committee_meeting(request.user, pk, action=Action.EDIT)
    row = services.decisions_publish(meeting=row, on=body.on, late_reason=body.late_reason,
                                     actor=Actor.of(request.user))
    return _meeting_out(row)
