"""Background work of the programme: recompute every project's roster snapshot after roster changes (an import)."""

from __future__ import annotations

from anju.core import jobs
from anju.programme import services
from anju.programme.models import Project

REFRESH = "programme.beneficiaries_refresh"


@jobs.handler(REFRESH)
def beneficiaries_refresh(job, progress) -> dict:
    projects = Project.objects.order_by("id")
    if job.params["subdistrict_id"] is not None:  # None: a superuser's refresh of every sub-district
        projects = projects.filter(subdistrict_id=job.params["subdistrict_id"])
    projects = list(projects)
    for done, project in enumerate(projects, start=1):
        services.project_refresh(project)
        progress(done, len(projects))
    progress(len(projects), len(projects), force=True)
    return {"projects": len(projects)}
