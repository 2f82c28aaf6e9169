from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from anju.core.models import Job


def _job_for(request: HttpRequest, pk: int) -> Job:
    jobs = Job.objects.all() if request.user.is_superuser else Job.objects.filter(actor=request.user)
    return get_object_or_404(jobs, pk=pk)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's page; while it runs, the status block polls itself."""
    job = _job_for(request, pk)
    template = "core/_job_status.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_for(request, pk)
    if not job.output:
        raise Http404
    path = (Path(settings.MEDIA_ROOT) / job.output).resolve()
    if not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()) or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.output_name)
