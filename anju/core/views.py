from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from anju.core import jobfiles, jobs
from anju.core.errors import Gone
from anju.core.models import Job, JobStatus


def _job_for(request: HttpRequest, pk: int) -> Job:
    jobs_seen = Job.objects.all() if request.user.is_superuser else Job.objects.filter(actor=request.user)
    return get_object_or_404(jobs_seen, pk=pk)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's page; while it runs, the status block polls itself."""
    job = _job_for(request, pk)
    if job.status == JobStatus.RUNNING and jobs.reap_interrupted():
        job.refresh_from_db()
    template = "core/_job_status.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": job, "expires": jobfiles.expires(job), "days": settings.ANJU_JOB_FILE_DAYS})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """A job's file, to the user who started the job and nobody else (a superuser neither: letters carry codes)."""
    job = get_object_or_404(Job.objects.filter(actor=request.user), pk=pk)
    if job.output_expired:
        raise Gone(f"这个文件已在 {settings.ANJU_JOB_FILE_DAYS} 天保留期满后删除，请重新生成。",
                   f"This file was deleted when its {settings.ANJU_JOB_FILE_DAYS}-day retention ended; please make it again.")
    if not job.output:
        raise Http404
    path = (Path(settings.MEDIA_ROOT) / job.output).resolve()
    if not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()) or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.output_name)
