"""统计报表 API: the registered queries, templates (columns as data), a month's figures, submitting
and exporting a month. The same access rules and services as the pages (`dashboard.access`, `reports`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from pydantic import Field as PydanticField

from anju.core import jobs as jobs_core
from anju.core.access import Action
from anju.core.audit import Actor
from anju.core.bounds import Id, Year
from anju.dashboard import report_jobs, reports
from anju.dashboard.access import access_template, require_reports, templates_for
from anju.dashboard.report_queries import REGISTRY

router = Router(tags=["reports 统计报表"])
Month = Annotated[int, PydanticField(ge=1, le=12)]


class QueryOut(Schema):
    key: str
    label: str
    unit: str
    places: int
    numeric: bool


class ColumnIn(Schema):
    heading: str = Field("", max_length=60)
    group: str = Field("", max_length=60)
    unit: str | None = Field(None, max_length=12)
    query: str = Field(..., max_length=60)


class TemplateIn(Schema):
    name: str = Field(..., max_length=120)
    columns: list[ColumnIn] = Field(..., max_length=reports.MAX_COLUMNS)


class TemplateOut(Schema):
    id: int
    name: str
    builtin: bool
    from_xlsx: bool
    columns: list[dict[str, str]]


class SubmitIn(Schema):
    template: Id | None = None
    compiled_by: str = Field(..., max_length=120)
    filled_by: str = Field(..., max_length=60)
    reviewed_by: str = Field(..., max_length=60)


class ExportIn(Schema):
    template: Id | None = None
    format: Literal["xlsx", "pdf"]


class JobOut(Schema):
    job: int
    url: str


def _template_out(t) -> dict[str, Any]:
    return {"id": t.pk, "name": t.name, "builtin": t.subdistrict_id is None, "from_xlsx": bool(t.layout),
            "columns": [{k: str(v) for k, v in c.items()} for c in t.columns]}


def _template(request: HttpRequest, pk: int | None, action: Action):
    if pk is None:
        return require_reports(request.user, action=action), reports.template_national()
    return access_template(request.user, pk, action=action)


@router.get("/queries", response=list[QueryOut])
def queries(request: HttpRequest):
    """Every query a report column may name (nothing else can run in a template)."""
    require_reports(request.user, action=Action.VIEW)
    return [{"key": q.key, "label": q.zh, "unit": q.unit, "places": q.places, "numeric": q.numeric} for q in REGISTRY.values()]


@router.get("/templates", response=list[TemplateOut])
def templates(request: HttpRequest):
    subdistrict = require_reports(request.user, action=Action.VIEW)
    reports.template_national()
    return [_template_out(t) for t in templates_for(subdistrict)]


@router.post("/templates", response={201: TemplateOut})
def template_save(request: HttpRequest, body: TemplateIn):
    """Save the office's own template (columns naming registered queries); an unknown query is a 400."""
    subdistrict = require_reports(request.user, action=Action.EDIT)
    saved = reports.template_save(subdistrict=subdistrict, name=body.name, columns=[c.dict() for c in body.columns],
                                  actor=Actor.of(request.user))
    return Status(201, _template_out(saved))


@router.get("/{year}/{month}", response=dict[str, Any])
def month_figures(request: HttpRequest, year: Year, month: Month, template: Id | None = None):
    """The month's figures: as submitted (frozen) if it was, else live; with the change against the last month sent."""
    subdistrict, found = _template(request, template, Action.VIEW)
    return reports.figures(template=found, subdistrict=subdistrict, year=year, month=month)


@router.post("/{year}/{month}/submit", response={201: dict[str, Any]})
def month_submit(request: HttpRequest, year: Year, month: Month, body: SubmitIn):
    """报送: freeze the month. A month already submitted is a 409."""
    subdistrict, found = _template(request, body.template, Action.EDIT)
    reports.submit(template=found, subdistrict=subdistrict, year=year, month=month, compiled_by=body.compiled_by,
                   filled_by=body.filled_by, reviewed_by=body.reviewed_by, actor=Actor.of(request.user))
    return Status(201, reports.figures(template=found, subdistrict=subdistrict, year=year, month=month))


@router.post("/{year}/{month}/export", response={202: JobOut})
def month_export(request: HttpRequest, year: Year, month: Month, body: ExportIn):
    """The month's xlsx or PDF, made by a background job; `url` is the job's page (progress, then the file)."""
    subdistrict, found = _template(request, body.template, Action.EDIT)
    job = jobs_core.job_start(kind=report_jobs.EXPORT, label=f"{year}年{month}月改造月报（{body.format}）",
                              actor=Actor.of(request.user), subdistrict_id=subdistrict.pk,
                              params={"subdistrict_id": subdistrict.pk, "template_id": found.pk, "year": year,
                                      "month": month, "format": body.format})
    return Status(202, {"job": job.pk, "url": reverse("core:job", args=[job.pk])})
