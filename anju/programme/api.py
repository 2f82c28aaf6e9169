"""Programme API: plans, projects with items and stages, item progress, stage sign-off, inspections.

Scoped by the caller like the pages (404 outside the scope); money in 元 as strings with two decimals.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from anju.core import paging
from anju.core.audit import Actor
from anju.core.bounds import Cursor, Id, Int32, Year, limit
from anju.core.formatting import yuan
from anju.core.scoping import scope_of
from anju.programme import queries, services
from anju.programme.access import (
    Action,
    access_inspection,
    access_item,
    access_photo,
    access_project,
    access_stage,
)
from anju.programme.models import AnnualPlan, Inspection, InspectionPhoto, Project
from anju.programme.photos import MAX_REQUEST_BYTES

router = Router(tags=["programme 改造项目"])


def _yuan(fen: int) -> str:
    return yuan(fen).replace(",", "")


class PlanOut(Schema):
    id: int
    year: int
    title: str
    projects: int


class ProjectOut(Schema):
    id: int
    year: int
    kind: str
    name: str
    compound_id: int
    compound: str
    current_stage: str
    completed: bool
    progress: str
    budget: str
    buildings: int
    households: int
    people: int
    elderly: int
    exclusive_area: str
    gross_area: str


class FundingOut(Schema):
    source: str
    amount: str


class ItemOut(Schema):
    id: int
    kind: str
    category: str
    name: str
    quantity: str
    unit: str
    budget: str
    progress: int
    households: int
    people: int
    typed_beneficiaries: bool
    funding: list[FundingOut]
    results: dict[str, str]  # result indicators (成效指标) by name, exact decimal text; units in GET /items/indicators


class ResultsIn(Schema):
    """Some result indicators by name (see GET /items/indicators): a number or its text, e.g. "1.250"."""

    values: dict[str, str | float]  # a JSON number: its shortest text is read exactly (parse_quantity)


class IndicatorOut(Schema):
    name: str
    label: str
    unit: str
    places: int


class StageOut(Schema):
    id: int
    kind: str
    planned_start: datetime.date | None
    planned_end: datetime.date | None
    actual_start: datetime.date | None
    actual_end: datetime.date | None
    signed_off_by: str
    signed_off_at: datetime.datetime | None
    overdue: bool


class ProjectDetailOut(ProjectOut):
    items: list[ItemOut]
    stages: list[StageOut]


class ProgressIn(Schema):
    progress: Int32  # 0 to 100; the service says so in words


class SignOffIn(Schema):
    actual_end: datetime.date


class InspectionOut(Schema):
    id: int
    project_id: int
    created: datetime.datetime
    inspector: str
    findings: str
    severity: str
    status: str
    photos: int


class PhotoOut(Schema):
    id: int
    width: int
    height: int
    kept_location: bool
    url: str


class InspectionDetailOut(InspectionOut):
    photo_list: list[PhotoOut]


class InspectionIn(Schema):
    findings: str
    severity: str = "low"


class InspectionFollowUpIn(Schema):
    action: str
    status: str


def _project_out(p: Project) -> dict:
    return {
        "id": p.pk, "year": p.year, "kind": p.kind, "name": p.name, "compound_id": p.compound_id, "compound": p.compound.name,
        "current_stage": p.current_stage, "completed": p.completed, "progress": f"{p.progress:.1f}", "budget": _yuan(p.budget_fen),
        "buildings": p.buildings_count, "households": p.households, "people": p.people, "elderly": p.elderly,
        "exclusive_area": f"{Decimal(p.exclusive_area):.2f}", "gross_area": f"{Decimal(p.gross_area):.2f}",
    }


def _inspection_out(i: Inspection) -> dict:
    return {"id": i.pk, "project_id": i.project_id, "created": i.created, "inspector": i.inspector_label, "findings": i.findings,
            "severity": i.severity, "status": i.status, "photos": i.photos.count()}


def _photo_out(p: InspectionPhoto) -> dict:
    return {"id": p.pk, "width": p.width, "height": p.height, "kept_location": p.kept_location,
            "url": reverse("api:programme_photo", args=[p.pk])}


@router.get("/plans", response=list[PlanOut])
def plans(request: HttpRequest):
    scope = scope_of(request.user)
    visible = Project.objects.within(scope)
    return [{"id": p.pk, "year": p.year, "title": p.title, "projects": visible.filter(plan=p).count()}
            for p in AnnualPlan.objects.within(scope)]


@router.get("/projects", response=list[ProjectOut])
def projects(request: HttpRequest, response: HttpResponse, year: Year | None = None, stage: str | None = None,
             kind: str | None = None, limit: limit(1000) = 500, cursor: Cursor | None = None):
    """Newest year first, by community and compound, `limit` a page; X-Next-Cursor the `cursor` of the next page."""
    rows = queries.projects_for(scope_of(request.user), year=year, stage=stage, kind=kind)
    return [_project_out(p) for p in paging.page(rows, limit=limit, cursor=cursor, offset=0, request=request,
                                                 response=response)]


@router.get("/projects/{pk}", response=ProjectDetailOut)
def project(request: HttpRequest, pk: Id):
    node = access_project(request.user, pk, action=Action.VIEW)
    items = [{
        "id": r.item.pk, "kind": r.item.kind, "category": r.item.category, "name": r.item.name,
        "quantity": f"{r.item.quantity:.2f}", "unit": r.item.unit, "budget": _yuan(r.item.budget_fen), "progress": r.item.progress,
        "households": r.beneficiaries.households, "people": r.beneficiaries.people, "typed_beneficiaries": r.typed,
        "funding": [{"source": f.source, "amount": _yuan(f.amount_fen)} for f in r.funding],
        "results": _results(r.item),
    } for r in queries.item_rows(node)]
    stages = [{
        "id": s.pk, "kind": s.kind, "planned_start": s.planned_start, "planned_end": s.planned_end,
        "actual_start": s.actual_start, "actual_end": s.actual_end, "signed_off_by": s.signed_off_label,
        "signed_off_at": s.signed_off_at, "overdue": overdue,
    } for s, overdue in queries.stages_of(node)]
    return {**_project_out(node), "items": items, "stages": stages}


@router.post("/items/{pk}/progress", response=ProjectOut)
def item_progress(request: HttpRequest, pk: Id, body: ProgressIn):
    item = access_item(request.user, pk, action=Action.EDIT)
    services.item_set_progress(item=item, percent=body.progress, actor=Actor.of(request.user))
    return _project_out(access_project(request.user, item.project_id, action=Action.VIEW))


def _results(item) -> dict[str, str]:
    return {i.field: str(getattr(item, i.field)) for i in queries.INDICATORS}


@router.get("/items/indicators", response=list[IndicatorOut])
def indicators(request: HttpRequest):
    """The result indicators an item carries: name, Chinese label, unit and decimal places."""
    return [{"name": i.field, "label": i.zh, "unit": i.unit, "places": i.places} for i in queries.INDICATORS]


@router.post("/items/{pk}/results", response=dict[str, str])
def item_results(request: HttpRequest, pk: Id, body: ResultsIn):
    """Set some of an item's result indicators; a non-numeric value is a 400 naming the indicator."""
    item = access_item(request.user, pk, action=Action.EDIT)
    return _results(services.item_results_set(item=item, values=body.values, actor=Actor.of(request.user)))


@router.post("/stages/{pk}/sign-off", response=ProjectOut)
def stage_sign_off(request: HttpRequest, pk: Id, body: SignOffIn):
    stage = access_stage(request.user, pk, action=Action.EDIT)
    services.stage_sign_off(stage=stage, actual_end=body.actual_end, actor=Actor.of(request.user))
    return _project_out(access_project(request.user, stage.project_id, action=Action.VIEW))


@router.get("/stages/overdue", response=list[StageOut])
def overdue(request: HttpRequest, response: HttpResponse, limit: limit(1000) = 1000, cursor: Cursor | None = None):
    """Stages past their planned end and not signed off, the longest overdue first, `limit` a page."""
    rows = paging.page(queries.overdue_stages(scope_of(request.user)), limit=limit, cursor=cursor, offset=0,
                       request=request, response=response)
    return [{
        "id": s.pk, "kind": s.kind, "planned_start": s.planned_start, "planned_end": s.planned_end,
        "actual_start": s.actual_start, "actual_end": s.actual_end, "signed_off_by": s.signed_off_label,
        "signed_off_at": s.signed_off_at, "overdue": True,
    } for s in rows]


@router.get("/projects/{pk}/inspections", response=list[InspectionOut])
def inspections(request: HttpRequest, response: HttpResponse, pk: Id, limit: limit(500) = 200,
                cursor: Cursor | None = None):
    """A project's site inspections, newest first, `limit` a page; X-Next-Cursor the `cursor` of the next page."""
    node = access_project(request.user, pk, action=Action.VIEW)
    return [_inspection_out(i) for i in paging.page(node.inspections.all(), limit=limit, cursor=cursor, offset=0,
                                                    request=request, response=response)]


@router.post("/projects/{pk}/inspections", response={201: InspectionOut})
def inspection_create(request: HttpRequest, pk: Id, body: InspectionIn):
    """Record an inspection (JSON); add its photos with `POST /inspections/{id}/photos`."""
    node = access_project(request.user, pk, action=Action.VIEW)
    record = services.inspection_create(project=node, findings=body.findings, severity=body.severity,
                                        actor=Actor.of(request.user))
    return Status(201, _inspection_out(record))


@router.get("/inspections/{pk}", response=InspectionDetailOut)
def inspection(request: HttpRequest, pk: Id):
    record = access_inspection(request.user, pk, action=Action.VIEW)
    return {**_inspection_out(record), "photo_list": [_photo_out(p) for p in record.photos.all()]}


@router.post("/inspections/{pk}/photos", response={201: InspectionDetailOut})
def inspection_photos(request: HttpRequest, pk: Id, photos: File[list[UploadedFile]],
                      keep_location: Form[bool] = False):
    """Add photos to an inspection not yet closed: multipart, field `photos` (up to 10, each up to 15 MB).

    Checked like the page's: really images, at most 1600 px, location stripped unless `keep_location`;
    one bad photo and none is added. By the inspector or staff who may edit.
    """
    record = access_inspection(request.user, pk, action=Action.EDIT)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
        raise HttpError(413, "上传内容过大（每张照片不超过 15 MB） / Too large (photos at most 15 MB each)")
    services.inspection_photos_add(inspection=record, photos=[(f.name or "", f.read()) for f in photos],
                                   keep_location=keep_location, actor=Actor.of(request.user))
    return Status(201, inspection(request, pk))


@router.get("/photos/{pk}", url_name="programme_photo")
def photo(request: HttpRequest, pk: Id):
    """One inspection photo (JPEG), served through the scope check."""
    record = access_photo(request.user, pk, action=Action.VIEW)
    return FileResponse(record.image.open("rb"), content_type="image/jpeg")


@router.post("/inspections/{pk}/follow-up", response=InspectionOut)
def follow_up(request: HttpRequest, pk: Id, body: InspectionFollowUpIn):
    record = access_inspection(request.user, pk, action=Action.EDIT)
    services.inspection_follow_up(inspection=record, action=body.action, status=body.status, actor=Actor.of(request.user))
    record.refresh_from_db()
    return _inspection_out(record)
