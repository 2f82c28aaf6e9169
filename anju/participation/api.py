"""共建共治 API: public endpoints for residents (send and follow a suggestion, read published notices)
and scoped endpoints for staff (suggestions, notices, meetings, visits, the party network).

Scoped like the pages: anything outside the caller's scope is a 404. Public answers carry no personal data.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from anju.core import ratelimit
from anju.core.audit import Actor
from anju.core.bounds import Count, Id, Moment, Offset, limit
from anju.core.scoping import scope_of
from anju.participation import queries, services
from anju.participation.images import MAX_REQUEST_BYTES
from anju.participation.models import (
    QUESTIONS,
    FollowUp,
    Meeting,
    Membership,
    Notice,
    PartyOrganisation,
    Suggestion,
    SuggestionStatus,
    Visit,
)
from anju.roster.models import Building, Community, Compound, Household, Person

router = Router(tags=["participation 共建共治"])


# ---------------------------------------------------------------- schemas

class SuggestionIn(Schema):
    compound_id: Id
    building_id: Id | None = None
    category: str
    title: str
    body: str
    contact_name: str = ""
    contact_phone: str = ""
    website: str = ""  # honeypot: people leave it empty


class MeetingRef(Schema):
    id: int
    topic: str
    starts_at: datetime.datetime
    place: str
    decisions: list[str]


class ReceiptOut(Schema):
    receipt_code: str
    status: str
    status_label: str
    category: str
    compound: str
    building: str | None
    title: str
    created: datetime.datetime
    reply: str
    first_reply_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    meetings: list[MeetingRef]


class BoardItemOut(Schema):
    category: str
    compound: str
    building: str | None
    title: str
    reply: str
    created: datetime.datetime
    first_reply_at: datetime.datetime


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    compound_id: int
    compound: str
    building_id: int | None
    building: str | None
    issuer: str
    published_at: datetime.datetime | None
    body_html: str
    url: str


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


class AssignIn(Schema):
    community_id: Id | None = None
    compound_id: Id | None = None
    org: str = ""
    category: str | None = None


class ReplyIn(Schema):
    reply: str
    show_on_board: bool = True


class NoticeIn(Schema):
    compound_id: Id
    building_id: Id | None = None
    kind: str = "notice"
    title: str
    body_html: str
    issuer: str = ""
    publish: bool = False


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


class DecisionOut(Schema):
    id: int
    text: str
    reference: str
    linked_type: str | None
    linked_id: int | None


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
    answers: dict[str, str]
    concerns: str
    follow_up: str


class HouseholdRef(Schema):
    id: int
    room_code: str
    floor: int


class OrganisationOut(Schema):
    id: int
    level: str
    name: str
    parent_id: int | None
    community_id: int | None
    compound_id: int | None
    hours: Decimal
    visits: int


class PledgeOut(Schema):
    kind: str
    kind_label: str
    status: str
    status_label: str


class MemberOut(Schema):
    membership_id: int
    person_id: int
    name: str
    duty: str
    pledges: list[PledgeOut]


class VolunteerOut(Schema):
    person_id: int
    name: str
    role: str
    role_label: str
    compound_id: int
    project: str


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


# ---------------------------------------------------------------- helpers

def _require_edit(request: HttpRequest) -> None:
    if not scope_of(request.user).can_edit:
        raise HttpError(403, "无权修改 / Not allowed to change this")


def _receipt(s: Suggestion) -> dict:
    meetings = s.meetings.prefetch_related("decisions").order_by("starts_at")
    return {
        "receipt_code": s.receipt_code, "status": s.status, "status_label": str(s.get_status_display()), "category": s.category,
        "compound": s.compound.name, "building": str(s.building) if s.building else None, "title": s.title, "created": s.created,
        "reply": s.reply, "first_reply_at": s.first_reply_at, "closed_at": s.closed_at,
        "meetings": [{"id": m.pk, "topic": m.topic, "starts_at": m.starts_at, "place": m.place,
                      "decisions": [d.text for d in m.decisions.all()]} for m in meetings],
    }


def _notice(request: HttpRequest, n: Notice) -> dict:
    return {"id": n.pk, "kind": n.kind, "title": n.title, "compound_id": n.compound_id, "compound": n.compound.name,
            "building_id": n.building_id, "building": str(n.building) if n.building else None, "issuer": n.issuer,
            "published_at": n.published_at, "body_html": n.body_html,
            "url": request.build_absolute_uri(reverse("participation:notice", args=[n.pk]))}


def _suggestion(request: HttpRequest, s: Suggestion) -> dict:
    t = queries.timing(s)
    personal = scope_of(request.user).sees_personal_data
    return {
        "id": s.pk, "receipt_code": s.receipt_code, "status": s.status, "category": s.category, "compound_id": s.compound_id,
        "building_id": s.building_id, "title": s.title, "body": s.body, "contact_name": s.contact_name,
        "contact_phone": s.contact_phone if personal else s.contact_phone_masked,
        "assigned_community_id": s.assigned_community_id, "assigned_compound_id": s.assigned_compound_id,
        "assigned_org": s.assigned_org, "reply": s.reply, "created": s.created, "first_reply_at": s.first_reply_at,
        "closed_at": s.closed_at,
        "response_hours": Decimal(t.response.total_seconds() / 3600).quantize(Decimal("0.1")) if t.response else None,
        "closing_days": Decimal(t.closing.total_seconds() / 86400).quantize(Decimal("0.1")) if t.closing else None,
        "overdue": t.overdue, "reply_due": None if s.first_reply_at else t.reply_due,
        "close_due": None if s.closed_at else t.close_due, "photos": s.photos.count(), "meeting_ids": list(s.meetings.values_list("pk", flat=True)),
    }


def _access_suggestion(request: HttpRequest, pk: Id) -> Suggestion:
    return get_object_or_404(queries.suggestions_for(scope_of(request.user)), pk=pk)


def _meeting(m: Meeting) -> dict:
    today = timezone.localdate()
    return {
        "id": m.pk, "compound_id": m.compound_id, "compound": m.compound.name, "starts_at": m.starts_at, "place": m.place,
        "topic": m.topic, "minutes": m.minutes, "invited": sorted(m.invited.values_list("pk", flat=True)),
        "present": sorted(m.present.values_list("pk", flat=True)),
        "suggestion_ids": list(m.suggestions.values_list("pk", flat=True)),
        "decisions": [{"id": d.pk, "text": d.text, "reference": d.reference,
                       "linked_type": d.linked_type.model if d.linked_type else None, "linked_id": d.linked_id}
                      for d in m.decisions.select_related("linked_type")],
        "actions": [{"id": a.pk, "description": a.description, "owner": a.owner, "due": a.due, "done_at": a.done_at,
                     "overdue": a.done_at is None and a.due < today} for a in m.actions.all()],
    }


def _access_meeting(request: HttpRequest, pk: Id) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user).select_related("compound"), pk=pk)


def _visit(v: Visit) -> dict:
    return {"id": v.pk, "household_id": v.household_id, "room_code": v.household.room_code, "visited_on": v.visited_on,
            "visitors": v.visitors, "answers": {k: getattr(v, k) for k, _l in QUESTIONS}, "concerns": v.concerns,
            "follow_up": v.follow_up}


def _org(o: PartyOrganisation) -> dict:
    totals = queries.branch_totals(o)
    return {"id": o.pk, "level": o.level, "name": o.name, "parent_id": o.parent_id, "community_id": o.community_id,
            "compound_id": o.compound_id, "hours": totals["hours"], "visits": totals["visits"]}


# ---------------------------------------------------------------- public: residents, no login

@router.post("/public/suggestions", auth=None, response={201: ReceiptOut})
def public_submit(request: HttpRequest, data: Form[SuggestionIn], photos: File[list[UploadedFile]] = None):
    """Send a suggestion (multipart form; up to 3 photos). Rate-limited per address; keep the receipt code."""
    ratelimit.per_address(request, "suggest", settings.ANJU_PARTICIPATION_RATE_LIMITS["suggest"])
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
        raise HttpError(413, "提交内容过大（照片每张不超过 8 MB） / Too large (photos at most 8 MB each)")
    if data.website:
        raise HttpError(400, "提交未通过检查 / The submission did not pass the checks")
    compound = get_object_or_404(Compound, pk=data.compound_id)
    building = get_object_or_404(Building, pk=data.building_id, compound=compound) if data.building_id else None
    s = services.suggestion_submit(
        compound=compound, building=building, category=data.category, title=data.title, body=data.body,
        contact_name=data.contact_name, contact_phone=data.contact_phone,
        photos=[(f.name or "photo", f.read()) for f in (photos or [])], actor=Actor.system("resident"),
    )
    return Status(201, _receipt(s))


@router.get("/public/suggestions/{code}", auth=None, response=ReceiptOut)
def public_follow(request: HttpRequest, code: str):
    """Status, official reply and the meetings where the suggestion was discussed, by receipt code."""
    ratelimit.per_address(request, "track", settings.ANJU_PARTICIPATION_RATE_LIMITS["track"])
    return _receipt(get_object_or_404(Suggestion.objects.select_related("compound", "building"), receipt_code=code.upper()))


@router.get("/public/board", auth=None, response=list[BoardItemOut])
def public_board(request: HttpRequest, compound_id: Id | None = None):
    compound = get_object_or_404(Compound, pk=compound_id) if compound_id else None
    return [{"category": s.category, "compound": s.compound.name, "building": str(s.building) if s.building else None,
             "title": queries.scrub(s.title), "reply": queries.scrub(s.reply), "created": s.created,
             "first_reply_at": s.first_reply_at} for s in queries.public_board(compound=compound)]


@router.get("/public/notices", auth=None, response=list[NoticeOut])
def public_notices(request: HttpRequest, compound_id: Id, building_id: Id | None = None):
    """Published notices of a compound (and, with building_id, those of that building and the whole compound)."""
    compound = get_object_or_404(Compound, pk=compound_id)
    building = get_object_or_404(Building, pk=building_id, compound=compound) if building_id else None
    return [_notice(request, n) for n in queries.notices_for_place(compound, building)]


@router.get("/public/notices/{pk}", auth=None, response=NoticeOut)
def public_notice(request: HttpRequest, pk: Id):
    return _notice(request, get_object_or_404(Notice.objects.filter(published_at__isnull=False).select_related("compound", "building"), pk=pk))


# ---------------------------------------------------------------- suggestions (staff)

@router.get("/suggestions", response=list[SuggestionOut])
def list_suggestions(request: HttpRequest, status: str = "", overdue: bool = False, limit: limit(500) = 100, offset: Offset = 0):
    status = status if status in SuggestionStatus.values else ""
    rows = queries.suggestions_for(scope_of(request.user), status=status, overdue=overdue)[offset:offset + limit]
    return [_suggestion(request, s) for s in rows]


@router.get("/suggestions/{pk}", response=SuggestionOut)
def suggestion_detail(request: HttpRequest, pk: Id):
    return _suggestion(request, _access_suggestion(request, pk))


@router.post("/suggestions/{pk}/assign", response=SuggestionOut)
def suggestion_assign(request: HttpRequest, pk: Id, data: AssignIn):
    s = _access_suggestion(request, pk)
    _require_edit(request)
    community = get_object_or_404(Community, pk=data.community_id, subdistrict_id=s.subdistrict_id) if data.community_id else None
    compound = get_object_or_404(Compound, pk=data.compound_id, subdistrict_id=s.subdistrict_id) if data.compound_id else None
    services.suggestion_assign(suggestion=s, community=community, compound=compound, org=data.org, category=data.category,
                               actor=Actor.of(request.user))
    return _suggestion(request, s)


@router.post("/suggestions/{pk}/reply", response=SuggestionOut)
def suggestion_reply(request: HttpRequest, pk: Id, data: ReplyIn):
    s = _access_suggestion(request, pk)
    _require_edit(request)
    services.suggestion_reply(suggestion=s, reply=data.reply, show_on_board=data.show_on_board, actor=Actor.of(request.user))
    return _suggestion(request, s)


@router.post("/suggestions/{pk}/close", response=SuggestionOut)
def suggestion_close(request: HttpRequest, pk: Id):
    s = _access_suggestion(request, pk)
    _require_edit(request)
    services.suggestion_close(suggestion=s, actor=Actor.of(request.user))
    return _suggestion(request, s)


# ---------------------------------------------------------------- notices (staff)

@router.get("/notices", response=list[NoticeOut])
def list_notices(request: HttpRequest, compound_id: Id | None = None):
    qs = Notice.objects.visible_to(request.user).select_related("compound", "building")
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    return [_notice(request, n) for n in qs[:500]]


@router.post("/notices", response={201: NoticeOut})
def create_notice(request: HttpRequest, data: NoticeIn):
    _require_edit(request)
    compound = get_object_or_404(Compound.objects.visible_to(request.user), pk=data.compound_id)
    building = get_object_or_404(Building, pk=data.building_id, compound=compound) if data.building_id else None
    actor = Actor.of(request.user)
    n = services.notice_save(compound=compound, building=building, title=data.title, body_html=data.body_html, kind=data.kind,
                             issuer=data.issuer, actor=actor)
    if data.publish:
        services.notice_publish(notice=n, actor=actor)
    return Status(201, _notice(request, n))


@router.post("/notices/{pk}/publish", response=NoticeOut)
def publish_notice(request: HttpRequest, pk: Id, publish: bool = True):
    n = get_object_or_404(Notice.objects.visible_to(request.user).select_related("compound", "building"), pk=pk)
    _require_edit(request)
    services.notice_publish(notice=n, publish=publish, actor=Actor.of(request.user))
    return _notice(request, n)


# ---------------------------------------------------------------- meetings (staff)

@router.get("/meetings", response=list[MeetingOut])
def list_meetings(request: HttpRequest, compound_id: Id | None = None):
    qs = Meeting.objects.visible_to(request.user).select_related("compound")
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    return [_meeting(m) for m in qs[:200]]


@router.post("/meetings", response={201: MeetingOut})
def create_meeting(request: HttpRequest, data: MeetingIn):
    _require_edit(request)
    compound = get_object_or_404(Compound.objects.visible_to(request.user), pk=data.compound_id)
    m = services.meeting_create(compound=compound, starts_at=data.starts_at, place=data.place, topic=data.topic,
                                actor=Actor.of(request.user))
    return Status(201, _meeting(m))


@router.get("/meetings/{pk}", response=MeetingOut)
def meeting_detail(request: HttpRequest, pk: Id):
    return _meeting(_access_meeting(request, pk))


@router.post("/meetings/{pk}/invite", response=MeetingOut)
def meeting_invite(request: HttpRequest, pk: Id, data: HouseholdsIn):
    m = _access_meeting(request, pk)
    _require_edit(request)
    services.meeting_invite(meeting=m, households=data.household_ids, actor=Actor.of(request.user))
    return _meeting(m)


@router.post("/meetings/{pk}/attendance", response=MeetingOut)
def meeting_attendance(request: HttpRequest, pk: Id, data: HouseholdsIn):
    m = _access_meeting(request, pk)
    _require_edit(request)
    services.meeting_attendance(meeting=m, present=data.household_ids, actor=Actor.of(request.user))
    return _meeting(m)


@router.post("/meetings/{pk}/decisions", response=MeetingOut)
def meeting_decision(request: HttpRequest, pk: Id, data: DecisionIn):
    m = _access_meeting(request, pk)
    _require_edit(request)
    services.decision_add(meeting=m, text=data.text, reference=data.reference, actor=Actor.of(request.user))
    return _meeting(m)


@router.post("/meetings/{pk}/actions", response=MeetingOut)
def meeting_action(request: HttpRequest, pk: Id, data: FollowUpIn):
    m = _access_meeting(request, pk)
    _require_edit(request)
    services.followup_add(meeting=m, description=data.description, owner=data.owner, due=data.due, actor=Actor.of(request.user))
    return _meeting(m)


@router.post("/meetings/{pk}/actions/{action_id}/done", response=MeetingOut)
def meeting_action_done(request: HttpRequest, pk: Id, action_id: Id, done: bool = True):
    m = _access_meeting(request, pk)
    _require_edit(request)
    services.followup_done(action=get_object_or_404(FollowUp, pk=action_id, meeting=m), done=done, actor=Actor.of(request.user))
    return _meeting(m)


@router.post("/meetings/{pk}/suggestions", response=MeetingOut)
def meeting_suggestion(request: HttpRequest, pk: Id, data: LinkIn):
    """Record that a suggestion (by its receipt code) was discussed at this meeting."""
    m = _access_meeting(request, pk)
    _require_edit(request)
    s = get_object_or_404(queries.suggestions_for(scope_of(request.user)), receipt_code=data.receipt_code.strip().upper())
    services.meeting_link_suggestion(meeting=m, suggestion=s, actor=Actor.of(request.user))
    return _meeting(m)


# ---------------------------------------------------------------- visits

@router.get("/visits", response=list[VisitOut])
def list_visits(request: HttpRequest, compound_id: Id | None = None, household_id: Id | None = None):
    qs = Visit.objects.visible_to(request.user).select_related("household__unit__building")
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    if household_id:
        qs = qs.filter(household_id=household_id)
    return [_visit(v) for v in qs[:1000]]


@router.post("/visits", response={201: VisitOut})
def create_visit(request: HttpRequest, data: VisitIn):
    household = get_object_or_404(Household.objects.visible_to(request.user).select_related("compound", "unit__building"),
                                  pk=data.household_id)
    v = services.visit_record(household=household, visited_on=data.visited_on, visitors=data.visitors,
                              answers={k: getattr(data, k) for k, _l in QUESTIONS}, concerns=data.concerns,
                              follow_up=data.follow_up, actor=Actor.of(request.user))
    return Status(201, _visit(v))


@router.get("/compounds/{pk}/not-visited", response=list[HouseholdRef])
def not_visited(request: HttpRequest, pk: Id):
    compound = get_object_or_404(Compound.objects.visible_to(request.user), pk=pk)
    return [{"id": h.pk, "room_code": h.room_code, "floor": h.floor}
            for h in queries.households_not_visited(scope_of(request.user), compound)]


# ---------------------------------------------------------------- party network

@router.get("/party/organisations", response=list[OrganisationOut])
def list_organisations(request: HttpRequest):
    return [_org(o) for o in PartyOrganisation.objects.visible_to(request.user)]


@router.get("/party/organisations/{pk}", response=OrganisationDetailOut)
def organisation_detail(request: HttpRequest, pk: Id):
    o = get_object_or_404(PartyOrganisation.objects.visible_to(request.user), pk=pk)
    members = [{"membership_id": ms.pk, "person_id": ms.person_id, "name": ms.person.name, "duty": ms.duty,
                "pledges": [{"kind": p.kind, "kind_label": str(p.get_kind_display()), "status": p.status,
                             "status_label": str(p.get_status_display())} for p in ms.pledges.all()]}
               for ms in queries.branch_members(o)]
    volunteers = [{"person_id": v.person_id, "name": v.person.name, "role": v.role, "role_label": str(v.get_role_display()),
                   "compound_id": v.compound_id, "project": str(v.project or v.project_reference)}
                  for v in queries.branch_volunteers(o)]
    hours = [r.__dict__ for r in queries.hours_by_person(queries.branch_activities(o))]
    return {**_org(o), "members": members, "volunteers": volunteers, "hours_by_person": hours}


@router.post("/party/activities", response={201: dict})
def log_activity(request: HttpRequest, data: ActivityIn):
    """Log hours and visits of a volunteer or party member in a compound of the caller's scope."""
    compound = get_object_or_404(Compound.objects.visible_to(request.user), pk=data.compound_id)
    person = get_object_or_404(Person.objects.filter(subdistrict_id=compound.subdistrict_id), pk=data.person_id)
    a = services.activity_log(person=person, compound=compound, on=data.on, kind=data.kind, hours=data.hours, visits=data.visits,
                              note=data.note, actor=Actor.of(request.user))
    return Status(201, {"id": a.pk, "hours": str(a.hours), "visits": a.visits})


@router.post("/party/pledges", response=PledgeOut)
def set_pledge(request: HttpRequest, data: PledgeIn):
    _require_edit(request)
    ms = get_object_or_404(Membership.objects.filter(organisation__in=PartyOrganisation.objects.visible_to(request.user)),
                           pk=data.membership_id)
    p = services.pledge_set(membership=ms, kind=data.kind, status=data.status, actor=Actor.of(request.user))
    return {"kind": p.kind, "kind_label": str(p.get_kind_display()), "status": p.status, "status_label": str(p.get_status_display())}


@router.post("/party/organisations/{pk}/members", response={201: MemberOut})
def add_member(request: HttpRequest, pk: Id, data: MemberIn):
    o = get_object_or_404(PartyOrganisation.objects.visible_to(request.user), pk=pk)
    _require_edit(request)
    person = get_object_or_404(Person.objects.visible_to(request.user).filter(subdistrict_id=o.subdistrict_id), pk=data.person_id)
    ms = services.member_add(organisation=o, person=person, duty=data.duty, actor=Actor.of(request.user))
    return Status(201, {"membership_id": ms.pk, "person_id": person.pk, "name": person.name, "duty": ms.duty, "pledges": []})


@router.post("/party/volunteers", response={201: VolunteerOut})
def assign_volunteer(request: HttpRequest, data: VolunteerIn):
    _require_edit(request)
    compound = get_object_or_404(Compound.objects.visible_to(request.user), pk=data.compound_id)
    person = get_object_or_404(Person.objects.visible_to(request.user).filter(subdistrict_id=compound.subdistrict_id), pk=data.person_id)
    v = services.volunteer_assign(person=person, compound=compound, role=data.role, project_reference=data.project_reference,
                                  actor=Actor.of(request.user))
    return Status(201, {"person_id": person.pk, "name": person.name, "role": v.role, "role_label": str(v.get_role_display()),
                        "compound_id": compound.pk, "project": str(v.project or v.project_reference)})
