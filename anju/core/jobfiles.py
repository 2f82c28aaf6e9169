"""The files jobs leave under MEDIA_ROOT (exports, letters, problem reports, waiting uploads) expire.

They hold personal data outside the database, so they are kept only as long as needed:
`ANJU_JOB_FILE_DAYS` after the job ended (default 7), then `purge_expired()` deletes them; the
job page then says the file has expired. `anju purge-files` runs it (daily, from `anju serve`'s
task side or a systemd timer).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from anju.core.models import Job

JOBS_FOLDER = "jobs"  # jobs/<pk>/: a job's download and its side files (problems.json, progress.json)
# Uploads a job reads later (a clean dry run waits for 确认导入 with its file kept).
UPLOAD_FOLDERS = ("roster-imports",)


@dataclass(frozen=True)
class Purged:
    folders: int  # folders deleted
    jobs: int  # jobs whose download expired


def retention() -> timedelta:
    return timedelta(days=settings.ANJU_JOB_FILE_DAYS)


def expires(job: Job) -> datetime | None:
    """When the job's files will be deleted (None while it has not ended)."""
    return job.finished + retention() if job.finished else None


def purge_expired(*, now: datetime | None = None) -> Purged:
    """Delete every job folder and waiting upload older than the retention period; returns what went."""
    now = now or timezone.now()
    cutoff = now - retention()
    root = Path(settings.MEDIA_ROOT)
    folders = 0
    jobs_root = root / JOBS_FOLDER
    if jobs_root.is_dir():
        entries = {entry.name: entry for entry in jobs_root.iterdir() if entry.is_dir()}
        ids = [int(name) for name in entries if name.isdigit()]
        finished = dict(Job.objects.filter(pk__in=ids).values_list("pk", "finished"))
        for name, entry in entries.items():
            pk = int(name) if name.isdigit() else None
            ended = finished.get(pk) if pk is not None else None
            # A folder without a finished job (deleted, or killed half-way) goes by its own age.
            if (ended or _modified(entry)) < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                folders += 1
    for folder in UPLOAD_FOLDERS:
        uploads = root / folder
        if uploads.is_dir():
            for entry in uploads.iterdir():
                if _modified(entry) < cutoff:
                    if entry.is_dir():
                        shutil.rmtree(entry, ignore_errors=True)
                    else:
                        entry.unlink(missing_ok=True)
                    folders += 1
    # Every job that ended before the cutoff has lost its file now (or had it deleted by hand before):
    # its page says the file expired instead of offering a dead link.
    jobs = Job.objects.filter(finished__lt=cutoff).exclude(output="").update(output="")
    return Purged(folders=folders, jobs=jobs)


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone())
