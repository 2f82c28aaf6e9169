"""The open roster work of one user (我的待办): imports of theirs that failed and were not redone."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from anju.core.models import Job, JobStatus
from anju.core.work import OPEN, WorkItem
from anju.roster.jobs import IMPORT
from anju.roster.models import Household

if TYPE_CHECKING:
    from anju.core.access import User

FAILED_IMPORT = "failed_import"
KEEP_DAYS = 14  # a failed import older than this is history, not today's work


def _failed() -> Q:
    """A job that failed, or an import that finished with problems (nothing of the file was imported)."""
    return Q(status=JobStatus.FAILED) | Q(status=JobStatus.DONE, result__problems__gt=0)


def failed_jobs(user: User, kind: str, now: datetime.datetime | None = None) -> list[Job]:
    """The user's own jobs of `kind` that failed within `KEEP_DAYS` days and that no later clean job of
    theirs of the same kind has redone (jobs are private to who started them, see core.views.job)."""
    user_id: int | None = getattr(user, "pk", None)
    if user_id is None or not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    mine = Job.objects.filter(actor_id=user_id, kind=kind)
    redone = mine.filter(pk__gt=OuterRef("pk"), status=JobStatus.DONE).exclude(result__problems__gt=0)
    return list(
        mine.filter(_failed(), created__gte=now - datetime.timedelta(days=KEEP_DAYS))
        .exclude(Exists(redone))
        .order_by("created", "id")
    )


def open_work(user: User, now: datetime.datetime | None = None) -> list[WorkItem]:
    items = []
    for job in failed_jobs(user, IMPORT, now):
        problems = (job.result or {}).get("problems") or 0
        items.append(
            WorkItem(
                FAILED_IMPORT,
                job.pk,
                FAILED_IMPORT,
                f"导入未成功：{job.params.get('name', '')}",
                f"Import not done: {job.params.get('name', '')}",
                reverse("roster:transfer_job", args=[job.pk]),
                None,
                OPEN,
                since=timezone.localdate(job.created),
                detail_zh=f"{problems} 处问题，整份未导入" if problems else "导入出错，整份未导入",
                detail_en=f"{problems} problems; nothing was imported"
                if problems
                else "The import failed; nothing was imported",
                subdistrict_id=job.subdistrict_id,
            )
        )
    return items


def subdistrict_has_households(subdistrict_id: int) -> bool:
    """Whether any household of the sub-district is in the roster (the first step of a new office)."""
    return Household.objects.filter(unit__building__compound__subdistrict_id=subdistrict_id).exists()
