"""Roster import and export pages: upload, dry run with every problem, confirm, template, export.

Both the dry run and the import run as background jobs; the page polls their progress with htmx,
so a large file never meets a request timeout.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anju.core import jobs
from anju.core.audit import Actor
from anju.core.errors import AnjuError
from anju.core.models import Job, JobStatus
from anju.core.scoping import scope_of
from anju.roster import jobs as roster_jobs
from anju.roster.access import Action, access_import_job, require_importer
from anju.roster.exporter import LEVELS, export_target, write_template
from anju.roster.importer import pause_minutes

MAX_UPLOAD = 200 * 1024 * 1024  # bytes; a million-row CSV is about 120 MB
PROBLEMS_PER_PAGE = 50
_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".txt"}


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """The upload form; a POST stores the file and starts its dry run."""
    scope = require_importer(request.user)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or Path(upload.name).suffix.lower() not in _SUFFIXES:
            raise AnjuError("请选择一个 xlsx 或 CSV 文件。", "Please choose an xlsx or CSV file.", field="file")
        if upload.size > MAX_UPLOAD:
            raise AnjuError("文件太大（不超过200 MB）。", "The file is too large (200 MB at most).", field="file")
        relative = Path("roster-imports") / secrets.token_hex(12) / f"upload{Path(upload.name).suffix.lower()}"
        path = Path(settings.MEDIA_ROOT) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        job = jobs.job_start(
            kind=roster_jobs.IMPORT, label=f"试导入 {upload.name}", actor=Actor.of(request.user),
            params={"path": str(relative), "name": upload.name[:120], "dry_run": True,
                    "create_missing": request.POST.get("create_missing") == "on"},
            subdistrict_id=scope.subdistrict_id,
        )
        return redirect("roster:transfer_job", job.pk)
    recent = Job.objects.filter(actor=request.user, kind=roster_jobs.IMPORT)[:5]
    return render(request, "roster/transfer/upload.html", {"scope": scope, "recent": recent})


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A dry run's or an import's progress, then its summary and problems (paged)."""
    job = access_import_job(request.user, pk, action=Action.VIEW)
    template = "roster/transfer/_status.html" if request.headers.get("HX-Request") else "roster/transfer/job.html"
    problems = Paginator(roster_jobs.read_problems(job), PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    progress = roster_jobs.read_progress(job)
    done, total = progress.get("done", 0), progress.get("total", 0)
    percent = 100 if job.status == JobStatus.DONE else (min(99, done * 100 // total) if total else 0)
    result = job.result or {}
    return render(request, template, {
        "job": job, "result": result, "problems": problems, "done": done, "total": total,
        "percent": percent, "dry_run": job.params.get("dry_run", True), "pause_minutes": pause_minutes(result),
    })


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """确认导入: apply the file of a clean dry run, as a new job."""
    dry = access_import_job(request.user, pk, action=Action.EDIT)
    result = dry.result or {}
    if not dry.params.get("dry_run") or dry.status != JobStatus.DONE or result.get("problems"):
        raise AnjuError("只能确认一次没有问题的试导入。", "Only a dry run without problems can be confirmed.")
    scope = scope_of(request.user)
    job = jobs.job_start(
        kind=roster_jobs.IMPORT, label=f"导入 {dry.params.get('name', '')}", actor=Actor.of(request.user),
        params={**dry.params, "dry_run": False, "confirms": dry.pk}, subdistrict_id=scope.subdistrict_id,
    )
    return redirect("roster:transfer_job", job.pk)


@login_required
def template(request: HttpRequest) -> HttpResponse:
    """The empty template with an example row and a sheet explaining each column."""
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E4%BD%8F%E6%88%B7%E5%8F%B0%E8%B4%A6%E6%A8%A1%E6%9D%BF.xlsx"
    buffer = io.BytesIO()
    write_template(buffer)
    response.write(buffer.getvalue())
    return response


@login_required
@require_POST
def export(request: HttpRequest, level: str, pk: int) -> HttpResponse:
    """Export a scope as a background job; the job page offers the xlsx when it is done."""
    if level not in LEVELS:
        raise Http404
    scope = scope_of(request.user)
    target = export_target(scope, level, pk)
    job = jobs.job_start(
        kind=roster_jobs.EXPORT, label=f"导出 {target.name}", actor=Actor.of(request.user),
        params={"level": level, "pk": pk, "name": target.name}, subdistrict_id=scope.subdistrict_id,
    )
    return redirect("core:job", job.pk)
