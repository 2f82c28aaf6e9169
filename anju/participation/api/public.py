"""Residents, without an account (the API side of `views_public`): send and follow a suggestion, read notices."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from anju.core import ratelimit
from anju.core.audit import Actor
from anju.core.bounds import Id
from anju.participation import access, queries, services
from anju.participation.api.schemas import NoticeOut, operation_id, place_name
from anju.participation.images import MAX_REQUEST_BYTES
from anju.participation.models import Meeting, Notice, Suggestion

router = Router()


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

    @staticmethod
    def resolve_decisions(obj: Meeting) -> list[str]:
        return [d.text for d in obj.decisions.all()]


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

    @staticmethod
    def resolve_status_label(obj: Suggestion) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_compound(obj: Suggestion) -> str:
        return obj.compound.name

    @staticmethod
    def resolve_building(obj: Suggestion) -> str | None:
        return place_name(obj)

    @staticmethod
    def resolve_meetings(obj: Suggestion) -> list[Meeting]:
        return list(obj.meetings.prefetch_related("decisions").order_by("starts_at"))


class BoardItemOut(Schema):
    # An answered suggestion as the public board shows it: digits that could be a phone or an ID are hidden.
    category: str
    compound: str
    building: str | None
    title: str
    reply: str
    created: datetime.datetime
    first_reply_at: datetime.datetime

    @staticmethod
    def resolve_compound(obj: Suggestion) -> str:
        return obj.compound.name

    @staticmethod
    def resolve_building(obj: Suggestion) -> str | None:
        return place_name(obj)

    @staticmethod
    def resolve_title(obj: Suggestion) -> str:
        return queries.scrub(obj.title)

    @staticmethod
    def resolve_reply(obj: Suggestion) -> str:
        return queries.scrub(obj.reply)


@router.post("/public/suggestions", auth=None, response={201: ReceiptOut}, operation_id=operation_id("public_submit"))
def public_submit(request: HttpRequest, data: Form[SuggestionIn], photos: File[list[UploadedFile]] = None):
    """Send a suggestion (multipart form; up to 3 photos). Rate-limited per address; keep the receipt code."""
    ratelimit.per_address(request, "suggest", settings.ANJU_PARTICIPATION_RATE_LIMITS["suggest"])
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
        raise HttpError(413, "提交内容过大（照片每张不超过 8 MB） / Too large (photos at most 8 MB each)")
    if data.website:
        raise HttpError(400, "提交未通过检查 / The submission did not pass the checks")
    compound = access.public_compound(data.compound_id)
    building = access.public_building(data.building_id, compound=compound) if data.building_id else None
    s = services.suggestion_submit(
        compound=compound, building=building, category=data.category, title=data.title, body=data.body,
        contact_name=data.contact_name, contact_phone=data.contact_phone,
        photos=[(f.name or "photo", f.read()) for f in (photos or [])], actor=Actor.system("resident"),
    )
    return Status(201, s)


@router.get("/public/suggestions/{code}", auth=None, response=ReceiptOut, operation_id=operation_id("public_follow"))
def public_follow(request: HttpRequest, code: str):
    """Status, official reply and the meetings where the suggestion was discussed, by receipt code."""
    ratelimit.per_address(request, "track", settings.ANJU_PARTICIPATION_RATE_LIMITS["track"])
    return access.public_suggestion(code)


@router.get("/public/board", auth=None, response=list[BoardItemOut], operation_id=operation_id("public_board"))
def public_board(request: HttpRequest, compound_id: Id | None = None):
    compound = access.public_compound(compound_id) if compound_id else None
    return queries.public_board(compound=compound)


@router.get("/public/notices", auth=None, response=list[NoticeOut], operation_id=operation_id("public_notices"))
def public_notices(request: HttpRequest, compound_id: Id, building_id: Id | None = None) -> list[Notice]:
    """Published notices of a compound (and, with building_id, those of that building and the whole compound)."""
    compound = access.public_compound(compound_id)
    building = access.public_building(building_id, compound=compound) if building_id else None
    return list(queries.notices_for_place(compound, building))


@router.get("/public/notices/{pk}", auth=None, response=NoticeOut, operation_id=operation_id("public_notice"))
def public_notice(request: HttpRequest, pk: Id) -> Notice:
    return access.public_notice(pk)
