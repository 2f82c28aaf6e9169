"""Pages of the programme: plans and projects, stages, items' progress, inspections from a phone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core import jobs as jobs_core
from anju.core.access import require_edit
from anju.core.audit import Actor
from anju.core.bounds import parse_id
from anju.core.errors import ValidationFailed
from anju.core.exports import export_made, provenance_for
from anju.core.pages import attempt
from anju.core.scoping import scope_of
from anju.programme import forms, jobs, queries, services, sheets
from anju.programme.access import (
    Action,
    access_attachment,
    access_inspection,
    access_item,
    access_photo,
    access_project,
    access_stage,
    may_follow_up,
    require_subdistrict_editor,
)
from anju.programme.models import AnnualPlan, InspectionStatus, Item, ProjectKind, StageKind
from anju.programme.photos import MAX_PHOTOS


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    year, stage = parse_id(request.GET.get("year")), request.GET.get("stage") or None
    kind = request.GET.get("kind") or None
    projects = queries.projects_for(scope, year=year, stage=stage, kind=kind,
                                    community_id=parse_id(request.GET.get("community")),
                                    compound_id=parse_id(request.GET.get("compound")))
    page = Paginator(projects, 100).get_page(request.GET.get("page"))
    overdue_ids = set(queries.overdue_stages(scope).filter(project_id__in=[p.pk for p in page]).values_list("project_id", flat=True))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "programme/index.html", {
        "plans": AnnualPlan.objects.within(scope), "projects": page, "page": page, "query": query.urlencode(), "year": year, "stage": stage, "kind": kind,
        "stages": StageKind.choices, "kinds": ProjectKind.choices, "overdue_ids": overdue_ids,
        "can_edit": scope.can_edit,
    })


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_project(request.user, pk, action=Action.VIEW)
    scope = scope_of(request.user)
    items = queries.item_rows(node)
    chinese = (get_language() or "zh-hans").startswith("zh")
    results = {row.item.pk: [(i.field, i.zh if chinese else i.en, i.unit, getattr(row.item, i.field))
                             for i in queries.INDICATORS] for row in items}
    return render(request, "programme/project.html", {
        "node": node, "items": items, "stages": queries.stages_of(node), "results": results,
        "funding": queries.funding_by_source(node),
        "inspections": node.inspections.prefetch_related("photos")[:20], "can_edit": scope.can_edit,
        "stage_weights": services.rules.STAGE_WEIGHTS, "today": timezone.localdate(),
    })


@login_required
@require_POST
def item_progress(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request.user, pk, action=Action.EDIT)
    form = forms.ProgressForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed("进度应为 0 到 100 的整数", "Progress must be a whole number from 0 to 100", field="progress")
    services.item_set_progress(item=item, percent=form.cleaned_data["progress"], actor=Actor.of(request.user))
    return redirect("programme:project", pk=item.project_id)


@login_required
@require_POST
def item_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The item's result indicators (成效指标) from the project page; a bad value is a 400 naming it."""
    item = access_item(request.user, pk, action=Action.EDIT)
    values = {i.field: request.POST[i.field] for i in queries.INDICATORS if i.field in request.POST}
    services.item_results_set(item=item, values=values, actor=Actor.of(request.user))
    messages.success(request, _("成效指标已保存"))
    return redirect("programme:project", pk=item.project_id)


@login_required
@require_POST
def stage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stage = access_stage(request.user, pk, action=Action.EDIT)
    form = forms.StageForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed("日期格式无效", "Invalid date", field="planned_end")
    services.stage_update(stage=stage, actor=Actor.of(request.user), **form.cleaned_data)
    return redirect("programme:project", pk=stage.project_id)


@login_required
@require_POST
def stage_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    stage = access_stage(request.user, pk, action=Action.EDIT)
    form = forms.SignOffForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed("请填写实际完成日期", "Give the actual end date", field="actual_end")
    services.stage_sign_off(stage=stage, actual_end=form.cleaned_data["actual_end"], actor=Actor.of(request.user))
    return redirect("programme:project", pk=stage.project_id)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    stage = access_stage(request.user, pk, action=Action.EDIT)
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationFailed("请选择文件", "Choose a file", field="file")
    if upload.size > services.ATTACHMENT_MAX_BYTES:
        raise ValidationFailed("附件超过 20 MB", "The attachment is larger than 20 MB", field="file")
    services.attachment_add(stage=stage, name=upload.name, data=upload.read(), actor=Actor.of(request.user))
    return redirect("programme:project", pk=stage.project_id)


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    att = access_attachment(request.user, pk, action=Action.VIEW)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type)


@login_required
def progress_upload(request: HttpRequest) -> HttpResponse:
    """Bulk progress from an xlsx (project / item / progress%): every bad row listed, all or nothing."""
    scope = require_edit(request.user)
    context: dict = {"errors": [], "updated": None}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationFailed("请选择文件", "Choose a file", field="file")
            rows = sheets.read_progress_sheet(upload.read())
            context["updated"] = services.progress_bulk_update(scope=scope, rows=rows, actor=Actor.of(request.user))
        except services.BulkProgressFailed as exc:
            context["errors"] = [e.message(get_language()) for e in exc.errors]
            context["summary"] = exc.message(get_language())
        except ValidationFailed as exc:
            context["errors"] = [exc.message(get_language())]
        status = 400 if context["errors"] else 200
        return render(request, "programme/progress_upload.html", context, status=status)
    return render(request, "programme/progress_upload.html", context)


@login_required
def progress_template(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    year = parse_id(request.GET.get("year"))
    items = Item.objects.filter(project__in=queries.projects_for(scope, year=year)).select_related("project")
    rows = [(i.project.name, i.name, i.progress) for i in items.order_by("project_id", "id")]
    actor = Actor.of(request.user)
    provenance = provenance_for(actor=actor, title="progress.xlsx", details={"年度 Year": year or "—", "行数 Rows": len(rows)})
    data = sheets.progress_template(rows, provenance=provenance)
    export_made(actor=actor, provenance=provenance, obj=None, subdistrict_id=scope.subdistrict_id,
                facts={"rows": len(rows)})
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="progress.xlsx"'
    return response


@login_required
def inspection_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A mobile-first form: supervisors and volunteers of the compound record what they saw, with photos."""
    node = access_project(request.user, pk, action=Action.VIEW)
    form = forms.InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        photos = [(f.name, f.read()) for f in request.FILES.getlist("photos")[:MAX_PHOTOS + 1]]
        inspection = services.inspection_create(project=node, photos=photos, actor=Actor.of(request.user), **form.cleaned_data)
        messages.success(request, _("检查记录已保存"))
        return redirect("programme:inspection", pk=inspection.pk)
    return render(request, "programme/inspection_form.html", {"node": node, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    record = access_inspection(request.user, pk, action=Action.EDIT if request.method == "POST" else Action.VIEW)
    form = forms.FollowUpForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.inspection_follow_up(inspection=record, actor=Actor.of(request.user), **form.cleaned_data)
            return redirect("programme:inspection", pk=record.pk)
    return render(request, "programme/inspection.html", {
        "record": record, "form": form, "may_follow_up": may_follow_up(request.user, record) and record.status != InspectionStatus.CLOSED,
        "photos": record.photos.all(), "steps": record.follow_ups.all(),
    })


@login_required
@require_POST
def inspection_photos(request: HttpRequest, pk: int) -> HttpResponse:
    """More photos for an inspection not yet closed (e.g. of the rectified site), by whoever may follow it up."""
    record = access_inspection(request.user, pk, action=Action.EDIT)
    files = request.FILES.getlist("photos")
    attempt(request, lambda: services.inspection_photos_add(
        inspection=record, photos=[(f.name, f.read()) for f in files[:MAX_PHOTOS + 1]],
        keep_location=request.POST.get("keep_location") == "on", actor=Actor.of(request.user),
    ), done=lambda added: _("已添加 %(n)s 张照片") % {"n": len(added)})
    return redirect("programme:inspection", pk=record.pk)


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """Photos are served through the scope check, not from a public media URL."""
    record = access_photo(request.user, pk, action=Action.VIEW)
    return FileResponse(record.image.open("rb"), content_type="image/jpeg")


@login_required
@require_POST
def beneficiaries_refresh(request: HttpRequest) -> HttpResponse:
    """Recompute every project's households, people and areas from the roster, as a background job."""
    scope = require_subdistrict_editor(request.user)
    job = jobs_core.job_start(kind=jobs.REFRESH, label=_("按摸底台账更新受益人数"), actor=Actor.of(request.user),
                              params={"subdistrict_id": scope.subdistrict_id}, subdistrict_id=scope.subdistrict_id)
    return redirect("core:job", job.pk)
