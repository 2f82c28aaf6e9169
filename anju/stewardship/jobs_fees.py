"""The manager's payments file as a background job, as the roster import is: the upload is read and
checked, then written all or nothing; the problems (room codes and receipts) stay in the job's
result, which only the uploader sees. The upload is deleted when the job ends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from anju.core import jobs
from anju.core.audit import Actor
from anju.core.models import Job
from anju.roster.models import Compound
from anju.stewardship.services import fees as fee_services

IMPORT = "stewardship.fee_import"
PROBLEMS_KEPT = 1000


@jobs.handler(IMPORT)
def run_import(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """params: path (under MEDIA_ROOT), name (as uploaded), compound."""
    source = Path(settings.MEDIA_ROOT) / job.params["path"]
    try:
        result = fee_services.payments_import(compound=Compound.objects.get(pk=job.params["compound"]), source=source,
                                              actor=Actor.of(job.actor), label=job.params.get("name", ""))
    finally:
        source.unlink(missing_ok=True)
        if source.parent != Path(settings.MEDIA_ROOT) and source.parent.exists() and not any(source.parent.iterdir()):
            source.parent.rmdir()
    progress(result.rows, result.rows, force=True)
    return {**result.summary(), "compound": job.params["compound"],
            "problem_list": [{"row": p.row, "column": p.column, "zh": p.zh, "en": p.en}
                             for p in result.problems[:PROBLEMS_KEPT]]}
