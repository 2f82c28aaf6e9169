"""Notices for staff (the API side of the notice pages in `views`): list, write, publish."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from anju.core.access import Action
from anju.core.audit import Actor
from anju.core.bounds import Id
from anju.participation import access, services
from anju.participation.api.schemas import NoticeOut, operation_id
from anju.participation.models import Notice

router = Router()


class NoticeIn(Schema):
    compound_id: Id
    building_id: Id | None = None
    kind: str = "notice"
    title: str
    body_html: str
    issuer: str = ""
    publish: bool = False


@router.get("/notices", response=list[NoticeOut], operation_id=operation_id("list_notices"))
def list_notices(request: HttpRequest, compound_id: Id | None = None) -> list[Notice]:
    qs = Notice.objects.visible_to(request.user).select_related("compound", "building")
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    return list(qs[:500])


@router.post("/notices", response={201: NoticeOut}, operation_id=operation_id("create_notice"))
def create_notice(request: HttpRequest, data: NoticeIn):
    compound = access.access_compound(request.user, data.compound_id, action=Action.EDIT)
    building = access.access_building(request.user, data.building_id, action=Action.EDIT, compound=compound) \
        if data.building_id else None
    actor = Actor.of(request.user)
    n = services.notice_save(compound=compound, building=building, title=data.title, body_html=data.body_html, kind=data.kind,
                             issuer=data.issuer, actor=actor)
    if data.publish:
        services.notice_publish(notice=n, actor=actor)
    return Status(201, n)


@router.post("/notices/{pk}/publish", response=NoticeOut, operation_id=operation_id("publish_notice"))
def publish_notice(request: HttpRequest, pk: Id, publish: bool = True) -> Notice:
    n = access.access_notice(request.user, pk, action=Action.EDIT)
    return services.notice_publish(notice=n, publish=publish, actor=Actor.of(request.user))
